"""The figures rubrics score on, computed per county, programme and year from the warehouse.

Each metric returns its value with the inputs it came from (shown beside every recomputed
score, so a person can redo the arithmetic) or the reason it cannot be computed. Definitions
are in docs/rubrics.md; they follow the rubrics' own formulas, which is why there are two
execution rates.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import polars as pl
from sqlalchemy.engine import Engine

from rubrics.model import Rule
from rubrics.targets import Target, actual_value, decimals
from warehouse import read
from warehouse.frames.on_time import TARGET as ON_TIME_TARGET
from warehouse.vocabulary import PROGRAM_WORDS


@dataclass(frozen=True)
class Value:
    value: float | None
    inputs: dict[str, object] = field(default_factory=dict)
    reason: str = ""  # why there is no value
    basis: str = "report"  # report: figures the evaluation states | warehouse: rosters or standards
    synthetic: bool = False  # the warehouse rows behind it are synthetic demo data


def missing(reason: str) -> Value:
    return Value(None, reason=reason)


@dataclass
class Facts:
    """What the warehouse knows of one county's programme in one year, read once per evaluation."""

    engine: Engine
    county: str
    program: str  # rural | urban | all
    year: int
    evaluation: dict[str, object] = field(default_factory=dict)  # budget_wan, arrived_wan, spent_wan, planned_persons
    sheet: dict[str, dict] = field(default_factory=dict)  # the score sheet's rows by indicator path
    targets: tuple[Target, ...] = ()  # the report's performance targets
    _months: dict[tuple[str, ...] | None, pl.DataFrame] = field(default_factory=dict, repr=False)

    def programs(self, params: dict[str, str]) -> list[str] | None:
        program = params.get("program", self.program)
        return None if program == "all" else [program]

    def monthly(self, params: dict[str, str]) -> pl.DataFrame:
        """One row per month of the year, programmes summed; read once per programme choice."""
        programs = self.programs(params)
        key = tuple(programs) if programs else None
        if key not in self._months:
            frames = [
                read.monthly_totals(self.engine, counties=[self.county], program=p, year=self.year)
                for p in (programs or [None])
            ]
            self._months[key] = (
                pl.concat(frames)
                .group_by("month")
                .agg(pl.col("households", "persons", "on_time_households", "unpaid_households", "amount").sum())
                .sort("month")
            )
        return self._months[key]

    @cached_property
    def _standards(self) -> pl.DataFrame:
        return read.standards(self.engine, counties=[self.county])

    @cached_property
    def synthetic_rosters(self) -> bool:
        """The year's stored rosters include synthetic demo data."""
        uploads = read.uploads(self.engine, kind="roster", county=self.county).filter(
            (pl.col("status") == "active") & (pl.col("month").dt.year() == self.year)
        )
        return "synthetic" in set(uploads["source"].to_list())

    def standard(self, params: dict[str, str], year: int) -> tuple[float, str, bool] | None:
        """The monthly standard in force in December (the highest category where there are several):
        yuan, document, and whether it is synthetic demo data."""
        december = dt.date(year, 12, 1)
        rows = self._standards.filter(pl.col("effective_from") <= december)
        program = params.get("program", self.program)
        if program != "all":
            rows = rows.filter(pl.col("program") == program)
        if category := params.get("category"):
            rows = rows.filter(pl.col("category") == category)
        if rows.is_empty():
            return None
        in_force = rows.sort("effective_from").group_by("program", "category").last()
        top = in_force.sort("yuan_per_person_month", descending=True).row(0, named=True)
        return float(top["yuan_per_person_month"]), top["document"] or "", top["source"] == "synthetic"

    @cached_property
    def deadline(self) -> int | None:
        registry = read.counties(self.engine, codes=[self.county])
        return None if registry.is_empty() else registry.item(0, "deadline_day")

    def over_standard_rows(self, params: dict[str, str]) -> int:
        counts = read.finding_counts(self.engine, counties=[self.county], year=self.year).filter(
            pl.col("kind") == "over_standard"
        )
        if programs := self.programs(params):
            counts = counts.filter(pl.col("program").is_in(programs))
        return int(counts["findings"].sum())


