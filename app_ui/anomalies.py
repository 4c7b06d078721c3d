"""数据质量's two tabs, and its 异常 tab: the anomaly flags of the view (warehouse.anomalies, cached as
data.anomalies) counted by method, each listed with its sentence and its standing in the 整改台账, and the
way to that register."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_ui import data, drill, followup
from app_ui.filters import Filters
from app_ui.i18n import Label, label, language, tr
from app_ui.tables import Column, Drawn, show_table
from warehouse.frames.anomalies import METHOD_WORDS, Tuning

TABS: tuple[Label, Label] = (("数据问题", "Findings"), ("异常", "Anomalies"))
METHODS = {
    "change": (METHOD_WORDS["change"], "Change on the month before"),
    "spike": (METHOD_WORDS["spike"], "Against the 12-month median"),
    "missing": (METHOD_WORDS["missing"], "Missing month"),
}
MEASURES_EN = {
    "households": "Households",
    "persons": "Persons",
    "amount_per_person": "Amount per person",
    "one_person_share": "One-person households' share",
    "new_households": "New households",
    "exited_households": "Exited households",
    "roster": "Roster",
}


def tabs(key: str = "findings-tab") -> list:
    """数据问题 and 异常, only the open one's content run (a tab switch reruns the page); the open tab is kept
    across a language switch."""
    labels = [label(words) for words in TABS]
    remembered = st.session_state.get(f"{key}-index", 0)
    shown = st.tabs(labels, default=labels[remembered], key=f"{key}-{language()}", on_change="rerun")
    st.session_state[f"{key}-index"] = next((index for index, tab in enumerate(shown) if tab.open), 0)
    return shown


def section(filters: Filters) -> None:
    """The flags of the sidebar's view: the methods in a line, counts by method, the table, the way to the register."""
    explain_methods()
    flags = data.anomalies(filters.counties, filters.program, filters.year, pending=filters.pending)
    if flags.is_empty():
        no_flags(filters)
        return
    method_counts(flags)
    synthetic_note(flags)
    show_table(
        with_status(flags, filters),
        columns(),
        name=(f"异常_{filters.year}", f"anomalies-{filters.year}"),
        key="anomalies-flags",
        internal=data.internal(flags["county_code"].unique().to_list()),
    )
    to_register()


def explain_methods() -> None:
    tuning = Tuning()
    st.caption(
        tr(
            f"方法：较上月变化——本月较上月的变化与近{tuning.window}个月的变化相比"
            f"（稳健 z 分数，绝对值 ≥ {tuning.z:g}），且变化至少 {tuning.least_change:.0%}、"
            f"涉及至少 {tuning.least_count} 户；去年同月有同向变化的视为季节性，不标记。"
            f"新增、退出户数与其近{tuning.window}个月中位数相比（至少 {tuning.least_spike} 户、为中位数 3 倍以上）。"
            "缺报月份：开始报送后某月没有名册。",
            f"Methods: a month's change on the month before against the changes of the {tuning.window} months before "
            f"(robust z-score, |z| ≥ {tuning.z:g}), at least {tuning.least_change:.0%} and {tuning.least_count} "
            "households; a change the same month a year earlier also made is seasonal and not flagged. New and exited "
            f"households against their {tuning.window}-month median (at least {tuning.least_spike}, three times the "
            "median). Missing months: a month with no roster after reporting began.",
        )
    )


def no_flags(filters: Filters) -> None:
    scope = filters.program_words
    st.info(
        tr(
            f"所选县区 {filters.year}年{scope}没有发现异常。异常由已存名册按乡镇逐月比较得出，"
            "每个乡镇须先有 6 个月的名册才开始判断。",
            f"No anomalies for the chosen counties in {filters.year}{scope}. They come from comparing the stored "
            "rosters township by township, month by month, once a township has six months of them.",
        )
    )


def method_counts(flags: pl.DataFrame) -> None:
    """How many flags each method raised, all three."""
    found = dict(flags.group_by("method").len().iter_rows())
    for column, (method, words) in zip(st.columns(len(METHODS)), METHODS.items(), strict=True):
        column.metric(tr(*words), f"{found.get(method, 0):,}")


def synthetic_note(flags: pl.DataFrame) -> None:
    synthetic = flags.filter(source="synthetic").height
    if synthetic:
        st.info(
            tr(
                f"其中 {synthetic} 处异常出自演示合成数据的名册，仅供演示，不是真实县区的问题。",
                f"{synthetic} of these flags come from synthetic demo rosters: for demonstration only.",
            ),
            icon=":material/science:",
        )


def with_status(flags: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    """The flags in the interface's words, each with its key and status in the register of the same view.

    Joined on county, programme, month and sentence: the register raises its anomaly items from the same
    cached flags (briefs.followup.anomaly_items), and a sentence names its township, measure and figures, so
    it tells two flags of a county-month apart without rebuilding the register's subject here."""
    slot = ["county_code", "program", "month", "words"]
    register = followup.labelled(followup.register_of(filters).filter(kind="anomaly"))
    standing = register.select(*slot, "key", "status_label").unique(slot)
    methods = followup.words_of(METHODS)
    measure = pl.col("measure_words") if language() == "zh" else pl.col("measure").replace_strict(MEASURES_EN)
    return flags.join(standing, on=slot, how="left").with_columns(
        measure_label=measure,
        method_label=pl.col("method").replace_strict(methods),
        status_label=pl.col("status_label").fill_null("—"),
        score=pl.col("score").round(1),
    )


def columns() -> list:
    """The sentence first after the county (it names the township, month and measure), then how it was judged and
    where it stands; the township, month and measure again at the end, to sort and filter by."""
    return [
        Column("county", "col_county"),
        Column("words", ("说明", "What"), width=560),
        Column("method_label", ("方法", "Method")),
        Column("score", ("得分", "Score"), "%.1f"),
        Column("status_label", ("台账状态", "Register status"), width="medium"),
        Column("key", ("台账编号", "Register key")),
        "township",
        Drawn("month", "col_month", drawn=st.column_config.DateColumn(format=tr("YYYY年M月", "MMM YYYY"))),
        Column("measure_label", ("指标", "Measure")),
    ]


def to_register() -> None:
    """To the 整改台账, showing its anomalies (of every status)."""
    if st.button(tr("在整改台账中处理 ›", "Follow up in the register ›"), key="anomalies-to-register"):
        drill.choose("followup-kind", "anomaly")
        drill.choose("followup-status", "")
        st.session_state["followup-overdue"] = False
        st.switch_page(followup.PAGE)
