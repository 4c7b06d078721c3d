"""审核: months waiting for approval, approved months to lock (and unlock), and who reported on time."""

import polars as pl
import streamlit as st

from app_ui import after_change, approval, data, evaluation_approval, session
from app_ui.filters import UPLOADERS, Filters, page_start
from app_ui.i18n import t, tr
from app_ui.tables import Column, Drawn, show_table
from warehouse.frames import changes, reporting

MONTH_COLUMNS = [
    Column("county", "col_county", width="medium"),
    Column("program_words", ("项目", "Programme")),
    Drawn("month", ("月份", "Month"), drawn=st.column_config.DateColumn(format="YYYY年M月")),
    Column("state_words", ("状态", "State")),
    Column("uploaded_by", ("上传人", "Uploaded by")),
    Column("decided_by", ("审核 / 处理人", "Decided by")),
    Column("reason", ("理由", "Reason"), width="medium"),
]
CHANGE_COLUMNS = [
    Column("change", ("变化", "Change")),
    Column("id_masked", "col_id_masked"),
    "township",
    "village",
    Column("category_old", ("原类别", "Category before")),
    Column("category_new", ("新类别", "Category now")),
    Column("persons_old", ("原人数", "Persons before"), "%d"),
    Column("persons_new", ("新人数", "Persons now"), "%d"),
    Column("amount_old", ("原金额（元）", "Amount before (yuan)"), "%.2f"),
    Column("amount_new", ("新金额（元）", "Amount now (yuan)"), "%.2f"),
]
TOWNSHIP_CHANGE_COLUMNS = [
    "township",
    *(
        Column(f"{figure}_{side}", (f"{words[0]}{side_words[0]}", f"{words[1]} {side_words[1]}"), number)
        for figure, words, number in (
            ("households", ("户数", "households"), "%d"),
            ("persons", ("人数", "persons"), "%d"),
            ("amount", ("金额（元）", "yuan"), "%.2f"),
        )
        for side, side_words in (("old", ("·原", "before")), ("new", ("·新", "now")), ("diff", ("·增减", "change")))
    ),
]
SUMMARY_COLUMNS = [
    Column("county", "col_county", width="medium"),
    Column("on_time", ("按时", "On time"), "%d"),
    Column("late", ("逾期", "Late"), "%d"),
    Column("missing", ("未报送", "Missing"), "%d"),
    Column("pending", ("待审核", "Pending"), "%d"),
    Column("on_time_rate", ("报送及时率", "On-time rate"), "percent"),
]


def programs() -> dict[str, str]:
    return {"rural": t("rural"), "urban": t("urban")}


def pending_section(filters: Filters) -> None:
    """待审核 and 已退回: approve the ticked months at once, or return them with a reason."""
    st.subheader(tr("待审核", "Waiting for approval"))
    states = data.month_states(filters.counties, filters.year)
    waiting = reporting.in_states(states, ("pending", "returned"), names=filters.names, program_words=programs())
    if waiting.is_empty():
        st.info(tr(f"{filters.year}年所选县区没有待审核的月份。", f"Nothing waits for approval in {filters.year}."))
        return
    st.caption(
        tr(
            "选择月份后审核通过或退回（可一次选多个月）。上传人不能审核本人上传的月份；退回须写明理由，上传人重新上传后再审核。",
            "Pick months, then approve or return them. Nobody approves their own upload; a return needs a reason.",
        )
    )
    chosen = approval.chosen_rows(waiting, MONTH_COLUMNS, key="approval-waiting", label=("要处理的月份", "Months to decide"))
    approve_col, reason_col, return_col = st.columns([1, 3, 1], vertical_alignment="bottom")
    reason = reason_col.text_input(tr("退回理由", "Reason for returning"), key="approval-reason")
    if approve_col.button(tr("审核通过所选月份", "Approve"), type="primary", disabled=chosen.is_empty()):
        approval.say(approval.decide("approve", approval.slots(chosen)), tr("已审核。", "Approved."))
    if return_col.button(tr("退回所选月份", "Return"), disabled=chosen.is_empty()):
        approval.say(approval.decide("return", approval.slots(chosen), reason=reason), tr("已退回。", "Returned."))
    picked = approval.slots(chosen)
    for slot in picked:
        what_changed(slot, names=filters.names, alone=len(picked) == 1)


