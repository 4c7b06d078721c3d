"""Evaluation states (待审核 → 已审核 → 已锁定, or 已退回), per county × programme × year × kind: the lookup,
the audit line of a transition, what approving does to the rows, and the migration.

An evaluation has at most two versions: the one in the evaluation table (approved, or a first
upload while it waits) and a replacement of an approved one waiting in evaluation_review as the
validated rows storing it takes. Who may move an evaluation is decided in access/approval.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, and_, delete, insert, select, update

from warehouse.bulk import in_chunks, insert_frame
from warehouse.models import (
    AuditEvent,
    Evaluation,
    EvaluationReview,
    EvaluationState,
    IndicatorScore,
    PerformanceTarget,
    Upload,
)
from warehouse.vocabulary import APPROVED, KIND_WORDS, LOCKED, PENDING, PROGRAM_WORDS, STATE_WORDS

LEVELS = ("level1", "level2", "level3", "level4")
KEY = ("county_code", "program", "year", "kind")
DETAILS = ("evaluator", "total_score", "grade", "budget_wan", "arrived_wan", "spent_wan", "planned_persons", "source")
MIGRATION = "系统迁移"
DEMO = "演示数据"
DEMO_REASON = "演示数据（合成评价与真实报告的种子评价），载入时预置为已审核"


@dataclass(frozen=True, order=True)
class EvaluationKey:
    """One evaluation: a county's programme in a year, by one kind of evaluator."""

    county: str
    program: str
    year: int
    kind: str

    def __str__(self) -> str:
        program = PROGRAM_WORDS.get(self.program, self.program)
        return f"{self.county} {program} {self.year}年 {KIND_WORDS.get(self.kind, self.kind)}"

    @property
    def what(self) -> str:
        """How the audit log names it."""
        return f"评价 {self}"

    @property
    def values(self) -> dict:
        return {"county_code": self.county, "program": self.program, "year": self.year, "kind": self.kind}


def where(table, key: EvaluationKey):
    return and_(
        table.county_code == key.county, table.program == key.program, table.year == key.year, table.kind == key.kind
    )


def state_of(conn: Connection, key: EvaluationKey):
    """The evaluation's state row (state, upload_id, approved_evaluation_id, uploaded_by, decided_by), or None."""
    query = select(
        EvaluationState.state,
        EvaluationState.upload_id,
        EvaluationState.approved_evaluation_id,
        EvaluationState.uploaded_by,
        EvaluationState.decided_by,
    )
    return conn.execute(query.where(where(EvaluationState, key))).first()


def record_upload(conn: Connection, key: EvaluationKey, *, upload_id: int, by: str, approved_id: int | None) -> None:
    """A stored score sheet makes its evaluation pending (a locked one never gets here)."""
    values = {"state": PENDING, "upload_id": upload_id, "uploaded_by": by, "uploaded_at": dt.datetime.now(dt.UTC)}
    values |= {"approved_evaluation_id": approved_id, "decided_by": "", "decided_at": None, "reason": ""}
    if conn.execute(update(EvaluationState).where(where(EvaluationState, key)).values(**values)).rowcount == 0:
        conn.execute(insert(EvaluationState).values(**key.values, **values))


def wait_for_approval(conn: Connection, key: EvaluationKey, *, upload_id: int, rows: pl.DataFrame) -> None:
    """Keep a replacement of an approved evaluation aside, as the rows storing it takes, until it is approved."""
    conn.execute(delete(EvaluationReview).where(where(EvaluationReview, key)))
    kept = base64.b64encode(rows.write_ipc(None).getvalue()).decode("ascii")  # Arrow IPC: every type kept
    conn.execute(insert(EvaluationReview).values(**key.values, upload_id=upload_id, rows=kept))


def waiting_rows(conn: Connection, key: EvaluationKey) -> tuple[int, pl.DataFrame] | None:
    """The upload and rows of the replacement waiting for approval, if there is one."""
    found = conn.execute(
        select(EvaluationReview.upload_id, EvaluationReview.rows).where(where(EvaluationReview, key))
    ).first()
    if found is None:
        return None
    return found.upload_id, pl.read_ipc(io.BytesIO(base64.b64decode(found.rows)))


def discard_waiting(conn: Connection, key: EvaluationKey) -> None:
    conn.execute(delete(EvaluationReview).where(where(EvaluationReview, key)))


def promote(conn: Connection, key: EvaluationKey) -> int:
    """Approving: a replacement waiting aside takes the approved evaluation's place; otherwise the evaluation
    in the table is the one approved. Returns the approved evaluation's id."""
    waiting = waiting_rows(conn, key)
    if waiting is not None:
        upload_id, rows = waiting
        discard_waiting(conn, key)
        return store(conn, key, rows, upload_id=upload_id)
    return conn.execute(select(Evaluation.id).where(where(Evaluation, key))).scalar_one()


