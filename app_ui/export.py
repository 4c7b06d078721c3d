"""Downloads of any table as CSV and XLSX: IDs already masked, formulas neutralised."""

from __future__ import annotations

from functools import partial

import polars as pl
import streamlit as st

from app_ui.i18n import t
from warehouse.export import csv_bytes, xlsx_bytes
from warehouse.settings import get_settings


def download_buttons(frame: pl.DataFrame, name: str, *, key: str) -> None:
    """Two buttons side by side: the table as CSV and as XLSX."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(t("download_csv"), csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}-csv")
    right.download_button(
        t("download_xlsx"),
        partial(xlsx_bytes, frame),  # written when clicked, not on every run of the page (bench/load.py)
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
    )


INTERNAL_NAME, SCOPE_COLUMN = "内部_", "使用范围"


def table(frame: pl.DataFrame, *, name: str, download_key: str, displayed=None, internal: bool = False, **options):
    """Show a table with its CSV and XLSX downloads below it; return what st.dataframe returns.

    `displayed` is what the screen shows where it differs from the downloaded frame (a styled copy);
    `internal` marks the downloads as holding true small counts that others see withheld (their name and a
    first column say so); `options` go to st.dataframe (column_config, key, on_select …); no index, full width
    by default.
    """
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    shown = st.dataframe(frame if displayed is None else displayed, **options)
    if internal:
        words = f"内部：含真实小额数字（少于 {get_settings().min_cell} 户），不得对外"
        frame, name = frame.select(pl.lit(words).alias(SCOPE_COLUMN), pl.all()), INTERNAL_NAME + name
    download_buttons(frame, name, key=download_key)
    return shown
