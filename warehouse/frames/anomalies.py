"""Anomalies in the monthly series of each county × programme × township: what a person reading the rosters
month by month would miss (a drop of a third, an amount typed ten times over, an intake spike, a month
never reported). Frames in, frames out: `township_months` (warehouse.read) in, one row per flag out.

Methods (the thresholds are tuned on the demo history with injected anomalies: bench/anomalies.py):

- change: the month's change on the month before, as a robust z-score against the changes of the 12 months
  before it (median, and the spread from the interquartile range, with a floor so that a smooth series
  does not make every wobble an outlier), and only where the change is large in itself and in count;
- year_ago: a change the same month a year earlier also made (the same way, at least half as large) is
  seasonal, and not flagged: what recurs every year (an intake each January) is no anomaly;
- band: the 12 months before give the expected range, said in words beside every flag;
- intake: new households against their own 12-month median and spread, above a minimum count;
- missing: a month with no roster between a series' first month and the latest month stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

KEYS = ("county_code", "program", "township")
# measure → (words, the count a change must move by: households, whatever the measure, so that a
# township's size decides what is news, not the unit)
MEASURES = {
    "households": ("保障户数", "households"),
    "persons": ("保障人数", "households"),
    "amount_per_person": ("人均发放金额", "households"),
    "new_households": ("新增户数", "new_households"),
}
FLAG_SCHEMA = {
    "county_code": pl.String,
    "program": pl.String,
    "township": pl.String,
    "month": pl.Date,
    "measure": pl.String,
    "method": pl.String,
    "value": pl.Float64,
    "previous": pl.Float64,
    "low": pl.Float64,
    "high": pl.Float64,
    "score": pl.Float64,
}


@dataclass(frozen=True)
class Tuning:
    window: int = 12  # months of history a baseline is drawn from
    least_history: int = 6  # months of history before anything is judged
    z: float = 6.0  # robust z-score beyond which a change is an outlier
    seasonal_share: float = 0.5  # a change the same month a year earlier made at least this share of is seasonal
    spread_floor: float = 0.03  # the smallest spread of monthly changes (3 %): smooth series stay quiet
    least_change: float = 0.15  # a change smaller than this is never flagged
    least_count: int = 5  # nor one that moves fewer households or persons than this
    intake_z: float = 5.0
    least_intake: int = 10  # new households in a month below this are never a spike


def _previous(column: str, months: int) -> pl.Expr:
    """The value `months` back in the same series, only where that month is there (no gap)."""
    back = pl.col(column).shift(months).over(*KEYS, "measure", order_by="month")
    at = pl.col("month").shift(months).over(*KEYS, "measure", order_by="month")
    return pl.when(at == pl.col("month").dt.offset_by(f"-{months}mo")).then(back)


def _baseline(column: str, tuning: Tuning) -> tuple[pl.Expr, pl.Expr]:
    """The median and the robust spread (IQR / 1.349) of `column` over the window before each month."""

    def rolling(quantile: float) -> pl.Expr:
        return (
            pl.col(column)
            .rolling_quantile(quantile, window_size=tuning.window, min_samples=tuning.least_history)
            .shift(1)
            .over(*KEYS, "measure", order_by="month")
        )

    return rolling(0.5), (rolling(0.75) - rolling(0.25)) / 1.349


def measures(series: pl.DataFrame) -> pl.DataFrame:
    """The series in long form: keys, month, measure, value, and the count a flag must move by."""
    shaped = series.with_columns(
        amount_per_person=pl.when(pl.col("persons") > 0).then(pl.col("amount") / pl.col("persons"))
    )
    return pl.concat(
        [
            shaped.select(
                *KEYS,
                "month",
                pl.lit(measure).alias("measure"),
                pl.col(measure).cast(pl.Float64).alias("value"),
                pl.col(count).cast(pl.Float64).alias("count"),
            )
            for measure, (_, count) in MEASURES.items()
        ]
    ).drop_nulls("value")


def changes(long: pl.DataFrame, tuning: Tuning = Tuning()) -> pl.DataFrame:
    """Flags of the methods change (with year_ago) and intake, each with its band and score."""
    scored = long.sort(*KEYS, "measure", "month").with_columns(
        previous=_previous("value", 1),
        count_before=_previous("count", 1),
        low=pl.col("value").rolling_min(tuning.window, min_samples=tuning.least_history).shift(1).over(
            *KEYS, "measure", order_by="month"
        ),
        high=pl.col("value").rolling_max(tuning.window, min_samples=tuning.least_history).shift(1).over(
            *KEYS, "measure", order_by="month"
        ),
    )
    scored = scored.with_columns(change=pl.col("value") / pl.col("previous") - 1)
    median, spread = _baseline("change", tuning)
    level_median, level_spread = _baseline("value", tuning)
    scored = scored.with_columns(
        z=(pl.col("change") - median) / pl.max_horizontal(spread, pl.lit(tuning.spread_floor)),
        level_z=(pl.col("value") - level_median) / pl.max_horizontal(level_spread, pl.lit(1.0)),
        level_median=level_median,
        change_year_before=_previous("change", 12),
    )
    moved = (pl.col("count") - pl.col("count_before")).abs() >= tuning.least_count
    seasonal = (pl.col("change_year_before") * pl.col("change") > 0) & (
        pl.col("change_year_before").abs() >= tuning.seasonal_share * pl.col("change").abs()
    )
    year_agrees = ~seasonal.fill_null(False)
    is_change = (
        (pl.col("measure") != "new_households")
        & (pl.col("z").abs() >= tuning.z)
        & (pl.col("change").abs() >= tuning.least_change)
        & (moved | (pl.col("measure") == "amount_per_person"))
        & year_agrees
    )
    is_intake = (
        (pl.col("measure") == "new_households")
        & (pl.col("level_z") >= tuning.intake_z)
        & (pl.col("value") >= tuning.least_intake)
        & (pl.col("value") >= 3 * pl.col("level_median"))
    )
    flagged = scored.filter(is_change | is_intake).with_columns(
        method=pl.when(pl.col("measure") == "new_households").then(pl.lit("intake")).otherwise(pl.lit("change")),
        score=pl.when(pl.col("measure") == "new_households").then(pl.col("level_z")).otherwise(pl.col("z")),
    )
    return flagged.select(list(FLAG_SCHEMA))


def missing_months(series: pl.DataFrame, *, until: dt.date | None = None) -> pl.DataFrame:
    """County × programme months with no roster between the series' first month and `until` (default: the
    latest month stored for any county)."""
    if series.is_empty():
        return pl.DataFrame(schema=FLAG_SCHEMA)
    last = until or series["month"].max()
    slots = series.group_by("county_code", "program").agg(pl.col("month").min().alias("first"))
    every = slots.with_columns(month=pl.date_ranges("first", pl.lit(last), interval="1mo")).explode("month")
    present = series.select("county_code", "program", "month").unique()
    gaps = every.join(present, on=["county_code", "program", "month"], how="anti")
    return gaps.select(
        "county_code",
        "program",
        pl.lit("").alias("township"),
        "month",
        pl.lit("roster").alias("measure"),
        pl.lit("missing").alias("method"),
        *(pl.lit(None, dtype=pl.Float64).alias(name) for name in ("value", "previous", "low", "high", "score")),
    ).sort("county_code", "program", "month")


def detect(series: pl.DataFrame, tuning: Tuning = Tuning(), *, until: dt.date | None = None) -> pl.DataFrame:
    """Every flag over `series` (warehouse.read.township_months), worst score first within each method."""
    found = pl.concat([changes(measures(series), tuning), missing_months(series, until=until)])
    return found.sort("county_code", "program", "month", "township", "measure")
