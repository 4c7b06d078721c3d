"""数据质量: findings by kind, county and month; one county-month drilled down to its findings and roster rows."""

import datetime as dt

import streamlit as st

from app_ui import data
from app_ui.charts import findings as charts
from app_ui.export import download_buttons
from app_ui.filters import page_start
from app_ui.i18n import language, t, tr
from warehouse.frames import findings as views

CHART_KEY = "findings-chart"


def widget_key(name: str) -> str:
    """A drill-down selectbox's key, one per language: Streamlit keeps showing a keyed selectbox's old label."""
    return f"findings-{name}-{language()}"


def choose(name: str, value) -> None:
    """Pick `value` in the drill-down selectbox `name` (kind, county, month), in either language."""
    st.session_state[widget_key(name)] = st.session_state[f"findings-{name}"] = value


def clicked_month(value) -> dt.date | None:
    """A month as Vega-Lite sends it back: milliseconds since 1970 (UTC), or an ISO date text."""
    if isinstance(value, int | float):
        return (dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=value)).date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return None


def open_clicked() -> None:
    """A click on a bar slice picks its kind, county and month in the selectboxes below the chart."""
    picked = (st.session_state[CHART_KEY].get("selection", {}).get("finding") or [{}])[0]
    if month := clicked_month(picked.get("month")):
        choose("kind", picked.get("kind"))
        choose("county", picked.get("county_code"))
        choose("month", month)


def drill_select(column, name: str, label: str, options: list, format_func):
    """A drill-down selectbox that keeps its choice across reruns and languages while it is among `options`."""
    key = widget_key(name)
    if key not in st.session_state or st.session_state[key] not in options:
        remembered = st.session_state.get(f"findings-{name}")
        st.session_state[key] = remembered if remembered in options else options[0]
    value = column.selectbox(label, options, format_func=format_func, key=key)
    st.session_state[f"findings-{name}"] = value
    return value


filters = page_start("page_findings")

kind_words = charts.kind_words()
counts = views.in_program(data.finding_counts(filters.counties, filters.year), filters.program)
if counts.is_empty():
    scope = tr(f"（{t(filters.program)}）", f" ({t(filters.program)})") if filters.program else ""
    st.info(
        tr(
            f"所选县区 {filters.year}年{scope}没有数据问题记录（或还没有上传该年的名册）。"
            "可在左侧换年度、项目或县区，或在「上传」页导入名册。",
            f"No findings for the chosen counties in {filters.year}{scope} (or no rosters stored for that year). "
            "Choose another year, programme or county in the sidebar, or import rosters on the Upload page.",
        )
    )
    st.stop()

totals = views.kind_totals(counts)
for column, kind in zip(st.columns(len(totals)), totals, strict=True):
    column.metric(kind_words[kind], f"{totals[kind]:,}")

# ── by month and kind ──────────────────────────────────────────────────────────
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
if shown:
    by_month = views.counts_by_month(views.of_kinds(counts, shown), names=filters.names, kind_words=kind_words)
    st.altair_chart(
        charts.findings_by_month(by_month, year=filters.year),
        on_select=open_clicked,
        key=CHART_KEY,
        width="stretch",
    )
    st.caption(
        tr(
            "点击条形中的一段，即在下方打开该县该月该类问题；数量悬殊时，可在上方去掉某类以看清其余。",
            "Click a slice to open that county, month and kind below; hide a large kind above to see the rest.",
        )
    )
else:
    st.info(tr("在上方至少选一种问题类型。", "Choose at least one kind above."))

by_county = views.county_kind_counts(counts, names=filters.names)
count_columns = {"county": tr("县区", "County")} | kind_words | {"total": tr("合计", "Total")}
st.dataframe(
    by_county,
    column_order=list(count_columns),
    column_config={
        key: st.column_config.NumberColumn(label, format="localized") for key, label in count_columns.items()
    }
    | {"county": st.column_config.TextColumn(count_columns["county"], width="medium")},
    hide_index=True,
    width="stretch",
)
download_buttons(
    by_county.select(list(count_columns)).rename(count_columns),
    tr(f"数据问题_{filters.year}", f"findings-{filters.year}"),
    key="findings-counts",
)

