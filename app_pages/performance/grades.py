"""等级趋势: each county's total score year over year against the grade bands, and every evaluation on record."""

import streamlit as st

from app_ui import data, drill, export
from app_ui.charts import grades as charts
from app_ui.filters import current
from app_ui.i18n import t, tr
from warehouse.frames import grades as views

filters = current()
st.title(t("page_grades"))
if not filters.counties:
    st.info(t("no_county"))
    st.stop()

stored = data.evaluations(filters.counties, filters.program)
if stored.is_empty():
    st.info(
        tr(
            "所选县区和项目没有绩效评价。请换选县区或项目，或在「上传」页导入评价得分表。",
            "No evaluations for the chosen counties and programme. Choose others, or upload a score sheet "
            "on the Upload page.",
        )
    )
    st.stop()

words = charts.words()
evaluations = views.every_evaluation(stored, names=filters.names, words=words)
scored = views.scored(stored, names=filters.names, words=words)
unscored = views.unscored(stored, names=filters.names, words=words)
if (stored["source"] == "synthetic").any():
    st.caption(t("synthetic_note"))
if filters.year is not None and data.evaluations(filters.counties, filters.program, filters.year).is_empty():
    st.info(
        tr(
            f"所选县区{filters.year}年没有评价。图中仍显示全部年份；可在左侧换一个年度，或在「上传」页导入该年的评价。",
            f"No evaluation in {filters.year} for the chosen counties. The chart still shows every year; choose "
            "another year in the sidebar, or upload that year's evaluation.",
        )
    )

# — the trend: total score per county, year over year, in front of the grade bands —
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
event = None
if scored.is_empty():
    st.info(tr("所选评价都没有总分，无法画出趋势。", "None of the chosen evaluations has a total score to draw."))
else:
    event = st.altair_chart(
        charts.score_trend(scored, year=filters.year, words=words),
        on_select="rerun",
        key="grade-trend",
        width="stretch",
    )

if not unscored.is_empty():
    st.markdown(
        tr(
            "**没有总分的评价**（报告只给出结论词，未画入图中）",
            "**Evaluations without a total score** (the report gives a conclusion word only; not drawn)",
        )
    )
    headers = {
        "year": tr("年度", "Year"),
        "county": tr("县区", "County"),
        "program_label": tr("项目", "Programme"),
        "kind_label": tr("评价类型", "Kind"),
        "grade": tr("结论（报告原文）", "Conclusion (as reported)"),
        "evaluator": tr("评价机构", "Evaluator"),
        "source_label": tr("来源", "Source"),
    }
    table = unscored.rename(headers).select(list(headers.values()))
    export.table(
        table,
        name=tr("无总分评价", "unscored-evaluations"),
        download_key="grades-unscored",
        column_config={headers["year"]: st.column_config.NumberColumn(format="%d")},
    )

# — drill-down: a clicked point, or the same choice from a list —
ids = evaluations["id"].to_list()
titles = dict(zip(ids, evaluations["title"].to_list(), strict=True))
chosen = drill.pick(
    tr("查看一次评价的一级指标得分", "Level-1 scores of one evaluation"),
    ids,
    titles,
    clicked=charts.clicked_evaluation(event),
    key="grades-evaluation",
)
if chosen is not None:
    picked = evaluations.row(ids.index(chosen), named=True)
    with st.container(border=True):
        st.markdown(f"**{picked['title']}**")
        score, grade, band, spent = st.columns(4)
        score.metric(
            tr("总分", "Total score"), "—" if picked["total_score"] is None else f"{picked['total_score']:.2f}"
        )
        grade.metric(tr("等级（报告原文）", "Grade (as reported)"), picked["grade"] or "—")
        band.metric(tr("按分数应为", "Band of the score"), picked["band"])
        spent.metric(
            tr("实际支出（万元）", "Spent (10k yuan)"),
            "—" if picked["spent_wan"] is None else f"{picked['spent_wan']:,.2f}",
        )
        st.caption(
            f"{tr('评价机构', 'Evaluator')}：{picked['evaluator']} · {tr('来源', 'Source')}：{picked['source_label']}"
        )
        level1 = data.indicators((chosen,), depth=1)
        if level1.is_empty():
            st.info(tr("这次评价没有存入指标得分。", "No indicator scores are stored for this evaluation."))
        else:
            headers = {
                "level1": tr("一级指标", "Level-1 indicator"),
                "points": tr("分值", "Points"),
                "score": tr("得分", "Score"),
            }
            table = level1.rename(headers).select(list(headers.values()))
            export.table(
                table,
                name=tr("一级指标得分", "level-1-scores"),
                download_key="grades-level1",
                column_config={
                    headers["points"]: st.column_config.NumberColumn(format="%.2f"),
                    headers["score"]: st.column_config.NumberColumn(format="%.2f"),
                },
            )
            st.caption(
                tr(
                    "得分为空表示报告未列出该一级指标的小计；逐项得分见「指标得分」页。",
                    "An empty score means the report gives no subtotal; see the Indicator scores page for every item.",
                )
            )

# — every evaluation on record —
st.subheader(tr("全部评价", "Every evaluation"))
headers = {
    "year": tr("年度", "Year"),
    "county": tr("县区", "County"),
    "program_label": tr("项目", "Programme"),
    "kind_label": tr("评价类型", "Kind"),
    "total_score": tr("总分", "Total score"),
    "grade": tr("等级（报告原文）", "Grade (as reported)"),
    "band": tr("按分数应为", "Band of the score"),
    "evaluator": tr("评价机构", "Evaluator"),
    "source_label": tr("来源", "Source"),
}
table = evaluations.rename(headers).select(list(headers.values()))
export.table(
    table,
    name=tr("全部评价", "evaluations"),
    download_key="grades-all",
    column_config={
        headers["year"]: st.column_config.NumberColumn(format="%d"),
        headers["total_score"]: st.column_config.NumberColumn(format="%.2f"),
    },
)
