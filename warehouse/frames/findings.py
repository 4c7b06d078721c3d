"""Findings counted by month, county and kind, and one county-month's findings with their roster rows.

Counts come from `finding_counts` (county, programme, month, kind, findings); the rows of one
county-month from `findings` and `household_rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from warehouse.frames import texts
from warehouse.frames.withheld import marked, sum_at_least, written
from warehouse.vocabulary import FINDING_KINDS as KINDS

_ROW_KEY = ("program", "sheet", "row")
_FLAGGED_SCHEMA = {
    "program": pl.String,
    "program_name": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "township": pl.String,
    "village": pl.String,
    "id_masked": pl.String,
    "persons": pl.Int64,
    "category": pl.String,
    "amount": pl.Float64,
    "paid_on": pl.Date,
    "kinds": pl.String,
}


def in_program(frame: pl.DataFrame, program: str | None) -> pl.DataFrame:
    """Findings (or their counts) of one programme (None: both)."""
    return frame if program is None else frame.filter(pl.col("program") == program)


def of_kinds(frame: pl.DataFrame, kinds: list[str]) -> pl.DataFrame:
    """Findings (or their counts) of the kinds given."""
    return frame.filter(pl.col("kind").is_in(kinds))


def _named(column: str, words: Mapping[str, str]) -> pl.Expr:
    """A code in words (a county name, a kind's name); codes without a word stay as they are."""
    return pl.col(column).replace_strict(words, default=pl.col(column), return_dtype=pl.String)


def _kind_order() -> pl.Expr:
    return pl.col("kind").replace_strict(KINDS, list(range(len(KINDS))), default=len(KINDS), return_dtype=pl.Int64)


def _marked(counts: pl.DataFrame) -> pl.DataFrame:
    return marked(counts, "hidden", "shown_as")


def counts_by_month(counts: pl.DataFrame, *, names: Mapping[str, str], kind_words: Mapping[str, str]) -> pl.DataFrame:
    """How many findings of each kind each county has in each month (both programmes together); where a count
    is withheld from the reader, `findings` sums what is shown and `shown_as` says how it reads («<5», «≥12»)."""
    return (
        _marked(counts)
        .group_by("month", "county_code", "kind")
        .agg(sum_at_least("findings"))
        .with_columns(
            pl.col("findings").cast(pl.Int64),
            county=_named("county_code", names),
            kind_name=_named("kind", kind_words),
            kind_order=_kind_order(),
        )
        .with_columns(
            findings_label=pl.coalesce(
                "shown_as", texts.grouped(pl.col("findings"))
            )
        )
        .sort("month", "kind_order", "county_code")
        .select(
            "month", "county_code", "county", "kind", "kind_name", "kind_order", "findings", "hidden", "findings_label"
        )
    )


def county_kind_counts(counts: pl.DataFrame, *, names: Mapping[str, str]) -> pl.DataFrame:
    """One row per county, one column per kind (all six, zeros kept) and the total; as text where a count in
    it is withheld from the reader («<5», «≥12»)."""
    counts = _marked(counts)
    totals = counts.group_by("county_code", "kind").agg(sum_at_least("findings"))
    overall = counts.with_columns(kind=pl.lit("total")).group_by("county_code", "kind").agg(sum_at_least("findings"))
    counties = counts["county_code"].unique().sort()
    grid = pl.DataFrame({"county_code": counties}).join(pl.DataFrame({"kind": [*KINDS, "total"]}), how="cross")
    long = grid.join(pl.concat([totals, overall]), on=["county_code", "kind"], how="left").with_columns(
        pl.col("findings").fill_null(0).cast(pl.Int64), pl.col("hidden").fill_null(False)
    )
    if long["hidden"].any():
        long = written(long, {"findings": "hidden"}, marks={"findings": "shown_as"})
    wide = long.pivot("kind", index="county_code", values="findings", maintain_order=True)
    if wide.is_empty():
        wide = pl.DataFrame(schema={"county_code": pl.String} | dict.fromkeys([*KINDS, "total"], pl.Int64))
    return wide.select("county_code", _named("county_code", names).alias("county"), *KINDS, "total")


def kinds_present(counts: pl.DataFrame) -> list[str]:
    """The kinds found, in the fixed order of KINDS."""
    found = set(counts["kind"].to_list())
    return [kind for kind in KINDS if kind in found]


def counties_with(counts: pl.DataFrame, kind: str | None = None) -> list[str]:
    """Counties with findings (of `kind`, if given), by code."""
    chosen = counts if kind is None else counts.filter(pl.col("kind") == kind)
    return chosen["county_code"].unique().sort().to_list()


def months_with(counts: pl.DataFrame, *, county: str, kind: str | None = None) -> list[dt.date]:
    """Months in which `county` has findings (of `kind`, if given), oldest first."""
    chosen = counts.filter(pl.col("county_code") == county)
    if kind is not None:
        chosen = chosen.filter(pl.col("kind") == kind)
    return chosen["month"].unique().sort().to_list()


def findings_at(
    findings: pl.DataFrame,
    *,
    county: str,
    month: dt.date,
    kind: str | None = None,
    words: Mapping[str, str],
) -> pl.DataFrame:
    """One county-month's findings (of one kind, or all), in file order; `words` names kinds and programmes."""
    chosen = findings.filter(pl.col("county_code") == county, pl.col("month") == month)
    if kind is not None:
        chosen = chosen.filter(pl.col("kind") == kind)
    return chosen.sort("program", "file_name", "sheet", "row", _kind_order()).select(
        "kind",
        _named("kind", words).alias("kind_name"),
        "program",
        _named("program", words).alias("program_name"),
        "file_name",
        "sheet",
        "row",
        "id_masked",
        "detail",
    )


def flagged_rows(rows: Mapping[str, pl.DataFrame], findings: pl.DataFrame) -> pl.DataFrame:
    """The roster rows (per programme, from `household_rows`) that `findings` (from `findings_at`) point at.

    Each row keeps its file position and says which kinds of finding it has. Only masked IDs
    come through: the roster rows carry nothing else about a person.
    """
    kinds = findings.group_by(_ROW_KEY, maintain_order=True).agg(
        pl.col("program_name").first(), pl.col("kind_name").unique(maintain_order=True).str.join("、").alias("kinds")
    )
    stored = [frame.with_columns(program=pl.lit(program)) for program, frame in rows.items()]
    if not stored:
        return pl.DataFrame(schema=_FLAGGED_SCHEMA)
    return (
        pl.concat(stored, how="diagonal_relaxed")
        .join(kinds, on=_ROW_KEY, how="inner")
        .sort("program", "sheet", "row")
        .select(list(_FLAGGED_SCHEMA))
    )


def kind_totals(counts: pl.DataFrame) -> dict[str, str]:
    """Findings of each kind (all six, zeros kept), as the reader reads them: «1,234», or «≥1,230» where a part
    is withheld."""
    totals = _marked(counts).group_by("kind").agg(sum_at_least("findings"))
    said = dict(
        zip(
            totals["kind"],
            written(totals, {"findings": "hidden"}, marks={"findings": "shown_as"})["findings"],
            strict=True,
        )
    )
    return {kind: said.get(kind, "0") for kind in KINDS}
