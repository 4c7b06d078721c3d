"""A sheet of a roster or score sheet as the loaders see it: text cells from the header row down, in chunks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import polars as pl

from warehouse.errors import Problem

HEADER_SCAN_ROWS = 60
NO_HEADER = "未找到表头行：前 60 行中没有一行包含足够的已知列名"

FindHeader = Callable[[list[list[str]]], int | None]


@dataclass
class Sheet:
    """A sheet from its header row down, all text."""

    name: str  # "" for CSV
    preamble: list[list[str]]  # rows above the header (titles, units), as text
    header: list[str]  # the header row's cells ("" where empty), columns c0, c1, …
    first_row: int  # the header row's number; the data rows follow it
    chunks: Callable[[], Iterator[pl.DataFrame]]  # the rows below the header: c0, c1, … and row (its number)
    letters: list[str] = field(default_factory=list)  # spreadsheet column letters, or []
    numeric_cells: Callable[[int], pl.Series] | None = None  # XLSX: which cells of column j are numbers

    @property
    def cells(self) -> pl.DataFrame:
        """The whole sheet, header row first (row i is file row `first_row + i`): for small files only."""
        columns = [f"c{i}" for i in range(len(self.header))]
        header = pl.DataFrame([[cell or None] for cell in self.header], schema=columns, orient="col")
        return pl.concat([header.cast(pl.String), *(chunk.drop("row") for chunk in self.chunks())], how="vertical")

    def column_label(self, index: int, header: str) -> str:
        return f"{header}（{self.letters[index]} 列）" if self.letters else header

    def missing_column(self, file_name: str, label: str, aliases: tuple[str, ...]) -> Problem:
        """The problem of a required column absent from this sheet's header row."""
        return Problem(
            file_name,
            sheet=self.name,
            row=self.first_row,
            column=label,
            message=f"缺少必需的列「{label}」（可用的列名：{'、'.join(aliases)}）",
        )
