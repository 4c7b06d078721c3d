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


def pending_items(
    frame: pl.DataFrame, *, names: dict[str, str], kinds: dict[str, str] | None = None, year_suffix: str = "年"
) -> list[str]:
    """「county month」 of each county-month in the frame that waits for approval (or 「county year kind」 of
    each evaluation, for a frame of evaluations), in order."""
    waiting = with_pending(frame).filter(pl.col("pending") == 1)
    if waiting.is_empty():
        return []
    county = pl.col("county_code").replace_strict(names, default=pl.col("county_code"), return_dtype=pl.String)
    if "month" in waiting.columns:
        when, order = [pl.col("month").dt.strftime("%Y-%m")], ["county_code", "month"]
    else:
        kind = pl.col("kind").replace_strict(kinds or {}, default=pl.col("kind"), return_dtype=pl.String)
        when, order = [pl.col("year").cast(pl.String) + year_suffix, kind], ["county_code", "year", "kind"]
    labels = waiting.select(pl.concat_str(county, *when, separator=" ").alias("label"), *order)
    return labels.unique().sort(order)["label"].to_list()
