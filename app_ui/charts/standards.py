"""保障标准 charts: the standard in force month by month with its rises, and one year's rises side by side."""

from __future__ import annotations

import altair as alt
import polars as pl

from app_ui.i18n import language, program_words, t, tr
from warehouse.frames.standards import Words

RISE = "rise"  # the selection parameter of a clicked rise point
HEIGHT = 230  # of one county's panel, in pixels
RISE_LABEL = (  # document on the first line, the rise in per cent on the second
    "datum.rise_document + '\\n' + (datum.rise_pct >= 0 ? '+' : '') + format(datum.rise_pct, '.1f') + '%'"
)


def words() -> Words:
    """The words of the standards frames in the language chosen."""
    return Words(
        programs=program_words(),
        all_categories=tr("不分类", "All categories"),
        demo=t("synthetic"),
        no_document=tr("未注明文号", "No document number"),
    )


def _month(title: str) -> alt.Tooltip:
    return alt.Tooltip("month:T", title=title, format=t("month_format"))


def _series() -> list[alt.Tooltip]:
    """The county and series a mark belongs to, first in each tooltip."""
    return [alt.Tooltip("county:N", title=t("col_county")), alt.Tooltip("series:N", title=t("standard_series"))]


def standard_steps(monthly: pl.DataFrame, *, year: int | None) -> alt.FacetChart:
    """One panel per county: the standard in force each month as steps, each rise a point labelled 文号 and +%."""
    yuan = tr("元/人/月", "yuan per person per month")
    series = alt.Color(
        "series:N",
        title=t("standard_series"),
        scale=alt.Scale(scheme="tableau10"),
        legend=alt.Legend(orient="top"),
    )
    x = alt.X(
        "month:T",
        title=None,
        axis=alt.Axis(format="%Y年" if language() == "zh" else "%Y", tickCount="year", grid=True),
    )
    y = alt.Y("standard:Q", title=yuan, scale=alt.Scale(zero=False, padding=28))
    pick = alt.selection_point(fields=["key"], name=RISE, on="click")
    steps = (
        alt.Chart().mark_line(interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=series, tooltip=_series())
    )
    months = (
        alt.Chart()
        .mark_point(size=60, filled=True, opacity=0)  # invisible: a tooltip for every month along the line
        .encode(
            x=x,
            y=y,
            tooltip=[
                *_series(),
                _month(t("col_month")),
                alt.Tooltip("standard:Q", title=yuan, format=",.0f"),
                alt.Tooltip("document:N", title=t("col_document")),
                alt.Tooltip("demo:N", title=t("col_data")),
            ],
        )
    )
    rise_tooltip = [
        *_series(),
        _month(tr("起始月份", "In force from")),
        alt.Tooltip("previous:Q", title=tr("原标准", "From"), format=",.0f"),
        alt.Tooltip("standard:Q", title=tr("新标准", "To"), format=",.0f"),
        alt.Tooltip("rise_pct:Q", title=t("col_rise_pct"), format=".2f"),
        alt.Tooltip("rise_document:N", title=t("col_document")),
        alt.Tooltip("demo:N", title=t("col_data")),
    ]
    rises = alt.Chart().transform_filter("datum.key != null")
    points = (
        rises.mark_point(filled=True, stroke="white", strokeWidth=1, cursor="pointer")
        .encode(
            x=x,
            y=y,
            color=series,
            size=alt.condition(pick, alt.value(140), alt.value(70), empty=False),
            tooltip=rise_tooltip,
        )
        .add_params(pick)
    )
    labels = (
        rises.transform_calculate(label=RISE_LABEL)
        .mark_text(align="left", baseline="bottom", dx=4, dy=-17, fontSize=11, lineBreak="\n")
        .encode(x=x, y=y, text="label:N", color=series, tooltip=rise_tooltip)
    )
    layers = [steps, months, points, labels]
    if year is not None:
        layers.insert(0, _year_band(year))
    return (
        alt.layer(*layers)
        .properties(width=680, height=HEIGHT)
        .facet(
            data=monthly,
            row=alt.Row(
                "county:N",
                title=None,
                sort=monthly["county"].unique(maintain_order=True).to_list(),  # the registry's order
                header=alt.Header(labelAngle=0, labelOrient="top", labelAnchor="start", labelFontSize=14),
            ),
            spacing=18,
        )
        .resolve_scale(y="independent")
    )


def _year_band(year: int) -> alt.Chart:
    """The chosen year shaded across each panel, named at its top."""
    in_year = (
        alt.Chart()
        .transform_filter(f"year(datum.month) == {year}")
        .transform_calculate(end="datetime(year(datum.month), month(datum.month) + 1, 1)")
    )
    tooltip = [alt.Tooltip("chosen:N", title=tr("所选年度", "Chosen year"))]
    chosen = f"{year}年" if language() == "zh" else str(year)
    band = (
        in_year.transform_calculate(chosen=f"'{chosen}'")
        .mark_rect(color="#f2b134", opacity=0.14)
        .encode(x="min(month):T", x2="max(end):T", tooltip=tooltip)
    )
    name = (
        in_year.transform_calculate(chosen=f"'{chosen}'")
        .mark_text(align="left", baseline="bottom", dx=3, dy=-3, fontSize=11, color="#a86b00")
        .encode(x="min(month):T", y=alt.value(HEIGHT), text="min(chosen):N", tooltip=tooltip)
    )
    return alt.layer(band, name)


def year_rises(compared: pl.DataFrame, *, year: int) -> alt.Chart:
    """One bar per county and series: the rise from last December's standard to this December's, in per cent."""
    rows = compared.filter(pl.col("rise_pct").is_not_null())
    bars = alt.Chart(rows).transform_calculate(
        row="datum.county + ' · ' + datum.series",
        label="(datum.rise_pct >= 0 ? '+' : '') + format(datum.rise_pct, '.1f') + '%  '"
        " + format(datum.previous, ',.0f') + ' → ' + format(datum.standard, ',.0f') + '  ' + datum.documents",
    )
    tooltip = [
        *_series(),
        alt.Tooltip("previous:Q", title=tr(f"{year - 1}年12月", f"Dec {year - 1}"), format=",.0f"),
        alt.Tooltip("standard:Q", title=tr(f"{year}年12月", f"Dec {year}"), format=",.0f"),
        alt.Tooltip("rise:Q", title=tr("增加（元）", "Rise (yuan)"), format=",.0f"),
        alt.Tooltip("rise_pct:Q", title=t("col_rise_pct"), format=".2f"),
        alt.Tooltip("documents:N", title=t("col_document")),
        alt.Tooltip("demo:N", title=t("col_data")),
    ]
    y = alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=320))
    widest = max(rows["rise_pct"].max() or 0.0, 0.0)
    x = alt.X(
        "rise_pct:Q",
        title=tr(f"{year}年12月较上年12月增幅（%）", f"Rise Dec {year} on Dec {year - 1} (%)"),
        scale=alt.Scale(domainMax=widest * 1.9 + 0.5),  # room for the labels right of the bars
    )
    opacity = alt.condition("datum.demo == ''", alt.value(0.95), alt.value(0.45))
    body = bars.mark_bar(color="#3b7dd8").encode(x=x, y=y, opacity=opacity, tooltip=tooltip)
    text = bars.mark_text(align="left", dx=4, fontSize=11).encode(x=x, y=y, text="label:N", tooltip=tooltip)
    return (body + text).properties(height=alt.Step(26))
