"""总览: one row per county — recipients, standard, latest evaluation, findings."""

import streamlit as st

from app_ui import data
from app_ui.export import download_buttons
from app_ui.filters import current
from app_ui.i18n import t

filters = current()
st.title(f"{t('app_title')} · {t('page_overview')}")
table = data.overview(filters.program)
if (table["source"] == "synthetic").any():
    st.caption(t("synthetic_note"))
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
download_buttons(table, "总览", key="overview")
