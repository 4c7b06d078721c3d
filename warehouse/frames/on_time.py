"""按时发放: on-time rates per county, programme and month against each county's deadline, and what lies behind them."""

from __future__ import annotations

import math
from collections.abc import Mapping

import polars as pl

from warehouse.frames import marks, texts
from warehouse.frames.withheld import marked, sum_at_least, written
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
    "bounded",
    "rate_text",
    "cell_text",
    "source",
    "pending",
)
_EXTRA = ("on_time_at_least", "late_shown_as", "unpaid_shown_as", "late_withheld", "unpaid_withheld")  # for `ranking`
# where a reader may not see small counts (warehouse.small_counts), late and unpaid households of 1–4 are withheld
# with the on-time households they would give away, and the rate is the least it can be: `bounded`
_WITHHELD = {
    "on_time_households": "bounded",
    "late_households": "late_withheld",
    "unpaid_households": "unpaid_withheld",
}
_MARKS = {"late_households": "late_shown_as", "unpaid_households": "unpaid_shown_as"}  # «<5» where small


def percent(rate: float | None, *, digits: int = 1) -> str:
    """A rate as 99.9 %, rounded down: a month with one household paid late never reads 100 %."""
    if rate is None:
        return "—"
    scale = 10 ** (digits + 2)
    return f"{math.floor(rate * scale + 1e-9) / scale:.{digits}%}"


def _rate(on_time: str = "on_time_households") -> pl.Expr:
    """On-time households over households; none where there were no households."""
    return pl.when(pl.col("households") > 0).then(pl.col(on_time) / pl.col("households"))


def _withheld_marks(monthly: pl.DataFrame) -> pl.DataFrame:
    return marked(monthly, "payment_hidden", "on_time_at_least", *_EXTRA[1:])


def _rate_words(rate: pl.Expr, bounded: pl.Expr, *, digits: int) -> pl.Expr:
    """A rate rounded down (`percent`), 「≥」 where it is a bound."""

    return pl.concat_str(pl.when(bounded).then(pl.lit("≥")).otherwise(pl.lit("")), texts.percent_down(rate, digits))


def with_texts(frame: pl.DataFrame, marks: dict[str, str] = _MARKS) -> pl.DataFrame:
    """Where counts are withheld from the reader, a `<column>_text` twin of each count as the reader reads it
    (`marks`: the column each count's mark is in)."""
    if not frame["bounded"].any():
        return frame
    texts = written(frame, _WITHHELD, marks=marks)
    return frame.with_columns(texts[name].alias(f"{name}_text") for name in _WITHHELD)


def as_read(frame: pl.DataFrame) -> pl.DataFrame:
    """A grid or ranking for a table or a download: each count replaced by its `_text` twin where it has one,
    the rates by their words."""
    twins = [name for name in frame.columns if f"{name}_text" in frame.columns]
    return frame.with_columns(pl.col(f"{name}_text").alias(name) for name in twins)


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
        pl.when(pl.col("deadline_day").is_null())
        .then(pl.lit(month_end))
        .otherwise(texts.filled(each_month, pl.col("deadline_day")))
        .alias("deadline"),
    )
    return (
        _withheld_marks(marks.with_pending(monthly))
        .join(counties, on="county_code", how="left")
        .with_columns(
            pl.col("county").fill_null(pl.col("county_code")),
            programme=pl.col("program").replace_strict(programs, default=pl.col("program"), return_dtype=pl.String),
            month_key=pl.col("month").dt.strftime("%Y-%m-%d"),
            month_label=marks.month_label(month_format, pending_mark),
            rate=_rate("on_time_at_least"),
            bounded=pl.col("payment_hidden").fill_null(False),
        )
        .with_columns(
            row=pl.concat_str("county", "programme", "deadline", separator=" · "),
            rate_text=_rate_words(pl.col("rate"), pl.col("bounded"), digits=1),
            cell_text=_rate_words(pl.col("rate"), pl.col("bounded"), digits=0),
        )
        .sort("county_code", "program", "month")
        .pipe(lambda grid: with_texts(grid.select(*GRID_COLUMNS, *_EXTRA)))
    )


def ranking(
    grid: pl.DataFrame, *, target: float = TARGET, month_format: str = "%-m月", separator: str = "、"
) -> pl.DataFrame:
    """Each county and programme over the year, worst on-time rate first, with the months below target."""
    below = pl.col("rate") < target  # a bound below the target may be a month that met it: said with 「≥」
    grid = _marked_for_sums(grid)
    ranked = (
        grid.sort("month")
        .group_by(*ROW_COLUMNS, maintain_order=True)
        .agg(
            pl.col("households").sum(),
            *sum_at_least("on_time_households", hidden="bounded", shown_as="on_time_shown_as"),
            *sum_at_least("late_households", hidden="late_withheld", shown_as="late_shown_as"),
            *sum_at_least("unpaid_households", hidden="unpaid_withheld", shown_as="unpaid_shown_as"),
            pl.col("on_time_at_least").sum(),
            pl.len().cast(pl.Int64).alias("months"),
            below.sum().cast(pl.Int64).alias("months_below_target"),
            pl.col("month").filter(below).dt.strftime(month_format).str.join(separator).alias("months_below"),
            pl.col("month_label").sort_by("rate").first().alias("worst_month"),
            pl.col("rate").min().alias("worst_rate"),
            pl.col("bounded").sort_by("rate").first().alias("worst_bounded"),
        )
        .with_columns(rate=_rate("on_time_at_least"))
        .with_columns(
            rate_text=_rate_words(pl.col("rate"), pl.col("bounded"), digits=1),
            worst_rate_text=_rate_words(pl.col("worst_rate"), pl.col("worst_bounded"), digits=1),
        )
        .sort(["rate", "county_code", "program"], nulls_last=True)
    )
    if ranked["bounded"].any():
        # on-time households read as the least they can be, the figure the rate beside them rests on
        least = pl.format("≥{}", texts.grouped(pl.col("on_time_at_least")))
        ranked = ranked.with_columns(on_time_shown_as=pl.when(pl.col("bounded")).then(least))
        ranked = with_texts(ranked, _MARKS | {"on_time_households": "on_time_shown_as"})
    return ranked.select(
        *ROW_COLUMNS,
        "months",
        *COUNTS,
        "rate",
        "bounded",
        "rate_text",
        "months_below_target",
        "months_below",
        "worst_month",
        "worst_rate",
        "worst_rate_text",
        *(name for name in ranked.columns if name.endswith("_text") and name not in ("rate_text", "worst_rate_text")),
    )


def _marked_for_sums(grid: pl.DataFrame) -> pl.DataFrame:
    """The grid with the flags `ranking` sums over."""
    return grid.with_columns(on_time_shown_as=pl.lit(None, pl.String))


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
        .with_columns(label=pl.format("{} · {}", "month_label", pl.col("rate_text").fill_null("—")))
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
