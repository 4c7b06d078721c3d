"""保障人数: households and persons by month, new and exited households, then one month's townships and categories."""

import datetime as dt

import streamlit as st

from app_ui import data, export
from app_ui.charts import recipients as charts
from app_ui.filters import current
from app_ui.i18n import t, tr
from warehouse.frames import recipients as views

WAN = st.column_config.NumberColumn(format="%.2f")
PERCENT = st.column_config.NumberColumn(format="percent")


def follow_click(event, selection: str, widgets: dict[str, str], *, chart: str) -> None:
    """Copy a newly clicked mark's fields into the drill-down selectboxes (the selectboxes alone work too)."""
    points = event.selection.get(selection)
    if not points or not isinstance(points, list):
        return
    if points[0] != st.session_state.get(f"{chart}_seen"):
        st.session_state[f"{chart}_seen"] = points[0]
        for field, key in widgets.items():
            st.session_state[key] = points[0][field]


def show_table(frame, headers: dict[str, str], name: str, *, key: str, config: dict | None = None) -> None:
    """A table with the page's column titles, and its CSV/XLSX downloads."""
    shown = frame.select(list(headers)).rename(headers)
    export.table(
        shown,
        name=name,
        download_key=key,
        height=38 + 35 * min(shown.height, 12),
        column_config={headers[c]: f for c, f in (config or {}).items()},
    )


filters = current()  # draws the sidebar, language included: words come after it
PROGRAMS = {"rural": tr("农村", "Rural"), "urban": tr("城市", "Urban")}
MONTH_FORMAT = tr("%Y年%-m月", "%b %Y")
st.title(t("page_recipients"))
if not filters.counties:
    st.info(t("no_county"))
    st.stop()
if filters.year is None:
    st.info(
        tr(
            "仓库里还没有任何年度的名册。请在「上传」页导入月度发放名册。",
            "No rosters stored yet. Import monthly rosters on the Upload page.",
        )
    )
    st.stop()
series = views.monthly_series(
    data.monthly(filters.counties, filters.program, filters.year),
    names=filters.names,
    programs=PROGRAMS,
    month_format=MONTH_FORMAT,
)
if series.is_empty():
    st.info(
        tr(
            f"所选县区在 {filters.year}年 没有发放名册。请在左侧换一个年度或县区，或在「上传」页导入名册。",
            f"The chosen counties have no rosters in {filters.year}. Choose another year or county, or upload rosters.",
        )
    )
    st.stop()
if (series["source"] == "synthetic").any():
    st.caption(t("synthetic_note"))

# The latest month against the same month a year earlier, and the year's totals.
summary = views.year_summary(series, data.monthly(filters.counties, filters.program, filters.year - 1)).row(
    0, named=True
)
year, latest = filters.year, summary["month_label"]
columns = st.columns(5)
for column, name, label in (
    (columns[0], "households", tr(f"{latest}保障户数", f"Households, {latest}")),
    (columns[1], "persons", tr(f"{latest}保障人数", f"Persons, {latest}")),
):
    before = summary[f"{name}_year_earlier"]
    column.metric(
        label,
        f"{summary[name]:,}",
        delta=None if before is None else f"{summary[name] - before:+,}",
        delta_description=tr("较上年同月", "vs a year earlier"),
    )
columns[2].metric(tr(f"{year}年月均保障人数", f"Persons, {year} monthly average"), f"{summary['persons_average']:,}")
columns[3].metric(tr(f"{year}年发放（万元）", f"Paid in {year} (10k yuan)"), f"{summary['amount_wan']:,.2f}")
columns[4].metric(
    tr(f"{year}年新增 / 退出户数", f"New / exited households, {year}"),
    f"{summary['new_households'] or 0:,} / {summary['exited_households'] or 0:,}",
)

st.subheader(tr(f"{year}年逐月保障户数与人数", f"Households and persons by month, {year}"))
st.caption(tr("点击某个月份的点，查看该县区当月的乡镇明细。", "Click a month's point to see that county's townships."))
drill = {"county_code": "drill_county", "program": "drill_program", "month_key": "drill_month"}
for column, measure in zip(st.columns(2), ("households", "persons"), strict=True):
    with column:
        picked = st.altair_chart(
            charts.recipients_by_month(series, measure=measure),
            on_select="rerun",
            key=f"{measure}_chart",
            width="stretch",
        )
    follow_click(picked, charts.MONTH_PICK, drill, chart=f"{measure}_chart")

