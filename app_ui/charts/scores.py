"""Charts of the 指标得分 page: one level of an indicator tree, and level-1 score rates side by side."""

from __future__ import annotations

import altair as alt
import polars as pl

from app_ui.i18n import evaluation_kind_words, program_words, t, tr
from warehouse.frames.scores import COMPUTED, REPORTED

FULL = "#c6dbef"  # the points available (分值): a light bar
SCORED = "#08519c"  # the score (得分): a dark bar drawn over it


def label_words() -> dict[str, str]:
    """Programme, kind and demo words as they read inside an evaluation's label (lower case in English)."""
    words = program_words() | evaluation_kind_words() | {"synthetic": t("synthetic")}
    return {key: word.lower() for key, word in words.items()}


def basis_words() -> dict[str, str]:
    """How a figure was obtained, in words: 填报 (as reported) or 合计（计算） (the sum of its children)."""
    return {
        REPORTED: tr("填报", "reported"),
        COMPUTED: tr("合计（计算）", "sum of children (computed)"),
        "points_computed": tr("分值亦为合计", "points summed too"),
    }


def _basis_word() -> pl.Expr:
    return (
        pl.col("score_basis")
        .replace_strict(basis_words(), default=None, return_dtype=pl.String)
        .fill_null(tr("未填", "not given"))
        .alias("score_basis_word")
    )


def _labelled(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows with the basis in words and a label such as 「80.0%」 or 「60.0% 合计（计算）」."""
    computed = tr(" 合计（计算）", " computed")
    return rows.with_columns(
        _basis_word(),
        rate_label=pl.when(pl.col("score_rate").is_not_null())
        .then(
            pl.format("{}%", (pl.col("score_rate") * 100).round(1))
            + pl.when(pl.col("score_basis") == COMPUTED).then(pl.lit(computed)).otherwise(pl.lit(""))
        )
        .otherwise(pl.lit(tr("未评分", "not scored"))),
    )


def _figure_tooltips() -> list[alt.Tooltip]:
    """Points, score, score rate and where the score comes from: the tooltip of every bar."""
    return [
        alt.Tooltip("points:Q", title=t("col_points"), format=".2f"),
        alt.Tooltip("score:Q", title=t("col_score"), format=".2f"),
        alt.Tooltip("score_rate:Q", title=t("col_score_rate"), format=".1%"),
        alt.Tooltip("score_basis_word:N", title=t("score_basis")),
    ]


def indicator_level(rows: pl.DataFrame, *, selection: str = "indicator") -> alt.LayerChart:
    """One level of the tree: points as a light bar, the score as a dark bar over it, the score rate beside.

    Clicking a bar selects its `path` under the point selection named `selection`.
    """
    data = _labelled(rows).select(
        "path", "name", "points", "score", "score_rate", "score_basis_word", "rate_label", "leaf", "note"
    )
    pick = alt.selection_point(name=selection, fields=["path"], on="click", clear="dblclick")
    tooltip = [
        alt.Tooltip("name:N", title=t("col_indicator")),
        *_figure_tooltips(),
    ]
    order = data["name"].to_list()
    base = alt.Chart(data).encode(
        y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=tooltip,
    )
    full = (
        base.mark_bar(color=FULL, cursor="pointer")
        .encode(x=alt.X("points:Q", title=tr("分值（浅）与得分（深）", "Points (light) and score (dark)")))
        .add_params(pick)
        .properties(name="points")  # a stable view name for the selection, whatever else the process has drawn
    )
    scored = base.mark_bar(color=SCORED, height={"band": 0.55}, cursor="pointer").encode(x="score:Q")
    rate = base.mark_text(align="left", dx=4, fontSize=12).encode(x="points:Q", text="rate_label:N")
    height = 70 + 36 * data.height  # the whole chart, axis included (Streamlit fits the chart to this)
    return alt.layer(full, scored, rate).properties(height=height)


def level1_by_county(level1: pl.DataFrame) -> alt.Chart:
    """Score rate of each level-1 indicator, one bar per county, shared indicator names first."""
    data = level1.with_columns(_basis_word())
    order = data.sort("order")["level1"].unique(maintain_order=True).to_list()
    series = data["series"].unique(maintain_order=True).to_list()
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("level1:N", sort=order, title=t("col_level1"), axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=series),
            y=alt.Y("score_rate:Q", title=t("col_score_rate"), axis=alt.Axis(format="%")),
            color=alt.Color(
                "series:N",
                title=t("col_county"),
                sort=series,
                scale=alt.Scale(scheme="tableau10"),
            ),
            tooltip=[
                alt.Tooltip("series:N", title=t("col_county")),
                alt.Tooltip("level1:N", title=t("col_level1")),
                *_figure_tooltips(),
            ],
        )
        .properties(height=320)
    )
