"""Approval of a county × programme × month (a `Slot`) or of an evaluation (an `EvaluationKey`):
待审核 → 已审核 → 已锁定, or 已退回 to its uploader.

Checked here, beside the county scope, so no page, command or function can go around it: an
upload makes its month or evaluation pending (and a locked one refuses the upload); an approver — an
evaluator of the county other than the uploader, or an admin — approves or returns it (a
return needs a reason); an approved month can be locked; only an admin unlocks, with a reason.
Every transition is one conditional update (two approvers at once: one wins, the other is told)
and one audit event with who, when, the reason and the version's file hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, insert, update

from access.roles import ADMIN, EVALUATOR, Actor, as_actor
from warehouse import audit, evaluation_states, versions
from warehouse.errors import Problem, Refused, Rejected
from warehouse.evaluation_states import EvaluationKey
from warehouse.models import EvaluationState, MonthState
from warehouse.month_states import (
    APPROVED,
    LOCKED,
    PENDING,
    RETURNED,
    STATE_WORDS,
    Slot,
    state_of,
    where,
)


class ApprovalRefused(Refused):
    """A transition that may not happen; nothing changed."""


def require_unlocked(conn: Connection, slot: Slot, *, file_name: str) -> None:
    """Refuse a new version of a locked month, naming who can unlock it; nothing is stored."""
    found = state_of(conn, slot)
    if found is not None and found.state == LOCKED:
        message = f"{slot} 已锁定（{found.decided_by} 锁定），不能再上传；如需更正，请管理员先解锁并说明理由"
        raise Rejected([Problem(file_name, message=message)])


def record_upload(conn: Connection, slot: Slot, *, upload_id: int, by: str) -> None:
    """A stored upload makes its month pending, whatever it was (a locked month never gets here)."""
    now = dt.datetime.now(dt.UTC)
    values = {"state": PENDING, "upload_id": upload_id, "uploaded_by": by, "uploaded_at": now}
    cleared = {"decided_by": "", "decided_at": None, "reason": ""}
    if conn.execute(update(MonthState).where(where(slot)).values(**values, **cleared)).rowcount == 0:
        slot_values = {"county_code": slot.county, "program": slot.program, "month": slot.month, "reported_at": now}
        conn.execute(insert(MonthState).values(**slot_values, **values, **cleared))


def require_evaluation_unlocked(conn: Connection, key: EvaluationKey, *, file_name: str) -> None:
    """Refuse a new score sheet for a locked evaluation, naming who can unlock it; nothing is stored."""
    found = evaluation_states.state_of(conn, key)
    if found is not None and found.state == LOCKED:
        message = f"评价 {key} 已锁定（{found.decided_by} 锁定），不能再上传；如需更正，请管理员先解锁并说明理由"
        raise Rejected([Problem(file_name, message=message)])


def may_approve(actor: Actor, county: str) -> bool:
    """Approvers: the county's evaluators and admins (never a viewer); the uploader is checked per month."""
    return actor.role == ADMIN or (actor.role == EVALUATOR and county in actor.counties)


def approve(engine: Engine, user: Actor | str, slots: Iterable[Slot | EvaluationKey]) -> list:
    """Approve pending months (or evaluations), all or none: refused if any is not pending, or was uploaded by
    this actor. Leadership sees the approved version from then on."""
    return _move(engine, user, list(slots), action="approve", allowed={PENDING}, to=APPROVED)


def return_to_uploader(engine: Engine, user: Actor | str, slot: Slot | EvaluationKey, *, reason: str) -> list:
    """Send a pending month (or evaluation) back to its uploader, with the reason they will read."""
    return _move(engine, user, [slot], action="return", allowed={PENDING}, to=RETURNED, reason=reason)


def lock(engine: Engine, user: Actor | str, slots: Iterable[Slot | EvaluationKey]) -> list:
    """Freeze approved months (or evaluations): no upload is taken for them until an admin unlocks."""
    return _move(engine, user, list(slots), action="lock", allowed={APPROVED}, to=LOCKED)


