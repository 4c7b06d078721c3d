"""Charts of the 数据质量 page: findings per month, stacked by kind."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from app_ui.i18n import language, tr
from warehouse.frames.findings import KINDS

# One colour per kind, the same on every chart (Tableau 10, in the order of KINDS).
KIND_COLOURS = ("#e15759", "#f28e2b", "#b07aa1", "#edc948", "#4e79a7", "#9c755f")


def kind_words() -> dict[str, str]:
    """The name of each finding kind in the language chosen."""
    words = {
        "invalid_id": ("身份证号无效", "Invalid ID number"),
        "duplicate_household": ("同一名册重复", "Listed twice in a roster"),
        "cross_county_duplicate": ("跨县同月重复", "Paid in two counties"),
        "over_standard": ("超标准发放", "Paid above standard"),
        "late_payment": ("逾期发放", "Paid late"),
        "unpaid": ("未发放", "Not paid"),
    }
    return {kind: tr(*words[kind]) for kind in KINDS}


def month_label(month: dt.date) -> str:
    """2023年1月, or Jan 2023."""
    return month.strftime("%b %Y") if language() == "en" else f"{month.year}年{month.month}月"


def findings_by_month(counts: pl.DataFrame, *, year: int, selection: str = "finding") -> alt.Chart:
    """Findings per month of `year` stacked by kind, every month of the year on the axis, labelled under its bar.

    Each county is its own slice of a bar, so a click names the month, kind and county.
    """
    words = kind_words()
    months = [month_label(dt.date(year, number, 1)) for number in range(1, 13)]
    data = counts.with_columns(
        month_label=pl.col("month").map_elements(month_label, return_dtype=pl.String),
    )
    pick = alt.selection_point(name=selection, fields=["month", "kind", "county_code"], on="click")
    return (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=0.5, cursor="pointer")
        .encode(
            x=alt.X(
                "month_label:O",
                title=tr("月份", "Month"),
                sort=months,
                scale=alt.Scale(domain=months),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("findings:Q", title=tr("问题条数", "Findings"), stack="zero"),
            color=alt.Color(
                "kind_name:N",
                title=tr("问题类型", "Kind"),
                scale=alt.Scale(domain=[words[kind] for kind in KINDS], range=list(KIND_COLOURS)),
            ),
            order=alt.Order("kind_order:Q"),
            detail="county_code:N",
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("month_label:N", title=tr("月份", "Month")),
                alt.Tooltip("county:N", title=tr("县区", "County")),
                alt.Tooltip("kind_name:N", title=tr("问题类型", "Kind")),
                alt.Tooltip("findings:Q", title=tr("问题条数", "Findings"), format=","),
            ],
        )
        .add_params(pick)
        .properties(height=320)
    )
