"""The headline row: the chosen counties' figures for the month, their changes and 12-month sparklines."""

from __future__ import annotations

import datetime as dt

import polars as pl

from briefs.model import ON_TIME_TARGET
from briefs.words import change_words, count_words, kind_words, month_words, rate_words, source_words, wan_words
from warehouse.figures import shift_month
from warehouse.frames.withheld import HIDDEN
from warehouse.settings import get_settings

HEADLINE_SCHEMA = {
    "key": pl.String,
    "label": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "text": pl.String,
    "month_change": pl.Float64,
    "year_change": pl.Float64,
    "comparison": pl.String,
    "basis": pl.String,
    "missing": pl.String,
}
SPARKS_SCHEMA = {"key": pl.String, "period": pl.String, "value": pl.Float64}
_SUMMED = ("households", "persons", "on_time_households", "amount_wan")


def figures(
    series: pl.DataFrame, evaluations: pl.DataFrame, table: pl.DataFrame, *, month: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The headline rows (see briefs.model) and the sparkline points behind each."""
    withheld = pl.col("households").is_null().any()  # a county's figure withheld from the reader: no sum over it
    totals = (
        series.group_by("month")
        .agg(
            *(pl.when(withheld).then(None).otherwise(pl.col(name).sum()).alias(name) for name in _SUMMED),
            pl.col("findings").sum(),
            pl.col("findings_text").is_not_null().any().alias("findings_at_least"),
            pl.col("on_time_bounded").any(),
            pl.col("on_time_at_most").sum(),
        )
        .sort("month")
    )
    months = [shift_month(month, -back) for back in range(11, -1, -1)]
    twelve = totals.filter(pl.col("month").is_in(months))
    at = _row(totals, month)
    last = _row(totals, shift_month(month, -1))
    year_ago = _row(totals, shift_month(month, -12))
    roster_basis = _basis(series.filter(pl.col("month").is_in(months))["source"])
    missing_month = f"没有{month_words(month)}的名册" if at is None else None
    rows = []
    for key, label, unit in (("households", "保障户数", "户"), ("persons", "保障人数", "人")):
        rows.append(
            _figure(
                key,
                label,
                at and at[key],
                unit=unit,
                text=count_words(at and at[key], f" {unit}"),
                month_change=_change(at, last, key),
                year_change=_change(at, year_ago, key),
                basis=roster_basis,
                missing=missing_month,
            )
        )
    so_far = totals.filter(pl.col("month").is_between(dt.date(month.year, 1, 1), month))["amount_wan"]
    before = totals.filter(pl.col("month").is_between(dt.date(month.year - 1, 1, 1), shift_month(month, -12)))[
        "amount_wan"
    ]
    funds = so_far.sum() if len(so_far) else None
    rows.append(
        _figure(
            "funds",
            f"{month.year}年累计发放资金",
            funds,
            unit="万元",
            text=wan_words(funds),
            year_change=funds / before.sum() - 1 if funds is not None and len(before) and before.sum() else None,
            comparison_year="较上年同期",
            basis=roster_basis,
            missing=None if funds is not None else f"{month.year}年没有名册",
        )
    )
    households_12 = twelve["households"].sum()
    on_time = twelve["on_time_households"].sum() / households_12 if households_12 else None
    bound = twelve["on_time_bounded"].any()  # late or unpaid households of 1–4 withheld: a least rate
    most = twelve["on_time_at_most"].sum() / households_12 if households_12 else None
    rows.append(
        _figure(
            "on_time",
            "近12个月按时发放率",
            on_time,
            unit="%",
            text=rate_words(on_time, at_least=bool(bound)),
            comparison=None if on_time is None else _against_target(on_time, most=most if bound else None),
            basis=roster_basis,
            missing=None if on_time is not None else "近12个月没有名册",
        )
    )
    rows.append(_grade_figure(evaluations, table))
    findings = at and at["findings"]
    rows.append(
        _figure(
            "findings",
            "本月数据问题",
            findings,
            unit="条",
            text=_findings_words(findings, withheld=bool(at and at["findings_at_least"])),
            month_change=None if at and at["findings_at_least"] else _change(at, last, "findings"),
            basis=roster_basis,
            missing=missing_month,
        )
    )
    headline = pl.DataFrame(rows, schema=HEADLINE_SCHEMA, orient="row")
    return headline, _sparks(twelve, evaluations, months)


def _figure(
    key: str,
    label: str,
    value: float | None,
    *,
    unit: str,
    text: str,
    month_change: float | None = None,
    year_change: float | None = None,
    comparison: str | None = None,
    comparison_year: str = "较上年同月",
    basis: str,
    missing: str | None,
) -> tuple:
    if comparison is None:
        said = [f"较上月 {change_words(month_change)}" if month_change is not None else None]
        said.append(f"{comparison_year} {change_words(year_change)}" if year_change is not None else None)
        comparison = "，".join(part for part in said if part) or None
    value = None if value is None else float(value)
    return (
        key,
        label,
        value,
        unit,
        text,
        month_change,
        year_change,
        comparison,
        basis,
        missing if value is None else None,
    )


def _grade_figure(evaluations: pl.DataFrame, table: pl.DataFrame) -> tuple:
    """The latest evaluation of each county: the grades counted, the mean score as the value."""
    graded = table.filter(pl.col("evaluation_score").is_not_null() | pl.col("evaluation_grade").is_not_null())
    if graded.is_empty():
        return _figure("grade", "最近评价", None, unit="分", text="—", basis="—", missing="没有绩效评价")
    mean = graded["evaluation_score"].mean()
    years = graded["evaluation_year"]
    period = f"{years.min()}年度" if years.min() == years.max() else f"{years.min()}–{years.max()}年度"
    if graded.height == 1:
        row = graded.row(0, named=True)
        score = f" · {row['evaluation_score']:.2f} 分" if row["evaluation_score"] is not None else ""
        text, said = f"{row['evaluation_grade']}{score}", f"{period}{kind_words(row['evaluation_kind'])}"
    else:
        counts = graded.group_by("evaluation_grade").len().sort("evaluation_grade")
        text = f"平均 {mean:.2f} 分" if mean is not None else "—"
        said = "、".join(f"{grade} {n}" for grade, n in counts.iter_rows()) + f"（{period}）"
    sources = evaluations.filter(pl.col("county_code").is_in(graded["county_code"].implode()))
    latest = sources.group_by("county_code").last()
    return _figure(
        "grade",
        "最近评价",
        mean,
        unit="分",
        text=text,
        comparison=said,
        basis=_basis(latest["source"]),
        missing=None,
    )


def _sparks(twelve: pl.DataFrame, evaluations: pl.DataFrame, months: list[dt.date]) -> pl.DataFrame:
    """12 monthly points per figure (a month without a roster has none), and the evaluations' mean score per year."""
    points = []
    for row in twelve.iter_rows(named=True):
        period = month_words(row["month"])
        points += [
            ("households", period, row["households"]),
            ("persons", period, row["persons"]),
            ("funds", period, row["amount_wan"]),
            ("on_time", period, row["on_time_households"] / row["households"] if row["households"] else None),
            ("findings", period, None if row["findings_at_least"] else row["findings"]),  # no partial sum drawn
        ]
    by_year = evaluations.group_by("year").agg(pl.col("score").mean()).sort("year").tail(12)
    points += [("grade", f"{year}年度", score) for year, score in by_year.iter_rows()]
    return pl.DataFrame(points, schema=SPARKS_SCHEMA, orient="row")


def _findings_words(findings: int | None, *, withheld: bool) -> str:
    """The month's findings: 「≥N 条」 over a count withheld from the reader, 「隐去」 where all of them are."""
    if withheld:
        return f"≥{findings:,} 条" if findings else HIDDEN
    return count_words(findings, " 条")


def _against_target(rate: float, *, most: float | None = None) -> str:
    """The rate against the target; for a least rate (`most`: the most it can be) what can be said for sure."""
    gap = (rate - ON_TIME_TARGET) * 100
    if most is not None and gap < 0:
        if most < ON_TIME_TARGET:
            return (
                f"目标 {ON_TIME_TARGET:.0%}，低于目标（至多 {most:.1%}，有少于 {get_settings().min_cell} 户的数字隐去）"
            )
        few = get_settings().min_cell
        return f"目标 {ON_TIME_TARGET:.0%}；有少于 {few} 户的逾期或未发放数字隐去，无法判断是否达标"
    side = "高于" if gap >= 0 else "低于"
    return f"目标 {ON_TIME_TARGET:.0%}，{'至少' if most is not None else ''}{side}目标 {abs(gap):.1f} 个百分点"


def _row(totals: pl.DataFrame, month: dt.date) -> dict | None:
    found = totals.filter(month=month)
    return found.row(0, named=True) if found.height else None


def _change(now: dict | None, then: dict | None, key: str) -> float | None:
    if now is None or then is None or not then[key]:
        return None
    return now[key] / then[key] - 1


def _basis(sources: pl.Series) -> str:
    """What the figures rest on, in words: every source among the rows, the report's own first."""
    order = ("seed", "upload", "synthetic")
    present = [source_words(source) for source in order if source in set(sources.drop_nulls().to_list())]
    return "、".join(present) or "—"