Metric = Callable[[Facts, dict[str, str], str, bool], Value]
METRICS: dict[str, tuple[str, Metric]] = {}
ROSTER_METRICS: set[str] = set()  # computed from the stored rosters
STANDARD_METRICS: set[str] = set()  # computed from the stored benefit standards


def metric(name: str, label: str):
    def register(function: Metric) -> Metric:
        METRICS[name] = (label, function)
        return function

    return register


def from_warehouse(name: str) -> bool:
    """The metric reads rosters or standards, not only figures the evaluation itself states."""
    return name in ROSTER_METRICS or name in STANDARD_METRICS


def compute(name: str, facts: Facts, params: dict[str, str], actual: str = "", wants_percent: bool = False) -> Value:
    """The named metric for these facts; `actual` is the indicator's reported 实际完成值."""
    value = METRICS[name][1](facts, params, actual, wants_percent)
    if not from_warehouse(name):
        return value
    synthetic = value.synthetic or (name in ROSTER_METRICS and facts.synthetic_rosters)
    return replace(value, basis="warehouse", synthetic=synthetic)


def measure(rule: Rule, facts: Facts, actual: str = "") -> Value:
    """The metric a rule names, with the rule's parameters, a bare reported figure read in % for a % test."""
    wants_percent = bool(rule.test and rule.test.is_percent)
    return rounded_as_rule(rule, compute(rule.metric or "", facts, dict(rule.params), actual, wants_percent))


def stated(rule: Rule, facts: Facts, actual: str) -> Value | None:
    """The report's own 实际完成值 for a warehouse metric, read in the metric's unit; None where it states none."""
    reader = STATED.get(rule.metric or "")
    if reader is None or not actual:
        return None
    value = reader(actual, facts)
    if value is None:
        return None
    return rounded_as_rule(rule, Value(value, {"报告的实际完成值": actual}))


def rounding_of(actual: str, facts: Facts, metric: str) -> float:
    """Half a unit of the last digit the report writes, in the metric's unit: what "the same figure" allows."""
    half = 0.5 * 10 ** -decimals(actual)
    if "%" in actual or "％" in actual:
        return half / 100
    planned = _evaluation_figure(facts, "planned_persons")
    if STATED.get(metric) is _stated_persons_rate and planned:
        return half / planned
    return half


def rounded_as_rule(rule: Rule, value: Value) -> Value:
    """A rule that reads its figure rounded (a reading some rules name) gets it rounded, and says so."""
    if rule.rounding is None or value.value is None:
        return value
    kept = round(value.value, rule.rounding)
    return replace(value, value=kept, inputs=value.inputs | {"先取整为": _figure_text(kept, rule.rounding)})


def _figure_text(value: float, rounding: int) -> str:
    return f"{value * 100:.{max(rounding - 2, 0)}f}%" if rounding >= 2 else f"{value:g}"


def _ratio(numerator: float | None, denominator: float | None, inputs: dict[str, object], what: str) -> Value:
    if numerator is None or denominator is None:
        return missing(f"评价未填{what}")
    if denominator == 0:
        return missing(f"{what}为 0")
    return Value(numerator / denominator, inputs)


def _evaluation_figure(facts: Facts, key: str) -> float | None:
    value = facts.evaluation.get(key)
    return None if value is None else float(value)


@metric("funds_arrival_rate", "资金到位率（实际到位 ÷ 预算安排）")
def funds_arrival_rate(facts: Facts, params, actual, wants_percent) -> Value:
    arrived, budget = _evaluation_figure(facts, "arrived_wan"), _evaluation_figure(facts, "budget_wan")
    return _ratio(arrived, budget, {"实际到位（万元）": arrived, "预算安排（万元）": budget}, "实际到位或预算安排")


