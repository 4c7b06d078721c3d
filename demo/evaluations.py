"""Synthetic score sheets for the demo: each seed evaluation's rubric, scored for other years.

A seed score sheet (docs/formats.md, "Evaluation score sheet") gives one real evaluation.
The grade-trend page needs a run of years, so for every other year we write a sheet with
the same indicator tree and points, marked `synthetic` and evaluated by 「演示数据」.
Nothing here is random at run time: every draw comes from a `random.Random` seeded with
the county code and year, so the same seeds (and the same warehouse) always give the same
bytes.

The story the years tell: a county improves steadily (each year before the seed lost
`_YEARLY_GAIN` more points than the seed, each year after it lost that much fewer), and
`STORY` adds the turns a steady trend cannot show, such as a year that slips a grade.
`synthetic_sheet` writes that story on the seed's own tree, scored the way the report
scores (whole points, half points, or rate × points for survey indicators).

Where a rubric (rubrics/*.toml) applies to the county and year and a warehouse is given, the
sheet is scored *by the rubric* instead (`rubric_scored`): every leaf the warehouse can compute
takes the computed score, every question left for the evaluator is answered from the story
(the story's score snapped to one the rule allows; a survey rate drawn from the seeded random
stream and scored by the rule), the answers are nudged so the total stays as close to the
story's as the rules allow (never giving back what a `STORY` chapter took from its focus), and
the total and grade are the rubric's. `dibao rubric check` then reproduces every score.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from rubrics.load import rubric_for
from rubrics.metrics import Facts, reported_number
from rubrics.model import Rubric
from rubrics.ranges import Range, Test
from rubrics.rules import MAX_COMBINATIONS, rounded
from rubrics.score import SHEET_HEADER as HEADER
from rubrics.score import AnswerError, Draft, Question, Scored, draft, sheet_rows, write_sheet
from warehouse.vocabulary import EVALUATED_PROGRAMS, EVALUATION_KINDS

_EVALUATION_COLUMNS = HEADER[:12]
_LEVEL_COLUMNS = HEADER[12:16]
_TARGET_NAME = "绩效指标"  # the column after the levels: set on a report's performance-target rows
_DEMO_MARK = "演示数据"
_SOURCE = "synthetic"

_YEARLY_GAIN = Decimal("1.5")  # points a county gains on the rubric each year
_LEAF_CAP = Decimal(2) / 3  # a leaf rarely loses more than two thirds of its points
_FOCUS_SHARE = Decimal("0.6")  # share of a story year's lost points that falls on its focus
_DEDUCTION_STEPS = (1, 1, 2, 2, 3, 4)  # one deduction, in rubric steps: mostly small
_SURVEY_RATES = (850, 975)  # ‰ range of a rate-scored indicator (知晓率, 满意度)

# Ministry of Finance grade bands (项目支出绩效评价管理办法, 财预〔2020〕10号), on 100 points.
_GRADE_BANDS = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"))
# Conclusion words of a self-assessment that states no total (seed 000: 「评价结论：好」),
# on the share of the rubric's points.
_CONCLUSION_BANDS = ((Decimal("0.9"), "好"), (Decimal("0.8"), "较好"), (Decimal("0.6"), "一般"))


Node = tuple[str, ...]  # an indicator's path: 一级指标, 二级指标, …


@dataclass(frozen=True)
class Chapter:
    """A year that leaves the steady trend: its target total, and where the points are lost."""

    total: Decimal
    focus: str = ""  # an indicator name; most lost points fall on the leaves under it


# Keyed by (county code, year). Totals are on the rubric's own points.
STORY: dict[tuple[str, int], Chapter] = {
    # 湛江经开区 scored its 2022 timeliness in full while reporting a 60 % on-time rate
    # (target ≥ 90 %). In 2023 the self-evaluation docks 完成进度, where that indicator sits,
    # and the county slips from 优 to 良; by 2024 it is back.
    ("440840", 2023): Chapter(Decimal(87), focus="完成进度"),
    ("440840", 2024): Chapter(Decimal(93)),
}


@dataclass(frozen=True)
class Indicator:
    """One row of a score sheet's indicator part, with its cells as written."""

    path: Node
    points: str
    score: str
    target: str


