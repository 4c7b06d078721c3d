"""A county's figures as a reader may see them: true for those who may act for the county (its evaluators,
admins), and for everyone else (leadership, other counties' evaluators) with small counts hidden.

Each programme × month's township × category table is protected as a whole (warehouse.disclosure) and every
level is taken from that one protection, so the county, township and category figures a restricted reader
sees side by side never give a hidden count away. A table whose labels alone would give a count away is shown
one level up (townships, every category hidden), or with only its total.
"""

from __future__ import annotations

from typing import Protocol

import polars as pl
from sqlalchemy import Engine

from warehouse import read
from warehouse.disclosure import Protected, UnprotectableTable, protect
from warehouse.settings import get_settings

LEVELS = {"county": (), "township": ("township",), "category": ("township", "category")}
HIDDEN = "隐去"  # persons and amounts of a hidden cell: a plain mark, so the label tells nothing more
_VALUES = ("households", "persons", "amount")


class Reader(Protocol):
    """Who reads: an account (access.roles.Actor) or anything that says whether it may act for a county."""

    def may_upload(self, county: str | None) -> bool: ...


def sees_true_figures(reader: Reader, county: str) -> bool:
    return reader.may_upload(county)


def figures_for(
    engine: Engine,
    reader: Reader,
    *,
    county: str,
    year: int,
    level: str,
    program: str | None = None,
    pending: bool = False,
    min_cell: int | None = None,
) -> pl.DataFrame:
    """The county's figures of `year` at `level` (county, township or category) for `reader`: one row per
    programme, month and (township, category), with `hidden` and `shown_as` («<5», «≥5», or null where shown),
    and `restricted` true where the reader sees true figures that others see hidden."""
    cells = read.cell_figures(engine, county=county, program=program, year=year, pending=pending)
    true_figures = sees_true_figures(reader, county)
    threshold = 1 if true_figures else (min_cell or get_settings().min_cell)
    parts = [
        _at_level(_protected(table, threshold), level).with_columns(
            county_code=pl.lit(county), program=pl.lit(slot_program), month=pl.lit(month)
        )
        for (slot_program, month), table in cells.group_by("program", "month", maintain_order=True)
    ]
    schema = {
        "county_code": pl.String,
        "program": pl.String,
        "month": pl.Date,
        **dict.fromkeys(LEVELS[level], pl.String),
        **{"households": pl.Int64, "persons": pl.Int64, "amount": pl.Float64, "hidden": pl.Boolean},
        "shown_as": pl.String,
    }
    if not parts:
        return pl.DataFrame(schema=schema | {"restricted": pl.Boolean})
    found = pl.concat([part.select(list(schema)).cast(schema) for part in parts])
    return found.with_columns(restricted=pl.lit(true_figures))


def _protected(table: pl.DataFrame, threshold: int) -> Protected:
    """The month's table protected; one level up (townships only) where its labels would give a count away."""
    cells = table.select("township", "category", *_VALUES)
    try:
        return protect(
            cells,
            row="township",
            column="category",
            count="households",
            carry=["persons", "amount"],
            min_cell=threshold,
        )
    except UnprotectableTable:
        townships = cells.group_by("township", maintain_order=True).agg(pl.col(*_VALUES).sum())
        try:
            coarse = protect(
                townships,
                row="township",
                column=None,
                count="households",
                carry=["persons", "amount"],
                min_cell=threshold,
            )
        except UnprotectableTable:
            return _only_the_total(cells, threshold)
        hidden_cells = cells.with_columns(hidden=pl.lit(True), reason=pl.lit("complementary"), shown_as=pl.lit(None))
        return Protected(
            hidden_cells, coarse.rows, coarse.columns, coarse.total, "township", "category", "households", threshold
        )


def _only_the_total(cells: pl.DataFrame, threshold: int) -> Protected:
    """Every township and category hidden; the county's total shown unless it is itself small."""
    total = cells.select(pl.col(*_VALUES).sum())
    small = total["households"][0] < threshold
    total = total.with_columns(
        hidden=pl.lit(small),
        reason=pl.lit("primary" if small else None),
        shown_as=pl.lit(f"<{threshold}" if small else None),
    )
    everything = {"hidden": pl.lit(True), "reason": pl.lit("complementary"), "shown_as": pl.lit(None, pl.String)}
    rows = cells.group_by("township", maintain_order=True).agg(pl.col(*_VALUES).sum()).with_columns(**everything)
    return Protected(
        cells.with_columns(**everything), rows, pl.DataFrame(), total, "township", "category", "households", threshold
    )


def _at_level(protected: Protected, level: str) -> pl.DataFrame:
    return {"county": protected.total, "township": protected.rows, "category": protected.cells}[level]


def shown(figures: pl.DataFrame) -> pl.DataFrame:
    """`figures_for`'s rows as a reader reads them, counts as text: 保障户数 «<5» or «≥5» where hidden, 保障人数 and
    发放金额（元） «隐去» there; the rest as numbers written out."""
    hidden = pl.col("hidden").fill_null(False)
    return figures.with_columns(
        households=pl.when(hidden)
        .then(pl.col("shown_as").fill_null(HIDDEN))
        .otherwise(pl.col("households").cast(pl.String)),
        persons=pl.when(hidden).then(pl.lit(HIDDEN)).otherwise(pl.col("persons").cast(pl.String)),
        amount=pl.when(hidden).then(pl.lit(HIDDEN)).otherwise(pl.col("amount").round(2).cast(pl.String)),
    )
