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
- spike: new (or exited) households against their own 12-month median and spread, above a minimum count;
- missing: a month with no roster between a series' first month and the latest month stored.

Every flag carries what it rests on (the month before or the 12-month median, the band, the score) and a
sentence that says it (`words`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

KEYS = ("county_code", "program", "township")
# measure → (words, the count a change must move by: households for the totals, whatever the measure, so
# that a township's size decides what is news, not the unit)
MEASURES = {
    "households": ("保障户数", "households"),
    "persons": ("保障人数", "households"),
    "amount_per_person": ("人均发放金额", "households"),
    "one_person_share": ("一人户占比", "one_person_households"),
    "new_households": ("新增户数", "new_households"),
    "exited_households": ("退出户数", "exited_households"),
}
SPIKES = ("new_households", "exited_households")  # judged by their level, not by their change
METHOD_WORDS = {
    "change": "较上月变化",
    "spike": "与近12个月中位数相比",
    "missing": "缺报月份",
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
    "baseline": pl.Float64,  # what the value is judged against: the month before, or the 12-month median
    "low": pl.Float64,
    "high": pl.Float64,
    "score": pl.Float64,
    "year_ago": pl.Float64,  # the change the same month made a year earlier (change method), if stored
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
    spike_z: float = 5.0
    least_spike: int = 10  # new or exited households in a month below this are never a spike
    large_spike: int = 20  # this many, and
    large_spike_times: float = 5.0  # this many times the 12-month median, is a spike however wide the spread


def _previous(column: str, months: int) -> pl.Expr:
    """The value `months` back in the same series, only where that month is there (no gap)."""
    back = pl.col(column).shift(months).over(*KEYS, "measure", order_by="month")
    at = pl.col("month").shift(months).over(*KEYS, "measure", order_by="month")
    return pl.when(at == pl.col("month").dt.offset_by(f"-{months}mo")).then(back)


def band(frame: pl.DataFrame, value: str, *, over: list[str], tuning: Tuning = Tuning()) -> pl.DataFrame:
    """`frame` with `{value}_low` and `{value}_high`: the range of `value` over the 12 months before each month
    of each series (`over`), once six of them are stored; what the change method words as 近12个月正常范围."""

    def rolling(extreme: str) -> pl.Expr:
        window = getattr(pl.col(value), f"rolling_{extreme}")(tuning.window, min_samples=tuning.least_history)
        return window.shift(1).over(*over, order_by="month")

    return frame.with_columns(rolling("min").alias(f"{value}_low"), rolling("max").alias(f"{value}_high"))


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
    absent = [name for _, count in MEASURES.values() if count not in series.columns for name in [count]]
    shaped = series.with_columns(pl.lit(None, pl.Int64).alias(name) for name in absent).with_columns(
        amount_per_person=pl.when(pl.col("persons") > 0).then(pl.col("amount") / pl.col("persons")),
        one_person_share=pl.when(pl.col("households") > 0).then(pl.col("one_person_households") / pl.col("households")),
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
    """Flags of the methods change (with the same month a year earlier) and spike, each with its band and score."""
    scored = long.sort(*KEYS, "measure", "month").with_columns(
        previous=_previous("value", 1),
        count_before=_previous("count", 1),
        low=pl.col("value")
        .rolling_min(tuning.window, min_samples=tuning.least_history)
        .shift(1)
        .over(*KEYS, "measure", order_by="month"),
        high=pl.col("value")
        .rolling_max(tuning.window, min_samples=tuning.least_history)
        .shift(1)
        .over(*KEYS, "measure", order_by="month"),
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
    spike = pl.col("measure").is_in(SPIKES)
    is_change = (
        ~spike
        & (pl.col("z").abs() >= tuning.z)
        & (pl.col("change").abs() >= tuning.least_change)
        & (moved | (pl.col("measure") == "amount_per_person"))
        & year_agrees
    )
    # a spike stands out from the months before it; or, in a year of many intakes (a wide spread), is so
    # large against their median that it is news anyway (bench/anomalies.py: Xinping's 2020 intake push)
    large = (pl.col("value") >= tuning.large_spike) & (
        pl.col("value") >= tuning.large_spike_times * pl.col("level_median")
    )
    is_spike = (
        spike
        & (pl.col("value") >= tuning.least_spike)
        & (pl.col("value") >= 3 * pl.col("level_median"))
        & ((pl.col("level_z") >= tuning.spike_z) | large)
    )
    flagged = scored.filter(is_change | is_spike).with_columns(
        method=pl.when(spike).then(pl.lit("spike")).otherwise(pl.lit("change")),
        score=pl.when(spike).then(pl.col("level_z")).otherwise(pl.col("z")),
        baseline=pl.when(spike).then(pl.col("level_median")).otherwise(pl.col("previous")),
        year_ago=pl.when(spike).then(None).otherwise(pl.col("change_year_before")),
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
        *(pl.lit(None, dtype=pl.Float64).alias(name) for name in list(FLAG_SCHEMA)[6:]),
    ).sort("county_code", "program", "month")


def detect(series: pl.DataFrame, tuning: Tuning = Tuning(), *, until: dt.date | None = None) -> pl.DataFrame:
    """Every flag over `series` (warehouse.read.township_months), worst score first within each method."""
    found = pl.concat([changes(measures(series), tuning), missing_months(series, until=until)])
    return found.sort("county_code", "program", "month", "township", "measure")


FIGURES_WITHHELD = "（具体数字仅本县区评价人员和管理员可见）"
NUMBERS = ("value", "baseline", "previous", "low", "high", "score", "year_ago")


def words(flags: pl.DataFrame, *, county_names: dict[str, str], program_words: dict[str, str]) -> pl.DataFrame:
    """`flags` with a sentence each, saying the value, what it is judged against and the usual range:
    「陵城镇 2023年5月 保障户数 482，较上月下降 31%（上月 700），近12个月正常范围 700–760」; and in
    `words_withheld` the same flag said without a figure, for a reader who may not see the township's counts:
    「陵城镇 2023年5月 保障户数较上月明显下降（具体数字…）」 (a percentage of a count shown elsewhere is a count)."""
    said = [_sentence(row, county_names, program_words) for row in flags.iter_rows(named=True)]
    plain = [_without_figures(row, county_names, program_words) for row in flags.iter_rows(named=True)]
    return flags.with_columns(words=pl.Series(said, dtype=pl.String), words_withheld=pl.Series(plain, dtype=pl.String))


def withheld(flags: pl.DataFrame, counties: list[str]) -> pl.DataFrame:
    """Flags of `counties` as their restricted readers see them: the sentence without figures, numbers null."""
    mine = pl.col("county_code").is_in(counties)
    return flags.with_columns(
        *(pl.when(mine).then(None).otherwise(pl.col(name)).alias(name) for name in NUMBERS if name in flags.columns),
        words=pl.when(mine).then(pl.col("words_withheld")).otherwise(pl.col("words")),
    )


def _without_figures(flag: dict, county_names: dict[str, str], program_words: dict[str, str]) -> str:
    if flag["method"] == "missing":
        return _sentence(flag, county_names, program_words)  # no figure in it
    month = f"{flag['month'].year}年{flag['month'].month}月"
    said = f"{flag['township']} {month} {MEASURES[flag['measure']][0]}"
    if flag["method"] == "spike":
        return f"{said}明显高于近12个月的常见水平{FIGURES_WITHHELD}"
    way = "上升" if flag["value"] > flag["previous"] else "下降"
    return f"{said}较上月明显{way}{FIGURES_WITHHELD}"


def _sentence(flag: dict, county_names: dict[str, str], program_words: dict[str, str]) -> str:
    month = f"{flag['month'].year}年{flag['month'].month}月"
    if flag["method"] == "missing":
        county = county_names.get(flag["county_code"], flag["county_code"])
        return f"{county} {month} 没有{program_words.get(flag['program'], '')}低保名册（此前已按月报送）"
    measure = flag["measure"]
    show, unit = _shown(measure)
    said = f"{flag['township']} {month} {MEASURES[measure][0]} {show(flag['value'])}{unit}"
    band = f"近12个月正常范围 {show(flag['low'])}–{show(flag['high'])}{unit}"
    if flag["method"] == "spike":
        times = flag["value"] / flag["baseline"] if flag["baseline"] else None
        against = f"为近12个月中位数 {show(flag['baseline'])} 的 {times:.1f} 倍" if times else "近12个月中位数为 0"
        return f"{said}，{against}，{band}"
    change = _change(measure, flag["value"], flag["previous"])
    year_ago = _year_ago(measure, flag["year_ago"])
    return f"{said}，较上月{change}（上月 {show(flag['previous'])}{unit}），{band}{year_ago}"


def _year_ago(measure: str, change: float | None) -> str:
    """What the same month did a year earlier (the seasonal check), where it is a like-for-like change."""
    if change is None or measure == "one_person_share":  # a share's change is said in points, not in %
        return ""
    if abs(change) < 0.005:
        return "；去年同月持平"
    return f"；去年同月 {change:+.0%}"


def _shown(measure: str):
    """How a measure's values are written, and the unit after them."""
    if measure == "one_person_share":
        return (lambda value: f"{value * 100:.0f}"), "%"
    if measure == "amount_per_person":
        return (lambda value: f"{value:,.1f}"), " 元"
    return (lambda value: f"{value:,.0f}"), ""


def _change(measure: str, value: float, previous: float) -> str:
    if measure == "one_person_share":
        points = (value - previous) * 100
        return f"{'上升' if points > 0 else '下降'} {abs(points):.0f} 个百分点"
    ratio = value / previous
    if ratio >= 2:
        return f"升至 {ratio:.1f} 倍"
    return f"{'上升' if ratio > 1 else '下降'} {abs(ratio - 1):.0%}"
