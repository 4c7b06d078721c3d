"""保障人数 charts: households and persons by month, new and exited households, townships and categories."""

from __future__ import annotations

import altair as alt
import polars as pl

from app_ui.i18n import label, t, tr
from app_ui.tables import spec

MONTH_PICK = "month_pick"  # selection: county, programme and month of a clicked point
TOWNSHIP_PICK = "township_pick"  # selection: the township of a clicked bar
FORMATS = {  # the d3 format of each figure in a tooltip
    "households": ",",
    "persons": ",",
    "new_households": ",",
    "exited_households": ",",
    "amount_wan": ",.2f",
}


def _tips(*columns: str, frame: pl.DataFrame | None = None) -> list[alt.Tooltip]:
    """Tooltips of table columns, titled as the tables title them; figures with thousands separators, or as the
    reader reads them where `frame` has a `_text` twin for them (small counts withheld: frames.recipients)."""
    return [
        alt.Tooltip(f"{column}_text:N", title=label(spec(column).title))
        if frame is not None and f"{column}_text" in frame.columns
        else alt.Tooltip(
            f"{column}:{'Q' if column in FORMATS else 'N'}",
            title=label(spec(column).title),
            format=FORMATS.get(column, alt.Undefined),
        )
        for column in columns
    ]


def _months(frame: pl.DataFrame) -> list[str]:
    """Month labels in calendar order, for the x axis of discrete month charts."""
    return frame.sort("month")["month_label"].unique(maintain_order=True).to_list()


def _month_axis(frame: pl.DataFrame) -> alt.X:
    """Months in order, labelled without the year (one year is shown; tooltips carry 2023年1月)."""
    short = "peek(split(datum.value, '年'))"  # 2023年1月 → 1月; English labels stay whole
    return alt.X(
        "month_label:O", sort=_months(frame), title=t("col_month"), axis=alt.Axis(labelAngle=0, labelExpr=short)
    )


def _county_colour() -> alt.Color:
    # opaque round swatches: the legend is shared with the faint band behind the lines (_usual_range)
    legend = alt.Legend(orient="bottom", symbolType="circle", symbolOpacity=1)
    return alt.Color("county:N", title=t("col_county"), legend=legend)


def recipients_by_month(series: pl.DataFrame, *, measure: str) -> alt.LayerChart:
    """Households or persons (`measure`) by month, one line per county and programme: colour = county, dash = programme.

    Behind each line its usual range (the 12 months before each month, where the series has
    `{measure}_low`/`_high`: frames.recipients.with_expectations); a ring marks a month with township
    anomalies, their sentences in the tooltip. Clicking a point picks its county, programme and month for
    the township drill-down.
    """
    pick = alt.selection_point(name=MONTH_PICK, fields=["county_code", "program", "month_key"], on="click")
    tooltip = [
        *_tips("county", "programme", "month_label", "households", "persons", frame=series),
        alt.Tooltip("change:Q", title=tr("户数增减", "Net change (households)"), format="+,"),
        *_tips("new_households", "exited_households", "amount_wan", frame=series),
    ]
    x, y = (
        _month_axis(series),
        alt.Y(
            f"{measure}:Q",
            title=t(f"col_{measure}"),
            scale=alt.Scale(zero=False),
            axis=alt.Axis(format=",d", tickMinStep=1),  # a small township's few households: no tick twice
        ),
    )
    base = alt.Chart(series).encode(x=x, y=y, color=_county_colour(), detail="series:N", tooltip=tooltip)
    lines = base.mark_line(strokeWidth=2).encode(  # dashes on the lines only: the legend shows a line per programme
        strokeDash=alt.StrokeDash("programme:N", title=t("col_program"), legend=alt.Legend(orient="bottom"))
    )
    points = base.mark_point(filled=True, cursor="pointer").encode(
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.3)),
        size=alt.condition(pick, alt.value(120), alt.value(60)),
    )
    layers = [lines, points.add_params(pick)]
    if f"{measure}_low" in series.columns:
        layers = [_usual_range(series, measure), *layers, _flagged(series, measure)]
    return alt.layer(*layers).properties(height=340)


