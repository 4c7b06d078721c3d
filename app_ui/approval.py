"""The 审核 page's calls: months waiting for a decision, the decisions (through access/approval.py, as the
logged-in account), and the reporting timeliness of the months shown. Refusals come back as messages."""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from access import approval
from app_ui import after_change, data, session
from app_ui.i18n import tr
from app_ui.tables import show_table
from warehouse.errors import Refused
from warehouse.frames import reporting
from warehouse.month_states import Slot


def chosen_rows(rows: pl.DataFrame, columns: list, *, key: str, label: tuple[str, str]) -> pl.DataFrame:
    """A table of months (or evaluations), and a picker of the ones to act on; the rows picked.

    The picker holds the months' titles, not their places in the table: another evaluator's upload or decision
    between a person's pick and their click moves the places, and a place would then name another month
    (bench/load.py caught an approval aimed at a month other than the one picked). A title names the month,
    its state and its uploader, so a month that changed meanwhile drops out of the choice instead."""
    show_table(rows, columns, name=(key, key), key=key, placeholder="")
    titles = reporting.month_titles(rows)
    picked = st.multiselect(tr(*label), titles, key=f"{key}-picked", placeholder=tr("请选择", "Choose"))
    return rows.filter(pl.Series(titles, dtype=pl.String).is_in(picked))


def say(refusal: str, done: str) -> None:
    """A decision's outcome: the refusal, or the page drawn again with the new states, saying it is done (a word
    shown before the rerun would vanish with it)."""
    if refusal:
        st.error(refusal)
    else:
        after_change.done(done)


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
