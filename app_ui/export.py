"""Downloads of any table as CSV and XLSX: IDs already masked, formulas neutralised."""

from __future__ import annotations

import io

import polars as pl
import streamlit as st

from app_ui.i18n import t

_FORMULA_START = r"^[=+\-@\t\r]"


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR) with '."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 with a BOM, so that Excel opens Chinese text correctly."""
    return b"\xef\xbb\xbf" + neutralised(frame).write_csv().encode("utf-8")


def xlsx_bytes(frame: pl.DataFrame, sheet: str = "数据") -> bytes:
    buffer = io.BytesIO()
    neutralised(frame).write_excel(buffer, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()


def download_buttons(frame: pl.DataFrame, name: str, *, key: str) -> None:
    """Two buttons side by side: the table as CSV and as XLSX."""
    left, right, _ = st.columns([1, 1, 4])
    left.download_button(t("download_csv"), csv_bytes(frame), f"{name}.csv", "text/csv", key=f"{key}-csv")
    right.download_button(
        t("download_xlsx"),
        xlsx_bytes(frame),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
    )


def table(frame: pl.DataFrame, *, name: str, download_key: str, displayed=None, **options):
    """Show a table with its CSV and XLSX downloads below it; return what st.dataframe returns.

    `displayed` is what the screen shows where it differs from the downloaded frame (a styled copy);
    `options` go to st.dataframe (column_config, key, on_select …); no index, full width by default.
    """
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    shown = st.dataframe(frame if displayed is None else displayed, **options)
    download_buttons(frame, name, key=download_key)
    return shown
