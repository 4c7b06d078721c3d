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
    firsts = (
        households(rows)
        .with_columns(
            _unpaid=pl.col("paid_on").is_null() | (pl.col("amount_fen") == 0),
        )
        .with_columns(
            _late=~pl.col("_unpaid") & (pl.col("paid_on") > deadline),
        )
    )
    counted = firsts.group_by(GROUP).agg(
        households=pl.len(),
        persons=pl.col("persons").sum(),
        on_time_households=(~pl.col("_unpaid") & ~pl.col("_late")).sum(),
        late_households=pl.col("_late").sum(),
        unpaid_households=pl.col("_unpaid").sum(),
    )
    paid = rows.group_by(GROUP).agg(amount_fen=pl.col("amount_fen").sum())
    figures = counted.join(paid, on=GROUP, how="full", coalesce=True)
    if previous is None:
        figures = figures.with_columns(pl.lit(None, pl.Int64).alias(name) for name in CHANGE_FIGURES)
    else:
        figures = figures.join(_changes(firsts, previous), on=GROUP, how="full", coalesce=True).with_columns(
            pl.col(CHANGE_FIGURES).fill_null(0)
        )
    return (
        figures.with_columns(pl.col(MONTH_FIGURES).fill_null(0).cast(pl.Int64))
        .with_columns(pl.col(CHANGE_FIGURES).cast(pl.Int64))
        .select(FIGURE_COLUMNS)
        .sort(GROUP)
    )


def _changes(current: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """New households counted where they are now; exited ones where they were."""
    new = (
        current.join(previous.select("household_key"), on="household_key", how="anti")
        .group_by(GROUP)
        .agg(new_households=pl.len(), new_persons=pl.col("persons").sum())
    )
    exited = (
        previous.join(current.select("household_key"), on="household_key", how="anti")
        .group_by(GROUP)
        .agg(exited_households=pl.len(), exited_persons=pl.col("persons").sum())
    )
    return new.join(exited, on=GROUP, how="full", coalesce=True)


def month_end(month: dt.date) -> dt.date:
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def deadline(month: dt.date, deadline_day: int | None) -> dt.date:
    """The day a month's benefit must reach the account; past the month's end means its end."""
    last = month_end(month)
    if deadline_day is None:
        return last
    return month.replace(day=min(deadline_day, last.day))
