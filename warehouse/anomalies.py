"""The anomaly flags of a view: the township series read (warehouse.read) and judged (warehouse.frames.anomalies).
`dibao anomalies`, the pages, the brief and the follow-up register all take their flags from `find`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine

from warehouse import read
from warehouse.figures import shift_month
from warehouse.frames.anomalies import MEASURES, METHOD_WORDS, Tuning, detect, withheld, words
from warehouse.vocabulary import PROGRAM_WORDS


def find(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    year: int | None = None,
    month: dt.date | None = None,
    pending: bool = False,
    tuning: Tuning | None = None,
    restricted: Iterable[str] = (),
) -> pl.DataFrame:
    """Every flag of the counties (all without), in `year` or `month` if given, with its sentence, the
    county's name and the source of the figures it rests on (`synthetic` for the demo's rosters).

    Flags of the `restricted` counties (whose small counts the reader may not see) are said without figures
    and carry no numbers: a township's counts and their changes are what small-count rules protect."""
    # a month is judged against the 12 before it, and its change against the same month a year earlier:
    # that needs the 25 months up to it
    first, last = (dt.date(year, 1, 1), dt.date(year, 12, 1)) if year else (month, month)
    since = shift_month(first, -13) if first else None
    through = last
    series = read.township_months(
        engine, counties=counties, program=program, since=since, through=through, pending=pending
    )
    latest = read.latest_month(engine, pending=pending)
    until = min(latest, through) if latest and through else latest
    flags = detect(series, tuning or Tuning(), until=until)
    if first:
        flags = flags.filter(pl.col("month").is_between(first, last))
    names = read.county_names(engine)
    sources = series.select("county_code", "program", "township", "month", "source")
    # a missing month has no figures of its own: it rests on the series around it
    around = series.group_by("county_code", "program").agg(pl.col("source").max().alias("around"))
    return (
        words(flags, county_names=names, program_words=PROGRAM_WORDS)
        .join(sources, on=["county_code", "program", "township", "month"], how="left")
        .join(around, on=["county_code", "program"], how="left")
        .with_columns(
            source=pl.coalesce("source", "around"),
            county=pl.col("county_code").replace_strict(names, default=pl.col("county_code")),
            measure_words=pl.col("measure").replace_strict({k: v[0] for k, v in MEASURES.items()}, default="名册"),
            method_words=pl.col("method").replace_strict(METHOD_WORDS),
        )
        .drop("around")
        .pipe(withheld, sorted(restricted))
    )
