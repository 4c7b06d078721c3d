"""The sidebar every page shares: counties, programme, year and language, kept in the URL."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app_ui import data
from app_ui.i18n import t

PROGRAMS = ("rural", "urban")


@dataclass(frozen=True)
class Filters:
    counties: tuple[str, ...]
    program: str | None  # None: both programmes
    year: int | None
    names: dict[str, str]  # county code → name, for labels


def _query_list(name: str) -> list[str]:
    value = st.query_params.get(name, "")
    return [part for part in value.split(",") if part]


def sidebar_filters() -> Filters:
    """Draw the sidebar; read defaults from and write choices to `st.query_params`."""
    registry = data.counties()
    names = dict(zip(registry["code"].to_list(), registry["name"].to_list(), strict=True))
    years = data.years()
    with st.sidebar:
        language = st.radio(
            "语言 / Language",
            ("zh", "en"),
            format_func={"zh": "中文", "en": "English"}.get,
            horizontal=True,
            index=1 if st.query_params.get("lang") == "en" else 0,
            key="lang",
        )
        wanted = [code for code in _query_list("county") if code in names] or list(names)
        counties = st.multiselect(t("counties"), list(names), default=wanted, format_func=names.get, key="counties")
        program_options = ("", *PROGRAMS)
        program_default = st.query_params.get("program", "")
        program = st.selectbox(
            t("program"),
            program_options,
            index=program_options.index(program_default) if program_default in program_options else 0,
            format_func=lambda key: t(key) if key else t("all_programs"),
            key="program",
        )
        year_default = st.query_params.get("year")
        year_options = sorted(years, reverse=True)
        year = (
            st.selectbox(
                t("year"),
                year_options,
                index=year_options.index(int(year_default))
                if year_default and year_default.isdigit() and int(year_default) in year_options
                else 0,
                format_func=lambda y: f"{y}年" if language == "zh" else str(y),
                key="year",
            )
            if year_options
            else None
        )
    st.query_params.update(
        {"county": ",".join(counties), "program": program, "year": str(year or ""), "lang": language}
    )
    return Filters(counties=tuple(counties), program=program or None, year=year, names=names)


def current() -> Filters:
    """The filters drawn by app.py for this run."""
    return st.session_state["filters"]