st.subheader(tr(f"{year}年逐月新增与退出户数", f"New and exited households by month, {year}"))
flows = views.household_flows(series)
if flows.is_empty():
    st.info(
        tr(
            "没有上月名册可比，无法计算新增与退出。",
            "No earlier month stored to compare with: no new or exited figures.",
        )
    )
else:
    st.altair_chart(charts.household_flows_by_month(flows), width="stretch")

with st.expander(tr("逐月明细表", "Monthly table"), expanded=True):
    show_table(
        series,
        {
            "county": tr("县区", "County"),
            "programme": tr("项目", "Programme"),
            "month_label": tr("月份", "Month"),
            "households": tr("保障户数", "Households"),
            "persons": tr("保障人数", "Persons"),
            "change": tr("户数增减", "Net change"),
            "new_households": tr("新增户数", "New households"),
            "exited_households": tr("退出户数", "Exited households"),
            "amount_wan": tr("发放金额（万元）", "Amount paid (10k yuan)"),
        },
        tr(f"保障人数_{filters.year}", f"recipients_{filters.year}"),
        key="recipients_monthly",
        config={"amount_wan": WAN},
    )

# One month of one county: its townships, then one township's categories.
st.subheader(tr("乡镇明细", "Townships"))
county_col, program_col, month_col = st.columns(3)
county = county_col.selectbox(
    tr("县区", "County"), views.counties_in(series), format_func=filters.names.get, key="drill_county"
)
program = program_col.selectbox(
    tr("项目", "Programme"), views.programs_in(series, county=county), format_func=PROGRAMS.get, key="drill_program"
)
months = views.months_in(series, county=county, program=program)
month_key = month_col.selectbox(tr("月份", "Month"), list(months), format_func=months.get, key="drill_month")
month = dt.date.fromisoformat(month_key)
townships = views.township_table(data.figures_by("township", county, program, month))
if townships.is_empty():
    st.info(tr("该月没有乡镇数据。", "No township figures for this month."))
    st.stop()
st.caption(
    tr(
        f"{filters.names[county]} · {PROGRAMS[program]} · {months[month_key]}：点击某个乡镇查看类别构成。",
        f"{filters.names[county]} · {PROGRAMS[program]} · {months[month_key]}: click a township to see its categories.",
    )
)
chart_col, table_col = st.columns([2, 3])
with chart_col:
    picked = st.altair_chart(
        charts.townships_by_households(townships), on_select="rerun", key="townships_chart", width="stretch"
    )
    follow_click(picked, charts.TOWNSHIP_PICK, {"township": "drill_township"}, chart="townships_chart")
with table_col:
    show_table(
        townships,
        {
            "township": tr("乡镇（街道）", "Township"),
            "households": tr("保障户数", "Households"),
            "persons": tr("保障人数", "Persons"),
            "amount_wan": tr("发放金额（万元）", "Amount paid (10k yuan)"),
            "new_households": tr("新增户数", "New households"),
            "exited_households": tr("退出户数", "Exited households"),
        },
        tr(f"乡镇明细_{county}_{month_key[:7]}", f"townships_{county}_{month_key[:7]}"),
        key="recipients_townships",
        config={"amount_wan": WAN},
    )

st.subheader(tr("类别构成", "Categories"))
township = st.selectbox(tr("乡镇（街道）", "Township"), townships["township"].to_list(), key="drill_township")
categories = views.category_table(
    data.figures_by("category", county, program, month, township=township),
    uncategorised=tr("未分类", "Uncategorised"),
)
chart_col, table_col = st.columns([2, 3])
chart_col.altair_chart(charts.categories_by_persons(categories), width="stretch")
with table_col:
    show_table(
        categories,
        {
            "category": tr("保障类别", "Category"),
            "households": tr("保障户数", "Households"),
            "persons": tr("保障人数", "Persons"),
            "persons_share": tr("人数占比", "Share of persons"),
            "amount_wan": tr("发放金额（万元）", "Amount paid (10k yuan)"),
        },
        tr(f"类别构成_{county}_{month_key[:7]}_{township}", f"categories_{county}_{month_key[:7]}_{township}"),
        key="recipients_categories",
        config={"amount_wan": WAN, "persons_share": PERCENT},
    )
