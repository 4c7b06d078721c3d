"""按时发放: on-time rates per county, programme and month against each county's deadline, and what lies behind them."""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl

from warehouse.frames import marks
from warehouse.vocabulary import PROGRAM_WORDS

TARGET = 0.9  # the rubrics' on-time target (≥ 90 % of household-payments by the deadline)
BEHIND_A_CELL = ("late_payment", "unpaid")

COUNTS = ("households", "on_time_households", "late_households", "unpaid_households")  # household-payments
ROW_COLUMNS = ("county_code", "program", "county", "programme", "deadline", "row")  # one heatmap row
GRID_COLUMNS = (
    *ROW_COLUMNS,
    "month",
    "month_key",
    "month_label",
    *COUNTS,
    "rate",
    "source",
    "pending",
)


def percent(rate: float | None) -> str:
    """A rate as 99.9 %, rounded down: a month with one household paid late never reads 100 %."""
    return "—" if rate is None else f"{math.floor(rate * 1000 + 1e-9) / 10:.1f}%"


def _rate() -> pl.Expr:
    """On-time households over households; none where there were no households."""
    return pl.when(pl.col("households") > 0).then(pl.col("on_time_households") / pl.col("households"))


def deadline_text(day: int | None, *, each_month: str = "每月{day}日前", month_end: str = "月末") -> str:
    """每月 20 日前, or 月末 where the registry gives no day."""
    return month_end if day is None else each_month.format(day=day)


def on_time_grid(
    monthly: pl.DataFrame,
    registry: pl.DataFrame,
    *,
    programs: Mapping[str, str] = PROGRAM_WORDS,
    month_format: str = "%Y年%-m月",
    each_month: str = "每月{day}日前",
    month_end: str = "月末",
    pending_mark: str = marks.PENDING_MARK,
) -> pl.DataFrame:
    """One cell per county, programme and month: households, on time, late, unpaid, and the on-time rate
    (a month waiting for approval carries `pending_mark` in its label).

    The rate is on-time households over households (unpaid ones count as not on time); `row`
    labels the heatmap's row with the county, programme and deadline.
    """
    counties = registry.select(
        pl.col("code").alias("county_code"),
        pl.col("name").alias("county"),
        pl.col("deadline_day")
        .map_elements(
            lambda day: deadline_text(day, each_month=each_month, month_end=month_end),
            return_dtype=pl.String,
            skip_nulls=False,
        )
        .alias("deadline"),
    )
    return (
        marks.with_pending(monthly)
        .join(counties, on="county_code", how="left")
        .with_columns(
            pl.col("county").fill_null(pl.col("county_code")),
            programme=pl.col("program").replace_strict(programs, default=pl.col("program"), return_dtype=pl.String),
            month_key=pl.col("month").dt.strftime("%Y-%m-%d"),
            month_label=marks.month_label(month_format, pending_mark),
            rate=_rate(),
        )
        .with_columns(row=pl.concat_str("county", "programme", "deadline", separator=" · "))
        .select(GRID_COLUMNS)
        .sort("county_code", "program", "month")
    )


def ranking(
    grid: pl.DataFrame, *, target: float = TARGET, month_format: str = "%-m月", separator: str = "、"
) -> pl.DataFrame:
    """Each county and programme over the year, worst on-time rate first, with the months below target."""
    below = pl.col("rate") < target
    return (
        grid.sort("month")
        .group_by(*ROW_COLUMNS, maintain_order=True)
        .agg(
            pl.col(*COUNTS).sum(),
            pl.len().cast(pl.Int64).alias("months"),
            below.sum().cast(pl.Int64).alias("months_below_target"),
            pl.col("month").filter(below).dt.strftime(month_format).str.join(separator).alias("months_below"),
            pl.col("month_label").sort_by("rate").first().alias("worst_month"),
            pl.col("rate").min().alias("worst_rate"),
        )
        .with_columns(rate=_rate())
        .sort(["rate", "county_code", "program"], nulls_last=True)
        .select(
            *ROW_COLUMNS,
            "months",
            *COUNTS,
            "rate",
            "months_below_target",
            "months_below",
            "worst_month",
            "worst_rate",
        )
    )


def rows_in(ranking: pl.DataFrame) -> dict[str, str]:
    """ "county:programme" → its heatmap row label, worst first (the drill-down's default)."""
    return {
        f"{code}:{program}": row for code, program, row in ranking.select("county_code", "program", "row").iter_rows()
    }


def months_in(grid: pl.DataFrame, *, county: str, program: str) -> dict[str, str]:
    """Month key → "2022年2月 · 1.4%" for one heatmap row, worst on-time rate first (the drill-down's default)."""
    months = (
        grid.filter(pl.col("county_code") == county, pl.col("program") == program)
        .sort(["rate", "month"], nulls_last=True)
        .with_columns(
            label=pl.format(
                "{} · {}", "month_label", pl.col("rate").map_elements(percent, return_dtype=pl.String, skip_nulls=False)
            )
        )
    )
    return dict(zip(months["month_key"].to_list(), months["label"].to_list(), strict=True))


def cell(grid: pl.DataFrame, *, county: str, program: str, month_key: str) -> pl.DataFrame:
    """The heatmap cell picked: one row (or none)."""
    return grid.filter(pl.col("county_code") == county, pl.col("program") == program, pl.col("month_key") == month_key)


def late_and_unpaid(findings: pl.DataFrame, *, program: str, kinds: dict[str, str]) -> pl.DataFrame:
    """The late and unpaid households behind one cell: file, row, masked ID and detail (kinds labelled)."""
    return (
        findings.filter(pl.col("kind").is_in(BEHIND_A_CELL), pl.col("program") == program)
        .with_columns(kind=pl.col("kind").replace_strict(kinds, default=pl.col("kind"), return_dtype=pl.String))
        .select("kind", "file_name", "sheet", "row", "id_masked", "detail")
        .sort("file_name", "sheet", "row")
    )
