"""Cached access to the warehouse for the pages; `refresh()` after anything is stored.

The only module of the app that holds state across reruns: the engine (a resource) and
the results of the read API (data, cleared by `refresh`).

Figures with counts below the county total go through warehouse.small_counts for the logged-in account: the
wrappers at the end ask the session who reads and pass what it may not see, so no page can forget to (the
architecture test keeps the pages to these).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from access.accounts import list_users
from app_ui import account
from briefs.figures import gather
from briefs.followup import follow_up
from rubrics.check import check_by_id
from warehouse import anomalies as anomaly_flags
from warehouse import audit, read, small_counts
from warehouse.db import open_warehouse
from warehouse.evaluation_change import evaluation_change as evaluation_change_of
from warehouse.month_change import MonthChange
from warehouse.month_change import month_change as month_change_of
from warehouse.month_states import Slot
from warehouse.settings import get_settings


@st.cache_resource
def _engine(url: str) -> Engine:
    return open_warehouse()


def engine() -> Engine:
    return _engine(get_settings().warehouse_url)


def cached(read_api: Callable[..., Any], *positional: str) -> Callable[..., Any]:
    """Cache `read_api(engine, **arguments)` per warehouse; `positional` names the arguments pages pass by position.

    Sequences are keyed as tuples (a list and a tuple of the same codes share a result) and reach the
    read API as lists.
    """

    def stored(url: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
        # the URL is part of the key, so two warehouses (tests) never share results
        return read_api(_engine(url), **{name: list(v) if isinstance(v, tuple) else v for name, v in arguments})

    # Streamlit keys a cache by the function's module, qualified name and source: every `stored` has the same
    # source, so a name of its own keeps each read's results apart
    stored.__qualname__ = f"cached({read_api.__module__}.{read_api.__qualname__})"
    cache = st.cache_data(ttl=600, max_entries=128, show_spinner=False)(stored)

    def call(*values: Any, **named: Any) -> Any:
        if len(values) > len(positional):
            raise TypeError(f"{read_api.__name__}() takes {len(positional)} positional arguments")
        arguments = dict(zip(positional, values, strict=False)) | named
        key = tuple(sorted((name, tuple(v) if isinstance(v, list) else v) for name, v in arguments.items()))
        return cache(get_settings().warehouse_url, key)

    call.__doc__ = read_api.__doc__
    return call


county_names = cached(read.county_names)
counties = cached(read.counties, "codes")
years = cached(read.years)
_monthly = cached(small_counts.monthly_totals, "counties", "program", "year")
_split = cached(small_counts.month_split, "by", "county", "program", "month", "township")
standards = cached(read.standards, "counties", "program")
evaluations = cached(read.evaluations, "counties", "program", "year")
indicators = cached(read.indicator_scores, "evaluation_ids", "depth")
targets = cached(read.performance_targets, "evaluation_ids")
_findings = cached(read.findings, "counties", "year", "month")
_finding_counts = cached(small_counts.finding_counts, "counties", "year")
_household_rows = cached(read.household_rows, "county", "program", "month")
month_states = cached(read.month_states, "counties", "year")  # approval state of each county × programme × month
report_days = cached(read.report_days)  # counties due on another day than the 25th
evaluation_states = cached(read.evaluation_states, "counties", "year")  # approval state of each evaluation
evaluation_change = cached(evaluation_change_of, "county", "program", "year", "kind")  # a waiting replacement's change
_month_change = cached(month_change_of, "county", "program", "month")  # a waiting version against the approved one
recheck = cached(check_by_id, "evaluation_id")  # the evaluation re-checked against its rubric (rubrics.check)
_brief = cached(gather)  # the month's brief: the cockpit's figures and the files to download (briefs.figures)
_anomalies = cached(anomaly_flags.find, "counties", "program", "year")  # flags per township (warehouse.anomalies)
_register = cached(follow_up, "counties", "program", "year")  # 整改台账: flags with their follow-up (briefs.followup)
accounts = cached(list_users)  # every account (no password hashes): the register's owner suggestions


# --- what the logged-in account may see: small counts withheld (warehouse.small_counts) ----------------------


def _reader() -> small_counts.Reader:
    return account.acting()


def _restricted(counties: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The counties of a view whose small counts the logged-in account may not see (every county for None)."""
    return tuple(small_counts.restricted_among(_reader(), counties or county_names()))


