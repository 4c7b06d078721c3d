"""Synthetic score sheets for the demo: each seed evaluation's rubric, scored for other years.

A seed score sheet (docs/formats.md, "Evaluation score sheet") gives one real evaluation.
The grade-trend page needs a run of years, so for every other year we write a sheet with
the same indicator tree and points, scored the way that report scores (whole points, half
points, or rate × points for survey indicators), marked `synthetic` and evaluated by
「演示数据」. Nothing here is random at run time: every draw comes from a
`random.Random` seeded with the county code and year, so the same seeds always give the
same bytes.

The story the years tell: a county improves steadily (each year before the seed lost
`_YEARLY_GAIN` more points than the seed, each year after it lost that much fewer), and
`STORY` adds the turns a steady trend cannot show, such as a year that slips a grade.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

HEADER = (
    "县区代码", "项目", "年度", "评价类型", "评价机构", "总分", "等级",
    "预算安排（万元）", "实际到位（万元）", "实际支出（万元）", "计划保障人数", "数据来源",
    "一级指标", "二级指标", "三级指标", "四级指标",
    "分值", "得分", "年度指标值", "实际完成值", "说明",
)  # fmt: skip
_EVALUATION_COLUMNS = HEADER[:12]
_LEVEL_COLUMNS = HEADER[12:16]
_PROGRAMS = {"农村": "rural", "城市": "urban", "城乡": "all"}
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
        return _PROGRAMS[self.evaluation["项目"]]


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
    missing = [name for name in HEADER if _header_key(name) not in positions]
    if missing:
        raise ValueError(f"{path.name}: 缺少列 {'、'.join(missing)}")
    if len(rows) < 2:
        raise ValueError(f"{path.name}: 没有指标行")

    def cell(row: list[str], name: str) -> str:
        index = positions[_header_key(name)]
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
    )
    return SeedSheet(source=path, evaluation=evaluation, indicators=indicators)


def write_synthetic_evaluations(
    seed_dir: Path, out_dir: Path, *, years: Iterable[int] = range(2019, 2025)
) -> list[Path]:
    """For each seed evaluation, write score sheets for the other years (same rubric tree),
    marked synthetic."""
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
            _write_sheet(path, synthetic_sheet(seed, year))
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
        rows.append([*lead, *levels, row.points, score, row.target, "", note])
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
