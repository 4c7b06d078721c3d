"""按时发放: the on-time rate per county and month against each county's deadline, and the households behind a cell."""

import polars as pl
import streamlit as st

from app_ui import data, drill, withheld
from app_ui.charts import on_time as charts
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import program_words, t, tr
from app_ui.tables import Column, retitled, show_table
from warehouse.frames import on_time as views

TARGET = views.TARGET


def year_grid(filters: Filters) -> pl.DataFrame:
    """The chosen year's cells per county, programme and month; a plain message instead where there are none."""
    monthly = data.monthly(filters.counties, filters.program, filters.year, pending=filters.pending)
    grid = views.on_time_grid(
        monthly,
        data.counties(filters.counties),
        programs=program_words(),
        month_format=t("month_format"),
        each_month=tr("每月{day}日前", "by day {day}"),
        month_end=tr("月末", "month end"),
        pending_mark=t("pending_mark"),
    )
    if grid.is_empty():
        st.info(t("no_rosters_in_year").format(year=filters.year))
        st.stop()
    if (grid["source"] == "synthetic").any():
        st.caption(t("synthetic_note"))
    pending_note(monthly, filters)
    withheld.note(monthly)
    return grid


def worst_first(ranking: pl.DataFrame, *, year: int) -> None:
    """The answer first: which county is worst, and in which months; or that every county met the target."""
    worst = ranking.row(0, named=True)
    if worst["rate"] is None or worst["rate"] >= TARGET:
        st.success(
            tr(
                f"所选县区 {year}年 全年按时发放率均达到 {TARGET:.0%} 目标。",
                f"Every chosen county met the {TARGET:.0%} on-time target in {year}.",
            )
        )
        return
    rate = worst["rate_text"]  # 「≥…」 where small counts are withheld from this reader: the least it can be
    st.error(
        tr(
            f"**{worst['county']}**（{worst['programme']}，{worst['deadline']}）{year}年按时发放率最低："
            f"**{rate}**，低于 {TARGET:.0%} 目标的月份：**{worst['months_below']}**。",
            f"**{worst['county']}** ({worst['programme']}, {worst['deadline']}) has the lowest on-time rate in "
            f"{year}: **{rate}**; months below the {TARGET:.0%} target: **{worst['months_below']}**.",
        )
    )


def heatmap(grid: pl.DataFrame, rows: dict[str, str], *, year: int) -> None:
    """County × month, red below the target; a click on a cell opens its households below."""
    st.subheader(tr(f"{year}年按时发放率（县区 × 月份）", f"On-time rate, {year} (county × month)"))
    st.caption(
        tr(
            f"按时发放率 = 截止日前到账户数 ÷ 保障户数（未发放计为未按时）；红色低于 {TARGET:.0%} 目标。"
            "点击格子查看逾期和未发放的户。",
            f"On-time rate = households paid by the deadline ÷ households (unpaid count as late); red is below the "
            f"{TARGET:.0%} target. Click a cell to see the late and unpaid households.",
        )
    )
    event = st.altair_chart(
        charts.on_time_heatmap(grid, rows=list(rows.values()), target=TARGET),
        on_select="rerun",
        key="on_time_chart",
        width="stretch",
    )
    drill.follow(
        drill.clicked_point(event, charts.CELL_PICK),
        {"on_time_row": lambda cell: f"{cell['county_code']}:{cell['program']}", "on_time_month": "month_key"},
        key="on_time_chart",
    )


def ranking_table(ranking: pl.DataFrame, *, year: int) -> None:
    """Every county and programme over the year, worst first."""
    st.subheader(tr(f"{year}年各县区按时发放率（由低到高）", f"On-time rate by county, {year} (worst first)"))
    bounded = bool(ranking["bounded"].any())  # some counts withheld from this reader: rates are bounds, as text
    rate_format = None if bounded else "percent"
    show_table(
        views.as_read(ranking).with_columns(rate="rate_text", worst_rate="worst_rate_text") if bounded else ranking,
        [
            "county",
            "programme",
            Column("deadline", "deadline"),
            Column("rate", "col_on_time_rate", rate_format),
            Column("households", ("应发户次", "Household-payments")),
            Column("on_time_households", ("按时户次", "On time")),
            Column("late_households", ("逾期户次", "Late")),
            Column("unpaid_households", ("未发放户次", "Unpaid")),
            Column("months_below_target", (f"低于{TARGET:.0%}的月数", f"Months below {TARGET:.0%}")),
            Column("months_below", ("低于目标的月份", "Months below target")),
            Column("worst_month", ("最差月份", "Worst month")),
            Column("worst_rate", ("最差月份按时率", "Worst month's rate"), rate_format),
        ],
        name=(f"按时发放_{year}", f"on_time_{year}"),
        key="on_time_ranking",
        internal=data.internal(ranking["county_code"].unique().to_list()),
    )


def picked_cell(grid: pl.DataFrame, rows: dict[str, str]) -> dict:
    """The cell whose households are listed below (a click on the heatmap picks it), with its figures."""
    st.subheader(tr("逾期与未发放明细", "Late and unpaid households"))
    row_col, month_col = st.columns(2)
    row = drill.pick(
        tr("县区 · 项目", "County · programme"), rows, key="on_time_row", titles=rows, first=True, where=row_col
    )
    county, program = row.split(":")
    months = views.months_in(grid, county=county, program=program)
    month_key = drill.pick(t("col_month"), months, key="on_time_month", titles=months, first=True, where=month_col)
    cell = views.cell(grid, county=county, program=program, month_key=month_key).row(0, named=True)
    rate, *counts = st.columns(5)
    rate.metric(t("col_on_time_rate"), cell["rate_text"] or "—")
    for column, (name, word) in zip(counts, charts.FIGURES, strict=True):
        column.metric(t(word), cell.get(f"{name}_text") or f"{cell[name]:,}")
    return cell


def households_behind(cell: dict, *, pending: bool) -> None:
    """The late and unpaid households behind the cell, as the data-quality findings record them."""
    if not data.sees_true_figures(cell["county_code"]):
        st.info(
            tr(
                "逐户明细只对本县区的评价人员和管理员显示。",
                "The households one by one are shown to the county's evaluators and administrators only.",
            )
        )
        return
    kinds = {"late_payment": tr("逾期发放", "Paid late"), "unpaid": tr("未发放", "Unpaid")}
    findings = data.findings((cell["county_code"],), month=cell["month"], pending=pending)
    behind = views.late_and_unpaid(findings, program=cell["program"], kinds=kinds)
    if behind.is_empty():
        st.info(tr("该月没有逾期或未发放的记录。", "No late or unpaid households this month."))
        return
    where = f"{cell['county_code']}_{cell['month_key'][:7]}"
    show_table(
        behind,
        [
            Column("kind", "col_problem"),
            "file_name",
            "sheet",
            "row",
            retitled("id_masked", ("身份证号（脱敏）", "ID (masked)")),
            "detail",
        ],
        name=(f"逾期未发放_{where}", f"late_unpaid_{where}"),
        key="on_time_behind",
        internal=True,  # the account sees this county's households one by one
    )


filters = page_start("page_on_time", no_year="no_rosters")
grid = year_grid(filters)
ranking = views.ranking(grid, target=TARGET, month_format=tr("%-m月", "%b"), separator=tr("、", ", "))
rows = views.rows_in(ranking)
worst_first(ranking, year=filters.year)
heatmap(grid, rows, year=filters.year)
ranking_table(ranking, year=filters.year)
households_behind(picked_cell(grid, rows), pending=filters.pending)
