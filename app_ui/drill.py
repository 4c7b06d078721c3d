"""Drill-down by clicking a chart, with a selectbox that does the same (and that AppTest can drive)."""

from __future__ import annotations

import streamlit as st


def follow_click(clicked: object, options: list, *, key: str) -> None:
    """Copy a new chart click into the selectbox `key`; an old click leaves a later pick alone."""
    last = f"{key}-last-click"
    if clicked in options and clicked != st.session_state.get(last):
        st.session_state[key] = clicked
    st.session_state[last] = clicked