def sees_true_figures(county: str) -> bool:
    """Whether the logged-in account sees `county`'s small counts (its evaluators, admins)."""
    return small_counts.sees_true_figures(_reader(), county)


def internal(counties) -> bool:
    """Whether a table of these counties holds small counts this account sees and others do not: its downloads
    are marked internal (app_ui.export)."""
    return any(sees_true_figures(county) for county in (counties or county_names()))


def monthly(counties=None, program=None, year=None, *, pending: bool = False):
    """Figures per county, programme and month (warehouse.small_counts.monthly_totals) as the account may see them."""
    return _monthly(counties, program, year, pending=pending, restricted=_restricted(counties))


def split(by: str, county: str, program: str, month, township: str | None = None, *, pending: bool = False):
    """One month's townships or categories (warehouse.small_counts.month_split) as the account may see them."""
    min_cell = small_counts.threshold(_reader(), county)
    return _split(by, county, program, month, township, pending=pending, min_cell=min_cell)


def finding_counts(counties=None, year=None, *, pending: bool = False):
    """Findings per county, programme, month and kind, counts of 1–4 withheld where the account may not see them."""
    return _finding_counts(counties, year, pending=pending, restricted=_restricted(counties))


def findings(counties, year=None, month=None, *, pending: bool = False):
    """One by one, the findings of the counties the account sees true figures of (none of the others: each row
    is a household)."""
    counties = list(counties or county_names())
    mine = [county for county in counties if sees_true_figures(county)]
    # read for the counties asked and kept to the account's own: an empty list would read every county
    return _findings(counties, year, month, pending=pending).filter(pl.col("county_code").is_in(mine))


def household_rows(county: str, program: str, month, *, pending: bool = False):
    """A month's roster rows (masked), for those who see the county's true figures; none for anyone else."""
    if not sees_true_figures(county):
        return _household_rows(county, program, month, pending=pending).head(0)
    return _household_rows(county, program, month, pending=pending)


def month_change(county: str, program: str, month, *, pending: bool = False):
    """A waiting version against the approved one (warehouse.month_change: households one by one), for those who
    may act for the county; for anyone else nothing to compare, and why."""
    if not sees_true_figures(county):
        slot = Slot(county, program, month)
        return MonthChange(slot, {}, None, f"{slot}：逐户变化只对本县区的评价人员和管理员显示")
    return _month_change(county, program, month)


def anomalies(counties=None, program=None, year=None, *, pending: bool = False):
    """Flags per township (warehouse.anomalies.find); of counties the account may not see small counts of, said
    without their figures."""
    return _anomalies(counties, program, year, pending=pending, restricted=_restricted(counties))


def register(counties=None, program=None, year=None, *, pending: bool = False):
    """整改台账 (briefs.followup.follow_up), figures withheld as in `anomalies` and `finding_counts`."""
    return _register(counties, program, year, pending=pending, restricted=_restricted(counties))


def brief(*, month, counties=None, program=None, pending: bool = False):
    """The month's brief (briefs.figures.gather) as the account may see it."""
    return _brief(month=month, counties=counties, program=program, pending=pending, restricted=_restricted(counties))


def refresh() -> None:
    """Forget every cached read: called when an upload commits."""
    st.cache_data.clear()


_seen: dict[str, tuple[int, int] | None] = {"version": None}  # this process's, shared by its sessions
_seen_lock = threading.Lock()


def catch_up() -> None:
    """Forget every cached read if the warehouse changed since this process last looked: a change made by
    another app process (several behind a proxy, docs/scale.md) or at the command line shows at the next
    click, not when the cache expires. app.py asks on every run; it costs two index lookups."""
    version = audit.data_version(engine())
    with _seen_lock:
        if _seen["version"] is not None and version != _seen["version"]:
            refresh()
        _seen["version"] = version