@metric("budget_execution_rate", "预算执行率（实际支出 ÷ 实际到位）")
def budget_execution_rate(facts: Facts, params, actual, wants_percent) -> Value:
    spent, arrived = _evaluation_figure(facts, "spent_wan"), _evaluation_figure(facts, "arrived_wan")
    return _ratio(spent, arrived, {"实际支出（万元）": spent, "实际到位（万元）": arrived}, "实际支出或实际到位")


@metric("budget_execution_rate_of_budget", "预算执行率（实际支出 ÷ 预算安排）")
def budget_execution_rate_of_budget(facts: Facts, params, actual, wants_percent) -> Value:
    spent, budget = _evaluation_figure(facts, "spent_wan"), _evaluation_figure(facts, "budget_wan")
    return _ratio(spent, budget, {"实际支出（万元）": spent, "预算安排（万元）": budget}, "实际支出或预算安排")


def _roster_months(facts: Facts, params: dict[str, str]) -> pl.DataFrame | Value:
    months = facts.monthly(params)
    if months.is_empty():
        return missing(f"仓库中没有 {facts.year} 年的发放名册")
    return months


@metric("recipients_completion_rate", "保障人数完成率（月均保障人数 ÷ 计划保障人数）")
def recipients_completion_rate(facts: Facts, params, actual, wants_percent) -> Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    planned = _evaluation_figure(facts, "planned_persons")
    average = months["persons"].sum() / 12
    inputs = {"全年人次": int(months["persons"].sum()), "月均保障人数": round(average, 2), "计划保障人数": planned}
    if months.height < 12:
        inputs["名册月数"] = months.height
    return _ratio(average, planned, inputs, "计划保障人数")


@metric("coverage_rate", "覆盖率（12月保障人数 ÷ 计划保障人数）")
def coverage_rate(facts: Facts, params, actual, wants_percent) -> Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    december = months.filter(pl.col("month") == dt.date(facts.year, 12, 1))
    if december.is_empty():
        return missing(f"仓库中没有 {facts.year} 年 12 月的发放名册")
    persons = int(december["persons"].sum())
    planned = _evaluation_figure(facts, "planned_persons")
    return _ratio(persons, planned, {"12月保障人数": persons, "计划保障人数": planned}, "计划保障人数")


@metric("payout_rate", "发放率（名册发放金额 ÷ 预算安排）")
def payout_rate(facts: Facts, params, actual, wants_percent) -> Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    paid = round(float(months["amount"].sum()) / 10_000, 4)
    budget = _evaluation_figure(facts, "budget_wan")
    return _ratio(paid, budget, {"名册发放金额（万元）": paid, "预算安排（万元）": budget}, "预算安排")


def _on_time_months(facts: Facts, params: dict[str, str]) -> tuple[int, dict[str, object]] | Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    rates = months.with_columns(rate=pl.col("on_time_households") / pl.col("households"))
    late = rates.filter(pl.col("rate") < ON_TIME_TARGET - 1e-12)["month"].to_list()
    on_time = 12 - len(late) - (12 - months.height)
    deadline = facts.deadline
    inputs: dict[str, object] = {
        "发放截止日": f"每月{deadline}日" if deadline else "月末",
        "按时月份": on_time,
        "未按时月份": "、".join(f"{m.month}月" for m in late) or "无",
        "按时标准": f"当月 ≥ {ON_TIME_TARGET:.0%} 户在截止日前发放",
    }
    if months.height < 12:
        inputs["名册月数"] = months.height
    return on_time, inputs


def _from_on_time_months(figure: Callable[[int], float]) -> Metric:
    def compute_figure(facts: Facts, params, actual, wants_percent) -> Value:
        counted = _on_time_months(facts, params)
        if isinstance(counted, Value):
            return counted
        on_time, inputs = counted
        return Value(figure(on_time), inputs)

    return compute_figure


METRICS["on_time_months_rate"] = ("及时发放率（按时发放月份 ÷ 12）", _from_on_time_months(lambda on_time: on_time / 12))
METRICS["late_months"] = ("未按时发放月份数", _from_on_time_months(lambda on_time: 12 - on_time))


