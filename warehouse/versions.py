"""The live versions of a county × programme × month, and what approval does to their rows.

A month has at most two live versions. The one leadership sees (approved), or the first report
while it waits, has its rows in household_month; a replacement of an approved month waits in
household_review, and leadership keeps seeing the approved version until the replacement is
approved. Figures and findings of both sit side by side in monthly_figure and finding, told apart
by upload id (warehouse/read.py shows one of them).

A month's new and exited households compare with the previous month's rows in household_month:
when those change (a first report stored, a replacement approved) the following month's versions
are recomputed.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Connection, delete, insert, select, update

from warehouse import figures as figure_rules
from warehouse.bulk import insert_frame
from warehouse.figures import deadline as deadline_for
from warehouse.models import County, Finding, HouseholdMonth, HouseholdReview, MonthlyFigure, Upload
from warehouse.month_states import Slot

HOUSEHOLD_SCHEMA = {
    "household_key": pl.String,
    "township": pl.String,
    "category": pl.String,
    "persons": pl.Int32,
    "amount_fen": pl.Int64,
    "paid_on": pl.Date,
    "sheet": pl.String,
    "row": pl.Int64,
    "upload_id": pl.Int64,
}
ROW_COLUMNS = (
    "sheet", "row", "township", "village", "household_key", "id_masked", "id_valid",
    "persons", "category", "standard", "amount_fen", "paid_on",
)  # fmt: skip
STAGED_COLUMNS = ("position", *ROW_COLUMNS)  # what a roster's staged rows give each stored row
TABLES = (HouseholdMonth, HouseholdReview)


def _in_slot(table, slot: Slot):
    return (table.county_code == slot.county, table.program == slot.program, table.month == slot.month)


def households(conn: Connection, slot: Slot, *, table=HouseholdMonth) -> pl.DataFrame:
    """One version's rows in file order, as month_figures expects them: the month's rows in
    household_month, or (table=HouseholdReview) the replacement waiting for approval."""
    query = select(*(getattr(table, name) for name in HOUSEHOLD_SCHEMA)).where(*_in_slot(table, slot))
    return pl.read_database(query.order_by(table.position), conn, schema_overrides=HOUSEHOLD_SCHEMA)


def neighbour(conn: Connection, slot: Slot, *, before: bool) -> dt.date | None:
    """The nearest stored month before (or after) the slot's, in the same county and programme."""
    column = HouseholdMonth.month
    query = select(column).where(HouseholdMonth.county_code == slot.county, HouseholdMonth.program == slot.program)
    query = (
        query.where(column < slot.month).order_by(column.desc())
        if before
        else query.where(column > slot.month).order_by(column)
    )
    return conn.execute(query.limit(1)).scalar()


def previous_households(conn: Connection, slot: Slot) -> pl.DataFrame | None:
    """The households of the month before (first row of each), to count new and exited ones; None if none."""
    month = neighbour(conn, slot, before=True)
    if month is None:
        return None
    return figure_rules.households(households(conn, Slot(slot.county, slot.program, month)))


def figure_rows(figures: pl.DataFrame, upload_id: int, slot: Slot, *, source: str) -> pl.DataFrame:
    """Figures as monthly_figure rows of this upload."""
    return figures.select(
        pl.lit(upload_id).alias("upload_id"),
        pl.lit(slot.county).alias("county_code"),
        pl.lit(slot.program).alias("program"),
        pl.lit(slot.month).alias("month"),
        pl.all(),
        pl.lit(source).alias("source"),
    )


def drop(conn: Connection, slot: Slot, upload_id: int) -> None:
    """Remove a version's rows, figures and findings, and mark it replaced in the upload log."""
    for table in TABLES:
        conn.execute(delete(table).where(*_in_slot(table, slot), table.upload_id == upload_id))
    for table in (MonthlyFigure, Finding):
        conn.execute(delete(table).where(table.upload_id == upload_id))
    conn.execute(update(Upload).where(Upload.id == upload_id).values(status="replaced"))


def promote(conn: Connection, slot: Slot, upload_id: int, approved_id: int | None) -> None:
    """The approved version becomes `upload_id`: a replacement's rows move into household_month in
    place of the version approved before, which is dropped; the following month is recomputed."""
    if approved_id is None or approved_id == upload_id:
        return  # a first report: its rows are in household_month already
    drop(conn, slot, approved_id)
    columns = ("upload_id", "month", "county_code", "program", "position", *ROW_COLUMNS)
    waiting = select(*(getattr(HouseholdReview, name) for name in columns))
    waiting = waiting.where(HouseholdReview.upload_id == upload_id)
    conn.execute(insert(HouseholdMonth).from_select(columns, waiting))
    conn.execute(delete(HouseholdReview).where(HouseholdReview.upload_id == upload_id))
    refresh_following(conn, slot)


def refresh_following(conn: Connection, slot: Slot) -> None:
    """The next stored month's versions count their new and exited households against this month's rows."""
    following = neighbour(conn, slot, before=False)
    if following is None:
        return
    later = Slot(slot.county, slot.program, following)
    day = conn.execute(select(County.deadline_day).where(County.code == slot.county)).scalar()
    previous = figure_rules.households(households(conn, slot))
    for table in TABLES:
        rows = households(conn, later, table=table)
        if rows.is_empty():
            continue
        upload_id = int(rows["upload_id"][0])
        source = conn.execute(select(Upload.source).where(Upload.id == upload_id)).scalar_one()
        figures = figure_rules.month_figures(rows, deadline=deadline_for(following, day), previous=previous)
        conn.execute(delete(MonthlyFigure).where(MonthlyFigure.upload_id == upload_id))
        insert_frame(conn, MonthlyFigure.__tablename__, figure_rows(figures, upload_id, later, source=source))
