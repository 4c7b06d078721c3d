"""Counts a restricted reader may not see, withheld from county-month figures and written as that reader reads them.

The township × category table of a month is protected by warehouse.disclosure; these are the rules for the
figures beside it, each chosen so that nothing shown pins a withheld count down:
- new and exited households: their difference is the change in households, which the reader sees. A count of
  1–4 labelled 「<5」 beside it can give itself away (a change of +4 with 「<5」 new households means 4 new, none
  out), so where either is 1–4 both are shown as the plain mark 「隐去」, which bounds neither;
- late and unpaid households: on-time + late + unpaid = households, so where late or unpaid is 1–4 it shows as
  「<5」, on-time households are withheld too, and the on-time rate is shown as the least it can be
  (「≥99.8%」), which every value of the withheld counts allows;
- a figure that adds up months or counties with a withheld one is withheld as well (a year's new households).
"""

from __future__ import annotations

import polars as pl

from warehouse.frames import texts

HIDDEN = "隐去"  # a withheld figure whose range says nothing (persons, amounts, flows)
FLOWS = ("new_households", "exited_households", "new_persons", "exited_persons")


# The marks warehouse.small_counts adds to what it reads, as they stand where nothing is withheld
NOTHING_WITHHELD = {
    "hidden": pl.lit(False),
    "shown_as": pl.lit(None, pl.String),
    "flows_hidden": pl.lit(False),
    "payment_hidden": pl.lit(False),
    "late_withheld": pl.lit(False),
    "unpaid_withheld": pl.lit(False),
    "late_shown_as": pl.lit(None, pl.String),
    "unpaid_shown_as": pl.lit(None, pl.String),
    "on_time_at_least": pl.col("on_time_households"),
    "on_time_at_most": pl.col("on_time_households"),
}