def store(conn: Connection, key: EvaluationKey, rows: pl.DataFrame, *, upload_id: int) -> int:
    """Write one validated evaluation (its rows as the score sheet's validation gives them) in place of the
    one stored for its key; returns its id."""
    old = conn.execute(select(Evaluation.id).where(where(Evaluation, key))).scalar()
    if old is not None:
        conn.execute(delete(IndicatorScore).where(IndicatorScore.evaluation_id == old))
        conn.execute(delete(PerformanceTarget).where(PerformanceTarget.evaluation_id == old))
        conn.execute(delete(Evaluation).where(Evaluation.id == old))
    details = {name: rows[name][0] for name in DETAILS}
    evaluation_id = conn.execute(
        insert(Evaluation).values(upload_id=upload_id, **key.values, **details).returning(Evaluation.id)
    ).scalar_one()
    is_target = pl.col("target_name") != ""
    insert_frame(conn, IndicatorScore.__tablename__, _indicator_rows(rows.filter(~is_target), evaluation_id))
    insert_frame(conn, PerformanceTarget.__tablename__, _target_rows(rows.filter(is_target), evaluation_id))
    return evaluation_id


def _paths() -> pl.Expr:
    names = [pl.col(level) for level in LEVELS]
    return pl.concat_list(names).list.eval(pl.element().filter(pl.element() != "")).list.join("/").alias("path")


def _indicator_rows(frame: pl.DataFrame, evaluation_id: int) -> pl.DataFrame:
    depth = pl.sum_horizontal((pl.col(level) != "").cast(pl.Int32) for level in LEVELS[1:]) + 1
    return frame.with_row_index("position").select(
        pl.lit(evaluation_id).alias("evaluation_id"),
        pl.col("position").cast(pl.Int64),
        _paths(),
        depth.alias("depth"),
        *LEVELS,
        "points",
        "score",
        "target",
        "actual",
        "note",
    )


def _target_rows(frame: pl.DataFrame, evaluation_id: int) -> pl.DataFrame:
    return frame.with_row_index("position").select(
        pl.lit(evaluation_id).alias("evaluation_id"),
        pl.col("position").cast(pl.Int64),
        _paths(),
        pl.col("target_name").alias("name"),
        "target",
        "actual",
        "score",
        "note",
    )


def _same_evaluation():
    """The state row of an evaluation row: the same county, programme, year and kind."""
    return and_(
        EvaluationState.county_code == Evaluation.county_code,
        EvaluationState.program == Evaluation.program,
        EvaluationState.year == Evaluation.year,
        EvaluationState.kind == Evaluation.kind,
    )


def adopt_stored_evaluations(conn: Connection) -> int:
    """Mark every stored evaluation that has no state approved, audited, in bulk (as months are)."""
    known = select(EvaluationState.id).where(_same_evaluation())
    stored = conn.execute(select(Evaluation.id).where(~known.exists()).order_by(Evaluation.id)).scalars().all()
    return approve_without_review(conn, stored, by=MIGRATION, reason="审核功能启用前已入库的评价")


def approve_demo_evaluations(conn: Connection) -> int:
    """The demo's evaluations (synthetic, and the seed reports' own), pending after loading, approved by
    「演示数据」: no person reviewed them, and the audit log says so."""
    pending = conn.execute(
        select(EvaluationState.id, *(getattr(EvaluationState, name) for name in KEY))
        .join(Upload, Upload.id == EvaluationState.upload_id)
        .where(EvaluationState.state == PENDING, Upload.source.in_(["synthetic", "seed"]))
        .order_by(EvaluationState.id)
    ).all()
    approved = [promote(conn, EvaluationKey(*row[1:])) for row in pending]
    conn.execute(delete(EvaluationState).where(EvaluationState.id.in_([row.id for row in pending])))
    return approve_without_review(conn, approved, by=DEMO, reason=DEMO_REASON, before=PENDING)


def approve_without_review(conn: Connection, evaluation_ids, *, by: str, reason: str, before: str = "") -> int:
    """Approved states for evaluations that have none, and their audit events, each in one statement."""
    if not evaluation_ids:
        return 0
    query = select(
        Evaluation.id,
        Evaluation.county_code,
        Evaluation.program,
        Evaluation.year,
        Evaluation.kind,
        Evaluation.upload_id,
        Upload.uploaded_by,
        Upload.uploaded_at,
        Upload.file_name,
        Upload.file_hash,
    ).outerjoin(Upload, Upload.id == Evaluation.upload_id)
    rows = [
        row for part in in_chunks(list(evaluation_ids)) for row in conn.execute(query.where(Evaluation.id.in_(part)))
    ]
    now = dt.datetime.now(dt.UTC)
    states, events = [], []
    for row in rows:
        key = EvaluationKey(row.county_code, row.program, row.year, row.kind)
        states.append(
            key.values
            | {"state": APPROVED, "upload_id": row.upload_id, "approved_evaluation_id": row.id}
            | {"uploaded_by": row.uploaded_by or by, "uploaded_at": row.uploaded_at or now}
            | {"decided_by": by, "decided_at": now, "reason": reason}
        )
        events.append(
            {
                "at": now,
                "actor": by,
                "action": "approve",
                "county_code": row.county_code,
                "file_name": row.file_name or "",
                "file_hash": row.file_hash or "",
                "detail": f"评价 {key}：{STATE_WORDS.get(before, '（无）')} → {STATE_WORDS[APPROVED]}；理由：{reason}",
            }
        )
    conn.execute(insert(EvaluationState), states)
    conn.execute(insert(AuditEvent), events)
    return len(rows)


__all__ = ["APPROVED", "LOCKED", "PENDING", "EvaluationKey", "state_of", "where"]
