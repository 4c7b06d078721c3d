"""A brief's figures from the read API: the same reads `dibao summary` makes, so the two always agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine

from briefs import attention, headline
from briefs.model import Brief, Scope
from briefs.words import WAN, month_words
from rubrics.check import check_by_id
from warehouse import anomalies, read, small_counts
from warehouse.figures import shift_month
from warehouse.frames import reporting
from warehouse.frames.standards import standard_in_force
from warehouse.frames.withheld import marked, sum_at_least
from warehouse.settings import get_settings
from warehouse.vocabulary import FINDING_WORDS

EXAMPLES = 3  # findings quoted per county and kind, beside the count
KIND_ORDER = {"finance": 0, "department": 1, "self": 2}  # the latest year's most independent evaluation is shown


def gather(
    engine: Engine,
    *,
    month: dt.date,
    counties: list[str] | None = None,
    program: str | None = None,
    pending: bool = False,
    made_at: dt.datetime | None = None,
    restricted: Iterable[str] = (),
) -> Brief:
    """Everything a brief of `month` shows for `counties` (all in the registry when None) and `program`, with
    the small counts of the `restricted` counties withheld (warehouse.small_counts): for a reader who may not
    see them, a count of 1–4 reads 「<5」, a total over one 「≥N」 and a rate that would give one away its least
    (`*_text` columns beside the figures, `on_time_bounded`)."""
    registry = read.counties(engine, codes=counties or None)
    names = dict(registry.select("code", "name").iter_rows())
    codes = list(names)
    restricted = sorted(set(restricted) & set(codes))
    scope = Scope(
        month=month,
        counties=tuple(codes),
        names=names,
        program=program,
        pending=pending,
        made_at=made_at or dt.datetime.now().replace(microsecond=0),
        restricted=tuple(restricted),
    )
    view = {"counties": codes, "pending": pending, "restricted": restricted}
    monthly = pl.concat(
        [
            small_counts.monthly_totals(engine, program=program, year=year, **view)
            for year in (month.year - 1, month.year)
        ]
    )
    counts = pl.concat(
        [small_counts.finding_counts(engine, year=year, **view) for year in (month.year - 1, month.year)]
    )
    if program:
        counts = counts.filter(program=program)
    series = monthly_series(monthly, counts, names=names, month=month)
    evaluations = latest_evaluations(
        read.evaluations(engine, counties=codes, program=program, pending=pending), names=names, year=month.year
    )
    evaluations = with_rechecks(engine, evaluations)
    standards = read.standards(engine, counties=codes, program=program)
    states = read.month_states(engine, counties=codes, year=month.year)
    if program:
        states = states.filter(program=program)
    due = reporting.reporting(states, today=scope.made_at.date(), year=month.year, days=read.report_days(engine))
    table = county_table(series, standards, evaluations, due, names=names, month=month)
    findings = month_findings(
        read.findings(engine, counties=codes, month=month, pending=pending),
        names=names,
        program=program,
        restricted=restricted,
    )
    flags = anomalies.find(engine, counties=codes, program=program, month=month, pending=pending, restricted=restricted)
    headline_rows, sparks = headline.figures(series, evaluations, table, month=month)
    return Brief(
        scope=scope,
        headline=headline_rows,
        sparks=sparks,
        counties=table,
        series=series,
        standards=standards.join(registry.select(pl.col("code").alias("county_code"), "name"), on="county_code")
        .filter(pl.col("effective_from") <= month)
        .select("county_code", "name", "program", "category", "effective_from", "yuan_per_person_month", "document"),
        evaluations=evaluations.drop("id"),
        attention=attention.ranked(table, findings, flags, month=month),
        findings=findings,
        missing=missing_figures(table, month=month, pending=pending),
    )


def monthly_series(
    monthly: pl.DataFrame, counts: pl.DataFrame, *, names: dict[str, str], month: dt.date
) -> pl.DataFrame:
    """Per county and month, both programmes added up (or the one chosen), from January of the year before
    up to `month`. Where a part is withheld from the reader (warehouse.small_counts): households, persons and
    money withheld with it; on-time households the least they can be (`on_time_bounded`); unpaid households
    and findings summed over what is shown, read as `unpaid_text` and `findings_text` («<5», «≥12»)."""
    first = dt.date(month.year - 1, 1, 1)
    window = pl.col("month").is_between(first, month)
    findings = (
        marked(counts, "hidden", "shown_as")
        .filter(window)
        .group_by("county_code", "month")
        .agg(sum_at_least("findings"))
        .select("county_code", "month", "findings", findings_text="shown_as")
    )
    marks = ("hidden", "payment_hidden", "on_time_at_least", "on_time_at_most", "unpaid_shown_as", "unpaid_withheld")
    monthly = marked(monthly, *marks)
    whole = pl.col("hidden").any()  # a total over a withheld county figure would give it away
    return (
        monthly.filter(window)
        .group_by("county_code", "month")
        .agg(
            *(
                pl.when(whole).then(None).otherwise(pl.col(name).sum()).alias(name)
                for name in ("households", "persons")
            ),
            pl.when(whole).then(None).otherwise(pl.col("amount").sum() / WAN).alias("amount_wan"),
            pl.col("on_time_at_least").sum().alias("on_time_households"),
            pl.col("on_time_at_most").sum(),
            pl.col("payment_hidden").any().alias("on_time_bounded"),
            *sum_at_least("unpaid_households", hidden="unpaid_withheld", shown_as="unpaid_shown_as"),
            pl.col("source").max(),
            pl.col("pending").max(),
        )
        .join(findings, on=["county_code", "month"], how="left")
        .with_columns(
            name=pl.col("county_code").replace_strict(names, default=None),
            on_time_rate=pl.col("on_time_households") / pl.col("households"),
            findings=pl.col("findings").fill_null(0),
            unpaid_text=pl.col("unpaid_shown_as"),
        )
        .select(
            "county_code",
            "name",
            "month",
            "households",
            "persons",
            "amount_wan",
            "on_time_households",
            "unpaid_households",
            "on_time_rate",
            "findings",
            "source",
            "pending",
            "on_time_bounded",
            "on_time_at_most",
            "unpaid_text",
            "findings_text",
        )
        .sort("county_code", "month")
    )


def latest_evaluations(evaluations: pl.DataFrame, *, names: dict[str, str], year: int) -> pl.DataFrame:
    """Each county's evaluations up to `year`, one a year: the most independent kind of that year."""
    return (
        evaluations.filter(pl.col("year") <= year)
        .with_columns(_kind_order=pl.col("kind").replace_strict(KIND_ORDER, default=9))
        .sort("county_code", "year", "_kind_order")
        .group_by("county_code", "year", maintain_order=True)
        .first()
        .select(
            "id",
            "county_code",
            pl.col("county_code").replace_strict(names, default=None).alias("name"),
            "year",
            "program",
            "kind",
            pl.col("total_score").alias("score"),
            "grade",
            "source",
            "pending",
        )
    )


