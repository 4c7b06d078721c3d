"""Cached access to the warehouse for the pages; `refresh()` after anything is stored.

The only module of the app that holds state across reruns: the engine (a resource) and
the results of the read API (data, cleared by `refresh`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from access.accounts import list_users
from briefs.figures import gather
from briefs.followup import follow_up
from rubrics.check import check_by_id
from warehouse import anomalies as anomaly_flags
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.evaluation_change import evaluation_change as evaluation_change_of
from warehouse.month_change import month_change as month_change_of
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
monthly = cached(read.monthly_totals, "counties", "program", "year")
figures_by = cached(read.figures_by, "by", "county", "program", "month", "township")
standards = cached(read.standards, "counties", "program")
evaluations = cached(read.evaluations, "counties", "program", "year")
indicators = cached(read.indicator_scores, "evaluation_ids", "depth")
targets = cached(read.performance_targets, "evaluation_ids")
findings = cached(read.findings, "counties", "year", "month")
finding_counts = cached(read.finding_counts, "counties", "year")
household_rows = cached(read.household_rows, "county", "program", "month")
month_states = cached(read.month_states, "counties", "year")  # approval state of each county × programme × month
report_days = cached(read.report_days)  # counties due on another day than the 25th
evaluation_states = cached(read.evaluation_states, "counties", "year")  # approval state of each evaluation
evaluation_change = cached(evaluation_change_of, "county", "program", "year", "kind")  # a waiting replacement's change
month_change = cached(month_change_of, "county", "program", "month")  # a waiting version against the approved one
recheck = cached(check_by_id, "evaluation_id")  # the evaluation re-checked against its rubric (rubrics.check)
brief = cached(gather)  # the month's brief: the cockpit's figures and the files to download (briefs.figures)
anomalies = cached(anomaly_flags.find, "counties", "program", "year")  # flags per township (warehouse.anomalies)
register = cached(follow_up, "counties", "program", "year")  # 整改台账: flags with their follow-up (briefs.followup)
accounts = cached(list_users)  # every account (no password hashes): the register's owner suggestions


def refresh() -> None:
    """Forget every cached read: called when an upload commits."""
    st.cache_data.clear()
