"""Check a roster against the warehouse, and store it as one transaction.

`check_roster` writes nothing: it is the validation report an evaluator sees before
confirming. `ingest_roster` stores the same thing; replacing a stored county + programme +
month is one transaction recorded in the upload log, and the same file twice is a no-op.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, String, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY

from access.approval import record_upload, require_unlocked
from access.roles import Actor, require_upload
from loaders import findings as finding_rules
from loaders.log import storing_file
from loaders.roster_parse import CountyInfo, RosterRows, read_roster
from warehouse import figures as figure_rules
from warehouse import idkeys, partitions, versions
from warehouse.bulk import insert_frame
from warehouse.figures import deadline as deadline_for
from warehouse.models import County, Finding, HouseholdMonth, HouseholdReview, MonthlyFigure, Standard, Upload
from warehouse.month_states import Slot, state_of
from warehouse.settings import Settings, current_user, get_settings


@dataclass
class StoredVersion:
    upload_id: int
    file_name: str
    file_hash: str
    uploaded_at: dt.datetime
    uploaded_by: str
    households: int


@dataclass
class RosterReport:
    """What a roster holds and what storing it does (or did)."""

    file_name: str
    file_hash: str
    county_code: str
    county_name: str
    program: str
    month: dt.date
    rows_read: int
    households: int
    persons: int
    amount_fen: int
    findings: pl.DataFrame
    figures: pl.DataFrame
    replaces: StoredVersion | None
    unchanged: bool  # this very file is already the stored version: nothing to do
    upload_id: int | None = None  # set once stored


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
    )


def check_roster(engine: Engine, path: Path, **options) -> RosterReport:
    """Validate a roster and report what storing it would do; write nothing."""
    return prepare_roster(engine, path, **options)[1]


def prepare_roster(engine: Engine, path: Path, **options) -> tuple[RosterRows, RosterReport]:
    """The validated rows (to pass to `store_roster` on confirmation) and their report."""
    roster = read(engine, path, **options)
    with engine.connect() as conn:
        return roster, _evaluate(conn, roster)


def ingest_roster(
    engine: Engine,
    path: Path,
    *,
    user: Actor | str | None = None,
    source: str = "upload",
    settings: Settings | None = None,
    **options,
) -> RosterReport:
    """Validate and store a roster; raise `Rejected` (nothing written) when it is bad."""
    settings = settings or get_settings()
    roster = read(engine, path, settings=settings, **options)
    return store_roster(engine, roster, user=user or current_user(settings), source=source)


class _Unchanged(Exception):
    def __init__(self, report: RosterReport):
        self.report = report


def store_roster(engine: Engine, roster: RosterRows, *, user: Actor | str, source: str = "upload") -> RosterReport:
    """Store a read roster as its month's version: one transaction, refused outside the actor's county scope."""
    actor = require_upload(user, [roster.county.code], file_name=roster.file_name, what="名册")
    partitions.ensure_month(engine, roster.month)
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
            report = _evaluate(conn, roster, exclude_upload=upload_id)
            if report.unchanged:
                raise _Unchanged(report)
            approved_id = state.approved_upload_id if (state := state_of(conn, slot)) else None
            _replace(conn, roster, report, upload_id=upload_id, source=source, approved_id=approved_id)
            record_upload(conn, slot, upload_id=upload_id, by=actor.name)
            report.upload_id = upload_id
            storing.record(
                action="replace" if report.replaces else "upload",
                county=roster.county.code,
                detail=f"名册 {roster.program} {roster.month:%Y-%m}，{report.rows_read} 行",
            )
            return report
    except _Unchanged as unchanged:
        return unchanged.report


def _active_version(conn: Connection, roster: RosterRows, exclude_upload: int | None) -> StoredVersion | None:
    query = select(
        Upload.id, Upload.file_name, Upload.file_hash, Upload.uploaded_at, Upload.uploaded_by, Upload.households
    ).where(
        Upload.kind == "roster",
        Upload.county_code == roster.county.code,
        Upload.program == roster.program,
        Upload.month == roster.month,
        Upload.status == "active",
    )
    if exclude_upload is not None:
        query = query.where(Upload.id != exclude_upload)
    found = conn.execute(query.order_by(Upload.id.desc()).limit(1)).first()  # the newest of the live versions
    return StoredVersion(*found) if found else None


def _evaluate(conn: Connection, roster: RosterRows, exclude_upload: int | None = None) -> RosterReport:
    rows = roster.rows
    active = _active_version(conn, roster, exclude_upload)
    deadline = deadline_for(roster.month, roster.county.deadline_day)
    findings = finding_rules.all_findings(
        rows,
        standards=_standards(conn, roster),
        elsewhere=_elsewhere(conn, roster),
        month=roster.month,
        deadline=deadline,
    )
    previous = versions.previous_households(conn, _slot(roster))
    figures = figure_rules.month_figures(rows, deadline=deadline, previous=previous)
    firsts = figure_rules.households(rows)
    return RosterReport(
        file_name=roster.file_name,
        file_hash=roster.file_hash,
        county_code=roster.county.code,
        county_name=roster.county.name,
        program=roster.program,
        month=roster.month,
        rows_read=roster.rows_read,
        households=firsts.height,
        persons=int(firsts["persons"].sum()),
        amount_fen=int(rows["amount_fen"].sum()),
        findings=findings,
        figures=figures,
        replaces=active,
        unchanged=active is not None and active.file_hash == roster.file_hash,
    )


def _standards(conn: Connection, roster: RosterRows) -> pl.DataFrame:
    query = select(Standard.category, Standard.effective_from, Standard.yuan_per_person_month).where(
        Standard.county_code == roster.county.code, Standard.program == roster.program
    )
    return pl.read_database(
        query,
        conn,
        schema_overrides={"category": pl.String, "effective_from": pl.Date, "yuan_per_person_month": pl.Float64},
    )


def _elsewhere(conn: Connection, roster: RosterRows) -> pl.DataFrame:
    """Other counties' households of the month, for the cross-county check.

    On PostgreSQL only those sharing a key with the roster: its keys go as one array parameter,
    answered by the month partition's index, where reading the whole month would move every
    household of the country. The embedded warehouse holds a few counties and reads them all.
    """
    query = (
        select(HouseholdMonth.household_key, County.name.label("county_name"))
        .join(County, County.code == HouseholdMonth.county_code)
        .where(HouseholdMonth.month == roster.month, HouseholdMonth.county_code != roster.county.code)
    )
    if conn.dialect.name == "postgresql":
        keys = roster.rows["household_key"].drop_nulls().unique().to_list()
        query = query.where(HouseholdMonth.household_key == any_(bindparam("keys", keys, type_=ARRAY(String))))
    return pl.read_database(query, conn, schema_overrides={"household_key": pl.String, "county_name": pl.String})


def _slot(roster: RosterRows) -> Slot:
    return Slot(roster.county.code, roster.program, roster.month)


def _replace(
    conn: Connection, roster: RosterRows, report: RosterReport, *, upload_id: int, source: str, approved_id: int | None
) -> None:
    """Store the roster as the month's newest version. A version not yet approved that it replaces is
    dropped; an approved one stays, what leadership sees, until this one is approved (versions.promote)."""
    slot = _slot(roster)
    newest = report.replaces.upload_id if report.replaces else None
    if newest is not None and newest != approved_id:
        versions.drop(conn, slot, newest)
    table = HouseholdMonth if approved_id is None else HouseholdReview
    households = roster.rows.select(
        pl.lit(slot.county).alias("county_code"),
        pl.lit(slot.program).alias("program"),
        pl.lit(slot.month).alias("month"),
        pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
        pl.lit(upload_id).alias("upload_id"),
        *versions.ROW_COLUMNS,
    )
    insert_frame(conn, table.__tablename__, households)
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
            rows_stored=households.height,
            households=report.households,
            persons=report.persons,
            amount_fen=report.amount_fen,
            findings=report.findings.height,
        )
    )
    if table is HouseholdMonth:  # the rows the next month compares with changed
        versions.refresh_following(conn, slot)