@metric("standard_increase", "保障标准较上年提高（12月标准 ÷ 上年12月标准 − 1）")
def standard_increase(facts: Facts, params, actual, wants_percent) -> Value:
    now, before = facts.standard(params, facts.year), facts.standard(params, facts.year - 1)
    if now is None or before is None:
        return missing(f"仓库中没有 {facts.year - 1} 或 {facts.year} 年的保障标准")
    inputs = {f"{facts.year - 1}年12月标准（元/人/月）": before[0], f"{facts.year}年12月标准（元/人/月）": now[0]}
    if now[1]:
        inputs["文号"] = now[1]
    return Value(now[0] / before[0] - 1, inputs, synthetic=now[2] or before[2])


@metric("standard_level", "保障标准（12月，元/人/月）")
def standard_level(facts: Facts, params, actual, wants_percent) -> Value:
    standard = facts.standard(params, facts.year)
    if standard is None:
        return missing(f"仓库中没有 {facts.year} 年的保障标准")
    inputs: dict[str, object] = {"项目": PROGRAM_WORDS.get(params.get("program", facts.program), "")}
    inputs[f"{facts.year}年12月标准（元/人/月）"] = standard[0]
    return Value(standard[0], inputs, synthetic=standard[2])


@metric("standard_compliance", "标准发放合格率（未超标准发放的名册行 ÷ 名册行）")
def standard_compliance(facts: Facts, params, actual, wants_percent) -> Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    rows = int(months["households"].sum())
    over = facts.over_standard_rows(params)
    return _ratio(rows - over, rows, {"名册行（户·月）": rows, "超标准发放行": over}, "名册行")


@metric("benefit_per_person_month", "人均补差（发放金额 ÷ 人次，元/人/月）")
def benefit_per_person_month(facts: Facts, params, actual, wants_percent) -> Value:
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    amount, persons = float(months["amount"].sum()), int(months["persons"].sum())
    inputs = {
        "项目": PROGRAM_WORDS.get(params.get("program", facts.program), ""),
        "发放金额（元）": round(amount, 2),
        "人次": persons,
    }
    return _ratio(amount, persons, inputs, "人次")


_REPORTED = re.compile(r"^[^\d\-.]*?(-?[\d,]*\.?\d+)\s*(%|％)?[^\d%％]*$")


def reported_number(text: str, *, wants_percent: bool = False) -> float | None:
    """A 实际完成值 cell as a number: "91.63%" → 0.9163, "13,000.00人" → 13000; "95" → 0.95 for a % test."""
    match = _REPORTED.match(text.strip())
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value / 100 if match.group(2) or wants_percent else value


def _reported(label: str) -> Metric:
    def read_actual(facts: Facts, params, actual, wants_percent) -> Value:
        source = ""
        if other := params.get("indicator"):  # the figure another row states (the same formula under two names)
            actual, source = (facts.sheet.get(other) or {}).get("actual") or "", f"「{other.rsplit('/', 1)[-1]}」"
        value = reported_number(actual, wants_percent=wants_percent)
        if value is None:
            return missing(f"评价未报告可读的{source}{label}（实际完成值：「{actual or '空'}」）")
        return Value(value, {f"报告的{source}{label}": actual})

    return read_actual


METRICS["satisfaction_rate"] = ("满意度（评价报告的调查结果）", _reported("满意度"))
METRICS["awareness_rate"] = ("政策知晓率（评价报告的调查结果）", _reported("知晓率"))
METRICS["reported_actual"] = ("实际完成值（评价报告）", _reported("实际完成值"))


@metric("balance_rate", "结余率（1 − 实际支出 ÷ 预算安排）")
def balance_rate(facts: Facts, params, actual, wants_percent) -> Value:
    spent, budget = _evaluation_figure(facts, "spent_wan"), _evaluation_figure(facts, "budget_wan")
    used = _ratio(spent, budget, {"实际支出（万元）": spent, "预算安排（万元）": budget}, "实际支出或预算安排")
    return used if used.value is None else replace(used, value=1 - used.value)