@dataclass(frozen=True)
class SeedSheet:
    """A seed score sheet: its evaluation-level cells (first data row) and its indicator rows."""

    source: Path
    evaluation: dict[str, str]
    indicators: tuple[Indicator, ...]

    @property
    def code(self) -> str:
        return self.evaluation["县区代码"]

    @property
    def year(self) -> int:
        return int(self.evaluation["年度"])

    @property
    def program(self) -> str:
        return EVALUATED_PROGRAMS[self.evaluation["项目"]]


def grade(total: Decimal) -> str:
    """Grade a 100-point total by the Ministry of Finance bands: 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, 差."""
    return next((word for floor, word in _GRADE_BANDS if total >= floor), "差")


def conclusion(share: Decimal) -> str:
    """Word a self-assessment's conclusion from the share of points scored: 好, 较好, 一般, 较差."""
    return next((word for floor, word in _CONCLUSION_BANDS if share >= floor), "较差")


def read_seed(path: Path) -> SeedSheet:
    """Read a score sheet (UTF-8, with or without BOM, or GB18030) into its cells and rows."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    rows = [row for row in csv.reader(io.StringIO(text, newline="")) if any(map(str.strip, row))]
    if not rows:
        raise ValueError(f"{path.name}: 文件为空")
    positions = {_header_key(name): index for index, name in enumerate(rows[0])}
    missing = [name for name in HEADER if _header_key(name) not in positions and name != _TARGET_NAME]
    if missing:
        raise ValueError(f"{path.name}: 缺少列 {'、'.join(missing)}")
    if len(rows) < 2:
        raise ValueError(f"{path.name}: 没有指标行")

    def cell(row: list[str], name: str) -> str:
        index = positions.get(_header_key(name), len(row))
        return row[index].strip() if index < len(row) else ""

    evaluation = {name: cell(rows[1], name) for name in _EVALUATION_COLUMNS}
    indicators = tuple(
        Indicator(
            path=_path(cell(row, name) for name in _LEVEL_COLUMNS),
            points=cell(row, "分值"),
            score=cell(row, "得分"),
            target=cell(row, "年度指标值"),
        )
        for row in rows[1:]
        if not cell(row, _TARGET_NAME)  # a performance-target row is the report's, not a year's score
    )
    return SeedSheet(source=path, evaluation=evaluation, indicators=indicators)


def write_synthetic_evaluations(
    seed_dir: Path, out_dir: Path, *, years: Iterable[int] = range(2019, 2025), engine: Engine | None = None
) -> list[Path]:
    """For each seed evaluation, write score sheets for the other years (same rubric tree),
    marked synthetic.

    With a warehouse (`engine`), a county-year a rubric applies to is scored by that rubric
    (`rubric_scored`, which reads the year's rosters and standards: load them first); without
    one, or where no rubric applies, the sheet is the story on the seed's tree (`synthetic_sheet`).
    """
    sheets = [read_seed(path) for path in sorted(Path(seed_dir).glob("*.csv"))]
    seeds = [sheet for sheet in sheets if sheet.evaluation["数据来源"] != _SOURCE]
    covered = {(seed.code, seed.program, seed.year) for seed in seeds}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in seeds:
        for year in sorted(set(years)):
            if (seed.code, seed.program, year) in covered:
                continue  # a real evaluation exists for that year: never replace it
            path = out_dir / f"{seed.code}_{year}_{seed.program}.csv"
            rubric = rubric_for(county=seed.code, program=seed.program, year=year) if engine is not None else None
            if rubric is None:
                _write_sheet(path, synthetic_sheet(seed, year))
            else:
                scored, facts = rubric_scored(seed, year, rubric, engine)
                write_scored_sheet(path, seed, year, scored, facts)
            written.append(path)
    return written


def synthetic_sheet(seed: SeedSheet, year: int) -> list[list[str]]:
    """Build the rows (header first) of the seed's rubric scored for another year."""
    units = _scored_units(seed)
    scores = _score_units(seed, units, year)
    full = sum((Decimal(unit.points) for unit in units), Decimal(0))

    def value(node: Node) -> Decimal:
        return sum((scores[unit.path] for unit in units if _under(unit.path, node)), Decimal(0))

    level_one = dict.fromkeys(row.path[:1] for row in seed.indicators)
    total = sum((value(node) for node in level_one), Decimal(0))
    if not seed.evaluation["等级"]:
        reported_grade = ""
    elif seed.evaluation["总分"]:
        reported_grade = grade(total * 100 / full)
    else:
        reported_grade = conclusion(total / full)

    evaluation = dict(seed.evaluation) | _funds(seed, year)
    evaluation |= {
        "年度": str(year),
        "评价机构": _DEMO_MARK,
        "总分": f"{total:.2f}" if seed.evaluation["总分"] else "",
        "等级": reported_grade,
        "数据来源": _SOURCE,
    }
    first = [evaluation[name] for name in _EVALUATION_COLUMNS]
    rows = [list(HEADER)]
    for index, row in enumerate(seed.indicators):
        if not row.score:
            score = ""
        elif any(_under(unit.path, row.path) for unit in units):
            score = _format(value(row.path), like=row.score)
        else:
            score = row.score  # scored without points: nothing to vary, keep as reported
        levels = list(row.path) + [""] * (len(_LEVEL_COLUMNS) - len(row.path))
        lead = first if index == 0 else [""] * len(_EVALUATION_COLUMNS)
        note = _DEMO_MARK if index == 0 else ""
        rows.append([*lead, *levels, "", row.points, score, row.target, "", note])
    return rows


def _scored_units(seed: SeedSheet) -> list[Indicator]:
    """Rows that carry their own score: points and a score, and no scored row beneath them."""
    scored = [row for row in seed.indicators if row.score]
    return [
        row
        for row in scored
        if row.points and not any(other.path != row.path and _under(other.path, row.path) for other in scored)
    ]


def _score_units(seed: SeedSheet, units: list[Indicator], year: int) -> dict[Node, Decimal]:
    """Score every unit for the year so that the total lands on the year's target."""
    rng = random.Random(f"{seed.code}-{year}")
    points = {unit.path: Decimal(unit.points) for unit in units}
    seed_scores = {unit.path: Decimal(unit.score) for unit in units}
    full = sum(points.values(), Decimal(0))
    chapter = STORY.get((seed.code, year))
    if chapter:
        lost = full - chapter.total
    else:
        seed_lost = full - sum(seed_scores.values(), Decimal(0))
        lost = max(Decimal(0), seed_lost + _YEARLY_GAIN * (seed.year - year))

    scores = dict(points)
    rated = [path for path in points if not _on_step(seed_scores[path], Decimal("0.5"))]
    for path in rated:  # a rate-scored indicator (知晓率, 满意度) scores points × rate, to the cent
        rate = Decimal(rng.randint(*_SURVEY_RATES)) / 1000
        scores[path] = (points[path] * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)
        lost -= points[path] - scores[path]
    step = _step(units)

    def deduct(paths: list[Node], amount: Decimal) -> Decimal:
        """Take `amount` off in steps, weighted to large leaves and to the seed's weak spots."""
        taken = Decimal(0)
        for cap in (_LEAF_CAP, Decimal(1)):  # spare a leaf's last third unless nothing else is left
            while taken < amount:
                floor_of = {path: points[path] - max(step, _floor(points[path] * cap, step)) for path in paths}
                room = {path: scores[path] - floor_of[path] for path in paths}
                open_paths = [path for path in paths if room[path] >= step]
                if not open_paths:
                    break
                weights = [float(3 * points[path] - 2 * seed_scores[path]) for path in open_paths]
                path = rng.choices(open_paths, weights=weights)[0]
                cut = min(step * rng.choice(_DEDUCTION_STEPS), amount - taken, _floor(room[path], step))
                scores[path] -= cut
                taken += cut
        return taken

    stepped = [path for path in points if path not in rated]
    remaining = _floor(lost, step)
    if chapter and chapter.focus:
        focus = [path for path in stepped if chapter.focus in path]
        remaining -= deduct(focus, _floor(remaining * _FOCUS_SHARE, step))
    deduct(stepped, remaining)
    return scores


def _funds(seed: SeedSheet, year: int) -> dict[str, str]:
    """Budget, arrived, spent and planned persons: the seed's, trending; blank stays blank."""
    trend = random.Random(f"{seed.code}-trend")
    growth = 1 + Decimal(trend.randint(25, 60)) / 1000  # budgets rise with the standards
    shrink = 1 - Decimal(trend.randint(10, 35)) / 1000  # recipient rolls thin out
    rng = random.Random(f"{seed.code}-{year}-funds")
    years = year - seed.year
    wobble = 1 + Decimal(rng.randint(-10, 10)) / 1000

    def seed_value(name: str) -> Decimal | None:
        text = seed.evaluation[name].replace(",", "")
        return Decimal(text) if text else None

    budget, arrived, spent = (seed_value(name) for name in HEADER[7:10])
    persons = seed_value("计划保障人数")
    factor = growth**years * wobble
    out: dict[str, Decimal | None] = {}
    out["预算安排（万元）"] = budget * factor if budget is not None else None
    out["实际到位（万元）"] = _follow(arrived, budget, out["预算安排（万元）"], factor, rng)
    base, base_now = (arrived, out["实际到位（万元）"]) if arrived is not None else (budget, out["预算安排（万元）"])
    out["实际支出（万元）"] = _follow(spent, base, base_now, factor, rng)
    out["计划保障人数"] = persons * shrink**years * wobble if persons is not None else None
    return {name: "" if value is None else _to_places(value, like=seed.evaluation[name]) for name, value in out.items()}


def _follow(
    value: Decimal | None,
    base: Decimal | None,
    base_now: Decimal | None,
    factor: Decimal,
    rng: random.Random,
) -> Decimal | None:
    """Keep a figure's ratio to its base (到位率, 执行率) within ±1.5 points of the seed's.

    The ratio never exceeds 100 % unless the seed's did.
    """
    if value is None:
        return None
    if base is None or base_now is None or base == 0:
        return value * factor
    ratio = value / base
    ratio = min(ratio + Decimal(rng.randint(-15, 15)) / 1000, max(ratio, Decimal(1)))
    return base_now * ratio


# --- scored by the rubric ---------------------------------------------------------------------

_FIGURES = {
    "budget_wan": "预算安排（万元）",
    "arrived_wan": "实际到位（万元）",
    "spent_wan": "实际支出（万元）",
    "planned_persons": "计划保障人数",
}
_SURVEY_METRICS = ("satisfaction_rate", "awareness_rate")
_SURVEY_RATE_DRAW = (8500, 9750)  # ‱ range of a survey rate (85–97.5 %)
_PERCENT_REACH = 0.05  # how far from a test's threshold a reported rate is drawn
_FIGURE_COLUMN = {name: HEADER.index(name) for name in (*_FIGURES.values(), "年度指标值")}
_SCORE_COLUMN = HEADER.index("得分")
_LEVELS_AT = slice(HEADER.index("一级指标"), HEADER.index("四级指标") + 1)


def rubric_scored(seed: SeedSheet, year: int, rubric: Rubric, engine: Engine) -> tuple[Scored, Facts]:
    """Score the seed's rubric for `year`: computed leaves from the warehouse, the rest from the story.

    The story is `synthetic_sheet(seed, year)`: its evaluation figures (budget, arrived, spent,
    planned persons) are the facts the metrics read, and its leaf scores are the answers to the
    questions the warehouse cannot decide, snapped to a score the rule allows. The answers are
    then nudged, one allowed step at a time, to keep the total near the story's total.
    """
    story = synthetic_sheet(seed, year)
    cells = dict(zip(HEADER, story[1], strict=True))
    facts = Facts(engine, seed.code, seed.program, year, evaluation=evaluation_figures(cells))
    drafted = draft(rubric, facts)
    chapter = STORY.get((seed.code, year))
    answers = _Answers(
        drafted,
        _story_scores(rubric, story[1:]),
        step=float(_step(_scored_units(seed))),
        rng=random.Random(f"{seed.code}-{year}-rubric"),
        focus=chapter.focus if chapter else "",
    )
    return drafted.complete(answers.solve()), facts


def evaluation_figures(cells: dict[str, str]) -> dict[str, object]:
    """The evaluation-level figures `Facts.evaluation` reads, from a sheet's first-row cells.

    Parsed as the evaluation loader parses them (万元 as floats, persons as an integer), so the
    metrics a draft computes are those `dibao rubric check` recomputes from the stored evaluation.
    Blank cells are left out.
    """
    figures: dict[str, object] = {}
    for key, column in _FIGURES.items():
        text = cells.get(column, "").replace(",", "").strip()
        if text:
            figures[key] = int(Decimal(text)) if key == "planned_persons" else float(text)
    return figures


def write_scored_sheet(path: Path, seed: SeedSheet, year: int, scored: Scored, facts: Facts) -> Path:
    """Write a rubric-scored synthetic evaluation (`rubrics.score.sheet_rows`: source synthetic,
    evaluator 「演示数据」, the seed's kind), keeping the story's figures as the seed writes them
    (7207.20, not 7207.2) and the seed's 年度指标值 for the indicators it states one for."""
    kind = EVALUATION_KINDS[seed.evaluation["评价类型"]]
    rows = sheet_rows(scored, facts=facts, kind=kind, evaluator=_DEMO_MARK, source=_SOURCE)
    figures = _funds(seed, year)
    for name in _FIGURES.values():
        rows[0][_FIGURE_COLUMN[name]] = figures[name]
    targets = _seed_targets(scored.rubric, seed)
    for row in rows:
        indicator = scored.rubric.find(_path(row[_LEVELS_AT]))
        if indicator is not None and indicator.key in targets:
            row[_FIGURE_COLUMN["年度指标值"]] = targets[indicator.key]
    return write_sheet(path, rows)


def _seed_targets(rubric: Rubric, seed: SeedSheet) -> dict[str, str]:
    targets = {}
    for row in seed.indicators:
        indicator = rubric.find(row.path)
        if indicator is not None and row.target:
            targets[indicator.key] = row.target
    return targets


def _story_scores(rubric: Rubric, rows: list[list[str]]) -> dict[str, float]:
    """Each rubric leaf's score in the story sheet (a leaf the story does not score keeps its points)."""
    found: dict[str, float] = {}
    for row in rows:
        indicator = rubric.find(_path(row[_LEVELS_AT]))
        if indicator is not None and indicator.rule is not None and row[_SCORE_COLUMN]:
            found[indicator.key] = min(max(float(row[_SCORE_COLUMN]), 0.0), indicator.points)
    return {leaf.key: found.get(leaf.key, leaf.points) for leaf in rubric.leaves}


Choice = tuple[float, object]  # (score, the answer that gives it)


class _Answers:
    """Answer a draft's questions from the story: per leaf, then nudged toward the story's total."""

    def __init__(self, drafted: Draft, story: dict[str, float], *, step: float, rng: random.Random, focus: str):
        self.drafted, self.story, self.step, self.rng, self.focus = drafted, story, step, rng, focus
        self.choices: dict[str, list[Choice]] = {}  # every allowed answer by score (survey rates: none)
        self.chosen: dict[str, Choice] = {}

    def solve(self) -> dict[str, object]:
        by_leaf: dict[str, list[Question]] = {}
        for question in self.drafted.questions:
            by_leaf.setdefault(question.indicator, []).append(question)
        for leaf in self.drafted.rubric.leaves:
            if leaf.key in by_leaf:
                self._leaf(leaf.key, by_leaf[leaf.key])
        self._settle()
        return {key: answer for key, (_, answer) in self.chosen.items()}

    # one leaf -----------------------------------------------------------------------------------
    def _leaf(self, key: str, questions: list[Question]) -> None:
        computed = sum(c.score for k, c in self.drafted.computed.items() if k == key or k.startswith(f"{key}#"))
        wanted = self.story[key] - computed
        asked = sum(q.points for q in questions) or 1.0
        for question in questions:
            if question.kind == "value":
                self.chosen[question.key] = self._value(question, wanted * question.points / asked)
        wanted -= sum(self.chosen[q.key][0] for q in questions if q.kind == "value")
        others = [q for q in questions if q.kind != "value"]
        for question in others:
            self.choices[question.key] = self._choices(question)
        if len(others) == 1 and others[0].kind == "score":  # a free score: the story's own, within the points
            question = others[0]
            score = rounded(min(max(wanted, 0.0), question.points))
            self.choices[question.key] = sorted({*self.choices[question.key], (score, score)})
            self.chosen[question.key] = (score, score)
            return
        self._split(others, wanted)

    def _split(self, questions: list[Question], wanted: float) -> None:
        """The allowed answers whose scores add up nearest to `wanted` (ties: the higher sum, then drawn)."""
        if not questions:
            return
        options = [self.choices[q.key] for q in questions]
        if math.prod(len(o) for o in options) > MAX_COMBINATIONS:  # too many: each its share
            asked = sum(q.points for q in questions) or 1.0
            for question, choices in zip(questions, options, strict=True):
                self.chosen[question.key] = _nearest(choices, wanted * question.points / asked)
            return
        combinations = list(itertools.product(*options))
        sums = [rounded(sum(score for score, _ in combination)) for combination in combinations]
        best = min(sums, key=lambda total: (abs(total - wanted), -total))
        tied = [combination for combination, total in zip(combinations, sums, strict=True) if total == best]
        for question, choice in zip(questions, self.rng.choice(tied), strict=True):
            self.chosen[question.key] = choice

    def _choices(self, question: Question) -> list[Choice]:
        """Every answer a (non-value) question allows, one per score, lowest score first."""
        if question.kind == "yes_no":
            answers: list[object] = [False, True]
        elif question.kind == "items":
            per_item = question.per_item or 1.0
            answers = list(range(int(question.points / per_item + 1e-9) + 2))
        elif question.kind == "options":
            answers = list(question.options)
        else:  # a free score: the report's steps, and the full points
            steps = int(question.points / self.step + 1e-9)
            answers = [rounded(n * self.step) for n in range(steps + 1)] + [question.points]
        by_score: dict[float, object] = {}
        for answer in answers:
            by_score.setdefault(question.score(answer), answer)
        return sorted(by_score.items(), key=lambda choice: choice[0])

    def _value(self, question: Question, wanted: float) -> Choice:
        """A reported figure: a survey rate drawn from the story's random stream, or (实际完成值) the
        plausible figure whose score is nearest the story's, which `_settle` may move like an answer."""
        if question.rule is not None and question.rule.metric in _SURVEY_METRICS:
            rate = self.rng.randint(*_SURVEY_RATE_DRAW) / 10_000
            choice = _reported(question, rate)
            if choice is not None:
                return choice
        by_score: dict[float, Choice] = {}
        for value in self._candidates(question):
            if (choice := _reported(question, value)) is not None:
                by_score.setdefault(choice[0], choice)
        if not by_score:
            raise AnswerError(f"「{question.indicator}」{question.text}：找不到可用的演示数值")
        self.choices[question.key] = sorted(by_score.values(), key=lambda choice: choice[0])
        return _nearest(self.choices[question.key], wanted)

    def _candidates(self, question: Question) -> list[float]:
        """One plausible figure per score the rule gives: a value drawn inside each band, or one
        that meets the test and one that does not."""
        rule = question.rule
        assert rule is not None
        if rule.kind == "bands":
            ranges = [band.range for band in rule.bands]
        elif rule.kind == "yes_no" and rule.test is not None:
            ranges = _sides(rule.test)
        else:  # ratio or deduction on a reported figure: a rate, or a small count
            ranges = [_range(0.85, 1.0) if question.percent else _range(0.0, 3.0)]
        edges = [edge for span in ranges for edge in (span.low, span.high) if not math.isinf(edge)]
        is_rate = question.percent or (rule.kind == "bands" and all(0 <= edge <= 1 for edge in edges))
        return [value for value in (self._inside(span, is_rate) for span in ranges) if value is not None]

    def _inside(self, span: Range, is_rate: bool) -> float | None:
        """A value drawn inside the range: rates (at most 100 % where the range allows) to 0.01 %,
        other figures whole where the range's edges are."""
        low, high = span.low, span.high
        if math.isinf(low):
            low = high - (_PERCENT_REACH if is_rate else max(2.0, abs(high) * 0.1))
        if math.isinf(high):
            high = low + (_PERCENT_REACH if is_rate else max(2.0, abs(low) * 0.1))
        if is_rate:
            low, high = max(low, 0.0), min(high, max(low, 1.0))
        places = 4 if is_rate or low != int(low) or high != int(high) else 0
        drawn = round(low + (high - low) * self.rng.random(), places)
        return next((value for value in (drawn, low, high, (low + high) / 2) if value in span), None)

    # the total ------------------------------------------------------------------------------------
    def _settle(self) -> None:
        """Move answers one allowed step at a time while that brings the total nearer the story's:
        take from the leaves that kept most, give back to those that lost least, and never give
        back to the leaves a story chapter docks."""
        target = sum(self.story.values())
        priority = {key: self.rng.random() for key in self.choices}
        while True:
            residual = target - sum(c.score for c in self.drafted.computed.values())
            residual -= sum(score for score, _ in self.chosen.values())
            moves = []
            for key, choices in self.choices.items():
                position = choices.index(self.chosen[key])
                step = position + (1 if residual > 0 else -1)
                if not 0 <= step < len(choices) or (residual > 0 and self.focus and self.focus in key):
                    continue
                change = choices[step][0] - choices[position][0]
                if abs(residual - change) < abs(residual) - 1e-9:
                    points = choices[-1][0] or 1.0
                    moves.append((-choices[position][0] / points, priority[key], key, choices[step]))
            if not moves:
                return
            _, _, key, choice = min(moves)
            self.chosen[key] = choice


def _nearest(choices: list[Choice], wanted: float) -> Choice:
    return min(choices, key=lambda choice: (abs(choice[0] - wanted), -choice[0]))


def _reported(question: Question, value: float) -> Choice | None:
    """The figure as the sheet will write it and the check read it back, and its score; None where
    the rule gives it none."""
    shown = question.shown(value)
    figure = reported_number(shown, wants_percent=question.percent)
    if figure is None:
        return None
    try:
        return question.score(figure), figure
    except AnswerError:
        return None


def _sides(test: Test) -> list[Range]:
    """A range of figures that meets the test and one that does not, near its threshold."""
    t = test.threshold
    reach = _PERCENT_REACH if test.is_percent else max(2.0, abs(t) * 0.1)
    top = max(t, 1.0) if test.is_percent else t + reach
    above, below = min(t + reach, top), max(t - reach, 0.0)
    sides = {
        ">=": (_range(t, max(above, t)), _range(below, t, high_included=False)),
        ">": (_range(t, max(above, t), low_included=False), _range(below, t)),
        "<=": (_range(below, t), _range(t, t + reach, low_included=False)),
        "<": (_range(below, t, high_included=False), _range(t, t + reach)),
        "=": (_range(t, t), _range(below, t, high_included=False)),
        "==": (_range(t, t), _range(below, t, high_included=False)),
        "!=": (_range(below, t, high_included=False), _range(t, t)),
    }
    return list(sides[test.symbol])


def _range(low: float, high: float, *, low_included: bool = True, high_included: bool = True) -> Range:
    return Range(low, high, low_included, high_included, "")


def _write_sheet(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _step(units: list[Indicator]) -> Decimal:
    """The report's own granularity: whole points, unless it scores or weighs in halves."""
    cells = [Decimal(row.points) for row in units] + [Decimal(row.score) for row in units]
    return Decimal(1) if all(_on_step(cell, Decimal(1)) for cell in cells) else Decimal("0.5")


def _on_step(value: Decimal, step: Decimal) -> bool:
    return value % step == 0


def _floor(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of step (never below zero)."""
    return max(Decimal(0), (value / step).to_integral_value(ROUND_FLOOR) * step)


def _to_places(value: Decimal, *, like: str) -> str:
    """Round to the seed cell's decimal places (7207.20 → 2, 118.0785 → 4, 13000 → 0)."""
    places = _decimals(like)
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):.{places}f}"


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _format(value: Decimal, *, like: str) -> str:
    """Write a score as the seed's cell does: padded (19.50) if it pads, else minimal."""
    exponent = value.normalize().as_tuple().exponent
    needed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    fixed = _decimals(like) if like.endswith("0") and "." in like else 0
    return f"{value:.{max(fixed, needed)}f}"


def _under(path: Node, node: Node) -> bool:
    """Whether `path` is `node` itself or lies beneath it."""
    return path[: len(node)] == node


def _path(levels: Iterable[str]) -> Node:
    path: list[str] = []
    for name in levels:
        if not name:
            break
        path.append(name)
    return tuple(path)


def _header_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())