def what_changed(slot, *, names: dict[str, str], alone: bool) -> None:
    """A chosen month's waiting version against the approved one: households added, exited and changed
    (masked IDs) and the figures by township, with downloads. A first report has nothing to compare: said
    when it is the only month picked, left out of a bulk pick."""
    found = data.month_change(slot.county, slot.program, slot.month)
    if found.change is None and not alone:
        return
    title = f"{names.get(slot.county, slot.county)} · {programs()[slot.program]} · {slot.month:%Y-%m}"
    st.markdown(tr(f"**与已审核版本相比：{title}**", f"**Against the approved version: {title}**"))
    if found.change is None:
        st.info(found.why_not)
        return
    approved, waiting = found.versions["approved"], found.versions["waiting"]
    st.caption(
        tr(
            f"待审核：「{waiting['file_name']}」（{waiting['uploaded_by']} 上传）；已审核：「{approved['file_name']}」"
            f"（{approved['uploaded_by']} 上传）。审核通过前，领导看到的仍是已审核版本。",
            f"Waiting: “{waiting['file_name']}” by {waiting['uploaded_by']}; approved: “{approved['file_name']}”. "
            "Leadership sees the approved version until this one is approved.",
        )
    )
    counts = found.change.counts
    for column, kind, words in zip(
        st.columns(3), ("added", "exited", "changed"), (("新增户", "Added"), ("退出户", "Exited"), ("变更户", "Changed"))
    ):
        column.metric(tr(*words), f"{counts[kind]:,}")
    where = f"{slot.county}_{slot.month:%Y-%m}"
    show_table(
        found.change.townships,
        TOWNSHIP_CHANGE_COLUMNS,
        name=(f"乡镇数字变化_{where}", f"township-changes-{where}"),
        key=f"approval-townships-{where}",
    )
    households = changes.download(found.change)
    if households.is_empty():
        st.info(tr("没有住户新增、退出或变更。", "No household was added, exited or changed."))
        return
    show_table(
        households, CHANGE_COLUMNS, name=(f"住户变化_{where}", f"household-changes-{where}"), key=f"approval-households-{where}", placeholder="—"
    )


def lock_section(filters: Filters) -> None:
    """已审核 months to lock; 已锁定 ones an admin may unlock, with a reason."""
    st.subheader(tr("锁定", "Locking"))
    states = data.month_states(filters.counties, filters.year)
    approved = reporting.in_states(states, ("approved",), names=filters.names, program_words=programs())
    st.caption(tr("锁定后该月不再接受任何上传；只有管理员可以解锁，并须写明理由。", "A locked month takes no upload."))
    chosen = approval.chosen_rows(approved, MONTH_COLUMNS, key="approval-approved", label=("要锁定的月份", "Months to lock"))
    if st.button(tr("锁定所选月份", "Lock"), disabled=chosen.is_empty()):
        approval.say(approval.decide("lock", approval.slots(chosen)), tr("已锁定。", "Locked."))
    locked = reporting.in_states(states, ("locked",), names=filters.names, program_words=programs())
    if locked.is_empty() or not session.is_admin():
        return
    st.markdown(tr("**已锁定的月份**（管理员可解锁）", "**Locked months** (admins may unlock)"))
    unlocking = approval.chosen_rows(locked, MONTH_COLUMNS, key="approval-locked", label=("要解锁的月份", "Months to unlock"))
    reason_col, unlock_col = st.columns([4, 1], vertical_alignment="bottom")
    reason = reason_col.text_input(tr("解锁理由", "Reason for unlocking"), key="approval-unlock-reason")
    if unlock_col.button(tr("解锁所选月份", "Unlock"), disabled=unlocking.is_empty()):
        approval.say(approval.decide("unlock", approval.slots(unlocking), reason=reason), tr("已解锁。", "Unlocked."))


def timeliness_section(filters: Filters) -> None:
    """Each county's months of the year: on time, late, missing or pending; due the 25th of the month after."""
    st.subheader(tr("报送及时率", "Reporting timeliness"))
    months = approval.timeliness(tuple(filters.counties), filters.year)
    if months.is_empty():
        st.info(tr("所选县区该年没有报送记录。", "No reports from the chosen counties that year."))
        return
    grid = reporting.grid(months, names=filters.names, program_words=programs())
    months_shown = [Column(name, (name, name.replace("月", ""))) for name in grid.columns[1:]]
    series = Column("series", "col_county", width="medium")
    show_table(grid, [series, *months_shown], name=("报送", "reporting"), key="approval-grid")
    show_table(reporting.summary(months, names=filters.names), SUMMARY_COLUMNS, name=("报送及时率", "on-time-rate"), key="approval-rate")
    st.caption(
        tr(
            f"每月名册须在次月 {reporting.REPORT_DAY} 日前报送（北京时间）；「待审核」为已报送、尚未审核；空白为尚未到期。",
            f"A month is due on the {reporting.REPORT_DAY}th of the month after (Beijing time); blank: not yet due.",
        )
    )


filters = page_start("page_approval", who=UPLOADERS)
after_change.show_notice()
pending_section(filters)
lock_section(filters)
evaluation_approval.section(filters)
timeliness_section(filters)
