"""Flat sheets of records (counties, standards, score sheets): header, text cells, typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from loaders import values
from loaders.headers import HeaderSpec
from loaders.tables import read_sheets
from warehouse.errors import Problem, Rejected


@dataclass
class Records:
    """Data rows with one text column per field found, plus sheet and row for messages."""

    file_name: str
    frame: pl.DataFrame
    labels: dict[str, str]  # field key → column label as written (with letter for spreadsheets)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, sheet: str, row: int | None, key: str, message: str) -> None:
        self.problems.append(
            Problem(self.file_name, sheet=sheet, row=row, column=self.labels.get(key, key), message=message)
        )

    def check(self) -> None:
        if self.problems:
            raise Rejected(self.problems)

    def required(self, *keys: str) -> None:
        """Every data row has a value in these columns (unless its value was already reported)."""
        reported = {(p.sheet, p.row, p.column) for p in self.problems}
        for key in keys:
            for sheet, row in self.frame.filter(pl.col(key).is_null()).select("sheet", "row").iter_rows():
                if (sheet, row, self.labels.get(key, key)) not in reported:
                    self.problem(sheet, row, key, "不能为空")

    def numbers(self, *keys: str, integer: bool = False) -> None:
        """Parse these columns as numbers in place; unreadable values become problems."""
        for key in keys:
            parsed = values.number(pl.col(key))
            bad = pl.col(key).is_not_null() & (parsed.is_null() | ((parsed % 1 != 0) if integer else pl.lit(False)))
            for sheet, row, text in self.frame.filter(bad).select("sheet", "row", key).iter_rows():
                self.problem(sheet, row, key, f"无法识别为{'整数' if integer else '数字'}：「{text}」")
            self.frame = self.frame.with_columns(
                parsed.cast(pl.Int64 if integer else pl.Float64, strict=False).alias(key)
            )

    def dates(self, *keys: str) -> None:
        for key in keys:
            parsed = values.date(pl.col(key))
            for sheet, row, text in (
                self.frame.filter(pl.col(key).is_not_null() & parsed.is_null()).select("sheet", "row", key).iter_rows()
            ):
                self.problem(sheet, row, key, f"无法识别为日期：「{text}」")
            self.frame = self.frame.with_columns(parsed.alias(key))

    def choice(self, key: str, mapping: dict[str, str]) -> None:
        """Map words (农村, 自评 …) to keys; unknown words become problems."""
        words = "、".join(sorted(set(mapping)))
        known = {word.lower(): value for word, value in mapping.items()}
        mapped = pl.col(key).str.to_lowercase().replace_strict(known, default=None, return_dtype=pl.String)
        for sheet, row, text in (
            self.frame.filter(pl.col(key).is_not_null() & mapped.is_null()).select("sheet", "row", key).iter_rows()
        ):
            self.problem(sheet, row, key, f"「{text}」无法识别，应为 {words} 之一")
        # Unknown words stay as written (already reported) so that "same as above" still holds.
        self.frame = self.frame.with_columns(pl.coalesce(mapped, pl.col(key)).alias(key))

    def known(self, key: str, registry) -> None:
        """Each value of `key` names a county of the registry (first row of each value reported)."""
        unknown = self.frame.filter(pl.col(key).is_not_null() & ~pl.col(key).is_in(list(registry)))
        for sheet, row, code in (
            unknown.unique(key, keep="first", maintain_order=True).select("sheet", "row", key).iter_rows()
        ):
            self.problem(sheet, row, key, f"县区代码 {code} 不在县区名录中")


@dataclass
class ParsedSheet:
    """A validated sheet ready to store: what an evaluator sees before confirming."""

    file_name: str
    file_hash: str
    rows: pl.DataFrame
    already_stored: bool  # this very file was stored before: storing it again changes nothing
    summary: pl.DataFrame  # one row per item the sheet stores or replaces, for the preview


def read_records(path: Path, spec: HeaderSpec, *, display_name: str | None = None) -> Records:
    name = display_name or path.name
    sheets = read_sheets(path, spec.find_header, display_name=name)
    frames, labels, problems = [], {}, []
    for sheet in sheets:
        match = spec.match([cell or "" for cell in sheet.cells.row(0)])
        problems += [sheet.missing_column(name, field.label, field.aliases) for field in spec.missing(match)]
        labels.update({key: sheet.column_label(index, match.headers[key]) for key, index in match.columns.items()})
        frame = (
            sheet.cells.with_row_index("index")
            .filter(pl.col("index") > 0)
            .select(
                pl.lit(sheet.name).alias("sheet"),
                (pl.col("index") + sheet.first_row).cast(pl.Int64).alias("row"),
                *(values.clean(f"c{index}").alias(key) for key, index in match.columns.items()),
                *(pl.lit(None, dtype=pl.String).alias(f.key) for f in spec.fields if f.key not in match.columns),
            )
        )
        keys = [f.key for f in spec.fields]
        frames.append(frame.filter(pl.any_horizontal(pl.col(key).is_not_null() for key in keys)))
    if problems:
        raise Rejected(problems)
    frame = pl.concat(frames, how="vertical_relaxed")
    if frame.is_empty():
        raise Rejected([Problem(name, message="没有数据行")])
    return Records(name, frame, labels)
