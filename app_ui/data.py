"""Cached access to the warehouse for the pages; `refresh()` after anything is stored."""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from warehouse import read
from warehouse.db import open_warehouse


@st.cache_resource
def engine() -> Engine:
    return open_warehouse()


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def overview(program: str | None = None):
    return read.overview(engine(), program=program)


def refresh() -> None:
    st.cache_data.clear()
