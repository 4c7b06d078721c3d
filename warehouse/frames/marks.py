"""Marks a figure carries wherever it appears: a month whose figures wait for approval (待审核)."""

from __future__ import annotations

import polars as pl

PENDING_MARK = "（待审核）"


def with_pending(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with a `pending` column (1: the row is of a version waiting for approval), 0 where the
    read it came from had none."""
    return frame if "pending" in frame.columns else frame.with_columns(pending=pl.lit(0, dtype=pl.Int64))


def month_label(month_format: str, pending_mark: str = PENDING_MARK) -> pl.Expr:
    """A month's label, with the mark where its figures wait for approval: in tables, chart axes,
    tooltips and downloads alike."""
    marked = pl.when(pl.col("pending") == 1).then(pl.lit(pending_mark)).otherwise(pl.lit(""))
    return pl.concat_str(pl.col("month").dt.strftime(month_format), marked).alias("month_label")


def pending_months(frame: pl.DataFrame, *, names: dict[str, str], month_format: str = "%Y-%m") -> list[str]:
    """「county month」 of each county-month in the frame that waits for approval, in order."""
    waiting = with_pending(frame).filter(pl.col("pending") == 1)
    if waiting.is_empty():
        return []
    labels = waiting.select(
        pl.concat_str(
            pl.col("county_code").replace_strict(names, default=pl.col("county_code"), return_dtype=pl.String),
            pl.col("month").dt.strftime(month_format),
            separator=" ",
        ).alias("label"),
        "county_code",
        "month",
    )
    return labels.unique().sort("county_code", "month")["label"].to_list()