@metric("households_paid_by_deadline_rate", "按时发放率（截止日前发放的户·月 ÷ 已发放的户·月，名册）")
def households_paid_by_deadline_rate(facts: Facts, params, actual, wants_percent) -> Value:
    """Payments made by the deadline among payments made: a household not paid at all is another finding."""
    months = _roster_months(facts, params)
    if isinstance(months, Value):
        return months
    on_time = int(months["on_time_households"].sum())
    paid = int(months["households"].sum() - months["unpaid_households"].sum())
    deadline = facts.deadline
    inputs = {
        "发放截止日": f"每月{deadline}日" if deadline else "月末",
        "截止日前发放（户·月）": on_time,
        "已发放（户·月）": paid,
    }
    return _ratio(on_time, paid, inputs, "已发放户·月")


@metric("target_attainment", "目标完成比例（实际完成值 ÷ 年度指标值）")
def target_attainment(facts: Facts, params, actual, wants_percent) -> Value:
    """The attainment of the report's performance target whose name holds `params["target"]`."""
    wanted = params.get("target", "")
    target = next((t for t in facts.targets if t.name == wanted), None) or next(
        (t for t in facts.targets if wanted and wanted in t.name), None
    )
    if target is None:
        return missing(f"评价没有绩效目标「{wanted}」")
    inputs = {"绩效目标": target.name, "年度指标值": target.target, "实际完成值": target.actual}
    attained = target.attainment
    if attained is None:
        return Value(None, inputs, f"绩效目标「{target.name}」的指标值或完成值不是可比较的数字")
    return Value(attained, inputs)


ROSTER_METRICS.update(
    {
        "recipients_completion_rate",
        "coverage_rate",
        "payout_rate",
        "on_time_months_rate",
        "late_months",
        "standard_compliance",
        "benefit_per_person_month",
        "households_paid_by_deadline_rate",
    }
)
STANDARD_METRICS.update({"standard_increase", "standard_level"})


def _stated_rate(actual: str, facts: Facts) -> float | None:
    """A percent the text states: 「12,302.00人，实际完成率94.63%」 → 0.9463."""
    return actual_value(actual, percent=True) if "%" in actual or "％" in actual else None


def _stated_persons_rate(actual: str, facts: Facts) -> float | None:
    """A stated rate, else a stated count of persons over the evaluation's planned persons."""
    if (rate := _stated_rate(actual, facts)) is not None:
        return rate
    persons, planned = actual_value(actual), _evaluation_figure(facts, "planned_persons")
    return None if persons is None or not planned or "人" not in actual else persons / planned


def _stated_figure(actual: str, facts: Facts) -> float | None:
    return actual_value(actual)


_RISE = re.compile(r"(\d[\d,.]*)\D+?(?:提高|提升|增加|调整)\D*?(\d[\d,.]*)")


def _stated_increase(actual: str, facts: Facts) -> float | None:
    """「由每人每月700元提高到745元」 → 745 ÷ 700 − 1; a stated percent as it is."""
    if (rate := _stated_rate(actual, facts)) is not None:
        return rate
    found = _RISE.search(actual)
    if not found:
        return None
    before, after = (float(figure.replace(",", "")) for figure in found.groups())
    return None if before == 0 else after / before - 1


# How a report's own 实际完成值 reads as each warehouse metric; it is preferred to the warehouse's figure.
STATED: dict[str, Callable[[str, Facts], float | None]] = {
    "recipients_completion_rate": _stated_persons_rate,
    "coverage_rate": _stated_persons_rate,
    "payout_rate": _stated_rate,
    "on_time_months_rate": _stated_rate,
    "households_paid_by_deadline_rate": _stated_rate,
    "standard_compliance": _stated_rate,
    "standard_increase": _stated_increase,
    "standard_level": _stated_figure,
    "benefit_per_person_month": _stated_figure,
    "late_months": _stated_figure,
}