def with_rechecks(engine: Engine, evaluations: pl.DataFrame) -> pl.DataFrame:
    """Mark each county's latest evaluation and re-check it (the only one the cockpit and 需关注 speak of,
    and one re-check a county keeps a national view quick): `differences`, those its report's own figures
    prove, and apart from them `other_differences`, resting on a reading or warehouse data; None for the
    other years and where there is no rubric."""
    latest = evaluations.with_columns(latest=pl.col("year") == pl.col("year").max().over("county_code"))
    proven, other = [], []
    for evaluation_id, is_latest in latest.select("id", "latest").iter_rows():
        check = check_by_id(engine, evaluation_id=evaluation_id) if is_latest else None
        bases = [] if check is None else [difference.basis for difference in check.differences]
        proven.append(None if check is None else bases.count("report"))
        other.append(None if check is None else len(bases) - bases.count("report"))
    return latest.with_columns(
        differences=pl.Series(proven, dtype=pl.Int64), other_differences=pl.Series(other, dtype=pl.Int64)
    )


def county_table(
    series: pl.DataFrame,
    standards: pl.DataFrame,
    evaluations: pl.DataFrame,
    due: pl.DataFrame,
    *,
    names: dict[str, str],
    month: dt.date,
) -> pl.DataFrame:
    """One row per county: the month's figures against the month before and a year earlier, the year's funds
    so far, 12 months' on-time payment, the standard in force, the latest evaluation, the month's findings and
    the months of its year past their reporting deadline with no roster (`due`: frames.reporting)."""
    last_month = shift_month(month, -1)
    year_before = shift_month(month, -12)
    at = series.filter(month=month)
    twelve = series.filter(pl.col("month") > year_before)
    this_year = series.filter(pl.col("month") >= dt.date(month.year, 1, 1))
    before = series.filter(month=last_month).select("county_code", pl.col("households").alias("_last_month"))
    year_ago = series.filter(month=year_before).select("county_code", pl.col("households").alias("_year_before"))
    latest = evaluations.group_by("county_code").last()
    registry = pl.DataFrame({"county_code": list(names), "name": list(names.values())})
    moment = pl.DataFrame({"county_code": list(names), "latest_month": [month] * len(names)})
    return (
        registry.join(at.drop("name"), on="county_code", how="left")
        .join(before, on="county_code", how="left")
        .join(year_ago, on="county_code", how="left")
        .join(this_year.group_by("county_code").agg(funds_wan=pl.col("amount_wan").sum()), on="county_code", how="left")
        .join(
            twelve.group_by("county_code").agg(
                on_time_12m=pl.col("on_time_households").sum() / pl.col("households").sum(),
                on_time_12m_bounded=pl.col("on_time_bounded").any(),
                on_time_12m_most=pl.col("on_time_at_most").sum() / pl.col("households").sum(),
            ),
            on="county_code",
            how="left",
        )
        .join(standard_in_force(standards, moment), on="county_code", how="left")
        .join(
            latest.select(
                "county_code",
                *(pl.col(name).alias(f"evaluation_{name}") for name in ("year", "kind", "score", "grade", "source")),
                pl.col("differences").alias("evaluation_differences"),
                pl.col("other_differences").alias("evaluation_other_differences"),
            ),
            on="county_code",
            how="left",
        )
        .join(
            due.group_by("county_code").agg(months_not_reported=pl.col("timeliness").eq("missing").sum()),
            on="county_code",
            how="left",
        )
        .with_columns(
            households_month_change=pl.col("households") / pl.col("_last_month") - 1,
            households_year_change=pl.col("households") / pl.col("_year_before") - 1,
            roster_missing=pl.col("households").is_null(),
            months_not_reported=pl.col("months_not_reported").fill_null(0).cast(pl.Int64),
            pending=pl.col("pending").fill_null(0) > 0,
        )
        .select(
            "county_code",
            "name",
            "households",
            "persons",
            "households_month_change",
            "households_year_change",
            "funds_wan",
            "on_time_12m",
            "standard",
            "standard_rise",
            "evaluation_year",
            "evaluation_kind",
            "evaluation_score",
            "evaluation_grade",
            "evaluation_source",
            "evaluation_differences",
            "evaluation_other_differences",
            "findings",
            "unpaid_households",
            "source",
            "roster_missing",
            "months_not_reported",
            "pending",
            "on_time_12m_bounded",
            "on_time_12m_most",
            "unpaid_text",
            "findings_text",
        )
    )


