"""保障标准 frames: the standard in force month by month, every rise, a year against the one before, urban–rural gaps.

Every function takes the frame of `warehouse.read.standards` (one row per county, programme,
category and date in force) and returns a frame a page can show as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from warehouse.vocabulary import PROGRAM_WORDS

SERIES = ("county_code", "program", "category")  # one standard line: a county's programme and category
LABELS = ("county_code", "county", "program", "program_label", "category", "category_label", "series")
MONTHLY = ("county_code", "county", "program", "category", "series", "month", "standard", "document", "demo")
MONTHLY_RISES = ("previous", "rise_pct", "rise_document", "key")  # on the month of a rise only
GAPS = ("county_code", "county", "year", "rural", "urban", "gap", "ratio", "demo")
# The dtype of every column above, for frames that come out empty.
TEXT = ("county_code", "county", "program", "category", "series", "document", "demo", "rise_document", "key")
NUMBERS = ("standard", "previous", "rise_pct", "rural", "urban", "gap", "ratio")  # yuan, per cent, a ratio
DTYPES = dict.fromkeys(TEXT, pl.String) | dict.fromkeys(NUMBERS, pl.Float64) | {"month": pl.Date, "year": pl.Int64}


@dataclass(frozen=True)
class Words:
    """The words written into the frames (Chinese unless the page passes others)."""

    programs: Mapping[str, str] = field(default_factory=lambda: PROGRAM_WORDS)
    all_categories: str = "不分类"
    demo: str = "演示数据"
    no_document: str = "未注明文号"


CHINESE = Words()


def _typed(columns: Sequence[str]) -> dict[str, pl.DataType]:
    """The dtypes of these columns of the frames below."""
    return {column: DTYPES[column] for column in columns}


def _labelled(frame: pl.DataFrame, names: Mapping[str, str], words: Words) -> pl.DataFrame:
    """Add the county name, programme and category words, and the series a chart line stands for."""
    program = pl.col("program").replace_strict(dict(words.programs), default=pl.col("program"))
    category = pl.when(pl.col("category") == "").then(pl.lit(words.all_categories)).otherwise(pl.col("category"))
    return frame.with_columns(
        county=pl.col("county_code").replace_strict(dict(names), default=pl.col("county_code")),
        program_label=program,
        category_label=category,
        series=pl.when(pl.col("category") == "").then(program).otherwise(program + " · " + pl.col("category")),
    )


def _demo_mark(synthetic: pl.Expr, words: Words) -> pl.Expr:
    return pl.when(synthetic).then(pl.lit(words.demo)).otherwise(pl.lit("")).alias("demo")


def _against_previous(frame: pl.DataFrame, words: Words) -> pl.DataFrame:
    """Add the rise over `previous` in yuan and per cent, marked demo where either standard is synthetic."""
    return frame.with_columns(
        rise=pl.col("yuan_per_person_month") - pl.col("previous"),
        rise_pct=((pl.col("yuan_per_person_month") / pl.col("previous") - 1) * 100).round(2),
        demo=_demo_mark((pl.col("source") == "synthetic") | (pl.col("previous_source") == "synthetic"), words),
    )


def _document(words: Words) -> pl.Expr:
    return pl.when(pl.col("document") == "").then(pl.lit(words.no_document)).otherwise(pl.col("document"))


def _by_month(standards: pl.DataFrame) -> pl.DataFrame:
    """One standard per series and month: the last one taking effect in that month."""
    return (
        standards.with_columns(month=pl.col("effective_from").dt.truncate("1mo"))
        .sort(*SERIES, "effective_from")
        .group_by(*SERIES, "month", maintain_order=True)
        .last()
    )


def rises(standards: pl.DataFrame, *, names: Mapping[str, str] | None = None, words: Words = CHINESE) -> pl.DataFrame:
    """Every change of a standard against the one before it (a cut would show as a negative rise)."""
    changed = (
        _by_month(standards)
        .with_columns(
            previous=pl.col("yuan_per_person_month").shift().over(SERIES),
            previous_source=pl.col("source").shift().over(SERIES),
        )
        .filter(pl.col("previous").is_not_null() & (pl.col("previous") != pl.col("yuan_per_person_month")))
    )
    changes = _against_previous(changed, words).with_columns(
        document=_document(words),
        key=pl.concat_str(*SERIES, pl.col("effective_from").cast(pl.String), separator="|"),
    )
    return (
        _labelled(changes, names or {}, words)
        .with_columns(
            title=pl.format(
                "{} · {} · {} · {} → {}",
                "county",
                "series",
                pl.col("effective_from").cast(pl.String),
                pl.col("previous").round(0).cast(pl.Int64),
                pl.col("yuan_per_person_month").round(0).cast(pl.Int64),
            )
        )
        .select(
            "key",
            "title",
            *LABELS,
            "effective_from",
            "month",
            "previous",
            pl.col("yuan_per_person_month").alias("standard"),
            "rise",
            "rise_pct",
            "document",
            "source",
            "demo",
            "note",
        )
    )


def monthly_in_force(
    standards: pl.DataFrame,
    *,
    first_year: int | None = None,
    last_year: int | None = None,
    names: Mapping[str, str] | None = None,
    words: Words = CHINESE,
) -> pl.DataFrame:
    """The standard in force in each month of `first_year`–`last_year`, per series; the month of a rise carries it.

    The years default to those of the standards themselves.
    """
    if standards.is_empty():
        return pl.DataFrame(schema=_typed((*MONTHLY, *MONTHLY_RISES)))
    first_year = first_year or standards["effective_from"].min().year
    last_year = last_year or standards["effective_from"].max().year
    months = pl.DataFrame(
        {"month": pl.date_range(dt.date(first_year, 1, 1), dt.date(last_year, 12, 1), interval="1mo", eager=True)}
    )
    in_force = _by_month(standards).sort("month")
    steps = (
        standards.select(SERIES)
        .unique()
        .join(months, how="cross")
        .sort("month")
        .join_asof(in_force, on="month", by=list(SERIES), strategy="backward", check_sortedness=False)  # both by month
        .filter(pl.col("yuan_per_person_month").is_not_null())
        .with_columns(document=_document(words), demo=_demo_mark(pl.col("source") == "synthetic", words))
    )
    marked = rises(standards, words=words).select(
        *SERIES, "month", "previous", "rise_pct", pl.col("document").alias("rise_document"), "key"
    )
    steps = steps.join(marked, on=[*SERIES, "month"], how="left").sort(*SERIES, "month")
    labelled = _labelled(steps, names or {}, words).rename({"yuan_per_person_month": "standard"})
    return labelled.select(*MONTHLY, *MONTHLY_RISES)


def _in_force_on(standards: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Per series, the standard in force on `day` (series with none yet are left out)."""
    return (
        standards.filter(pl.col("effective_from") <= day)
        .sort(*SERIES, "effective_from")
        .group_by(SERIES, maintain_order=True)
        .last()
    )