def marked(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """`frame` with the marks `names` (of NOTHING_WITHHELD) it lacks, saying nothing is withheld: a frame read
    for a reader of true figures, or written by a test, reads like one from warehouse.small_counts."""
    return frame.with_columns(NOTHING_WITHHELD[name].alias(name) for name in names if name not in frame.columns)


def small(column: str, min_cell: int) -> pl.Expr:
    return pl.col(column).is_between(1, min_cell - 1)


def withhold_flows(monthly: pl.DataFrame, *, restricted: pl.Expr, min_cell: int) -> pl.DataFrame:
    """`flows_hidden` where either flow of a restricted row is 1..min_cell-1, and every flow of that row nulled."""
    hidden = restricted & (small("new_households", min_cell) | small("exited_households", min_cell)).fill_null(False)
    monthly = monthly.with_columns(flows_hidden=hidden)
    return monthly.with_columns(
        pl.when(pl.col("flows_hidden")).then(None).otherwise(pl.col(name)).alias(name)
        for name in FLOWS
        if name in monthly.columns
    )


def withhold_payment(monthly: pl.DataFrame, *, restricted: pl.Expr, min_cell: int) -> pl.DataFrame:
    """`payment_hidden` where a restricted row's late or unpaid households are 1..min_cell-1: those shown as
    「<5」 (`late_shown_as`, `unpaid_shown_as`), on-time households withheld, and `on_time_at_least` and
    `on_time_at_most` the fewest and most on-time households that fit what is shown (the true count where nothing
    is withheld).

    The other of the two is withheld as well (「隐去」) where it leaves the small one little room below the
    households (fewer than 2 × (min_cell − 1)): on-time households cannot be negative, so 1 late beside 5
    unpaid of 6 households would give itself away. `late_withheld` and `unpaid_withheld` say which are."""
    late, unpaid = (small(name, min_cell) & restricted for name in ("late_households", "unpaid_households"))
    most = min_cell - 1
    cramped = {  # the count shown beside a small one leaves it less than room to move
        name: pl.col("households") - pl.col(name) < 2 * most for name in ("late_households", "unpaid_households")
    }
    return (
        monthly.with_columns(late_small=late.fill_null(False), unpaid_small=unpaid.fill_null(False))
        .with_columns(
            late_withheld=pl.col("late_small") | (pl.col("unpaid_small") & cramped["late_households"]),
            unpaid_withheld=pl.col("unpaid_small") | (pl.col("late_small") & cramped["unpaid_households"]),
        )
        .with_columns(payment_hidden=pl.col("late_withheld") | pl.col("unpaid_withheld"))
        .with_columns(
            on_time_at_least=pl.when(~pl.col("payment_hidden"))
            .then(pl.col("on_time_households"))
            .when(pl.col("late_withheld") & ~pl.col("late_small") | pl.col("unpaid_withheld") & ~pl.col("unpaid_small"))
            .then(pl.lit(0, pl.Int64))  # a withheld count that is not small can be anything up to the households
            .otherwise(
                pl.max_horizontal(
                    pl.col("households")
                    - pl.when(pl.col("late_small")).then(most).otherwise(pl.col("late_households"))
                    - pl.when(pl.col("unpaid_small")).then(most).otherwise(pl.col("unpaid_households")),
                    pl.lit(0),
                )
            ),
            # the most: a count read as «<5» is at least 1, a withheld one beside it may be none
            on_time_at_most=pl.when(~pl.col("payment_hidden"))
            .then(pl.col("on_time_households"))
            .otherwise(
                pl.col("households")
                - pl.when(pl.col("late_small"))
                .then(1)
                .when(pl.col("late_withheld"))
                .then(0)
                .otherwise(pl.col("late_households"))
                - pl.when(pl.col("unpaid_small"))
                .then(1)
                .when(pl.col("unpaid_withheld"))
                .then(0)
                .otherwise(pl.col("unpaid_households"))
            ),
            late_shown_as=pl.when(pl.col("late_small")).then(pl.lit(f"<{min_cell}")),
            unpaid_shown_as=pl.when(pl.col("unpaid_small")).then(pl.lit(f"<{min_cell}")),
        )
        .with_columns(
            on_time_households=pl.when(pl.col("payment_hidden")).then(None).otherwise(pl.col("on_time_households")),
            late_households=pl.when(pl.col("late_withheld")).then(None).otherwise(pl.col("late_households")),
            unpaid_households=pl.when(pl.col("unpaid_withheld")).then(None).otherwise(pl.col("unpaid_households")),
        )
        .drop("late_small", "unpaid_small")
    )


def written(frame: pl.DataFrame, columns: dict[str, str], *, marks: dict[str, str] | None = None) -> pl.DataFrame:
    """Each of `columns` (column → the boolean column saying where it is withheld) as text, the way a restricted
    reader reads it: numbers with thousands separators (amounts with two decimals), a withheld one as its mark —
    the column `marks` names for it («<5», «≥5») or 「隐去」; a figure that is simply not there stays blank.

    Only frames with withheld figures need this: for a reader who sees true figures the numbers stay numbers."""
    marks = marks or {}
    out = []
    for name, flag in columns.items():
        value = pl.col(name)
        if frame.schema[name].is_float():
            text = texts.fixed(value, 2, separators=True)
        elif frame.schema[name].is_integer():
            text = texts.grouped(value)
        else:
            text = value.cast(pl.String)
        mark = pl.col(marks[name]).fill_null(HIDDEN) if name in marks else pl.lit(HIDDEN)
        out.append(pl.when(pl.col(flag).fill_null(False)).then(mark).otherwise(text.fill_null("")).alias(name))
    return frame.with_columns(out)


def any_withheld(frame: pl.DataFrame) -> bool:
    """Whether a frame from warehouse.small_counts has a figure withheld from its reader."""
    flags = [name for name in ("hidden", "flows_hidden", "payment_hidden") if name in frame.columns]
    return bool(flags) and bool(frame.select(pl.any_horizontal(pl.col(flags).fill_null(False)).any()).item())


def sum_at_least(value: str, *, hidden: str = "hidden", shown_as: str = "shown_as") -> list[pl.Expr]:
    """Aggregations over rows with withheld parts: `value` summed over what is shown, `hidden` where any part
    is withheld, and `shown_as` how the sum reads — a lone withheld part's own mark («<5»), 「≥N」 where N is
    the sum of the parts shown, 「隐去」 where nothing is. An exact sum would give its withheld part away."""
    parts_hidden = pl.col(hidden).fill_null(False)
    total = pl.col(value).sum()
    label = (
        pl.when(~parts_hidden.any())
        .then(pl.lit(None, pl.String))
        .when(pl.len() == 1)
        .then(pl.col(shown_as).first())
        .when(total > 0)
        .then(pl.format("≥{}", texts.grouped(total)))
        .otherwise(pl.lit(HIDDEN))
    )
    return [total.alias(value), parts_hidden.any().alias(hidden), label.alias(shown_as)]
