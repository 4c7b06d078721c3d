"""Check a roster against the warehouse, and store it as one transaction.

`check_roster` writes nothing: it is the validation report an evaluator sees before
confirming. `ingest_roster` stores the same thing; replacing a stored county + programme +
month is one transaction recorded in the upload log, and the same file twice is a no-op.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, select, text, update

from access.approval import record_upload, require_unlocked
from access.roles import Actor, require_upload
from loaders.log import storing_file
from loaders.progress import STORED, Progress, silent
from loaders.roster_checks import RosterReport, StoredVersion, evaluate, slot_of
from loaders.roster_parse import CountyInfo, RosterRows, read_roster
from loaders.tables import CHUNK_ROWS
from warehouse import idkeys, partitions, versions
from warehouse.bulk import insert_frame
from warehouse.models import County, Finding, HouseholdMonth, HouseholdReview, MonthlyFigure, Upload
from warehouse.month_states import Slot, state_of
from warehouse.settings import Settings, current_user, get_settings

__all__ = ["RosterReport", "StoredVersion", "check_roster", "ingest_roster", "prepare_roster", "store_roster"]


def county_registry(source: Connection | Engine) -> dict[str, CountyInfo]:
    query = select(County.code, County.name, County.short_names, County.deadline_day)
    if isinstance(source, Engine):
        with source.connect() as conn:
            rows = conn.execute(query).all()
    else:
        rows = source.execute(query).all()
    return {
        code: CountyInfo(code, name, tuple(part for part in (short or "").split(";") if part), deadline)
        for code, name, short, deadline in rows
    }


def read(
    engine: Engine,
    path: Path,
    *,
    county: str | None = None,
    month: str | None = None,
    program: str | None = None,
    display_name: str | None = None,
    settings: Settings | None = None,
    progress: Progress = silent,
    chunk_rows: int = CHUNK_ROWS,
) -> RosterRows:
    settings = settings or get_settings()
    return read_roster(
        path,
        counties=county_registry(engine),
        keys=idkeys.current_chain(engine, settings),
        county=county,
        month=month,
        program=program,
        display_name=display_name,
        progress=progress,
        chunk_rows=chunk_rows,
        sqlite_copy=engine.dialect.name == "sqlite",
    )


def check_roster(engine: Engine, path: Path, **options) -> RosterReport:
    """Validate a roster and report what storing it would do; write nothing."""
    return prepare_roster(engine, path, **options)[1]


def prepare_roster(
    engine: Engine, path: Path, *, progress: Progress = silent, **options
) -> tuple[RosterRows, RosterReport]:
    """The validated rows (to pass to `store_roster` on confirmation) and their report."""
    roster = read(engine, path, progress=progress, **options)
    with engine.connect() as conn:
        return roster, evaluate(conn, roster, progress=progress)


def ingest_roster(
    engine: Engine,
    path: Path,
    *,
    user: Actor | str | None = None,
    source: str = "upload",
    settings: Settings | None = None,
    progress: Progress = silent,
    **options,
) -> RosterReport:
    """Validate and store a roster; raise `Rejected` (nothing written) when it is bad."""
    settings = settings or get_settings()
    roster = read(engine, path, settings=settings, progress=progress, **options)
    try:
        return store_roster(engine, roster, user=user or current_user(settings), source=source, progress=progress)
    finally:
        roster.staged.discard()


class _Unchanged(Exception):
    def __init__(self, report: RosterReport):
        self.report = report


def store_roster(
    engine: Engine, roster: RosterRows, *, user: Actor | str, source: str = "upload", progress: Progress = silent
) -> RosterReport:
    """Store a read roster as its month's version: one transaction, refused outside the actor's county scope."""
    actor = require_upload(user, [roster.county.code], file_name=roster.file_name, what="名册")
    partitions.ensure_month(engine, roster.month)
    attach = _attachable(engine, roster)
    try:
        # Writing first takes the warehouse's write lock (SQLite), the county's lock on
        # PostgreSQL, before anything is read: two uploads of the same month cannot both
        # believe they replace the same version.
        with storing_file(
            engine,
            file_name=roster.file_name,
            file_hash=roster.file_hash,
            user=actor.name,
            counties=[roster.county.code],
            attach=attach,
        ) as storing:
            conn = storing.conn
            upload_id = storing.log_upload(
                kind="roster",
                rows=0,
                county_code=roster.county.code,
                program=roster.program,
                month=roster.month,
                source=source,
                status="pending",
            )
            slot = Slot(roster.county.code, roster.program, roster.month)
            require_unlocked(conn, slot, file_name=roster.file_name)
            idkeys.claim(conn, roster.key_fingerprint)
            report = evaluate(conn, roster, exclude_upload=upload_id, progress=progress)
            if report.unchanged:
                raise _Unchanged(report)
            approved_id = state.approved_upload_id if (state := state_of(conn, slot)) else None
            _replace(
                conn, roster, report, upload_id=upload_id, source=source, approved_id=approved_id, progress=progress
            )
            record_upload(conn, slot, upload_id=upload_id, by=actor.name)
            report.upload_id, report.kept_until_approved = upload_id, approved_id
            storing.record(
                action="replace" if report.replaces else "upload",
                county=roster.county.code,
                detail=f"名册 {roster.program} {roster.month:%Y-%m}，{report.rows_read} 行",
            )
            return report
    except _Unchanged as unchanged:
        return unchanged.report


def _attachable(engine: Engine, roster: RosterRows) -> Path | None:
    """The staged rows as a SQLite file for the upload's transaction to attach: the embedded warehouse
    copies them with one INSERT … SELECT (written through ADBC while the file was read)."""
    if engine.dialect.name != "sqlite":
        return None
    if roster.staged.sqlite is None:
        raise ValueError(f"{roster.file_name} was read for another backend than this warehouse's")
    return roster.staged.sqlite.path


def _replace(
    conn: Connection,
    roster: RosterRows,
    report: RosterReport,
    *,
    upload_id: int,
    source: str,
    approved_id: int | None,
    progress: Progress,
) -> None:
    """Store the roster as the month's newest version. A version not yet approved that it replaces is
    dropped; an approved one stays, what leadership sees, until this one is approved (versions.promote)."""
    slot = slot_of(roster)
    newest = report.replaces.upload_id if report.replaces else None
    if newest is not None and newest != approved_id:
        versions.drop(conn, slot, newest)
    table = HouseholdMonth if approved_id is None else HouseholdReview
    _store_rows(conn, roster, table.__tablename__, upload_id=upload_id, progress=progress)
    figures = versions.figure_rows(report.figures, upload_id, slot, source=source)
    insert_frame(conn, MonthlyFigure.__tablename__, figures)
    insert_frame(
        conn,
        Finding.__tablename__,
        report.findings.select(
            pl.lit(upload_id).alias("upload_id"),
            pl.lit(slot.county).alias("county_code"),
            pl.lit(slot.program).alias("program"),
            pl.lit(slot.month).alias("month"),
            "kind",
            "sheet",
            "row",
            "id_masked",
            "detail",
        ),
    )
    conn.execute(
        update(Upload)
        .where(Upload.id == upload_id)
        .values(
            status="active",
            replaces_id=newest,
            rows_read=roster.rows_read,
            rows_stored=roster.staged.rows,
            households=report.households,
            persons=report.persons,
            amount_fen=report.amount_fen,
            findings=report.findings.height,
        )
    )
    if table is HouseholdMonth:  # the rows the next month compares with changed
        versions.refresh_following(conn, slot)


def _store_rows(conn: Connection, roster: RosterRows, table: str, *, upload_id: int, progress: Progress) -> None:
    """The staged rows into `table` as this upload's, in the upload's transaction."""
    slot = slot_of(roster)
    if conn.dialect.name == "sqlite":
        columns = ", ".join(f'"{name}"' for name in versions.STAGED_COLUMNS)
        conn.execute(
            text(
                f'INSERT INTO "{table}" (county_code, program, month, upload_id, {columns}) '
                f"SELECT :county, :program, :month, :upload_id, {columns} FROM staged.rows"  # in file order, as written
            ),
            {"county": slot.county, "program": slot.program, "month": slot.month.isoformat(), "upload_id": upload_id},
        )
        progress(STORED, roster.staged.rows)
        return
    stored = 0
    for rows in roster.staged.batches(versions.STAGED_COLUMNS):
        stored += insert_frame(
            conn,
            table,
            rows.select(
                pl.lit(slot.county).alias("county_code"),
                pl.lit(slot.program).alias("program"),
                pl.lit(slot.month).alias("month"),
                pl.lit(upload_id, dtype=pl.Int64).alias("upload_id"),
                *versions.STAGED_COLUMNS,
            ),
        )
        progress(STORED, stored)
