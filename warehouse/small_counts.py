"""A county's figures as a reader may see them: true for those who may act for the county (its evaluators,
admins), and for everyone else (leadership, other counties' evaluators) with small counts hidden.

Each programme × month's township × category table is protected as a whole (warehouse.disclosure) and every
level is taken from that one protection, so the county, township and category figures a restricted reader
sees side by side never give a hidden count away. A table whose labels alone would give a count away is shown
one level up (townships, every category hidden), or with only its total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

import polars as pl
from sqlalchemy import Engine

from warehouse import read
from warehouse.disclosure import Protected, UnprotectableTable, protect
from warehouse.frames.withheld import HIDDEN, withhold_flows, withhold_payment
from warehouse.models import FIGURES
from warehouse.settings import get_settings

LEVELS = {"county": (), "township": ("township",), "category": ("township", "category")}
_VALUES = ("households", "persons", "amount")
_MONTH = ("county_code", "program", "month")


class Reader(Protocol):
    """Who reads: an account (access.roles.Actor) or anything that says whether it may act for a county."""

    def may_upload(self, county: str | None) -> bool: ...


def sees_true_figures(reader: Reader, county: str) -> bool:
    return reader.may_upload(county)


def threshold(reader: Reader, county: str, *, min_cell: int | None = None) -> int:
    """The least count `reader` may see of `county`: 1 (every true figure) for those who may act for it."""
    return 1 if sees_true_figures(reader, county) else (min_cell or get_settings().min_cell)


def restricted_among(reader: Reader, counties: Iterable[str]) -> list[str]:
    """The counties whose small counts `reader` may not see."""
    return [county for county in counties if not sees_true_figures(reader, county)]


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
    cells = read.cell_figures(engine, counties=[county], program=program, year=year, pending=pending)
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


def month_split(
    engine: Engine,
    *,
    by: str,
    county: str,
    program: str,
    month: dt.date,
    township: str | None = None,
    pending: bool = False,
    min_cell: int = 1,
) -> pl.DataFrame:
    """One month's figures split by "township" or "category" (optionally within a township), as read.figures_by,
    for a reader who may see counts from `min_cell` up (1: every true figure).

    Withheld from a restricted reader: households, persons and amount of a cell the month's protected
    township × category table hides (`hidden`, `shown_as`), and every other count below the county
    (new, exited, late, unpaid households: `flows_hidden`), which no township view needs to hide a small count."""
    split = read.figures_by(
        engine, by=by, county=county, program=program, month=month, township=township, pending=pending
    )
    if min_cell <= 1:
        return split.with_columns(hidden=pl.lit(False), shown_as=pl.lit(None, pl.String), flows_hidden=pl.lit(False))
    cells = read.cell_figures(engine, counties=[county], program=program, month=month, pending=pending)
    protected = _protected(cells.drop(*_MONTH), min_cell)
    if by == "township":
        level = protected.rows
    elif township is not None:
        level = protected.cells.filter(pl.col("township") == township)
    else:
        level = protected.columns
    marks = level.select(pl.col(by).fill_null(""), "hidden", "shown_as")
    hidden = pl.col("hidden").fill_null(False)
    others = [name for name in split.columns if name not in (by, *_VALUES)]
    return (
        split.with_columns(pl.col(by).fill_null(""))
        .join(marks, on=by, how="left")
        .with_columns(
            *(pl.when(hidden).then(None).otherwise(pl.col(name)).alias(name) for name in _VALUES),
            *(pl.lit(None, split.schema[name]).alias(name) for name in others),
            hidden=hidden,
            flows_hidden=pl.lit(True),
        )
    )


def monthly_totals(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    year: int | None = None,
    pending: bool = False,
    restricted: Iterable[str] = (),
    min_cell: int | None = None,
) -> pl.DataFrame:
    """read.monthly_totals with what a reader may not see of the `restricted` counties withheld.

    A county's households, persons and amount are hidden (`hidden`, `shown_as`) where the month's protected
    township × category table hides its total; flows and payments by the rules of warehouse.frames.withheld
    (`flows_hidden`, `payment_hidden`, `on_time_at_least`, `on_time_at_most`, `late_shown_as`, `unpaid_shown_as`,
    `late_withheld`, `unpaid_withheld`)."""
    monthly = read.monthly_totals(engine, counties=counties, program=program, year=year, pending=pending)
    restricted = sorted(set(restricted) & set(monthly["county_code"]))
    min_cell = min_cell or get_settings().min_cell
    totals = _hidden_totals(engine, restricted, program=program, year=year, pending=pending, min_cell=min_cell)
    mine = pl.col("county_code").is_in(restricted)
    withheld = (
        monthly.join(totals, on=list(_MONTH), how="left")
        .with_columns(hidden=pl.col("hidden").fill_null(False))
        .with_columns(
            *(pl.when(pl.col("hidden")).then(None).otherwise(pl.col(name)).alias(name) for name in _VALUES),
            # a share of one-person households is a count in disguise; no page shows it to anyone
            one_person_households=pl.when(mine).then(None).otherwise(pl.col("one_person_households")),
        )
    )
    withheld = withhold_flows(withheld, restricted=mine, min_cell=min_cell)
    withheld = withhold_payment(withheld, restricted=mine, min_cell=min_cell)
    # a hidden total takes the month's every other count with it
    return withheld.with_columns(
        *(
            pl.when(pl.col("hidden")).then(None).otherwise(pl.col(name)).alias(name)
            for name in (*_COUNTS, "on_time_at_least", "on_time_at_most")
        ),
        flows_hidden=pl.col("flows_hidden") | pl.col("hidden"),
        payment_hidden=pl.col("payment_hidden") | pl.col("hidden"),
    )


_COUNTS = tuple(name for name in FIGURES if name not in ("households", "persons", "amount_fen"))


def _hidden_totals(
    engine: Engine, counties: list[str], *, program: str | None, year: int | None, pending: bool, min_cell: int
) -> pl.DataFrame:
    """County × programme × month whose total the month's protected table hides, with how it shows."""
    found: list[dict] = []
    if counties:
        cells = read.cell_figures(engine, counties=counties, program=program, year=year, pending=pending)
        # a table with no count under the threshold hides nothing: protect only the others
        small = cells.filter(pl.col("households").is_between(1, min_cell - 1)).select(_MONTH).unique()
        tables = cells.join(small, on=list(_MONTH), how="semi")
        for (county, slot_program, month), table in tables.group_by(_MONTH, maintain_order=True):
            total = _protected(table.drop(*_MONTH), min_cell).total.row(0, named=True)
            if total["hidden"]:
                found.append(
                    {"county_code": county, "program": slot_program, "month": month, "shown_as": total["shown_as"]}
                )
    schema = {"county_code": pl.String, "program": pl.String, "month": pl.Date, "shown_as": pl.String}
    return pl.DataFrame(found, schema=schema).with_columns(hidden=pl.lit(True))


def finding_counts(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    year: int | None = None,
    pending: bool = False,
    restricted: Iterable[str] = (),
    min_cell: int | None = None,
) -> pl.DataFrame:
    """read.finding_counts with the `restricted` counties' counts of 1..min_cell-1 withheld (`hidden`, `shown_as`).

    Each finding points at a household's roster row, so a count of a few is a count of a few households. No exact
    total over a withheld count is ever shown to its reader (a sum with a withheld part shows as at least the
    sum of the rest: warehouse.frames.withheld.sum_at_least), so no partner count need be hidden."""
    counts = read.finding_counts(engine, counties=counties, year=year, pending=pending)
    min_cell = min_cell or get_settings().min_cell
    hidden = pl.col("county_code").is_in(sorted(restricted)) & pl.col("findings").is_between(1, min_cell - 1)
    return counts.with_columns(hidden=hidden).with_columns(
        findings=pl.when(pl.col("hidden")).then(None).otherwise(pl.col("findings")),
        shown_as=pl.when(pl.col("hidden")).then(pl.lit(f"<{min_cell}")),
    )
