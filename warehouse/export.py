"""A table as CSV or XLSX bytes, the same for a page's download buttons and the command line's --out:
IDs are masked before they get here; text a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io

import polars as pl

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
