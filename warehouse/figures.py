"""Monthly figures of one roster, per township and category, and the payment deadline they count against.

Households are counted once, at their first row in the file (a duplicate row adds its
amount but not another household); new and exited households compare with the previous
stored month of the same county and programme.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from warehouse.models import CHANGE_FIGURES, FIGURES, MONTH_FIGURES

GROUP = ("township", "category")
FIGURE_COLUMNS = (*GROUP, *FIGURES)


def households(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per household: its first row in the file."""
    return rows.unique("household_key", keep="first", maintain_order=True)


def month_figures(rows: pl.DataFrame, *, deadline: dt.date, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Figures per township × category; `previous` is last stored month's households or None."""
    firsts = households(rows)
    parts = [tally(firsts, rows, deadline=deadline)]
    if previous is not None:
        parts += [new_households(firsts, previous), exited_households(previous, firsts.select("household_key"))]
    return assemble(parts, changes=previous is not None)


def tally(firsts: pl.DataFrame, rows: pl.DataFrame, *, deadline: dt.date) -> pl.DataFrame:
    """The month's own figures of some rows: households (`firsts`, each household's first row) and amounts
    (every row). Tallies of parts of a roster add up to the roster's (`assemble`)."""
    timed = firsts.with_columns(_unpaid=pl.col("paid_on").is_null() | (pl.col("amount_fen") == 0)).with_columns(
        _late=~pl.col("_unpaid") & (pl.col("paid_on") > deadline)
    )
    counted = timed.group_by(GROUP).agg(
        households=pl.len(),
        persons=pl.col("persons").sum(),
        on_time_households=(~pl.col("_unpaid") & ~pl.col("_late")).sum(),
        late_households=pl.col("_late").sum(),
        unpaid_households=pl.col("_unpaid").sum(),
        one_person_households=(pl.col("persons") == 1).sum(),
    )
    paid = rows.group_by(GROUP).agg(amount_fen=pl.col("amount_fen").sum())
    return counted.join(paid, on=GROUP, how="full", coalesce=True)


def new_households(firsts: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Households not in the previous month, counted where they are now."""
    return (
        firsts.join(previous.select("household_key"), on="household_key", how="anti")
        .group_by(GROUP)
        .agg(new_households=pl.len(), new_persons=pl.col("persons").sum())
    )


def exited_households(previous: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """The previous month's households no longer paid (none of `current`'s household_key), counted where they were."""
    return (
        previous.join(current, on="household_key", how="anti")
        .group_by(GROUP)
        .agg(exited_households=pl.len(), exited_persons=pl.col("persons").sum())
    )


def assemble(parts: list[pl.DataFrame], *, changes: bool) -> pl.DataFrame:
    """The figures from tallies and new/exited counts of a roster's parts, summed per township × category."""
    columns = [pl.col(name).cast(pl.Int64) for name in FIGURES]
    frames = [
        part.with_columns(pl.lit(None, pl.Int64).alias(name) for name in FIGURES if name not in part.columns)
        for part in parts
    ]
    summed = pl.concat([frame.select(*GROUP, *columns) for frame in frames]).group_by(GROUP).agg(pl.col(FIGURES).sum())
    summed = summed.with_columns(pl.col(MONTH_FIGURES).fill_null(0))
    if changes:
        summed = summed.with_columns(pl.col(CHANGE_FIGURES).fill_null(0))
    else:
        summed = summed.with_columns(pl.lit(None, pl.Int64).alias(name) for name in CHANGE_FIGURES)
    return summed.with_columns(pl.col(FIGURES).cast(pl.Int64)).select(FIGURE_COLUMNS).sort(GROUP)


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first of the month `months` later (earlier when negative)."""
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def deadline(month: dt.date, deadline_day: int | None) -> dt.date:
    """The day a month's benefit must reach the account; past the month's end means its end."""
    last = month_end(month)
    if deadline_day is None:
        return last
    return month.replace(day=min(deadline_day, last.day))