def month_findings(
    findings: pl.DataFrame, *, names: dict[str, str], program: str | None, restricted: Iterable[str] = ()
) -> pl.DataFrame:
    """The month's findings per county and kind, with a few examples (IDs masked as stored); of the `restricted`
    counties without examples (each is a household) and a count of 1–4 read 「<5」 (`findings_text`)."""
    if program:
        findings = findings.filter(program=program)
    example = pl.concat_str(
        pl.col("file_name"),
        pl.lit(" 第 "),
        pl.col("row").cast(pl.String),
        pl.lit(" 行 "),
        pl.col("id_masked"),
        pl.lit("："),
        pl.col("detail"),
    )
    mine = pl.col("county_code").is_in(sorted(restricted))
    min_cell = get_settings().min_cell
    small = mine & (pl.col("findings") < min_cell)
    return (
        findings.group_by("county_code", "kind", maintain_order=True)
        .agg(findings=pl.len(), examples=example.head(EXAMPLES))
        .with_columns(
            name=pl.col("county_code").replace_strict(names, default=None),
            kind_words=pl.col("kind").replace_strict(FINDING_WORDS, default=None),
            examples=pl.when(mine).then(pl.lit([], pl.List(pl.String))).otherwise(pl.col("examples")),
            findings_text=pl.when(small).then(pl.lit(f"<{min_cell}")),
        )
        .with_columns(findings=pl.when(small).then(None).otherwise(pl.col("findings")))
        .select("county_code", "name", "kind", "kind_words", "findings", "examples", "findings_text")
        .sort("county_code", "findings", descending=[False, True], nulls_last=True)
    )


def missing_figures(table: pl.DataFrame, *, month: dt.date, pending: bool) -> tuple[str, ...]:
    """A sentence for every county whose roster for the month or whose evaluation is missing."""
    said = []
    for row in table.iter_rows(named=True):
        if row["roster_missing"]:
            said.append(f"{row['name']}：没有{month_words(month)}的{'' if pending else '已审核'}名册")
        if row["evaluation_year"] is None:
            said.append(f"{row['name']}：没有 {month.year} 年及以前的绩效评价")
    return tuple(said)
