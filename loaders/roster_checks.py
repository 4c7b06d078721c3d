"""What a read roster holds and what storing it would do, checked against the warehouse.

The checks that need the month and the warehouse (standards, payment deadline, the previous
month, other counties' households) run over the staged rows batch by batch; duplicates within
the file come from the rows `read_roster` kept aside. Findings and figures of a roster are the
sums of its batches' (`loaders.findings.combine`, `warehouse.figures.assemble`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, String, any_, bindparam, exists, select
from sqlalchemy.dialects.postgresql import ARRAY

from loaders import findings as finding_rules
from loaders.progress import CHECKED, Progress, silent
from loaders.roster_parse import RosterRows
from warehouse import figures as figure_rules
from warehouse import versions
from warehouse.figures import deadline as deadline_for
from warehouse.models import County, HouseholdMonth, Standard, Upload
from warehouse.month_states import Slot


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
    kept_until_approved: int | None = None  # set once stored beside an approved version, which leadership still sees

    @property
    def replaced(self) -> int | None:
        """The upload this one did replace: not an approved version, which stands until this one is approved."""
        if self.replaces is None or self.unchanged or self.replaces.upload_id == self.kept_until_approved:
            return None
        return self.replaces.upload_id


def slot_of(roster: RosterRows) -> Slot:
    return Slot(roster.county.code, roster.program, roster.month)


def evaluate(
    conn: Connection, roster: RosterRows, *, exclude_upload: int | None = None, progress: Progress = silent
) -> RosterReport:
    slot = slot_of(roster)
    active = _active_version(conn, roster, exclude_upload)
    deadline = deadline_for(roster.month, roster.county.deadline_day)
    standards = _standards(conn, roster)
    previous = versions.previous_households(conn, slot)
    elsewhere_of = _elsewhere(conn, roster)
    repeats = roster.repeats.implode()
    found = [finding_rules.duplicates(roster.listed_twice)]
    tallies = []
    still_paid = []  # the previous month's households found again
    checked = 0
    for rows in roster.staged.batches():
        found.append(
            finding_rules.row_findings(
                rows, standards=standards, elsewhere=elsewhere_of(rows), month=roster.month, deadline=deadline
            )
        )
        firsts = rows.filter(~pl.col("position").is_in(repeats))
        tallies.append(figure_rules.tally(firsts, rows, deadline=deadline))
        if previous is not None:
            tallies.append(figure_rules.new_households(firsts, previous))
            still_paid.append(rows.select("household_key").join(previous, on="household_key", how="semi"))
        checked += rows.height
        progress(CHECKED, checked)
    if previous is not None:
        tallies.append(
            figure_rules.exited_households(previous, pl.concat([_NOBODY.select("household_key"), *still_paid]))
        )
    return RosterReport(
        file_name=roster.file_name,
        file_hash=roster.file_hash,
        county_code=roster.county.code,
        county_name=roster.county.name,
        program=roster.program,
        month=roster.month,
        rows_read=roster.rows_read,
        households=roster.households,
        persons=roster.persons,
        amount_fen=roster.amount_fen,
        findings=finding_rules.combine(found),
        figures=figure_rules.assemble(tallies, changes=previous is not None),
        replaces=active,
        unchanged=active is not None and active.file_hash == roster.file_hash,
    )


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


def _standards(conn: Connection, roster: RosterRows) -> pl.DataFrame:
    query = select(Standard.category, Standard.effective_from, Standard.yuan_per_person_month).where(
        Standard.county_code == roster.county.code, Standard.program == roster.program
    )
    return pl.read_database(
        query,
        conn,
        schema_overrides={"category": pl.String, "effective_from": pl.Date, "yuan_per_person_month": pl.Float64},
    )


_NOBODY = pl.DataFrame(schema={"household_key": pl.String, "county_name": pl.String})


def _elsewhere(conn: Connection, roster: RosterRows) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """For a batch of rows, the other counties' households of the month that might share a key with it,
    for the cross-county check.

    On PostgreSQL the batch's keys go as one array parameter, answered by the month partition's
    index, where reading the whole month would move every household of the country. The embedded
    warehouse holds a few counties: it reads them once. When no other county has the month, nobody
    is paid twice and nothing is read.
    """
    others = exists().where(HouseholdMonth.month == roster.month, HouseholdMonth.county_code != roster.county.code)
    if not conn.execute(select(others)).scalar():
        return lambda rows: _NOBODY
    query = (
        select(HouseholdMonth.household_key, County.name.label("county_name"))
        .join(County, County.code == HouseholdMonth.county_code)
        .where(HouseholdMonth.month == roster.month, HouseholdMonth.county_code != roster.county.code)
    )
    schema = {"household_key": pl.String, "county_name": pl.String}
    if conn.dialect.name != "postgresql":
        everyone = pl.read_database(query, conn, schema_overrides=schema)
        return lambda rows: everyone

    def sharing_keys(rows: pl.DataFrame) -> pl.DataFrame:
        keys = rows["household_key"].unique().to_list()
        keyed = query.where(HouseholdMonth.household_key == any_(bindparam("keys", keys, type_=ARRAY(String))))
        return pl.read_database(keyed, conn, schema_overrides=schema)

    return sharing_keys
