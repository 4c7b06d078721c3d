"""County × programme × month states (待审核 → 已审核 → 已锁定, or 已退回): the vocabulary, the lookup, the
audit line of a transition, and the migration that marks months stored before approval existed.

Who may move a month is decided in access/approval.py, beside the county scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, insert, select, update

from warehouse.bulk import in_chunks
from warehouse.models import AuditEvent, MonthState, Upload
from warehouse.vocabulary import APPROVED, LOCKED, PENDING, PROGRAM_WORDS, RETURNED, STATE_WORDS

__all__ = ["APPROVED", "LOCKED", "PENDING", "RETURNED", "STATE_WORDS", "Slot", "state_of", "where"]
MIGRATION = "系统迁移"  # who approved the months stored before approval existed
DEMO = "演示数据"  # who approved the demo's synthetic months
DEMO_REASON = "演示数据（合成），载入时预置为已审核"


@dataclass(frozen=True, order=True)
class Slot:
    """One county's programme in one month (the first of the month)."""

    county: str
    program: str
    month: dt.date

    def __str__(self) -> str:
        return f"{self.county} {PROGRAM_WORDS.get(self.program, self.program)} {self.month:%Y-%m}"

    @property
    def what(self) -> str:
        """How the audit log names it."""
        return f"名册 {self}"


def where(slot: Slot):
    return and_(
        MonthState.county_code == slot.county, MonthState.program == slot.program, MonthState.month == slot.month
    )


def state_of(conn: Connection, slot: Slot):
    """The month's state row (state, upload_id, approved_upload_id, uploaded_by, decided_by), or None before
    any upload."""
    query = select(
        MonthState.state,
        MonthState.upload_id,
        MonthState.approved_upload_id,
        MonthState.uploaded_by,
        MonthState.decided_by,
    )
    return conn.execute(query.where(where(slot))).first()


def adopt_stored_months(conn: Connection) -> int:
    """Mark every stored month that has no state approved, audited: months stored before approval existed
    are never hidden by it. Run when the warehouse is opened, in bulk (a national warehouse adopts
    hundreds of thousands of months at its first opening); returns how many it marked."""
    known = select(MonthState.id).where(
        MonthState.county_code == Upload.county_code,
        MonthState.program == Upload.program,
        MonthState.month == Upload.month,
    )
    # A warehouse whose states were written before the approved version was kept apart: the version
    # of an approved (or locked) month is the approved one.
    conn.execute(
        update(MonthState)
        .where(MonthState.approved_upload_id.is_(None), MonthState.state.in_([APPROVED, LOCKED]))
        .values(approved_upload_id=MonthState.upload_id)
    )
    stored = conn.execute(
        select(Upload.id, Upload.county_code, Upload.program, Upload.month)
        .where(Upload.kind == "roster", Upload.status == "active", ~known.exists())
        .order_by(Upload.county_code, Upload.program, Upload.month)
    ).all()
    return _approve_without_review(conn, stored, by=MIGRATION, reason="审核功能启用前已入库的月份")


def approve_demo_months(conn: Connection, *, reported_at: Callable[[Slot], dt.datetime]) -> int:
    """The demo's synthetic months, pending after loading, marked approved by 「演示数据」 (audited: no
    person reviewed them, and the log says so), with the synthetic story's reporting time of each
    month (all of them were loaded today, which says nothing of when an office would have reported)."""
    pending = conn.execute(
        select(Upload.id, Upload.county_code, Upload.program, Upload.month)
        .join(MonthState, MonthState.upload_id == Upload.id)
        .where(MonthState.state == PENDING, Upload.source == "synthetic")
        .order_by(Upload.county_code, Upload.program, Upload.month)
    ).all()
    conn.execute(delete(MonthState).where(MonthState.upload_id.in_([row.id for row in pending])))
    return _approve_without_review(conn, pending, by=DEMO, reason=DEMO_REASON, before=PENDING, reported_at=reported_at)


def _approve_without_review(
    conn: Connection,
    months,
    *,
    by: str,
    reason: str,
    before: str = "",
    reported_at: Callable[[Slot], dt.datetime] | None = None,
) -> int:
    """Approved states for months that have none, and their audit events, each written in one statement."""
    if not months:
        return 0
    ids = [row.id for row in months]
    query = select(Upload.id, Upload.uploaded_by, Upload.uploaded_at, Upload.file_name, Upload.file_hash)
    uploads = {row.id: row for part in in_chunks(ids) for row in conn.execute(query.where(Upload.id.in_(part)))}
    now = dt.datetime.now(dt.UTC)
    states, events = [], []
    for upload_id, county, program, month in months:
        slot, upload = Slot(county, program, month), uploads[upload_id]
        slot_values = {"county_code": county, "program": program, "month": month}
        slot_values |= {"upload_id": upload_id, "approved_upload_id": upload_id}
        reported = reported_at(slot) if reported_at else upload.uploaded_at
        states.append(
            slot_values
            | {"state": APPROVED, "uploaded_by": upload.uploaded_by, "uploaded_at": upload.uploaded_at}
            | {"reported_at": reported, "decided_by": by, "decided_at": now, "reason": reason}
        )
        events.append(
            {
                "at": now,
                "actor": by,
                "action": "approve",
                "county_code": county,
                "file_name": upload.file_name,
                "file_hash": upload.file_hash,
                "detail": f"名册 {slot}：{STATE_WORDS.get(before, '（无）')} → {STATE_WORDS[APPROVED]}；理由：{reason}",
            }
        )
    conn.execute(insert(MonthState), states)
    conn.execute(insert(AuditEvent), events)
    return len(months)