def year_on_year(
    standards: pl.DataFrame, *, year: int, names: Mapping[str, str] | None = None, words: Words = CHINESE
) -> pl.DataFrame:
    """Per series, the standard in force in December of `year` against December of the year before."""
    december = dt.date(year, 12, 31)
    now = _in_force_on(standards, december)
    before = _in_force_on(standards, dt.date(year - 1, 12, 31)).select(
        *SERIES, pl.col("yuan_per_person_month").alias("previous"), pl.col("source").alias("previous_source")
    )
    documents = (
        rises(standards, words=words)
        .filter(pl.col("effective_from").dt.year() == year)
        .group_by(SERIES, maintain_order=True)
        .agg(pl.col("document").str.join("、").alias("documents"))
    )
    compared = _against_previous(
        now.join(before, on=list(SERIES), how="left").join(documents, on=list(SERIES), how="left"), words
    ).with_columns(pl.col("documents").fill_null(""))
    return (
        _labelled(compared, names or {}, words)
        .sort(*SERIES)
        .select(
            *LABELS,
            "previous",
            pl.col("yuan_per_person_month").alias("standard"),
            "rise",
            "rise_pct",
            "documents",
            "demo",
        )
    )


def urban_rural_gap(
    standards: pl.DataFrame,
    *,
    years: Sequence[int] | None = None,
    names: Mapping[str, str] | None = None,
    words: Words = CHINESE,
) -> pl.DataFrame:
    """Per county with both programmes, the December standards of each year: urban − rural and urban ÷ rural.

    The years default to those from the first standard to the last.
    """
    overall = standards.filter(pl.col("category") == "")
    if years is None and not overall.is_empty():
        years = range(overall["effective_from"].min().year, overall["effective_from"].max().year + 1)
    rows = [
        _in_force_on(overall, dt.date(year, 12, 31)).with_columns(year=pl.lit(year, pl.Int64)) for year in years or ()
    ]
    if not rows:
        return pl.DataFrame(schema=_typed(GAPS))
    both = pl.concat(rows, how="vertical_relaxed")
    rural = both.filter(pl.col("program") == "rural").select(
        "county_code", "year", pl.col("yuan_per_person_month").alias("rural"), pl.col("source").alias("rural_source")
    )
    urban = both.filter(pl.col("program") == "urban").select(
        "county_code", "year", pl.col("yuan_per_person_month").alias("urban"), pl.col("source").alias("urban_source")
    )
    gaps = (
        rural.join(urban, on=["county_code", "year"], how="inner")
        .with_columns(
            gap=pl.col("urban") - pl.col("rural"),
            ratio=(pl.col("urban") / pl.col("rural")).round(2),
            county=pl.col("county_code").replace_strict(dict(names or {}), default=pl.col("county_code")),
        )
        .with_columns(
            _demo_mark((pl.col("rural_source") == "synthetic") | (pl.col("urban_source") == "synthetic"), words)
        )
        .sort("county_code", "year")
    )
    return gaps.select(GAPS).cast(_typed(GAPS))


def _shift_year(month: pl.Expr, years: int) -> pl.Expr:
    return month.dt.offset_by(f"{years}y")


def standard_in_force(standards: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """The standard in force in the latest month and a year earlier (the '' category, else the top one)."""
    ranked = standards.with_columns(_rank=pl.when(pl.col("category") == "").then(0).otherwise(1)).join(
        latest, on="county_code"
    )

    def in_force(at: pl.Expr, name: str) -> pl.DataFrame:
        return (
            ranked.filter(pl.col("effective_from") <= at)
            .sort("_rank", "effective_from", descending=[True, False])  # the all-category standard wins
            .group_by("county_code", "program")
            .agg(pl.col("yuan_per_person_month").last().alias(name), pl.col("document").last().alias(f"{name}_doc"))
            .group_by("county_code")
            .agg(pl.col(name).max(), pl.col(f"{name}_doc").first())
        )

    now = in_force(pl.col("latest_month"), "standard")
    before = in_force(_shift_year(pl.col("latest_month"), -1), "standard_year_before")
    return now.join(before, on="county_code", how="left").select(
        "county_code",
        "standard",
        pl.col("standard_doc").alias("standard_document"),
        (pl.col("standard") / pl.col("standard_year_before") - 1).alias("standard_rise"),
    )
