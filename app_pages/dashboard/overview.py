"""总览: one row per county — recipients, standard, on-time payment, evaluation, findings; pick one for detail."""

import polars as pl
import streamlit as st

from app_ui import approval, data, drill
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import t, tr
from app_ui.tables import Column, Drawn, show_table
from warehouse.frames import reporting
from warehouse.frames.overview import county_rows, evaluation_ids, with_missing_months, with_rechecks


def county_table(filters: Filters) -> pl.DataFrame:
    """One row per chosen county with its latest figures and the re-check of its latest evaluation."""
    monthly = data.monthly(filters.counties, filters.program, pending=filters.pending)
    pending_note(monthly, filters)
    table = county_rows(
        counties=data.counties(filters.counties),
        monthly=monthly,
        standards=data.standards(filters.counties, filters.program),
        evaluations=data.evaluations(filters.counties, filters.program, pending=filters.pending),
        finding_counts=data.finding_counts(filters.counties, pending=filters.pending),
        year=filters.year,
    )
    rechecks = data.recheck_counts(evaluation_ids(table))
    if filters.year is not None:
        reported = reporting.summary(approval.timeliness(tuple(filters.counties), filters.year))
        table = with_missing_months(table, reported, flag=tr("未报送 {n} 个月", "{n} months not reported"))
    return with_rechecks(
        table,
        rechecks,
        flag=tr("评价重算有差异（报告数字）", "re-check differs (report's figures)"),
        other_flag=tr("评价重算另有差异（解读或仓库数据）", "re-check differs on a reading or warehouse data"),
    )


def table_columns() -> list[Column]:
    """The table's columns, worst values named last under 需关注."""
    differences = tr(
        "按指标体系、只用报告自身的数字重算这份评价，与报告不一致的指标、小计、总分和等级的个数（详见「指标得分」页）",
        "Indicators, subtotals, total and grade where the re-check on the report's own figures differs",
    )
    others = tr(
        "取决于解读或仓库数据（演示中为合成数据）的差异个数，另列，不与上一列相加",
        "Differences resting on a reading or warehouse data (synthetic in the demo), kept apart",
    )
    return [
        Column("name", "col_county"),
        Drawn("latest_month", ("最近月份", "Latest month"), drawn=st.column_config.DateColumn(format="YYYY年M月")),
        Column("households", "col_households", "localized"),
        Column("households_change", ("户数同比", "vs a year earlier"), "percent"),
        Column("persons", "col_persons", "localized"),
        Column("standard", ("现行标准（元/人/月）", "Standard (yuan)"), "%.0f"),
        Column("standard_rise", ("标准同比提高", "Standard rise"), "percent"),
        Drawn(
            "on_time_rate_12m",
            "on_time_12m",
            drawn=st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
        ),
        Column("evaluation_year", ("评价年度", "Evaluated"), "%d"),
        Column("evaluation_total_score", ("评价得分", "Score"), "%.2f"),
        "evaluation_grade",
        Drawn(
            "evaluation_differences",
            ("重算差异（报告数字）", "Re-check differences (report's figures)"),
            drawn=st.column_config.NumberColumn(format="%d", help=differences),
        ),
        Drawn(
            "evaluation_other_differences",
            ("其他依据的差异", "On readings or warehouse data"),
            drawn=st.column_config.NumberColumn(format="%d", help=others),
        ),
        Column("findings", ("近 12 个月数据问题", "Findings, 12 months"), "localized"),
        Column("attention", ("需关注", "Attention")),
    ]


def overview_table(table: pl.DataFrame):
    """The counties side by side; a click on a row picks one for its detail. Return the table's selection event."""
    if (table["source"] == "synthetic").any():
        st.caption(t("synthetic_note"))
    st.caption(
        tr(
            "点击一行查看该县详情；「需关注」列出最差的数值。",
            "Click a row for the county's detail; 'Attention' names the worst values.",
        )
    )
    return show_table(
        table, table_columns(), name="page_overview", key="overview", on_select="rerun", selection_mode="single-row"
    )


def county_picker(table: pl.DataFrame, event) -> str | None:
    """The county whose detail is shown: a clicked row, or the same choice from a list."""
    names = table["name"].to_list()
    rows = event.selection.rows if event else []
    clicked = names[rows[0]] if rows else None
    hint = ("选择县区", "Choose a county")
    return drill.pick(tr("查看县区详情", "County detail"), names, key="overview_county", clicked=clicked, hint=hint)


def county_detail(row: dict) -> None:
    """One county's headline figures and its payment deadline."""
    st.subheader(row["name"])
    households, standard, on_time, evaluation = st.columns(4)
    households.metric(
        t("col_households"),
        f"{row['households'] or 0:,}",
        f"{row['households_change']:+.1%}" if row["households_change"] is not None else None,
    )
    standard.metric(
        tr("现行标准", "Standard"),
        f"{row['standard'] or 0:.0f} 元",
        f"{row['standard_rise']:+.1%}" if row["standard_rise"] is not None else None,
    )
    on_time.metric(t("on_time_12m"), f"{row['on_time_rate_12m']:.1%}" if row["on_time_rate_12m"] is not None else "—")
    score = row["evaluation_total_score"]
    evaluation.metric(
        tr("最近评价", "Latest evaluation"),
        f"{score:.2f} {row['evaluation_grade']}" if score is not None else (row["evaluation_grade"] or "—"),
    )
    deadline = row["deadline_day"]
    due = tr(f"每月 {deadline} 日前", f"day {deadline}") if deadline else tr("月末", "month end")
    st.write(tr(f"发放截止日：{due}。在左侧只选此县，其余页面即显示它的明细。", f"Payment deadline: {due}."))


filters = page_start("page_overview", needs_year=False, title=f"{t('app_title')} · {t('page_overview')}")
table = county_table(filters)
event = overview_table(table)
if chosen := county_picker(table, event):
    county_detail(table.row(table["name"].to_list().index(chosen), named=True))