def _usual_range(series: pl.DataFrame, measure: str) -> alt.Chart:
    """The band of the 12 months before each month, in the line's colour, faint, behind it."""
    title = tr("近12个月正常范围", "Usual range, 12 months before")
    return (
        alt.Chart(series)
        .mark_area(opacity=0.15)
        .encode(
            x=_month_axis(series),
            y=alt.Y(f"{measure}_low:Q", title=t(f"col_{measure}")),
            y2=alt.Y2(f"{measure}_high:Q"),
            color=_county_colour(),
            detail="series:N",
            tooltip=[
                *_tips("county", "programme", "month_label"),
                alt.Tooltip(f"{measure}_low:Q", title=f"{title} ↓", format=","),
                alt.Tooltip(f"{measure}_high:Q", title=f"{title} ↑", format=","),
            ],
        )
    )


def _flagged(series: pl.DataFrame, measure: str) -> alt.Chart:
    """A red ring round every month with township anomalies; the tooltip says them."""
    return (
        alt.Chart(series)
        .transform_filter(alt.datum.flags > 0)
        .mark_point(shape="circle", size=320, filled=False, strokeWidth=2.5, color="#d62728")
        .encode(
            x=_month_axis(series),
            y=alt.Y(f"{measure}:Q", title=t(f"col_{measure}")),
            tooltip=[
                *_tips("county", "programme", "month_label"),
                alt.Tooltip("flags:Q", title=tr("乡镇异常", "Township anomalies")),
                alt.Tooltip("flag_words:N", title=tr("说明", "What")),
            ],
        )
    )


def household_flows_by_month(flows: pl.DataFrame) -> alt.Chart:
    """New households above zero, exited households below, one bar per county and programme in each month."""
    flow_label = f"datum.flow == 'new' ? '{tr('新增', 'New')}' : '{tr('退出', 'Exited')}'"
    return (
        alt.Chart(flows)
        .transform_calculate(flow_label=flow_label)
        .mark_bar()
        .encode(
            x=_month_axis(flows),
            xOffset=alt.XOffset("series:N"),
            y=alt.Y(
                "value:Q", title=tr("户数（退出为负）", "Households (exits below zero)"), axis=alt.Axis(format=",d")
            ),
            color=_county_colour(),
            opacity=alt.condition("datum.flow == 'new'", alt.value(0.95), alt.value(0.55)),
            tooltip=[
                *_tips("county", "programme", "month_label"),
                alt.Tooltip("flow_label:N", title=tr("变动", "Flow")),
                alt.Tooltip("households:Q", title=tr("户数", "Households"), format=","),
            ],
        )
        .properties(height=300)
    )


def townships_by_households(townships: pl.DataFrame) -> alt.Chart:
    """One bar per township (largest first); clicking one picks it for the category split."""
    pick = alt.selection_point(name=TOWNSHIP_PICK, fields=["township"], on="click")
    return (
        alt.Chart(townships)
        .mark_bar(cursor="pointer")
        .encode(
            x=alt.X("households:Q", title=t("col_households"), axis=alt.Axis(format=",d")),
            y=alt.Y("township:N", sort="-x", title=t("col_township")),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=_tips(
                "township",
                "households",
                "persons",
                "amount_wan",
                "new_households",
                "exited_households",
                frame=townships,
            ),
        )
        .add_params(pick)
        .properties(height=alt.Step(22))
    )


def categories_by_persons(categories: pl.DataFrame) -> alt.Chart:
    """Persons per category (A类/B类/C类 or 未分类) in one township and month."""
    return (
        alt.Chart(categories)
        .mark_bar()
        .encode(
            x=alt.X("persons:Q", title=t("col_persons"), axis=alt.Axis(format=",d")),
            y=alt.Y("category:N", title=t("col_category")),
            tooltip=[
                *_tips("category", "households", "persons", frame=categories),
                alt.Tooltip("persons_share:Q", title=tr("人数占比", "Share of persons"), format=".1%"),
                *_tips("amount_wan", frame=categories),
            ],
        )
        .properties(height=alt.Step(28))
    )
