"""The 审核 page's calls: months waiting for a decision, the decisions (through access/approval.py, as the
logged-in account), and the reporting timeliness of the months shown. Refusals come back as messages."""

from __future__ import annotations

import datetime as dt

import polars as pl

from access import approval
from app_ui import data, session
from warehouse.errors import Refused
from warehouse.frames import reporting
from warehouse.month_states import Slot


def slots(rows: pl.DataFrame) -> list[Slot]:
    """The months of a table's chosen rows."""
    return [Slot(row["county_code"], row["program"], row["month"]) for row in rows.iter_rows(named=True)]


def decide(action: str, chosen: list, *, reason: str = "") -> str:
    """Do one decision on the chosen months (or evaluations) as the logged-in account; "" when done, else the
    refusal."""
    engine, actor = data.engine(), session.acting()
    try:
        if action == "approve":
            approval.approve(engine, actor, chosen)
        elif action == "return":
            for slot in chosen:
                approval.return_to_uploader(engine, actor, slot, reason=reason)
        elif action == "lock":
            approval.lock(engine, actor, chosen)
        else:
            for slot in chosen:
                approval.unlock(engine, actor, slot, reason=reason)
    except Refused as refused:
        return str(refused)
    data.refresh()
    return ""


def timeliness(counties: tuple[str, ...], year: int) -> pl.DataFrame:
    """Each month of the year, for the chosen counties: on time, late, missing or pending."""
    days = data.report_days()
    return reporting.reporting(data.month_states(counties, year), today=dt.date.today(), year=year, days=days)
