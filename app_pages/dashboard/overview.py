"""总览: one row per county — recipients, standard, on-time payment, evaluation, findings; pick one for detail."""

import streamlit as st

from app_ui import data, export
from app_ui.filters import current
from app_ui.i18n import t, tr
from warehouse.frames.overview import county_rows, evaluation_ids, with_rechecks

filters = current()
st.title(f"{t('app_title')} · {t('page_overview')}")
if not filters.counties:
    st.info(t("no_county"))
    st.stop()
table = county_rows(
    counties=data.counties(filters.counties),
    monthly=data.monthly(filters.counties, filters.program),
    standards=data.standards(filters.counties, filters.program),
    evaluations=data.evaluations(filters.counties, filters.program),
    finding_counts=data.finding_counts(filters.counties),
    year=filters.year,
)
table = with_rechecks(table, data.recheck_counts(evaluation_ids(table)), flag=tr("评价重算有差异", "re-check differs"))
if (table["source"] == "synthetic").any():
    st.caption(t("synthetic_note"))
st.caption(
    tr(
        "点击一行查看该县详情；「需关注」列出最差的数值。",
        "Click a row for the county's detail; 'Attention' names the worst values.",
    )
)
picked = export.table(
    table,
    name="总览",
    download_key="overview",
    column_order=(
        "name",
        "latest_month",
        "households",
        "households_change",
        "persons",
        "standard",
        "standard_rise",
        "on_time_rate_12m",
        "evaluation_year",
        "evaluation_total_score",
        "evaluation_grade",
        "evaluation_differences",
        "findings",
        "attention",
    ),
    column_config={
        "name": tr("县区", "County"),
        "latest_month": st.column_config.DateColumn(tr("最近月份", "Latest month"), format="YYYY年M月"),
        "households": st.column_config.NumberColumn(tr("保障户数", "Households"), format="localized"),
        "households_change": st.column_config.NumberColumn(tr("户数同比", "vs a year earlier"), format="percent"),
        "persons": st.column_config.NumberColumn(tr("保障人数", "Persons"), format="localized"),
        "standard": st.column_config.NumberColumn(tr("现行标准（元/人/月）", "Standard (yuan)"), format="%.0f"),
        "standard_rise": st.column_config.NumberColumn(tr("标准同比提高", "Standard rise"), format="percent"),
        "on_time_rate_12m": st.column_config.ProgressColumn(
            tr("近 12 个月按时率", "On time, 12 months"), format="percent", min_value=0, max_value=1
        ),
        "evaluation_year": st.column_config.NumberColumn(tr("评价年度", "Evaluated"), format="%d"),
        "evaluation_total_score": st.column_config.NumberColumn(tr("评价得分", "Score"), format="%.2f"),
        "evaluation_grade": tr("等级", "Grade"),
        "evaluation_differences": st.column_config.NumberColumn(
            tr("重算差异", "Re-check differences"),
            help=tr(
                "按指标体系重算这份评价，与报告不一致的指标、小计、总分和等级的个数（详见「指标得分」页）",
                "Indicators, subtotals, total and grade where the rubric re-check differs from the report",
            ),
            format="%d",
        ),
        "findings": st.column_config.NumberColumn(tr("近 12 个月数据问题", "Findings, 12 months"), format="localized"),
        "attention": tr("需关注", "Attention"),
    },
    on_select="rerun",
    selection_mode="single-row",
    key="overview_table",
)

rows = picked.selection.rows if picked else []
names = table["name"].to_list()
chosen = (
    names[rows[0]]
    if rows
    else st.selectbox(
        tr("查看县区详情", "County detail"),
        ["", *names],
        placeholder=tr("选择县区", "Choose a county"),
        key="overview_county",
    )
)
if chosen:
    row = table.row(names.index(chosen), named=True)
    st.subheader(chosen)
    a, b, c, d = st.columns(4)
    a.metric(
        tr("保障户数", "Households"),
        f"{row['households'] or 0:,}",
        f"{row['households_change']:+.1%}" if row["households_change"] is not None else None,
    )
    b.metric(
        tr("现行标准", "Standard"),
        f"{row['standard'] or 0:.0f} 元",
        f"{row['standard_rise']:+.1%}" if row["standard_rise"] is not None else None,
    )
    c.metric(
        tr("近 12 个月按时率", "On time, 12 months"),
        f"{row['on_time_rate_12m']:.1%}" if row["on_time_rate_12m"] is not None else "—",
    )
    score = row["evaluation_total_score"]
    d.metric(
        tr("最近评价", "Latest evaluation"),
        f"{score:.2f} {row['evaluation_grade']}" if score is not None else (row["evaluation_grade"] or "—"),
    )
    deadline = row["deadline_day"]
    due = tr(f"每月 {deadline} 日前", f"day {deadline}") if deadline else tr("月末", "month end")
    st.write(tr(f"发放截止日：{due}。在左侧只选此县，其余页面即显示它的明细。", f"Payment deadline: {due}."))
