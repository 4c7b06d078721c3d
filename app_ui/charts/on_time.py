"""按时发放 charts: the county × month heatmap of on-time rates, low values in red."""

from __future__ import annotations

import altair as alt
import polars as pl

from app_ui.i18n import t

CELL_PICK = "cell_pick"  # selection: county, programme and month of a clicked cell
FIGURES = (  # a cell's household counts and their words, in its tooltip and on the page
    ("households", "col_households"),
    ("on_time_households", "on_time_households"),
    ("late_households", "late_households"),
    ("unpaid_households", "unpaid_households"),
)


def on_time_heatmap(grid: pl.DataFrame, *, rows: list[str], target: float = 0.9) -> alt.LayerChart:
    """One row per county and programme (with its deadline, in the order of `rows`), one column per month.

    Red below the target, yellow at it, green at 100 %; each cell prints its rate. Clicking
    a cell picks it for the list of late and unpaid households.
    """
    pick = alt.selection_point(name=CELL_PICK, fields=["county_code", "program", "month_key"], on="click")
    months = grid.sort("month")["month_label"].unique(maintain_order=True).to_list()
    base = alt.Chart(grid).encode(  # rate_text and cell_text rounded down, 「≥」 where a bound (frames.on_time)
        x=alt.X(  # months labelled 2月 (one year is shown; tooltips carry 2022年2月)
            "month_label:O",
            sort=months,
            title=None,
            axis=alt.Axis(labelAngle=0, orient="top", labelExpr="peek(split(datum.value, '年'))"),
        ),
        y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[
            alt.Tooltip("county:N", title=t("col_county")),
            alt.Tooltip("programme:N", title=t("col_program")),
            alt.Tooltip("deadline:N", title=t("deadline")),
            alt.Tooltip("month_label:N", title=t("col_month")),
            alt.Tooltip("rate_text:N", title=t("col_on_time_rate")),
            *(
                alt.Tooltip(f"{column}_text:N", title=t(word))  # as the reader reads it: «<5» where withheld
                if f"{column}_text" in grid.columns
                else alt.Tooltip(f"{column}:Q", title=t(word), format=",")
                for column, word in FIGURES
            ),
        ],
    )
    cells = (
        base.mark_rect(stroke="white", strokeWidth=1.5, cursor="pointer")
        .encode(
            color=alt.Color(
                "rate:Q",
                title=t("col_on_time_rate"),
                scale=alt.Scale(scheme="redyellowgreen", domain=[0.5, 1.0], domainMid=target, clamp=True),
                legend=alt.Legend(format=".0%", orient="right", gradientLength=160),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)),
        )
        .add_params(pick)
    )
    text = base.mark_text(fontSize=11, cursor="pointer").encode(
        text=alt.Text("cell_text:N"),
        color=alt.condition(
            f"datum.rate < {target - 0.2} || datum.rate >= 0.98", alt.value("white"), alt.value("black")
        ),  # legible on deep red and deep green
    )
    return alt.layer(cells, text).properties(width="container", height=alt.Step(36))
