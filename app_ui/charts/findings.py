"""Charts of the 数据质量 page: findings per month, stacked by kind."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

from app_ui.i18n import language, t, tr
from warehouse.frames import texts
from warehouse.frames.findings import KINDS

# One colour per kind, the same on every chart (Tableau 10, in the order of KINDS).
KIND_COLOURS = ("#e15759", "#f28e2b", "#b07aa1", "#edc948", "#4e79a7", "#9c755f")


def kind_words() -> dict[str, str]:
    """The name of each finding kind in the language chosen."""
    return {kind: t(f"finding_{kind}") for kind in KINDS}


def month_label(month: dt.date) -> str:
    """2023年1月, or Jan 2023."""
    return month.strftime("%b %Y") if language() == "en" else f"{month.year}年{month.month}月"


def clicked_month(value) -> dt.date | None:
    """A month as Vega-Lite sends it back: milliseconds since 1970 (UTC), or an ISO date text."""
    if isinstance(value, int | float):
        return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)).date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return None


def findings_by_month(counts: pl.DataFrame, *, year: int, selection: str = "finding") -> alt.Chart:
    """Findings per month of `year` stacked by kind, every month of the year on the axis, labelled under its bar.

    Each county is its own slice of a bar, so a click names the month, kind and county.
    """
    words = kind_words()
    months = [month_label(dt.date(year, number, 1)) for number in range(1, 13)]
    data = counts.with_columns(
        month_label=texts.month_text(pl.col("month"), english=language() == "en"),  # as month_label writes it
    )
    pick = alt.selection_point(name=selection, fields=["month", "kind", "county_code"], on="click")
    findings = tr("问题条数", "Findings")
    return (
        alt.Chart(data)
        .mark_bar(stroke="white", strokeWidth=0.5, cursor="pointer")
        .encode(
            x=alt.X(
                "month_label:O",
                title=t("col_month"),
                sort=months,
                scale=alt.Scale(domain=months),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("findings:Q", title=findings, stack="zero"),
            color=alt.Color(
                "kind_name:N",
                title=t("col_finding_kind"),
                scale=alt.Scale(domain=[words[kind] for kind in KINDS], range=list(KIND_COLOURS)),
            ),
            order=alt.Order("kind_order:Q"),
            detail="county_code:N",
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("month_label:N", title=t("col_month")),
                alt.Tooltip("county:N", title=t("col_county")),
                alt.Tooltip("kind_name:N", title=t("col_finding_kind")),
                alt.Tooltip("findings_label:N", title=findings),  # «<5» or «≥12» where a count is withheld
            ],
        )
        .add_params(pick)
        .properties(height=320)
    )
