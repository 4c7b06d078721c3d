"""总览: one row per county — recipients, standard, latest evaluation, findings."""

import streamlit as st

from app_ui import data

st.title("低保绩效驾驶舱 · 总览")
table = data.overview()
if table.is_empty():
    st.info("数据仓库是空的。请先运行 `dibao demo` 载入演示数据，或用 `dibao ingest` 导入名册和评价。")
    st.stop()
if (table["source"] == "synthetic").any():
    st.caption("演示数据：名册为按真实评价报告数字生成的合成数据；评价与标准中标注「演示数据」者亦为合成。")
st.dataframe(
    table,
    column_order=(
        "name",
        "month",
        "households",
        "persons",
        "amount",
        "standard",
        "evaluation_year",
        "evaluation_total_score",
        "evaluation_grade",
        "findings",
    ),
    column_config={
        "name": "县区",
        "month": st.column_config.DateColumn("最近月份", format="YYYY年M月"),
        "households": st.column_config.NumberColumn("保障户数", format="%d"),
        "persons": st.column_config.NumberColumn("保障人数", format="%d"),
        "amount": st.column_config.NumberColumn("当月发放（元）", format="%.2f"),
        "standard": st.column_config.NumberColumn("现行标准（元/人/月）", format="%.0f"),
        "evaluation_year": st.column_config.NumberColumn("评价年度", format="%d"),
        "evaluation_total_score": st.column_config.NumberColumn("评价得分", format="%.2f"),
        "evaluation_grade": "等级",
        "findings": st.column_config.NumberColumn("数据问题", format="%d"),
    },
    hide_index=True,
    width="stretch",
)
