"""等级趋势: each county's total score year over year against the grade bands, and every evaluation on record."""

from typing import Any

import polars as pl
import streamlit as st

from app_ui import data, drill
from app_ui.charts import grades as charts
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import t, tr
from app_ui.tables import retitled, show_table
from warehouse.frames import grades as views

WHICH = ["year", "county", "program_label", "kind_label"]  # which evaluation a row is: both tables start so
BY = ["evaluator", "source_label"]  # and end with who wrote it
UNSCORED_COLUMNS = [*WHICH, retitled("grade", ("结论（报告原文）", "Conclusion (as reported)")), *BY]
EVERY_COLUMNS = [*WHICH, "total_score", "grade", "band", *BY]


def no_evaluations() -> None:
    st.info(
        tr(
            "所选县区和项目没有绩效评价。请换选县区或项目，或在「上传」页导入评价得分表。",
            "No evaluations for the chosen counties and programme. Choose others, or upload a score sheet "
            "on the Upload page.",
        )
    )


def notes(stored: pl.DataFrame, *, filters: Filters) -> None:
    """Say that demo data is on the page, and that the chosen year has no evaluation."""
    if (stored["source"] == "synthetic").any():
        st.caption(t("synthetic_note"))
    pending_note(stored, filters)
    chosen_year = data.evaluations(filters.counties, filters.program, filters.year, pending=filters.pending)
    if filters.year is not None and chosen_year.is_empty():
        st.info(
            tr(
                f"所选县区{filters.year}年没有评价。图中仍显示全部年份；可在左侧换一个年度，或在「上传」页导入该年的评价。",
                f"No evaluation in {filters.year} for the chosen counties. The chart still shows every year; choose "
                "another year in the sidebar, or upload that year's evaluation.",
            )
        )


def trend(scored: pl.DataFrame, *, year: int | None, words: views.Words) -> Any:
    """Total score per county, year over year, in front of the grade bands; returns the chart's click event."""
    st.subheader(tr("总分逐年变化", "Total score year over year"))
    st.caption(
        tr(
            "色带为等级（优 ≥ 90，良 80–90，中 60–80，差 < 60）；点的形状为评价类型，空心点为演示数据；阴影为所选年度。"
            "点击一个点查看该次评价的一级指标得分。",
            "Bands are the grades (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60); the shape of a point is the kind of "
            "evaluation, hollow points are demo data; the shaded column is the chosen year. Click a point for the "
            "level-1 scores of that evaluation.",
        )
    )
    if scored.is_empty():
        st.info(tr("所选评价都没有总分，无法画出趋势。", "None of the chosen evaluations has a total score to draw."))
        return None
    chart = charts.score_trend(scored, year=year, words=words)
    return st.altair_chart(chart, on_select="rerun", key="grade-trend", width="stretch")


def unscored_table(unscored: pl.DataFrame) -> None:
    """The evaluations the chart cannot draw, with the word they give instead of a score."""
    if unscored.is_empty():
        return
    st.markdown(
        tr(
            "**没有总分的评价**（报告只给出结论词，未画入图中）",
            "**Evaluations without a total score** (the report gives a conclusion word only; not drawn)",
        )
    )
    show_table(unscored, UNSCORED_COLUMNS, name=("无总分评价", "unscored-evaluations"), key="grades-unscored")


def one_evaluation(evaluations: pl.DataFrame, *, clicked: int | None) -> None:
    """A clicked point, or the same choice from a list: its score, grade and level-1 scores."""
    label = tr("查看一次评价的一级指标得分", "Level-1 scores of one evaluation")
    picked = drill.pick_row(label, evaluations, key="grades-evaluation", clicked=clicked, by="id")
    if picked is None:
        return
    with st.container(border=True):
        st.markdown(f"**{picked['title']}**")
        score, grade, band, spent = st.columns(4)
        score.metric(t("col_total_score"), "—" if picked["total_score"] is None else f"{picked['total_score']:.2f}")
        grade.metric(t("col_grade_reported"), picked["grade"] or "—")
        band.metric(t("col_band"), picked["band"])
        spent.metric(
            tr("实际支出（万元）", "Spent (10k yuan)"),
            "—" if picked["spent_wan"] is None else f"{picked['spent_wan']:,.2f}",
        )
        colon = tr("：", ": ")
        st.caption(
            f"{t('col_evaluator')}{colon}{picked['evaluator']} · {t('col_source')}{colon}{picked['source_label']}"
        )
        level1_scores(picked["id"])


def level1_scores(evaluation_id: int) -> None:
    level1 = data.indicators((evaluation_id,), depth=1)
    if level1.is_empty():
        st.info(tr("这次评价没有存入指标得分。", "No indicator scores are stored for this evaluation."))
        return
    show_table(level1, ["level1", "points", "score"], name=("一级指标得分", "level-1-scores"), key="grades-level1")
    st.caption(
        tr(
            "得分为空表示报告未列出该一级指标的小计；逐项得分见「指标得分」页。",
            "An empty score means the report gives no subtotal; see the Indicator scores page for every item.",
        )
    )


def every_table(evaluations: pl.DataFrame) -> None:
    st.subheader(tr("全部评价", "Every evaluation"))
    show_table(evaluations, EVERY_COLUMNS, name=("全部评价", "evaluations"), key="grades-all")


filters = page_start("page_grades", needs_year=False)  # the trend spans every year: a year only shades one
stored = data.evaluations(filters.counties, filters.program, pending=filters.pending)
if stored.is_empty():
    no_evaluations()
    st.stop()
words = charts.words()
evaluations = views.every_evaluation(stored, names=filters.names, words=words)
notes(stored, filters=filters)
event = trend(views.scored(stored, names=filters.names, words=words), year=filters.year, words=words)
unscored_table(views.unscored(stored, names=filters.names, words=words))
one_evaluation(evaluations, clicked=charts.clicked_evaluation(event))
every_table(evaluations)
