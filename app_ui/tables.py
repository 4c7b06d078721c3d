"""Every table a page shows: one spec per column, one call that picks, titles, formats, shows and offers downloads.

A page names the frame's columns it shows, in order: a key of COLUMNS (the shared columns,
titled from the i18n catalogue) or a `Column` of its own where the title is the page's alone:

    show_table(rises, ["county", "program_label", "effective_from", Column("standard", ("新标准", "To"), "%.0f")],
               name=("历次提标", "rises"), key="standards-rises")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl
import streamlit as st

from app_ui import export
from app_ui.i18n import Label, label
from warehouse.errors import Problem

DATE, DATETIME, RATE = "date", "datetime", "{:.1%}"
SHADE = "background-color: #fde2e1"  # a row that calls for attention (points lost)
ROW_HEIGHT, HEADER_HEIGHT = 35, 38  # pixels of st.dataframe's rows, for a height that fits `rows` rows


@dataclass(frozen=True)
class Column:
    """How one column of a frame is shown: its title, its number or date format, its width."""

    key: str  # the frame's column
    title: Label
    # A NumberColumn format ("%.0f", "%+.2f", "localized"), DATE, DATETIME, or a Python format such as
    # RATE ("{:.1%}": 0.975 shows as 97.5%, which no NumberColumn format can) applied through a Styler.
    format: str | None = None
    width: str | int | None = None  # "small", "medium", "large" or pixels

    @property
    def styled(self) -> bool:
        return bool(self.format) and self.format.startswith("{")

    def config(self) -> Any:
        """The st.column_config entry, or None where Streamlit's default is right."""
        if self.styled:
            return st.column_config.Column(width=self.width) if self.width else None
        if self.format == DATE:
            return st.column_config.DateColumn(format="YYYY-MM-DD", width=self.width)
        if self.format == DATETIME:
            return st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss", width=self.width)
        if self.format:
            return st.column_config.NumberColumn(format=self.format, width=self.width)
        return st.column_config.TextColumn(width=self.width) if self.width else None


def _shared(*specs: tuple[str | tuple[str, ...], Label, str | None]) -> dict[str, Column]:
    """The catalogue below: one title and format for a column, under each name the frames give it."""
    return {
        key: Column(key, title, number)
        for keys, title, number in specs
        for key in (keys if isinstance(keys, tuple) else (keys,))
    }


COLUMNS: dict[str, Column] = _shared(
    (("county", "county_name"), "col_county", None),
    (("programme", "program_label", "program_name"), "col_program", None),
    (("category", "category_label"), "col_category", None),
    ("township", "col_township", None),
    ("village", "col_village", None),
    ("month_label", "col_month", None),
    ("year", "col_year", "%d"),
    ("households", "col_households", None),
    ("persons", "col_persons", None),
    ("new_households", "col_new_households", None),
    ("exited_households", "col_exited_households", None),
    ("amount_wan", "col_amount_wan", "%.2f"),
    ("amount", "col_amount", "%.2f"),
    ("demo", "col_data", None),
    ("source_label", "col_source", None),
    (("document", "documents"), "col_document", None),
    ("effective_from", "col_effective_from", DATE),
    ("rise_pct", "col_rise_pct", "%+.2f"),
    (("file", "file_name"), "col_file", None),
    ("sheet", "col_sheet", None),
    ("row", "col_row", "%d"),
    ("column", "col_column", None),
    ("message", "col_problem", None),
    ("detail", "col_detail", None),
    ("note", "col_note", None),
    ("id_masked", "col_id_masked", None),
    ("kind_name", "col_finding_kind", None),
    (("indicator", "path"), "col_indicator", None),
    ("level1", "col_level1", None),
    ("points", "col_points", "%.2f"),
    ("score", "col_score", "%.2f"),
    ("score_rate", "col_score_rate", None),
    ("total_score", "col_total_score", "%.2f"),
    ("evaluation_grade", "col_grade", None),
    ("grade", "col_grade_reported", None),
    ("band", "col_band", None),
    ("kind_label", "col_evaluation_kind", None),
    ("evaluator", "col_evaluator", None),
    ("rate", "col_on_time_rate", None),
)


PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "message")  # where a file is wrong, as a person opening it sees


def problem_rows(problems: Iterable[Problem]) -> pl.DataFrame:
    """A rejected file's problems, one a row, for show_table(…, PROBLEM_COLUMNS, …)."""
    schema = {"file": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String, "message": pl.String}
    return pl.DataFrame([problem.as_dict() for problem in problems], schema=schema)


@dataclass(frozen=True)
class Drawn(Column):
    """A column Streamlit draws its own way (a bar, a month, a help text): `drawn` is its st.column_config entry."""

    drawn: Any = None

    def config(self) -> Any:
        return self.drawn


def spec(column: str | Column) -> Column:
    """A shared column by name, or the page's own Column as it is."""
    if isinstance(column, Column):
        return column
    if column not in COLUMNS:
        raise KeyError(f"no shared column {column!r}: add it to app_ui.tables.COLUMNS or pass a Column")
    return COLUMNS[column]


def retitled(column: str, title: Label, **changes: Any) -> Column:
    """A shared column under a title of the page's own (its format kept unless changed)."""
    return replace(spec(column), title=title, **changes)


def show_table(
    frame: pl.DataFrame,
    columns: Sequence[str | Column],
    *,
    name: Label,
    key: str,
    rows: int | None = None,
    shade: str | None = None,
    internal: bool = False,
    **options,
):
    """Show `columns` of `frame` titled and formatted, with CSV and XLSX downloads below; return st.dataframe's event.

    `rows` fixes the height to that many rows (a long table scrolls); `shade` names a boolean column
    of `frame` (shown or not) whose true rows are shaded; `internal` marks the downloads as holding true small
    counts (app_ui.export.table); `options` go to st.dataframe (on_select …)."""
    # a figure withheld from the reader comes as text («<5», «隐去»): shown as text, not as a number that fails
    specs = [
        _as_text(spec(column)) if frame.schema[spec(column).key] == pl.String else spec(column) for column in columns
    ]
    titles = {column.key: label(column.title) for column in specs}
    shown = frame.select(list(titles)).rename(titles)
    configs = {titles[column.key]: column.config() for column in specs}
    options["column_config"] = {title: config for title, config in configs.items() if config is not None}
    if rows is not None:
        options.setdefault("height", HEADER_HEIGHT + ROW_HEIGHT * max(1, min(shown.height, rows)))
    styles = {titles[column.key]: column.format for column in specs if column.styled}
    shaded = frame[shade].to_list() if shade else None
    displayed = _styled(shown, styles, shaded) if styles or shaded else shown
    return export.table(shown, name=label(name), download_key=key, displayed=displayed, internal=internal, **options)


def _as_text(column: Column) -> Column:
    """A number column's spec for a column that holds text (withheld figures): same title and width, no format."""
    if isinstance(column, Drawn) or not column.format or column.format in (DATE, DATETIME):
        return column
    return replace(column, format=None)


def _styled(shown: pl.DataFrame, styles: dict[str, str], shaded: list[bool] | None):
    """A pandas Styler (what st.dataframe takes for row colours and Python formats): rows shaded, cells formatted."""
    styler = shown.to_pandas().style.format(styles, na_rep="")
    if shaded:
        styler = styler.apply(lambda row: [SHADE if shaded[row.name] else ""] * len(row), axis=1)
    return styler
