"""等级趋势 charts: each county's total score year over year in front of the grade bands."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import polars as pl

from app_ui import drill
from app_ui.i18n import evaluation_kind_words, language, program_words, t, tr
from warehouse.frames.grades import Words, grade_bands

EVALUATION = "evaluation"  # the selection parameter of a clicked score point
BAND_COLOURS = {"优": "#2e9e5b", "良": "#3b7dd8", "中": "#e0a21a", "差": "#d64541"}
KIND_SHAPES = {"self": "circle", "department": "square", "finance": "triangle-up"}


def words() -> Words:
    """The words of the grades frames in the language chosen."""
    return Words(
        programs=program_words(),
        kinds=evaluation_kind_words(),
        sources={
            "seed": tr("评价报告", "Report"),
            "upload": tr("上传", "Upload"),
            "synthetic": t("synthetic"),
        },
        year_suffix=tr("年", ""),
        no_score=tr("无总分", "no total"),
        unnamed=tr("报告未署名", "not named in the report"),
        pending=t("pending_mark"),
        band_labels={
            "优": tr("优 ≥ 90", "优 excellent ≥ 90"),
            "良": tr("良 80–90", "良 good 80–90"),
            "中": tr("中 60–80", "中 fair 60–80"),
            "差": tr("差 < 60", "差 poor < 60"),
        },
    )


def score_trend(scored: pl.DataFrame, *, year: int | None, words: Words) -> alt.LayerChart:
    """Total score per county and year as lines with points, in front of the 优/良/中/差 bands; `year` shaded."""
    lowest = min(50.0, math.floor((scored["total_score"].min() or 50.0) / 10) * 10 - 10)
    years = [*scored["year"].to_list(), *([year] if year is not None else [])]
    first, last = min(years), max(years)
    x_scale = alt.Scale(domain=[first - 0.5, last + 0.5], nice=False, zero=False)
    x_axis = alt.Axis(
        values=list(range(first, last + 1)),
        format="d",
        labelExpr="datum.value + '年'" if language() == "zh" else "datum.label",
        grid=False,
    )
    y_scale = alt.Scale(domain=[lowest, 100], nice=False, clamp=True)
    score_title = t("col_total_score")

    bands = grade_bands(lowest=lowest, words=words)
    band_colour = alt.Fill(  # fill, not color: the counties own the color scale
        "grade:N", scale=alt.Scale(domain=list(BAND_COLOURS), range=list(BAND_COLOURS.values())), legend=None
    )
    band_tooltip = [alt.Tooltip("label:N", title=t("col_grade"))]
    shading = (
        alt.Chart(bands)
        .mark_rect(opacity=0.10)
        .encode(y=alt.Y("low:Q", scale=y_scale), y2="high:Q", fill=band_colour, tooltip=band_tooltip)
    )
    band_names = (
        alt.Chart(bands)
        .mark_text(align="left", baseline="bottom", dx=6, dy=-3, fontSize=12, fontWeight="bold", opacity=0.8)
        .encode(
            x=alt.datum(first - 0.5, scale=x_scale),  # each band named at its lower left corner
            y=alt.Y("low:Q", scale=y_scale),
            text="label:N",
            fill=band_colour,
            tooltip=band_tooltip,
        )
    )

    x = alt.X("year:Q", title=None, scale=x_scale, axis=x_axis)
    y = alt.Y("total_score:Q", title=score_title, scale=y_scale)
    county = alt.Color("county:N", title=t("col_county"), scale=alt.Scale(scheme="tableau10"))
    kinds = [words.kinds[kind] for kind in KIND_SHAPES]
    sources = [words.sources[source] for source in ("seed", "upload", "synthetic")]
    tooltip = [
        alt.Tooltip("year:Q", title=t("col_year"), format="d"),
        alt.Tooltip("county:N", title=t("col_county")),
        alt.Tooltip("program_label:N", title=t("col_program")),
        alt.Tooltip("kind_label:N", title=t("col_evaluation_kind")),
        alt.Tooltip("total_score:Q", title=score_title, format=".2f"),
        alt.Tooltip("grade:N", title=t("col_grade_reported")),
        alt.Tooltip("band:N", title=t("col_band")),
        alt.Tooltip("evaluator:N", title=t("col_evaluator")),
        alt.Tooltip("source_label:N", title=t("col_source")),
    ]
    pick = alt.selection_point(fields=["id"], name=EVALUATION, on="click")
    lines = (
        alt.Chart(scored)
        .mark_line(strokeWidth=2)
        .encode(
            x=x, y=y, color=county, detail="series:N", tooltip=[alt.Tooltip("series:N", title=tr("评价", "Series"))]
        )
    )
    size = alt.when(pick, empty=False).then(alt.value(260))
    if year is not None:
        size = size.when(alt.datum.year == year).then(alt.value(150))
    points = (
        alt.Chart(scored)
        .mark_point(filled=True, strokeWidth=2, cursor="pointer")
        .encode(
            x=x,
            y=y,
            color=county,
            stroke=alt.Stroke("county:N", title=t("col_county"), scale=alt.Scale(scheme="tableau10")),
            shape=alt.Shape(
                "kind_label:N",
                title=t("col_evaluation_kind"),
                scale=alt.Scale(domain=kinds, range=list(KIND_SHAPES.values())),
            ),
            # demo data lighter (with a legend) and hollow (the stroke keeps its rim); the scales must say
            # "ordinal", or Vega-Lite maps the words to the wrong opacities
            opacity=alt.Opacity(
                "source_label:N",
                title=t("col_source"),
                scale=alt.Scale(type="ordinal", domain=sources, range=[1, 1, 0.45]),
                sort=sources,
            ),
            fillOpacity=alt.FillOpacity(
                "source_label:N",
                scale=alt.Scale(type="ordinal", domain=sources, range=[1, 1, 0.1]),
                sort=sources,
                legend=None,
            ),
            size=size.otherwise(alt.value(80)),
            tooltip=tooltip,
        )
        .add_params(pick)
    )
    layers = [shading, band_names, lines, points]
    if year is not None:
        layers.insert(1, _year_band(year, bottom=lowest))
    return alt.layer(*layers).properties(height=420).configure_legend(orient="right")


def _year_band(year: int, *, bottom: float) -> alt.LayerChart:
    """The chosen year shaded from top to bottom and named at the bottom."""
    name = f"{year}年" if language() == "zh" else str(year)
    frame = pl.DataFrame(
        {"start": [year - 0.5], "end": [year + 0.5], "middle": [year], "bottom": [bottom], "name": [name]}
    )
    tooltip = [alt.Tooltip("name:N", title=tr("所选年度", "Chosen year"))]
    band = alt.Chart(frame).mark_rect(color="#f2b134", opacity=0.16).encode(x="start:Q", x2="end:Q", tooltip=tooltip)
    label = (
        alt.Chart(frame)
        .mark_text(baseline="bottom", dy=-4, fontSize=11, color="#a86b00")
        .encode(x="middle:Q", y="bottom:Q", text="name:N", tooltip=tooltip)
    )
    return alt.layer(band, label)


def clicked_evaluation(event: Mapping[str, Any] | None) -> int | None:
    """The id of the evaluation point clicked in `score_trend`, if any (Vega-Lite may send it as a float)."""
    point = drill.clicked_point(event, EVALUATION)
    return None if point is None or point.get("id") is None else int(point["id"])
