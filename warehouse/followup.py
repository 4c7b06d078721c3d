"""The follow-up register (整改台账): the state of every flag someone has taken up, and the rule that keeps a
closed flag closed while its figure stays the same.

A flag is an *item*: a row of ITEM_SCHEMA, raised afresh from the data each time (anomalies, findings,
re-check differences: briefs/followup.py gathers them). The register stores only what people decided
(`FollowUp`), keyed by the item's subject; `register` joins the two. Reading never writes: a changed figure
shows its flag as reopened (待核实, saying what it was) until someone sets it again, and every setting is one
row and one audit event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from warehouse import audit
from warehouse.models import FollowUp
from warehouse.read import frame

OPEN, EXPLAINED, FIXED, FALSE_ALARM = "open", "explained", "fixed", "false_alarm"
STATUS_WORDS = {OPEN: "待核实", EXPLAINED: "已说明", FIXED: "已整改", FALSE_ALARM: "误报"}
STATUSES = {**{key: key for key in STATUS_WORDS}, **{words: key for key, words in STATUS_WORDS.items()}}
KIND_WORDS = {"anomaly": "异常", "finding": "数据问题", "recheck": "复核差异"}
ITEM_SCHEMA = {
    "key": pl.String,
    "subject": pl.String,
    "kind": pl.String,
    "county_code": pl.String,
    "program": pl.String,
    "month": pl.Date,  # the month a flag is about; for a re-check difference, December of its year
    "words": pl.String,  # the flag in a sentence
    "words_withheld": pl.String,  # the same for a reader who may not see the county's small counts
    "figure": pl.String,  # what must stay the same for a closed flag to stay closed
    "basis": pl.String,  # what the flag rests on: upload | synthetic | report | reading | warehouse
}
_STORED_SCHEMA = {
    "key": pl.String,
    "status": pl.String,
    "owner": pl.String,
    "due": pl.Date,
    "note": pl.String,
    "figure": pl.String,
    "updated_by": pl.String,
    "updated_at": pl.Datetime,
}


def key_of(subject: str) -> str:
    """A subject's short key: ten hex digits of its hash, what a person types after `dibao followup set`."""
    return hashlib.sha256(subject.encode()).hexdigest()[:10]


def items(rows: list[dict]) -> pl.DataFrame:
    """Items from dicts with every ITEM_SCHEMA field but the key, which comes from the subject."""
    keyed = [{"key": key_of(row["subject"]), **row} for row in rows]
    return pl.DataFrame(keyed, schema=ITEM_SCHEMA) if keyed else pl.DataFrame(schema=ITEM_SCHEMA)


def stored(engine: Engine, *, counties: list[str] | None = None) -> pl.DataFrame:
    """What the register holds for these counties (every county without)."""
    query = select(*(getattr(FollowUp, name) for name in _STORED_SCHEMA))
    if counties:
        query = query.where(FollowUp.county_code.in_(counties))
    return frame(engine, query, _STORED_SCHEMA)


def register(found: pl.DataFrame, decided: pl.DataFrame, *, today: dt.date) -> pl.DataFrame:
    """The items with their standing: the status set, unless the figure has changed since (then 待核实 again,
    `reopened`, with what it was in `was`); overdue when still 待核实 past the due date set with that status."""
    decided = decided.rename({"figure": "figure_set", "status": "status_set"})
    joined = found.join(decided, on="key", how="left")
    same = pl.col("figure") == pl.col("figure_set")
    closed = pl.col("status_set").is_in([EXPLAINED, FIXED, FALSE_ALARM])
    reopened = (closed & ~same).fill_null(False)
    status = pl.when(reopened).then(pl.lit(OPEN)).otherwise(pl.col("status_set").fill_null(OPEN))
    return joined.with_columns(status=status, reopened=reopened).with_columns(
        status_words=pl.col("status").replace_strict(STATUS_WORDS),
        was=pl.when(reopened).then(pl.col("status_set").replace_strict(STATUS_WORDS, default=None)),
        # a reopened item's due date was set for what it was before: it is not overdue until someone sets it again
        overdue=((pl.col("status") == OPEN) & ~reopened & (pl.col("due") < today)).fill_null(False),
        kind_words=pl.col("kind").replace_strict(KIND_WORDS),
    )


@dataclass(frozen=True)
class Decision:
    """What a person sets on a flag: its status, who follows it up, by when, and what they found."""

    status: str
    owner: str = ""
    due: dt.date | None = None
    note: str = ""


def decide(engine: Engine, item: dict, decision: Decision, *, by: str) -> None:
    """Set an item's status (and owner, due date, note) as it is now, with its figure, and audit it; one
    transaction. Who may is checked by the caller (access/followup.py)."""
    values = {
        "key": item["key"],
        "subject": item["subject"],
        "kind": item["kind"],
        "county_code": item["county_code"],
        "program": item["program"],
        "figure": item["figure"],
        "status": decision.status,
        "owner": decision.owner.strip(),
        "due": decision.due,
        "note": decision.note.strip(),
        "updated_by": by,
        "updated_at": dt.datetime.now(dt.UTC),
    }
    with engine.begin() as conn:
        before = conn.execute(select(FollowUp.status).where(FollowUp.key == item["key"])).scalar()
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(FollowUp).values(**values)
        changed = {name: insert.excluded[name] for name in values if name != "key"}
        conn.execute(insert.on_conflict_do_update(index_elements=[FollowUp.key], set_=changed))
        audit.record(
            conn,
            actor=by,
            action="followup",
            county=item["county_code"],
            detail=_audit_words(item, before, decision),
        )


def _audit_words(item: dict, before: str | None, decision: Decision) -> str:
    status = f"{STATUS_WORDS[before or OPEN]} → {STATUS_WORDS[decision.status]}"
    parts = [f"[{item['key']}] {item['words'][:200]}", status]
    if decision.owner:
        parts.append(f"负责人 {decision.owner}")
    if decision.due:
        parts.append(f"期限 {decision.due.isoformat()}")
    if decision.note:
        parts.append(f"说明：{decision.note[:300]}")
    return "；".join(parts)
