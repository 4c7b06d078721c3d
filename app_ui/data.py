"""Cached access to the warehouse for the pages; `refresh()` after anything is stored.

The only module of the app that holds state across reruns: the engine (a resource) and
the results of the read API (data, cleared by `refresh`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from rubrics.check import EvaluationCheck, check_by_id
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.settings import get_settings

_CACHE = {"ttl": 600, "max_entries": 128, "show_spinner": False}


@st.cache_resource
def _engine(url: str) -> Engine:
    return open_warehouse()


def engine() -> Engine:
    return _engine(get_settings().warehouse_url)


def _key() -> str:
    """Part of every cache key, so two warehouses (tests) never share results."""
    return get_settings().warehouse_url


@st.cache_data(**_CACHE)
def _county_names(url: str) -> dict[str, str]:
    return read.county_names(engine())


def county_names() -> dict[str, str]:
    return _county_names(_key())


@st.cache_data(**_CACHE)
def _counties(url: str, codes: tuple[str, ...]) -> pl.DataFrame:
    return read.counties(engine(), codes=list(codes))


def counties(codes: tuple[str, ...]) -> pl.DataFrame:
    """These counties' registry rows (name, province, payment deadline)."""
    return _counties(_key(), codes)


@st.cache_data(**_CACHE)
def _years(url: str) -> list[int]:
    return read.years(engine())


def years() -> list[int]:
    return _years(_key())


@st.cache_data(**_CACHE)
def _monthly(url: str, counties: tuple[str, ...], program: str | None, year: int | None) -> pl.DataFrame:
    return read.monthly_totals(engine(), counties=list(counties), program=program, year=year)


def monthly(counties: tuple[str, ...], program: str | None, year: int | None = None) -> pl.DataFrame:
    return _monthly(_key(), counties, program, year)


@st.cache_data(**_CACHE)
def _figures_by(url: str, by: str, county: str, program: str, month: dt.date, township: str | None) -> pl.DataFrame:
    return read.figures_by(engine(), by=by, county=county, program=program, month=month, township=township)


def figures_by(by: str, county: str, program: str, month: dt.date, township: str | None = None) -> pl.DataFrame:
    return _figures_by(_key(), by, county, program, month, township)


@st.cache_data(**_CACHE)
def _standards(url: str, counties: tuple[str, ...], program: str | None) -> pl.DataFrame:
    return read.standards(engine(), counties=list(counties), program=program)


def standards(counties: tuple[str, ...], program: str | None) -> pl.DataFrame:
    return _standards(_key(), counties, program)


@st.cache_data(**_CACHE)
def _evaluations(url: str, counties: tuple[str, ...], program: str | None, year: int | None) -> pl.DataFrame:
    return read.evaluations(engine(), counties=list(counties), program=program, year=year)


def evaluations(counties: tuple[str, ...], program: str | None = None, year: int | None = None) -> pl.DataFrame:
    return _evaluations(_key(), counties, program, year)


@st.cache_data(**_CACHE)
def _indicators(url: str, evaluation_ids: tuple[int, ...], depth: int | None) -> pl.DataFrame:
    return read.indicator_scores(engine(), evaluation_ids=list(evaluation_ids), depth=depth)


def indicators(evaluation_ids: tuple[int, ...], depth: int | None = None) -> pl.DataFrame:
    return _indicators(_key(), evaluation_ids, depth)


@st.cache_data(**_CACHE)
def _findings(url: str, counties: tuple[str, ...], year: int | None, month: dt.date | None) -> pl.DataFrame:
    return read.findings(engine(), counties=list(counties), year=year, month=month)


def findings(counties: tuple[str, ...], year: int | None = None, month: dt.date | None = None) -> pl.DataFrame:
    return _findings(_key(), counties, year, month)


@st.cache_data(**_CACHE)
def _household_rows(url: str, county: str, program: str, month: dt.date) -> pl.DataFrame:
    return read.household_rows(engine(), county=county, program=program, month=month)


def household_rows(county: str, program: str, month: dt.date) -> pl.DataFrame:
    return _household_rows(_key(), county, program, month)


def refresh() -> None:
    """Forget every cached read: called when an upload commits."""
    st.cache_data.clear()


@st.cache_data(**_CACHE)
def _finding_counts(url: str, counties: tuple[str, ...], year: int | None) -> pl.DataFrame:
    return read.finding_counts(engine(), counties=list(counties), year=year)


def finding_counts(counties: tuple[str, ...], year: int | None = None) -> pl.DataFrame:
    return _finding_counts(_key(), counties, year)


@st.cache_data(**_CACHE)
def _recheck(url: str, evaluation_id: int) -> EvaluationCheck | None:
    return check_by_id(engine(), evaluation_id)


def recheck(evaluation_id: int) -> EvaluationCheck | None:
    """The evaluation re-checked against its rubric (rubrics.check): differences, problems, lines."""
    return _recheck(_key(), evaluation_id)


def recheck_counts(evaluation_ids: tuple[int, ...]) -> pl.DataFrame:
    """Differences and problems per evaluation, for tables that list evaluations."""
    checks = [recheck(evaluation_id) for evaluation_id in evaluation_ids]
    return pl.DataFrame(
        {
            "evaluation_id": list(evaluation_ids),
            "differences": [len(c.differences) if c else None for c in checks],
            "problems": [len(c.problems) if c else None for c in checks],
            "rubric": [c.rubric if c else "" for c in checks],
        },
        schema={"evaluation_id": pl.Int64, "differences": pl.Int64, "problems": pl.Int64, "rubric": pl.String},
    )