def unlock(engine: Engine, user: Actor | str, slot: Slot | EvaluationKey, *, reason: str) -> list:
    """An admin reopens a locked month (or evaluation), which stays approved, saying why."""
    return _move(engine, user, [slot], action="unlock", allowed={LOCKED}, to=APPROVED, reason=reason)


def _move(
    engine: Engine, user: Actor | str, subjects: list, *, action: str, allowed: set[str], to: str, reason: str = ""
) -> list:
    actor = as_actor(user)
    if not subjects:
        raise ApprovalRefused("没有指定月份或评价")
    if action in ("return", "unlock") and not reason.strip():
        raise ApprovalRefused(f"{'退回' if action == 'return' else '解锁'}须说明理由")
    with engine.begin() as conn:
        problems, found = [], {}
        for subject in sorted(set(subjects), key=str):
            state = _state_of(conn, subject)
            if problem := _refusal(actor, subject, state, action=action, allowed=allowed):
                problems.append(problem)
            found[subject] = state
        if problems:
            raise ApprovalRefused("；".join(problems) + "。未做任何更改")
        now = dt.datetime.now(dt.UTC)
        for subject, state in found.items():
            table = MonthState if isinstance(subject, Slot) else EvaluationState
            values = {"state": to, "decided_by": actor.name, "decided_at": now, "reason": reason.strip()}
            moved = conn.execute(
                update(table)
                .where(_where(subject), table.state == state.state, table.upload_id == state.upload_id)
                .values(**values)
            ).rowcount
            if moved == 0:  # someone else moved it since we read it: the whole batch is refused
                raise ApprovalRefused(f"{subject} 刚被他人处理，请刷新后再试。未做任何更改")
            _after(conn, subject, state, action)
            change = f"{STATE_WORDS[state.state]} → {STATE_WORDS[to]}"
            audit.transition(
                conn,
                actor=actor.name,
                action=action,
                county=subject.county,
                what=subject.what,
                upload_id=state.upload_id,
                change=change,
                reason=reason,
            )
    return sorted(found, key=str)


def _state_of(conn: Connection, subject: Slot | EvaluationKey):
    return state_of(conn, subject) if isinstance(subject, Slot) else evaluation_states.state_of(conn, subject)


def _where(subject: Slot | EvaluationKey):
    return where(subject) if isinstance(subject, Slot) else evaluation_states.where(EvaluationState, subject)


def _after(conn: Connection, subject: Slot | EvaluationKey, state, action: str) -> None:
    """What a decision does to the versions: approving makes the waiting version the one leadership sees;
    returning a score sheet that replaces an approved evaluation discards it (the approved one stays)."""
    if isinstance(subject, Slot):
        if action == "approve":
            versions.promote(conn, subject, state.upload_id, state.approved_upload_id)
            conn.execute(update(MonthState).where(where(subject)).values(approved_upload_id=state.upload_id))
        return
    if action == "approve":
        approved = evaluation_states.promote(conn, subject)
        table = EvaluationState
        conn.execute(
            update(table).where(evaluation_states.where(table, subject)).values(approved_evaluation_id=approved)
        )
    elif action == "return":
        evaluation_states.discard_waiting(conn, subject)


def _refusal(actor: Actor, slot: Slot | EvaluationKey, state, *, action: str, allowed: set[str]) -> str:
    """Why this actor may not do this to this month ("" when they may)."""
    if state is None:
        return f"{slot} 还没有上传{'名册' if isinstance(slot, Slot) else '评分表'}"
    if action == "unlock" and actor.role != ADMIN:
        return f"只有管理员可以解锁（账户「{actor.name}」不是管理员）"
    if not may_approve(actor, slot.county):
        return f"账户「{actor.name}」无权审核县区 {slot.county}"
    if action in ("approve", "return") and state.uploaded_by == actor.name:
        return f"{slot} 由「{actor.name}」本人上传，不能由本人{'审核' if action == 'approve' else '退回'}"
    if state.state not in allowed:
        return f"{slot} 当前为「{STATE_WORDS[state.state]}」，不能{_VERBS[action]}"
    return ""


_VERBS = {"approve": "审核通过", "return": "退回", "lock": "锁定", "unlock": "解锁"}
