"""The one drill-down picker: a selectbox that a click on a chart fills in (AppTest and keyboards use the selectbox).

A picker `key` keeps its choice in session state under `{key}-value`; its widget is keyed per
language (`{key}-zh`, `{key}-en`) because Streamlit keeps showing a keyed selectbox's old
labels after the language changes. Pages call `choose` / `follow` to set a picker and `pick`
to draw it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
import streamlit as st

from app_ui.i18n import Label, language
from app_ui.i18n import label as label_of


def widget_key(key: str) -> str:
    return f"{key}-{language()}"


def choose(key: str, value: Any) -> None:
    """Set picker `key` to `value`, in either language."""
    st.session_state[widget_key(key)] = st.session_state[f"{key}-value"] = value


def clicked_point(event: Any, selection: str) -> dict | None:
    """The first point of a chart's selection `selection`, or None (no click, or a cleared one)."""
    points = (event or {}).get("selection", {}).get(selection)
    return points[0] if points and isinstance(points, list) and isinstance(points[0], dict) else None


def follow(point: dict | None, pickers: Mapping[str, str | Callable[[dict], Any]], *, key: str) -> None:
    """Copy a newly clicked point into pickers (picker key → the point's field, or a function of the point).

    Only a new click moves the pickers: the chart sends its last click on every rerun, which must
    not undo a later choice made in a selectbox."""
    if point is None or point == st.session_state.get(f"{key}-seen"):
        return
    st.session_state[f"{key}-seen"] = point
    for picker, field in pickers.items():
        choose(picker, field(point) if callable(field) else point.get(field))


def pick(
    label: str,
    options: Sequence,
    *,
    key: str,
    titles: Mapping | Callable | None = None,
    clicked: Any = None,
    first: bool = False,
    hint: Label = "pick_in_chart",
    where: Any = None,
) -> Any:
    """Draw picker `key` over `options` (shown by `titles`) and return the choice.

    `clicked` is a chart's clicked value, if any: a new one becomes the choice. With `first` the
    picker starts on the first option (and moves there when its choice leaves `options`); else it
    starts empty with `hint` and returns None until something is picked, or after it is cleared.
    `where` is a column or container to draw in (the page by default)."""
    options = list(options)
    if clicked is not None and clicked in options and clicked != st.session_state.get(f"{key}-clicked"):
        choose(key, clicked)
    st.session_state[f"{key}-clicked"] = clicked
    widget = widget_key(key)
    shown = st.session_state.get(widget)
    cleared = shown is None and widget in st.session_state and not first  # the person emptied it: keep it empty
    if shown not in options and not cleared:
        remembered = st.session_state.get(f"{key}-value")
        st.session_state[widget] = remembered if remembered in options else (options[0] if first and options else None)
    value = (where or st).selectbox(
        label,
        options,
        # The value comes from session state, set above (config.toml silences Streamlit's note that a
        # default index is given too); index 0 keeps a `first` picker without a clear button.
        index=0 if first and options else None,
        format_func=(titles.get if isinstance(titles, Mapping) else titles) or str,
        placeholder=label_of(hint),
        key=widget,
    )
    st.session_state[f"{key}-value"] = value
    return value


def pick_row(label: str, frame: pl.DataFrame, *, key: str, clicked: Any = None, by: str = "key") -> dict | None:
    """Pick one row of `frame` by its `by` column, shown by its `title` column; the row as a dict, or None."""
    ids = frame[by].to_list()
    titles = dict(zip(ids, frame["title"].to_list(), strict=True))
    chosen = pick(label, ids, key=key, titles=titles, clicked=clicked)
    return None if chosen is None else frame.row(ids.index(chosen), named=True)
