"""保障人数: households and persons by month, new and exited households, then one month's townships and categories."""

import datetime as dt
from typing import NamedTuple

import polars as pl
import streamlit as st

from app_ui import data, drill, withheld
from app_ui.charts import recipients as charts
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import program_words, t, tr
from app_ui.tables import Column, show_table
from warehouse.frames import recipients as views

ROWS = 12  # rows a table shows before it scrolls: a year of months


def year_series(filters: Filters) -> pl.DataFrame:
    """The chosen year's months per county and programme; a plain message instead of the page where there are none."""
    monthly = data.monthly(filters.counties, filters.program, filters.year, pending=filters.pending)
    if monthly.is_empty():
        st.info(t("no_rosters_in_year").format(year=filters.year))
        st.stop()
    if (monthly["source"] == "synthetic").any():
        st.caption(t("synthetic_note"))
    pending_note(monthly, filters)
    withheld.note(monthly)
    return views.monthly_series(
        monthly,
        names=filters.names,
        programs=program_words(),
        month_format=t("month_format"),
        pending_mark=t("pending_mark"),
    )


def header_metrics(filters: Filters, series: pl.DataFrame) -> None:
    """The latest month against the same month a year earlier, and the year's totals."""
    earlier = data.monthly(filters.counties, filters.program, filters.year - 1, pending=filters.pending)
    summary = views.year_summary(series, earlier).row(0, named=True)
    year, latest = filters.year, summary["month_label"]
    columns = st.columns(5)
    hidden = summary["withheld"]  # a county's total withheld from this reader: no sum over it is shown either
    for column, name, title in (
        (columns[0], "households", tr(f"{latest}保障户数", f"Households, {latest}")),
        (columns[1], "persons", tr(f"{latest}保障人数", f"Persons, {latest}")),
    ):
        before = None if hidden else summary[f"{name}_year_earlier"]
        column.metric(
            title,
            withheld.HIDDEN if hidden else f"{summary[name]:,}",
            delta=None if before is None else f"{summary[name] - before:+,}",
            delta_description=tr("较上年同月", "vs a year earlier"),
        )
    average, paid = (withheld.HIDDEN,) * 2 if hidden else (summary["persons_average"], summary["amount_wan"])
    columns[2].metric(
        tr(f"{year}年月均保障人数", f"Persons, {year} monthly average"), average if hidden else f"{average:,}"
    )
    columns[3].metric(tr(f"{year}年发放（万元）", f"Paid in {year} (10k yuan)"), paid if hidden else f"{paid:,.2f}")
    columns[4].metric(tr(f"{year}年新增 / 退出户数", f"New / exited, {year}"), summary["flows_text"])


def monthly_charts(series: pl.DataFrame, *, filters: Filters) -> None:
    """Households and persons month by month against their usual range, township anomalies ringed; a click on a
    month's point opens its townships below."""
    year = filters.year
    st.subheader(tr(f"{year}年逐月保障户数与人数", f"Households and persons by month, {year}"))
    earlier = data.monthly(filters.counties, filters.program, year - 1, pending=filters.pending)
    flags = data.anomalies(filters.counties, filters.program, year, pending=filters.pending)
    series = views.with_expectations(series, earlier, flags)
    st.caption(
        tr(
            "阴影为各月之前12个月的最低–最高（正常范围）；红圈标出当月有乡镇异常，悬停可见说明，"
            "全部异常见「数据质量 › 异常」。点击某个月份的点，查看该县区当月的乡镇明细。",
            "The shading is each month's range over the 12 months before it; a red ring marks a month with township "
            "anomalies (hover for them; all of them under Data quality › Anomalies). Click a month's point to see "
            "that county's townships.",
        )
    )
    pickers = {"drill_county": "county_code", "drill_program": "program", "drill_month": "month_key"}
    for column, measure in zip(st.columns(2), ("households", "persons"), strict=True):
        chart = f"{measure}_chart"
        event = column.altair_chart(
            charts.recipients_by_month(series, measure=measure), on_select="rerun", key=chart, width="stretch"
        )
        drill.follow(drill.clicked_point(event, charts.MONTH_PICK), pickers, key=chart)


def household_flows(series: pl.DataFrame, *, year: int) -> None:
    """New and exited households month by month."""
    st.subheader(tr(f"{year}年逐月新增与退出户数", f"New and exited households by month, {year}"))
    flows = views.household_flows(series)
    if flows.is_empty() and series["flows_hidden"].any():
        st.info(
            tr(
                "各月新增或退出户数中有少于 5 户的，按小数保护规则隐去，不画出。",
                "Each month has new or exited households under 5, withheld under the small-count rule: none drawn.",
            )
        )
    elif flows.is_empty():
        st.info(t("no_earlier_month"))
    else:
        st.altair_chart(charts.household_flows_by_month(flows), width="stretch")


