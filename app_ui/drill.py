"""Drill-down by clicking a chart, with a selectbox that does the same (and that AppTest can drive)."""

from __future__ import annotations

import streamlit as st

from app_ui.i18n import tr


def follow_click(clicked: object, options: list, *, key: str) -> None:
    """Copy a new chart click into the selectbox `key`; an old click leaves a later pick alone."""
    last = f"{key}-last-click"
    if clicked in options and clicked != st.session_state.get(last):
        st.session_state[key] = clicked
    st.session_state[last] = clicked


def pick(label: str, options: list, titles: dict, *, clicked: object, key: str):
    """A selectbox of `options` (shown by `titles`) that a chart click fills in; the choice or None."""
    follow_click(clicked, options, key=key)
    return st.selectbox(
        label,
        options,
        index=None,
        format_func=titles.get,
        placeholder=tr("点击图中的点，或在此选择", "Click a point in the chart, or choose here"),
        key=key,
    )
