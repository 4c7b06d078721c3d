"""数据质量: findings by kind, county and month, one county-month drilled down to its findings and roster rows;
and, in a second tab, the anomalies of the monthly series (app_ui.anomalies)."""

import datetime as dt

import polars as pl
import streamlit as st

from app_ui import anomalies, data, drill, withheld
from app_ui.charts import findings as charts
from app_ui.filters import Filters, page_start, pending_note
from app_ui.i18n import t, tr
from app_ui.tables import DATE, Column, show_table
from warehouse.frames import findings as views

CHART = "findings-chart"
COUNT_COLUMNS = [
    Column("county", "col_county", width="medium"),
    *(Column(kind, f"finding_{kind}", "localized") for kind in views.KINDS),
    Column("total", ("合计", "Total"), "localized"),
]
FINDING_COLUMNS = ["kind_name", "program_name", "file_name", "sheet", "row", "id_masked", "detail"]
ROW_COLUMNS = [
    "program_name",
    "sheet",
    "row",
    "township",
    "village",
    "id_masked",
    "persons",
    "category",
    "amount",
    Column("paid_on", ("发放日期", "Paid on"), DATE),
    Column("kinds", ("问题类型", "Kinds")),
]


def no_findings(filters: Filters) -> None:
    scope = filters.program_words
    st.info(
        tr(
            f"所选县区 {filters.year}年{scope}没有数据问题记录（或还没有上传该年的名册）。"
            "可在左侧换年度、项目或县区，或在「上传」页导入名册。",
            f"No findings for the chosen counties in {filters.year}{scope} (or no rosters stored for that year). "
            "Choose another year, programme or county in the sidebar, or import rosters on the Upload page.",
        )
    )


def kind_metrics(counts: pl.DataFrame, *, kind_words: dict[str, str]) -> None:
    """How many findings of each kind, all six."""
    totals = views.kind_totals(counts)
    for column, kind in zip(st.columns(len(totals)), totals, strict=True):
        column.metric(kind_words[kind], totals[kind])


def month_chart(counts: pl.DataFrame, *, filters: Filters, kind_words: dict[str, str]) -> None:
    """Findings per month stacked by kind; a click on a slice opens its kind, county and month below."""
    st.subheader(tr("按月份和问题类型", "By month and kind"))
    present = views.kinds_present(counts)
    shown = st.pills(
        tr("图中显示", "Shown"),
        present,
        selection_mode="multi",
        default=present,
        format_func=kind_words.get,
        key=f"findings-shown-{'-'.join(present)}",  # a fresh choice when other kinds are present
    )
    if not shown:
        st.info(tr("在上方至少选一种问题类型。", "Choose at least one kind above."))
        return
    by_month = views.counts_by_month(views.of_kinds(counts, shown), names=filters.names, kind_words=kind_words)
    event = st.altair_chart(
        charts.findings_by_month(by_month, year=filters.year), on_select="rerun", key=CHART, width="stretch"
    )
    drill.follow(
        drill.clicked_point(event, "finding"),
        {
            "findings-kind": "kind",
            "findings-county": "county_code",
            "findings-month": lambda point: charts.clicked_month(point.get("month")),
        },
        key=CHART,
    )
    st.caption(
        tr(
            "点击条形中的一段，即在下方打开该县该月该类问题；数量悬殊时，可在上方去掉某类以看清其余。",
            "Click a slice to open that county, month and kind below; hide a large kind above to see the rest.",
        )
    )


def county_table(counts: pl.DataFrame, *, filters: Filters) -> None:
    show_table(
        views.county_kind_counts(counts, names=filters.names),
        COUNT_COLUMNS,
        name=(f"数据问题_{filters.year}", f"findings-{filters.year}"),
        key="findings-counts",
        internal=data.internal(filters.counties),
    )