def monthly_table(series: pl.DataFrame, *, year: int) -> None:
    """Every county, programme and month of the year as a table."""
    with st.expander(tr("逐月明细表", "Monthly table"), expanded=True):
        show_table(
            views.as_read(series),
            [
                "county",
                "programme",
                "month_label",
                "households",
                "persons",
                Column("change", ("户数增减", "Net change")),
                "new_households",
                "exited_households",
                "amount_wan",
            ],
            name=(f"保障人数_{year}", f"recipients_{year}"),
            key="recipients_monthly",
            internal=data.internal(series["county_code"].unique().to_list()),
            rows=ROWS,
        )


class Month(NamedTuple):
    """One month of one county's programme, as the drill-down's pickers chose it."""

    county: str
    program: str
    key: str  # 2020-12-01
    title: str  # 新平彝族傣族自治县 · 农村 · 2020年12月
    pending: bool  # the version waiting for approval where there is one (the sidebar's toggle)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.key)


def month_pickers(filters: Filters, series: pl.DataFrame) -> Month:
    """The county, programme and month whose townships are shown (a click on a month's point sets them)."""
    st.subheader(tr("乡镇明细", "Townships"))
    county_col, program_col, month_col = st.columns(3)
    programmes = program_words()
    county = drill.pick(
        t("col_county"),
        views.counties_in(series),
        key="drill_county",
        titles=filters.names,
        first=True,
        where=county_col,
    )
    program = drill.pick(
        t("col_program"),
        views.programs_in(series, county=county),
        key="drill_program",
        titles=programmes,
        first=True,
        where=program_col,
    )
    months = views.months_in(series, county=county, program=program)
    key = drill.pick(t("col_month"), months, key="drill_month", titles=months, first=True, where=month_col)
    title = f"{filters.names[county]} · {programmes[program]} · {months[key]}"
    return Month(county, program, key, title, filters.pending)


def township_split(month: Month) -> pl.DataFrame:
    """The month's townships as bars and a table; a click on a bar picks one for its categories."""
    figures = data.split("township", month.county, month.program, month.day, pending=month.pending)
    townships = views.township_table(figures)
    withheld.note(townships)
    if townships.is_empty():
        st.info(tr("该月没有乡镇数据。", "No township figures for this month."))
        st.stop()
    st.caption(
        tr(f"{month.title}：点击某个乡镇查看类别构成。", f"{month.title}: click a township to see its categories.")
    )
    chart_col, table_col = st.columns([2, 3])
    event = chart_col.altair_chart(
        charts.townships_by_households(townships), on_select="rerun", key="townships_chart", width="stretch"
    )
    drill.follow(
        drill.clicked_point(event, charts.TOWNSHIP_PICK), {"drill_township": "township"}, key="townships_chart"
    )
    with table_col:
        show_table(
            views.as_read(townships),
            ["township", *views.SPLIT_COLUMNS],
            name=(f"乡镇明细_{month.county}_{month.key[:7]}", f"townships_{month.county}_{month.key[:7]}"),
            key="recipients_townships",
            internal=data.internal([month.county]),
            rows=ROWS,
        )
    return townships


def category_split(month: Month, townships: pl.DataFrame) -> None:
    """One township's categories in the month picked above."""
    st.subheader(tr("类别构成", "Categories"))
    township = drill.pick(t("col_township"), townships["township"].to_list(), key="drill_township", first=True)
    figures = data.split("category", month.county, month.program, month.day, township=township, pending=month.pending)
    categories = views.category_table(figures, uncategorised=tr("未分类", "Uncategorised"))
    chart_col, table_col = st.columns([2, 3])
    chart_col.altair_chart(charts.categories_by_persons(categories), width="stretch")
    share = Column("persons_share", ("人数占比", "Share of persons"), "percent")
    with table_col:
        show_table(
            views.as_read(categories),
            ["category", "households", "persons", share, "amount_wan"],
            name=(
                f"类别构成_{month.county}_{month.key[:7]}_{township}",
                f"categories_{month.county}_{month.key[:7]}_{township}",
            ),
            key="recipients_categories",
            internal=data.internal([month.county]),
            rows=ROWS,
        )


filters = page_start("page_recipients", no_year="no_rosters")
series = year_series(filters)
header_metrics(filters, series)
monthly_charts(series, filters=filters)
household_flows(series, year=filters.year)
monthly_table(series, year=filters.year)
month = month_pickers(filters, series)
category_split(month, township_split(month))
