"""Re-check a reported evaluation against its rubric: every computable leaf, subtotal, total, grade.

The reported score sheet is matched to the rubric indicator by indicator (names or aliases,
level by level). Computable leaves are rescored from warehouse metrics; the others keep the
reported score, which is still checked against what its rule can give. Subtotals are the
sums of their children's recomputed scores, added up as the 评分 page adds them (rubrics/engine.py).
A *difference* is a recomputed value that is not the reported one; a *problem* is a fault of the
sheet or the rubric itself (subtotals that do not add up, points not summing to 100, a grade word
that is not a grade, a band the report's words leave empty).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from sqlalchemy.engine import Engine

from rubrics.engine import Tally, tally
from rubrics.load import library, rubric_for
from rubrics.metrics import METRICS, Facts, measure
from rubrics.model import RULE_LABELS, Indicator, Rubric, Rule
from rubrics.ranges import percent
from rubrics.rules import possible_scores, rounded, score
from warehouse import read
from warehouse.vocabulary import KIND_WORDS

TOLERANCE = 0.005  # reports write scores to 2 decimals
TOTAL = "合计"
GRADE = "等级"


@dataclass(frozen=True)
class Difference:
    indicator: str
    reported: float | str | None
    recomputed: float | str | None
    rule: str
    inputs: dict[str, object]
    scoring: str = ""  # the rubric's 评分规则 as written

    def as_json(self) -> dict[str, object]:
        found = {"indicator": self.indicator, "reported": self.reported, "recomputed": self.recomputed}
        return found | {"rule": self.rule, "scoring": self.scoring, "inputs": self.inputs}


@dataclass(frozen=True)
class Line:
    """One indicator of the side-by-side table: reported and recomputed, and how."""

    path: str
    depth: int
    points: float
    reported: float | None
    recomputed: float | None
    how: str  # 重算 | 保留报告值 | 无法重算 | 下级合计
    rule: str = ""
    inputs: dict[str, object] = field(default_factory=dict)
    reason: str = ""

    @property
    def differs(self) -> bool:
        return _differs(self.reported, self.recomputed)


@dataclass
class EvaluationCheck:
    evaluation_id: int
    county: str
    county_name: str
    year: int
    program: str
    kind: str
    source: str
    rubric: str = ""
    reported_total: float | None = None
    recomputed_total: float | None = None
    reported_grade: str = ""
    recomputed_grade: str | None = None
    differences: list[Difference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def unchecked(self) -> list[Line]:
        return [line for line in self.lines if line.how == "无法重算"]

    def as_json(self) -> dict[str, object]:
        return {
            "county": self.county,
            "county_name": self.county_name,
            "year": self.year,
            "program": self.program,
            "kind": self.kind,
            "source": self.source,
            "rubric": self.rubric,
            "reported_total": self.reported_total,
            "recomputed_total": self.recomputed_total,
            "reported_grade": self.reported_grade,
            "recomputed_grade": self.recomputed_grade,
            "differences": [difference.as_json() for difference in self.differences],
            "problems": self.problems,
            "unchecked": [{"indicator": line.path, "reason": line.reason} for line in self.unchecked],
        }

    def lines_frame(self) -> pl.DataFrame:
        """The side-by-side table of the 指标得分 page."""
        return pl.DataFrame(
            {
                "path": [line.path for line in self.lines],
                "depth": [line.depth for line in self.lines],
                "points": [line.points for line in self.lines],
                "reported": [line.reported for line in self.lines],
                "recomputed": [line.recomputed for line in self.lines],
                "differs": [line.differs for line in self.lines],
                "how": [line.how for line in self.lines],
                "rule": [line.rule for line in self.lines],
                "inputs": [_inputs_text(line.inputs) for line in self.lines],
                "reason": [line.reason for line in self.lines],
            },
            schema={
                "path": pl.String,
                "depth": pl.Int64,
                "points": pl.Float64,
                "reported": pl.Float64,
                "recomputed": pl.Float64,
                "differs": pl.Boolean,
                "how": pl.String,
                "rule": pl.String,
                "inputs": pl.String,
                "reason": pl.String,
            },
        )


def _differs(reported: float | None, recomputed: float | None) -> bool:
    return reported is not None and recomputed is not None and abs(reported - recomputed) > TOLERANCE


def _inputs_text(inputs: dict[str, object]) -> str:
    return "；".join(f"{key}：{_show(value)}" for key, value in inputs.items())


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def check_evaluations(
    engine: Engine, *, county: str | None = None, year: int | None = None, program: str | None = None
) -> list[EvaluationCheck]:
    """Re-check every stored evaluation matching the filters, in county and year order."""
    evaluations = read.evaluations(engine, counties=[county] if county else None, year=year)
    if program:
        evaluations = evaluations.filter(pl.col("program") == program)
    names = dict(read.counties(engine).select("code", "name").iter_rows())
    return [
        check_evaluation(engine, row, county_name=names.get(row["county_code"], row["county_code"]))
        for row in evaluations.iter_rows(named=True)
    ]


def check_by_id(engine: Engine, evaluation_id: int) -> EvaluationCheck | None:
    """Re-check the stored evaluation with this id (None if there is none)."""
    evaluations = read.evaluations(engine, ids=[evaluation_id])
    if evaluations.is_empty():
        return None
    row = evaluations.row(0, named=True)
    county = read.counties(engine, codes=[row["county_code"]])
    return check_evaluation(engine, row, county_name=county["name"][0] if county.height else row["county_code"])


def check_evaluation(engine: Engine, evaluation: dict, *, county_name: str = "") -> EvaluationCheck:
    """Re-check one evaluation (a row of `read.evaluations`)."""
    result = EvaluationCheck(
        evaluation_id=evaluation["id"],
        county=evaluation["county_code"],
        county_name=county_name,
        year=evaluation["year"],
        program=evaluation["program"],
        kind=KIND_WORDS.get(evaluation["kind"], evaluation["kind"]),
        source=evaluation.get("source") or "",
        reported_total=evaluation["total_score"],
        reported_grade=evaluation["grade"] or "",
    )
    rubric = rubric_for(county=result.county, program=result.program, year=result.year)
    if rubric is None:
        result.problems.append("没有适用于此评价的指标体系（rubrics/ 中无对应文件），无法重算")
        return result
    result.rubric = rubric.id
    sheet = read.indicator_scores(engine, evaluation_ids=[result.evaluation_id])
    facts = Facts(engine, result.county, result.program, result.year, evaluation=dict(evaluation))
    _Recheck(rubric, sheet, facts, result).run()
    return result


class _Recheck:
    def __init__(self, rubric: Rubric, sheet: pl.DataFrame, facts: Facts, result: EvaluationCheck):
        self.rubric, self.facts, self.result = rubric, facts, result
        self.rows = {row["path"]: row for row in sheet.iter_rows(named=True)}
        self.matched: dict[str, dict] = {}  # rubric key → sheet row

    def run(self) -> None:
        self._match()
        leaves = {leaf.key: self._leaf_line(leaf) for leaf in self.rubric.leaves}
        recomputed = tally(self.rubric, {key: line.recomputed for key, line in leaves.items()})
        # Deepest first: the problems of a sheet are listed from its leaves up to its level-1 subtotals.
        for indicator in sorted(self.rubric.indicators, key=lambda i: -i.depth):
            if indicator.rule is None:
                self._subtotal(indicator, recomputed)
            else:
                self._leaf(indicator, leaves[indicator.key])
        order = {indicator.key: position for position, indicator in enumerate(self.rubric.indicators)}
        self.result.lines.sort(key=lambda line: order[line.path])
        self.result.differences.sort(key=lambda d: order.get(d.indicator, len(order)))
        self._total(recomputed)
        self.result.problems.extend(f"指标体系：{problem}" for problem in self.rubric.problems)

    # matching ---------------------------------------------------------------------------------
    def _match(self) -> None:
        for path, row in self.rows.items():
            indicator = self.rubric.find(tuple(path.split("/")))
            if indicator is None:
                if row["points"] is not None or row["score"] is not None:
                    self.result.problems.append(f"得分表中的「{path}」不在指标体系「{self.rubric.name}」中")
                continue
            self.matched[indicator.key] = row
            if row["points"] is not None and abs(row["points"] - indicator.points) > TOLERANCE:
                self.result.problems.append(
                    f"「{indicator.key}」得分表分值 {row['points']:g}，指标体系分值 {indicator.points:g}"
                )
        for indicator in self.rubric.leaves:
            if indicator.key not in self.matched and indicator.points > 0:
                self.result.problems.append(f"指标体系中的「{indicator.key}」在得分表中没有得分")

    # scoring ----------------------------------------------------------------------------------
    def _leaf_line(self, indicator: Indicator) -> Line:
        """The leaf recomputed from its metric where it can be, else its reported score kept, and why."""
        rule = indicator.rule
        assert rule is not None
        row = self.matched.get(indicator.key, {})
        reported = row.get("score")
        line = Line(indicator.key, indicator.depth, indicator.points, reported, reported, "保留报告值", rule.describe())
        if rule.computable:
            recomputed, inputs, reason = self._rescore(rule, row.get("actual") or "")
            if recomputed is None:
                return Line(**{**line.__dict__, "how": "无法重算", "inputs": inputs, "reason": reason})
            return Line(**{**line.__dict__, "recomputed": recomputed, "how": "重算", "inputs": inputs})
        if reported is None and indicator.points == 0:
            return Line(**{**line.__dict__, "reason": "0 分的指标（报告只列目标与完成值）"})
        if reported is None:
            return Line(**{**line.__dict__, "how": "无法重算", "reason": "评价人员判断的指标，报告未给得分"})
        return Line(**{**line.__dict__, "reason": f"{RULE_LABELS[rule.kind]}，不重算"})

    def _leaf(self, indicator: Indicator, line: Line) -> None:
        assert indicator.rule is not None
        self._check_reported(indicator, indicator.rule, line.reported)
        if line.differs:  # only a recomputed score can differ: a kept one is the reported score
            self._difference(indicator.key, line.reported, line.recomputed, line.rule, line.inputs, indicator.scoring)
        self.result.lines.append(line)

    def _rescore(self, rule: Rule, actual: str) -> tuple[float | None, dict[str, object], str]:
        if rule.kind == "parts":
            total, inputs = 0.0, {}
            for index, part in enumerate(rule.parts, start=1):
                got, part_inputs, reason = self._rescore(part, actual)
                if got is None:
                    return None, inputs, f"第 {index} 分项：{reason}"
                total += got
                inputs |= part_inputs | {f"第{index}分项得分": got}
            return rounded(total), inputs, ""
        value = measure(rule, self.facts, actual)
        if value.value is None:
            return None, value.inputs, value.reason
        inputs = dict(value.inputs) | {METRICS[rule.metric or ""][0]: _as_shown(rule, value.value)}
        got = score(rule, value.value)
        if got is None:
            return None, inputs, f"{_as_shown(rule, value.value)} 不在任何分档内"
        return got, inputs, ""

    def _check_reported(self, indicator: Indicator, rule: Rule, reported: float | None) -> None:
        if reported is None:
            return
        if reported < -TOLERANCE or reported > indicator.points + TOLERANCE:
            self.result.problems.append(f"「{indicator.key}」得分 {reported:g} 超出分值 0–{indicator.points:g}")
            return
        allowed = possible_scores(rule)
        if allowed is not None and not any(abs(reported - option) <= TOLERANCE for option in allowed):
            options = "、".join(f"{option:g}" for option in sorted(allowed))
            self.result.problems.append(
                f"「{indicator.key}」得分 {reported:g} 不是评分规则能给出的分数（可能的得分：{options}）"
            )

    def _subtotal(self, indicator: Indicator, recomputed: Tally) -> None:
        children = self.rubric.children(indicator.path)
        reported = self.matched.get(indicator.key, {}).get("score")
        reported_children = [self._reported_sum(child) for child in children]
        if reported is not None and all(value is not None for value in reported_children):
            total = rounded(sum(reported_children))
            if abs(total - reported) > TOLERANCE:
                self.result.problems.append(f"「{indicator.key}」报告小计 {reported:g}，但下级报告得分合计 {total:g}")
        subtotal = recomputed.so_far[indicator.key]
        inputs = {child.name: recomputed.so_far[child.key] for child in children}
        rule = "下级指标重算得分之和"
        self.result.lines.append(
            Line(indicator.key, indicator.depth, indicator.points, reported, subtotal, "下级合计", rule, inputs)
        )
        if _differs(reported, subtotal):
            self._difference(indicator.key, reported, subtotal, rule, inputs)

    def _reported_sum(self, indicator: Indicator) -> float | None:
        """The reported score, or for a group the report left blank, the sum of what it reports below."""
        reported = self.matched.get(indicator.key, {}).get("score")
        if reported is not None or indicator.rule is not None:
            return reported
        below = [self._reported_sum(child) for child in self.rubric.children(indicator.path)]
        return None if any(value is None for value in below) else rounded(sum(below))

    def _total(self, recomputed: Tally) -> None:
        result, rubric = self.result, self.rubric
        level1 = [i for i in rubric.indicators if i.depth == 1]
        result.recomputed_total = recomputed.total
        reported_level1 = [self._reported_sum(i) for i in level1]
        inputs = {i.name: recomputed.so_far[i.key] for i in level1}
        if result.reported_total is None:
            result.problems.append(f"报告没有总分（重算为 {recomputed.total:g}）")
        else:
            if all(value is not None for value in reported_level1):
                total = rounded(sum(reported_level1))
                if abs(total - result.reported_total) > TOLERANCE:
                    result.problems.append(f"报告总分 {result.reported_total:g}，但一级指标报告得分合计 {total:g}")
            if _differs(result.reported_total, recomputed.total):
                self._difference(TOTAL, result.reported_total, recomputed.total, "一级指标重算得分之和", inputs)
        self._grade(recomputed)

    def _grade(self, recomputed: Tally) -> None:
        result, rubric = self.result, self.rubric
        result.recomputed_grade = recomputed.grade
        words = [band.grade for band in rubric.grades]
        bands = "、".join(f"{band.grade} {band.range.text}" for band in rubric.grades)
        on_100 = "" if recomputed.on_100 == recomputed.total else f"（按得分率折算为百分制：{recomputed.on_100:.2f}）"
        rule = f"等级区间：{bands}{on_100}"
        reported = result.reported_grade
        if not reported:
            result.problems.append("报告没有等级")
            return
        if reported not in words:
            result.problems.append(f"报告等级「{reported}」不是等级（{'、'.join(words)}）")
        elif reported != result.recomputed_grade:
            inputs = {"重算总分": recomputed.total}
            self._difference(GRADE, reported, result.recomputed_grade, rule, inputs)
        if result.reported_total is not None and reported in words:
            by_reported = rubric.grade(result.reported_total)
            if by_reported != reported:
                total = f"{result.reported_total:g}"
                result.problems.append(f"报告总分 {total} 按等级区间应为「{by_reported}」，报告写作「{reported}」")

    def _difference(self, indicator, reported, recomputed, rule, inputs, scoring: str = "") -> None:
        self.result.differences.append(Difference(indicator, reported, recomputed, rule, dict(inputs), scoring))


def _as_shown(rule: Rule, value: float) -> str | float:
    """Rates as percentages (91.79%), plain figures as they are."""
    rate_metric = rule.metric not in ("standard_level", "benefit_per_person_month", "late_months") and not (
        rule.metric == "reported_actual" and rule.test is not None and not rule.test.is_percent
    )
    return percent(value) if rate_metric else rounded(value)


__all__ = ["EvaluationCheck", "check_by_id", "check_evaluation", "check_evaluations", "library"]
