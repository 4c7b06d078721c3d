"""Reported vs recomputed, shaped for the 指标得分 page (the re-check itself is rubrics.check)."""

from __future__ import annotations

import polars as pl

INDENT = "　"  # an ideographic space per level, so the tree reads in one column

COLUMNS = (
    "indicator",
    "points",
    "reported",
    "report_basis",
    "recomputed",
    "mark",
    "basis",
    "other",
    "how",
    "rule",
    "inputs",
    "reason",
    "path",
)
NUMBERS = ("points", "reported", "report_basis", "recomputed")


def comparison(lines: pl.DataFrame, *, marks: tuple[str, str] = ("≠ 不一致", "")) -> pl.DataFrame:
    """One row per indicator, indented by level, with a mark where reported and recomputed differ."""
    if lines.is_empty():
        return pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String) | dict.fromkeys(NUMBERS, pl.Float64))
    differs, same = marks
    return lines.with_columns(
        indicator=pl.concat_str(
            pl.lit(INDENT).repeat_by(pl.col("depth") - 1).list.join(""),
            pl.col("path").str.split("/").list.last(),
        ),
        mark=pl.when(pl.col("differs")).then(pl.lit(differs)).otherwise(pl.lit(same)),
    ).select(COLUMNS)


def only_differences(table: pl.DataFrame, *, mark: str = "≠ 不一致") -> pl.DataFrame:
    return table.filter(pl.col("mark") == mark)


def resting_on(differences: pl.DataFrame, basis: str) -> pl.DataFrame:
    """The differences that rest on one basis (report | reading | warehouse), in the check's order."""
    return differences.filter(pl.col("basis") == basis)


def shown(value: object) -> str:
    """A reported or recomputed value as a person reads it: 92.46, 88, 良, —."""
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)