def drill_down(
    counts: pl.DataFrame, *, filters: Filters, kind_words: dict[str, str]
) -> tuple[str | None, str, dt.date]:
    """The kind (None: every kind), county and month to open, picked below the chart or clicked in it."""
    st.subheader(tr("查看明细", "Drill down"))
    kind_col, county_col, month_col = st.columns(3)
    kind = (  # "" stands for every kind: the picker shows None as "nothing chosen"
        drill.pick(
            t("col_finding_kind"),
            ["", *views.kinds_present(counts)],
            key="findings-kind",
            titles=lambda key: kind_words[key] if key else tr("全部类型", "All kinds"),
            first=True,
            where=kind_col,
        )
        or None
    )
    counties = views.counties_with(counts, kind)
    county = drill.pick(
        t("col_county"), counties, key="findings-county", titles=filters.names, first=True, where=county_col
    )
    months = {month: charts.month_label(month) for month in views.months_with(counts, county=county, kind=kind)}
    month = drill.pick(t("col_month"), list(months), key="findings-month", titles=months, first=True, where=month_col)
    return kind, county, month


def findings_table(
    county: str, month: dt.date, *, kind: str | None, filters: Filters, kind_words: dict[str, str]
) -> pl.DataFrame | None:
    """One county-month's findings (of one kind, or all); returns them (None where the account may not see them)."""
    if not data.sees_true_figures(county):
        st.info(
            tr(
                "逐条问题和名册行只对本县区的评价人员和管理员显示：每一条都指向一户。",
                "Findings one by one, and their roster rows, are shown to the county's evaluators and "
                "administrators only: each points at one household.",
            )
        )
        return None
    stored = views.in_program(data.findings((county,), month=month, pending=filters.pending), filters.program)
    pending_note(stored, filters)
    found = views.findings_at(
        stored,
        county=county,
        month=month,
        kind=kind,
        words=kind_words | {"rural": t("rural"), "urban": t("urban")},
    )
    place = f"{filters.names.get(county, county)} {charts.month_label(month)}"
    st.markdown(tr(f"**{place}**：{found.height} 条问题", f"**{place}**: {found.height} findings"))
    show_table(
        found,
        FINDING_COLUMNS,
        name=(f"数据问题_{county}_{month:%Y-%m}", f"findings-{county}-{month:%Y-%m}"),
        key="findings-rows",
        internal=True,  # shown only to those who see the county's true figures
    )
    return found


def roster_rows(found: pl.DataFrame, county: str, month: dt.date, *, pending: bool) -> None:
    """The roster rows the findings point at, masked IDs only."""
    st.markdown(tr("**名册中的对应行**", "**The roster rows they point at**"))
    programs = found["program"].unique().sort()
    stored = {program: data.household_rows(county, program, month, pending=pending) for program in programs}
    rows = views.flagged_rows(stored, found)
    if rows.is_empty():
        st.info(
            tr(
                "这些问题所在的名册行未能在仓库中找到（名册可能已被新版本替换）。",
                "The roster rows of these findings are not in the warehouse (the roster may have been replaced).",
            )
        )
        return
    show_table(
        rows,
        ROW_COLUMNS,
        name=(f"问题名册行_{county}_{month:%Y-%m}", f"flagged-rows-{county}-{month:%Y-%m}"),
        key="findings-household-rows",
        internal=True,
    )


def findings_tab(filters: Filters) -> None:
    """数据问题: counts by kind, the chart, the counties, and one county-month drilled down to its rows."""
    counts = views.in_program(
        data.finding_counts(filters.counties, filters.year, pending=filters.pending), filters.program
    )
    if counts.is_empty():
        no_findings(filters)
        return
    kind_words = charts.kind_words()
    kind_metrics(counts, kind_words=kind_words)
    month_chart(counts, filters=filters, kind_words=kind_words)
    county_table(counts, filters=filters)
    withheld.note(counts)
    kind, county, month = drill_down(counts, filters=filters, kind_words=kind_words)
    found = findings_table(county, month, kind=kind, filters=filters, kind_words=kind_words)
    if found is not None:
        roster_rows(found, county, month, pending=filters.pending)


filters = page_start("page_findings")
findings, flags = anomalies.tabs()
if findings.open:
    with findings:
        findings_tab(filters)
if flags.open:
    with flags:
        anomalies.section(filters)
