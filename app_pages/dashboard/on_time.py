"""按时发放: the on-time rate per county and month against each county's deadline, and the households behind a cell."""

import datetime as dt

import streamlit as st

from app_ui import data, export
from app_ui.charts import on_time as charts
from app_ui.filters import current
from app_ui.i18n import t, tr
from warehouse.frames import on_time as views

PERCENT = st.column_config.NumberColumn(format="percent")
TARGET = views.TARGET


def follow_click(event) -> None:
    """Copy a newly clicked cell into the drill-down selectboxes (the selectboxes alone work too)."""
    points = event.selection.get(charts.CELL_PICK)
    if not points or not isinstance(points, list):
        return
    if points[0] != st.session_state.get("on_time_seen"):
        st.session_state["on_time_seen"] = points[0]
        st.session_state["on_time_row"] = f"{points[0]['county_code']}:{points[0]['program']}"
        st.session_state["on_time_month"] = points[0]["month_key"]


filters = current()  # draws the sidebar, language included: words come after it
PROGRAMS = {"rural": tr("农村", "Rural"), "urban": tr("城市", "Urban")}
KINDS = {"late_payment": tr("逾期发放", "Paid late"), "unpaid": tr("未发放", "Unpaid")}
st.title(t("page_on_time"))
if not filters.counties:
    st.info(t("no_county"))
    st.stop()
if filters.year is None:
    st.info(tr("仓库里还没有任何年度的名册。请在「上传」页导入月度发放名册。", "No rosters stored yet: upload some."))
    st.stop()
grid = views.on_time_grid(
    data.monthly(filters.counties, filters.program, filters.year),
    data.counties(filters.counties),
    programs=PROGRAMS,
    month_format=tr("%Y年%-m月", "%b %Y"),
    each_month=tr("每月{day}日前", "by day {day}"),
    month_end=tr("月末", "month end"),
)
if grid.is_empty():
    st.info(
        tr(
            f"所选县区在 {filters.year}年 没有发放名册。请在左侧换一个年度或县区，或在「上传」页导入名册。",
            f"The chosen counties have no rosters in {filters.year}. Choose another year or county, or upload rosters.",
        )
    )
    st.stop()
if (grid["source"] == "synthetic").any():
    st.caption(t("synthetic_note"))

# The answer first: which county is worst, and in which months.
ranking = views.ranking(grid, target=TARGET, month_format=tr("%-m月", "%b"), separator=tr("、", ", "))
worst = ranking.row(0, named=True)
if worst["rate"] is not None and worst["rate"] < TARGET:
    st.error(
        tr(
            f"**{worst['county']}**（{worst['programme']}，{worst['deadline']}）{filters.year}年按时发放率最低："
            f"**{views.percent(worst['rate'])}**，低于 {TARGET:.0%} 目标的月份：**{worst['months_below']}**。",
            f"**{worst['county']}** ({worst['programme']}, {worst['deadline']}) has the lowest on-time rate in "
            f"{filters.year}: **{views.percent(worst['rate'])}**; "
            f"months below the {TARGET:.0%} target: **{worst['months_below']}**.",
        )
    )
else:
    st.success(
        tr(
            f"所选县区 {filters.year}年 全年按时发放率均达到 {TARGET:.0%} 目标。",
            f"Every chosen county met the {TARGET:.0%} on-time target in {filters.year}.",
        )
    )

st.subheader(tr(f"{filters.year}年按时发放率（县区 × 月份）", f"On-time rate, {filters.year} (county × month)"))
st.caption(
    tr(
        f"按时发放率 = 截止日前到账户数 ÷ 保障户数（未发放计为未按时）；红色低于 {TARGET:.0%} 目标。"
        "点击格子查看逾期和未发放的户。",
        f"On-time rate = households paid by the deadline ÷ households (unpaid count as late); red is below the "
        f"{TARGET:.0%} target. Click a cell to see the late and unpaid households.",
    )
)
rows = views.rows_in(ranking)
picked = st.altair_chart(
    charts.on_time_heatmap(grid, rows=list(rows.values()), target=TARGET),
    on_select="rerun",
    key="on_time_chart",
    width="stretch",
)
follow_click(picked)

st.subheader(
    tr(f"{filters.year}年各县区按时发放率（由低到高）", f"On-time rate by county, {filters.year} (worst first)")
)
headers = {
    "county": tr("县区", "County"),
    "programme": tr("项目", "Programme"),
    "deadline": tr("发放截止", "Deadline"),
    "rate": tr("按时发放率", "On-time rate"),
    "households": tr("应发户次", "Household-payments"),
    "on_time_households": tr("按时户次", "On time"),
    "late_households": tr("逾期户次", "Late"),
    "unpaid_households": tr("未发放户次", "Unpaid"),
    "months_below_target": tr(f"低于{TARGET:.0%}的月数", f"Months below {TARGET:.0%}"),
    "months_below": tr("低于目标的月份", "Months below target"),
    "worst_month": tr("最差月份", "Worst month"),
    "worst_rate": tr("最差月份按时率", "Worst month's rate"),
}
table = ranking.select(list(headers)).rename(headers)
export.table(
    table,
    name=tr(f"按时发放_{filters.year}", f"on_time_{filters.year}"),
    download_key="on_time_ranking",
    column_config={headers["rate"]: PERCENT, headers["worst_rate"]: PERCENT},
)

# One cell: the late and unpaid households behind it, as the data-quality findings record them.
st.subheader(tr("逾期与未发放明细", "Late and unpaid households"))
row_col, month_col = st.columns(2)
row = row_col.selectbox(tr("县区 · 项目", "County · programme"), list(rows), format_func=rows.get, key="on_time_row")
county, program = row.split(":")
months = views.months_in(grid, county=county, program=program)
month_key = month_col.selectbox(tr("月份", "Month"), list(months), format_func=months.get, key="on_time_month")
cell = views.cell(grid, county=county, program=program, month_key=month_key).row(0, named=True)
columns = st.columns(5)
columns[0].metric(tr("按时发放率", "On-time rate"), views.percent(cell["rate"]))
columns[1].metric(tr("保障户数", "Households"), f"{cell['households']:,}")
columns[2].metric(tr("按时户数", "On time"), f"{cell['on_time_households']:,}")
columns[3].metric(tr("逾期户数", "Late"), f"{cell['late_households']:,}")
columns[4].metric(tr("未发放户数", "Unpaid"), f"{cell['unpaid_households']:,}")
behind = views.late_and_unpaid(
    data.findings((county,), month=dt.date.fromisoformat(month_key)), program=program, kinds=KINDS
)
if behind.is_empty():
    st.info(tr("该月没有逾期或未发放的记录。", "No late or unpaid households this month."))
else:
    headers = {
        "kind": tr("问题", "Problem"),
        "file_name": tr("文件", "File"),
        "sheet": tr("工作表", "Sheet"),
        "row": tr("行号", "Row"),
        "id_masked": tr("身份证号（脱敏）", "ID (masked)"),
        "detail": tr("说明", "Detail"),
    }
    table = behind.select(list(headers)).rename(headers)
    export.table(
        table,
        name=tr(f"逾期未发放_{county}_{month_key[:7]}", f"late_unpaid_{county}_{month_key[:7]}"),
        download_key="on_time_behind",
    )
