"""The 审核 page's evaluations: score sheets waiting for approval (with what a replacement changes in the
approved evaluation), approved ones to lock, locked ones an admin may unlock."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_ui import approval, data, session
from app_ui.filters import Filters
from app_ui.i18n import evaluation_kind_words, t, tr
from app_ui.tables import Column, show_table
from warehouse.evaluation_states import EvaluationKey
from warehouse.frames import reporting

COLUMNS = [
    Column("county", "col_county", width="medium"),
    Column("program_words", ("项目", "Programme")),
    Column("year", "col_year"),
    Column("kind_words", "col_evaluation_kind"),
    Column("state_words", ("状态", "State")),
    Column("uploaded_by", ("上传人", "Uploaded by")),
    Column("decided_by", ("审核 / 处理人", "Decided by")),
    Column("reason", ("理由", "Reason"), width="medium"),
]
MOVED_COLUMNS = [
    Column("path", "col_indicator", width="large"),
    Column("points", "col_points", "%.2f"),
    Column("score_old", ("原得分", "Score before"), "%.2f"),
    Column("score_new", ("新得分", "Score now"), "%.2f"),
    Column("difference", ("增减", "Change"), "%+.2f"),
]


def keys(rows: pl.DataFrame) -> list[EvaluationKey]:
    return [EvaluationKey(*row) for row in rows.select("county_code", "program", "year", "kind").iter_rows()]


def _rows(states: pl.DataFrame, wanted: tuple[str, ...], filters: Filters) -> pl.DataFrame:
    words = {"rural": t("rural"), "urban": t("urban"), "all": t("program_all")}  # as the months above name them
    return reporting.in_states(
        states, wanted, names=filters.names, program_words=words, kind_words=evaluation_kind_words()
    )


def section(filters: Filters) -> None:
    st.subheader(tr("评价审核", "Evaluations"))
    states = data.evaluation_states(filters.counties, filters.year)
    waiting = _rows(states, ("pending", "returned"), filters)
    if waiting.is_empty():
        st.info(
            tr(f"{filters.year}年所选县区没有待审核的评价。", f"No evaluation waits for approval in {filters.year}.")
        )
    else:
        chosen = approval.chosen_rows(
            waiting, COLUMNS, key="approval-evaluations", label=("要处理的评价", "Evaluations to decide")
        )
        approve_col, reason_col, return_col = st.columns([1, 3, 1], vertical_alignment="bottom")
        reason = reason_col.text_input(tr("退回理由", "Reason for returning"), key="approval-evaluation-reason")
        if approve_col.button(tr("审核通过所选评价", "Approve"), type="primary", disabled=chosen.is_empty()):
            approval.say(approval.decide("approve", keys(chosen)), tr("已审核。", "Approved."))
        if return_col.button(tr("退回所选评价", "Return"), disabled=chosen.is_empty()):
            approval.say(approval.decide("return", keys(chosen), reason=reason), tr("已退回。", "Returned."))
        for key in keys(chosen.filter(pl.col("has_approved") == 1)):
            _what_changed(key, filters)
    _locking(states, filters)


def _what_changed(key: EvaluationKey, filters: Filters) -> None:
    """The total, the grade and the indicator scores the replacement changes in the approved evaluation."""
    found = data.evaluation_change(key.county, key.program, key.year, key.kind)
    place = f"{filters.names.get(key.county, key.county)} {key.year} {evaluation_kind_words().get(key.kind, key.kind)}"
    st.markdown(tr(f"**与已审核的评价相比：{place}**", f"**Against the approved evaluation: {place}**"))
    if found is None:
        st.info(tr("已审核的评价不在库中，无可比较。", "No approved evaluation to compare with."))
        return
    total, grade = st.columns(2)
    total.metric(
        tr("总分", "Total"),
        "—" if found.total_new is None else f"{found.total_new:g}",
        delta=None if None in (found.total_new, found.total_old) else f"{found.total_new - found.total_old:+.2f}",
    )
    grade.metric(
        tr("等级", "Grade"),
        found.grade_new or "—",
        delta=f"{found.grade_old or '—'} → {found.grade_new or '—'}",
        delta_color="off",
    )
    if found.indicators.is_empty():
        st.info(tr("各指标得分均未变化。", "No indicator's score changed."))
        return
    where = f"{key.county}_{key.year}_{key.kind}"
    show_table(
        found.indicators,
        MOVED_COLUMNS,
        name=(f"评价得分变化_{where}", f"score-changes-{where}"),
        key=f"approval-evaluation-change-{where}",
    )


def _locking(states: pl.DataFrame, filters: Filters) -> None:
    approved = _rows(states, ("approved",), filters)
    if not approved.is_empty():
        chosen = approval.chosen_rows(
            approved, COLUMNS, key="approval-evaluations-approved", label=("要锁定的评价", "Evaluations to lock")
        )
        if st.button(tr("锁定所选评价", "Lock evaluations"), disabled=chosen.is_empty()):
            approval.say(approval.decide("lock", keys(chosen)), tr("已锁定。", "Locked."))
    locked = _rows(states, ("locked",), filters)
    if locked.is_empty() or not session.is_admin():
        return
    unlocking = approval.chosen_rows(
        locked, COLUMNS, key="approval-evaluations-locked", label=("要解锁的评价", "Evaluations to unlock")
    )
    reason_col, unlock_col = st.columns([4, 1], vertical_alignment="bottom")
    reason = reason_col.text_input(tr("解锁理由", "Reason for unlocking"), key="approval-evaluation-unlock-reason")
    if unlock_col.button(tr("解锁所选评价", "Unlock evaluations"), disabled=unlocking.is_empty()):
        approval.say(approval.decide("unlock", keys(unlocking), reason=reason), tr("已解锁。", "Unlocked."))