# ── one county-month ───────────────────────────────────────────────────────────
st.subheader(tr("查看明细", "Drill down"))
kind_col, county_col, month_col = st.columns(3)
kind = (  # "" stands for every kind: a selectbox shows None as "nothing chosen"
    drill_select(
        kind_col,
        "kind",
        tr("问题类型", "Kind"),
        ["", *present],
        lambda key: kind_words[key] if key else tr("全部类型", "All kinds"),
    )
    or None
)
county = drill_select(county_col, "county", tr("县区", "County"), views.counties_with(counts, kind), filters.names.get)
months = {month: charts.month_label(month) for month in views.months_with(counts, county=county, kind=kind)}
month = drill_select(month_col, "month", tr("月份", "Month"), list(months), months.get)

words = kind_words | {"rural": t("rural"), "urban": t("urban")}
found = views.findings_at(
    views.in_program(data.findings((county,), month=month), filters.program),
    county=county,
    month=month,
    kind=kind,
    words=words,
)
place = f"{filters.names.get(county, county)} {charts.month_label(month)}"
st.markdown(tr(f"**{place}**：{found.height} 条问题", f"**{place}**: {found.height} findings"))
finding_columns = {
    "kind_name": tr("问题类型", "Kind"),
    "program_name": tr("项目", "Programme"),
    "file_name": tr("文件名", "File"),
    "sheet": tr("工作表", "Sheet"),
    "row": tr("行号", "Row"),
    "id_masked": tr("身份证号（已脱敏）", "ID number (masked)"),
    "detail": tr("说明", "Detail"),
}
st.dataframe(
    found,
    column_order=list(finding_columns),
    column_config=finding_columns | {"row": st.column_config.NumberColumn(finding_columns["row"], format="%d")},
    hide_index=True,
    width="stretch",
)
download_buttons(
    found.select(list(finding_columns)).rename(finding_columns),
    tr(f"数据问题_{county}_{month:%Y-%m}", f"findings-{county}-{month:%Y-%m}"),
    key="findings-rows",
)

st.markdown(tr("**名册中的对应行**", "**The roster rows they point at**"))
rows = views.flagged_rows(
    {program: data.household_rows(county, program, month) for program in found["program"].unique().sort()},
    found,
)
row_columns = {
    "program_name": finding_columns["program_name"],
    "sheet": finding_columns["sheet"],
    "row": finding_columns["row"],
    "township": tr("乡镇（街道）", "Township"),
    "village": tr("村（社区）", "Village"),
    "id_masked": finding_columns["id_masked"],
    "persons": tr("保障人数", "Persons"),
    "category": tr("保障类别", "Category"),
    "amount": tr("发放金额（元）", "Amount (yuan)"),
    "paid_on": tr("发放日期", "Paid on"),
    "kinds": tr("问题类型", "Kinds"),
}
if rows.is_empty():
    st.info(
        tr(
            "这些问题所在的名册行未能在仓库中找到（名册可能已被新版本替换）。",
            "The roster rows of these findings are not in the warehouse (the roster may have been replaced).",
        )
    )
else:
    st.dataframe(
        rows,
        column_order=list(row_columns),
        column_config=row_columns
        | {
            "row": st.column_config.NumberColumn(row_columns["row"], format="%d"),
            "amount": st.column_config.NumberColumn(row_columns["amount"], format="%.2f"),
            "paid_on": st.column_config.DateColumn(row_columns["paid_on"], format="YYYY-MM-DD"),
        },
        hide_index=True,
        width="stretch",
    )
    download_buttons(
        rows.select(list(row_columns)).rename(row_columns),
        tr(f"问题名册行_{county}_{month:%Y-%m}", f"flagged-rows-{county}-{month:%Y-%m}"),
        key="findings-household-rows",
    )
