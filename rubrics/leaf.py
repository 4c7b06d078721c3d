"""One leaf re-scored, with what the score rests on: the report's figures, the warehouse, or a reading.

A leaf's rule is scored from the figures the report itself states wherever it states them — the
evaluation's money and persons, a survey rate, a 实际完成值. Rosters and standards are read where
the report states nothing, and as a second opinion where it does: that opinion is kept only when
the warehouse's figure is not the report's within the report's own rounding. A leaf whose rule
rests on a reading of ambiguous words is also scored under each other reading the rubric names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rubrics.metrics import METRICS, Facts, Value, from_warehouse, measure, rounding_of, stated
from rubrics.model import Indicator, Rule
from rubrics.ranges import EPSILON, percent
from rubrics.rules import rounded, score

TOLERANCE = 0.005  # reports write scores to 2 decimals
BASES = ("report", "reading", "warehouse")
BASIS_WORDS = {"report": "报告数字", "reading": "解读", "warehouse": "仓库数据"}


@dataclass(frozen=True)
class Scored:
    """A rule scored once: the score, the figures it came from, and whose figures they are."""

    score: float | None
    inputs: dict[str, object] = field(default_factory=dict)
    reason: str = ""  # why there is no score
    basis: str = "report"  # report | warehouse
    synthetic: bool = False  # warehouse rows that are synthetic demo data
    second: Scored | None = None  # the warehouse's own figure, where the report's was used and they disagree


def same(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= TOLERANCE


def differs(reported: float | None, recomputed: float | None) -> bool:
    """Both are there and not the same to the cent (a missing score differs from nothing)."""
    return reported is not None and recomputed is not None and abs(reported - recomputed) > TOLERANCE


def score_rule(rule: Rule, facts: Facts, actual: str, reported: float | None) -> Scored:
    """Score a computable rule (or a manual one: the report's score stands) for this evaluation."""
    if rule.kind == "parts":
        return _parts([score_rule(part, facts, actual, None) for part in rule.parts])
    if rule.kind == "manual" or rule.metric is None:
        return Scored(reported, {}, "" if reported is not None else "报告未给得分")
    if not from_warehouse(rule.metric):
        return _from_value(rule, measure(rule, facts, actual))
    figure = measure(rule, facts, actual)
    warehouse = _from_value(rule, figure)
    own = stated(rule, facts, actual)
    if own is not None:
        primary = _from_value(rule, own)
        if warehouse.score is not None and _disagree(own.value, figure.value, actual, facts, rule):
            return replace(primary, second=_second_opinion(warehouse, actual))
        return primary
    if rule.kind == "yes_no" and actual and reported is not None:
        # A yes/no question the report answers in words: its answer is the score it gave.
        answer = Scored(reported, {"报告的回答": actual})
        if warehouse.score is not None and not same(warehouse.score, reported):
            return replace(answer, second=_second_opinion(warehouse, actual))
        return answer
    return warehouse


def _from_value(rule: Rule, value: Value) -> Scored:
    common = {"basis": value.basis, "synthetic": value.synthetic}
    if value.value is None:
        return Scored(None, dict(value.inputs), value.reason, **common)
    inputs = dict(value.inputs) | {METRICS[rule.metric or ""][0]: shown_value(rule, value.value)}
    got = score(rule, value.value)
    if got is None:
        return Scored(None, inputs, f"{shown_value(rule, value.value)} 不在任何分档内", **common)
    return Scored(got, inputs, **common)


def _disagree(own: float | None, warehouse: float | None, actual: str, facts: Facts, rule: Rule) -> bool:
    if own is None or warehouse is None:
        return False
    return abs(own - warehouse) > rounding_of(actual, facts, rule.metric or "") + EPSILON


def _second_opinion(warehouse: Scored, actual: str) -> Scored:
    return replace(warehouse, inputs={"报告的实际完成值": actual} | warehouse.inputs)


def _parts(scored: list[Scored]) -> Scored:
    """A parts rule: the sum of its parts; a warehouse part makes it rest on the warehouse."""
    inputs: dict[str, object] = {}
    for index, part in enumerate(scored, start=1):
        named = {f"第{index}分项·{key}": value for key, value in part.inputs.items()}
        if part.score is None:
            return Scored(None, inputs | named, f"第 {index} 分项：{part.reason}", part.basis, part.synthetic)
        inputs |= named | {f"第{index}分项得分": part.score}
    basis = "warehouse" if any(part.basis == "warehouse" for part in scored) else "report"
    synthetic = any(part.synthetic for part in scored)
    total = Scored(rounded(sum(part.score or 0.0 for part in scored)), inputs, "", basis, synthetic)
    if not any(part.second for part in scored):
        return total
    seconds = [part.second or part for part in scored]
    second = Scored(rounded(sum(part.score or 0.0 for part in seconds)), inputs, "", "warehouse", synthetic)
    return replace(total, second=second)


def shown_value(rule: Rule, value: float) -> str | float:
    """Rates as percentages (91.79%), plain figures as they are."""
    plain = rule.metric in ("standard_level", "benefit_per_person_month", "late_months") or (
        rule.metric == "reported_actual" and rule.test is not None and not rule.test.is_percent
    )
    return rounded(value) if plain else percent(value)


@dataclass(frozen=True)
class LeafCheck:
    """A leaf as reported, as re-scored (None: kept as reported) and under each other reading."""

    indicator: Indicator
    reported: float | None
    scored: Scored | None
    alternatives: tuple[tuple[str, Scored], ...] = ()

    @property
    def recomputed(self) -> float | None:
        return None if self.scored is None else self.scored.score

    @property
    def rests_on_reading(self) -> bool:
        """The re-score differs from the report, and another reading gives the report's score."""
        return (
            self.recomputed is not None
            and not same(self.recomputed, self.reported)
            and any(same(other.score, self.reported) for _, other in self.alternatives)
        )

    @property
    def basis(self) -> str:
        """What a difference of this leaf rests on: report | reading | warehouse ("" where it is kept)."""
        if self.recomputed is None:
            return ""
        assert self.scored is not None
        if self.scored.basis == "warehouse":
            return "warehouse"
        return "reading" if self.rests_on_reading else "report"

    @property
    def second(self) -> Scored | None:
        return None if self.scored is None else self.scored.second

    def value(self, bases: frozenset[str]) -> float | None:
        """The leaf's score when only the differences resting on `bases` are taken (report is always taken)."""
        if self.recomputed is None:
            return self.reported
        if "warehouse" in bases and self.second is not None:
            return self.second.score
        return self.recomputed if self.basis in bases else self.reported


def check_leaf(indicator: Indicator, row: dict, facts: Facts) -> LeafCheck:
    """Re-score a leaf whose rule the warehouse or the report's figures can compute; keep the others."""
    rule = indicator.rule
    assert rule is not None
    reported, actual = row.get("score"), row.get("actual") or ""
    if not rule.computable:
        return LeafCheck(indicator, reported, None)
    scored = score_rule(rule, facts, actual, reported)
    alternatives = tuple(
        (other.reading, score_rule(other.rule, facts, actual, reported)) for other in indicator.alternatives
    )
    return LeafCheck(indicator, reported, scored, alternatives)
