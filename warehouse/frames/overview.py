"""The 总览 table: one row per county, the figures leadership compares first."""

from __future__ import annotations

import datetime as dt

import polars as pl


def _shift_year(month: pl.Expr, years: int) -> pl.Expr:
    return month.dt.offset_by(f"{years}y")


def _in_last_12_months() -> pl.Expr:
    """The month is one of the 12 up to the county's latest month."""
    return (pl.col("month") > _shift_year(pl.col("latest_month"), -1)) & (pl.col("month") <= pl.col("latest_month"))


def county_rows(
    *,
    counties: pl.DataFrame,
    monthly: pl.DataFrame,
    standards: pl.DataFrame,
    evaluations: pl.DataFrame,
    finding_counts: pl.DataFrame,
    year: int | None,
) -> pl.DataFrame:
    """Per county: latest month up to `year` with households/persons and the change over a year,
    standard in force (all-category, else the highest category) and its rise over a year earlier,
    on-time rate of the 12 months up to the latest month, latest evaluation, findings in those 12 months.
    """
    last_day = dt.date(year, 12, 1) if year else dt.date(9999, 12, 1)
    months = (
        monthly.filter(pl.col("month") <= last_day)
        .group_by("county_code", "month")
        .agg(pl.col("households", "persons", "on_time_households").sum(), pl.col("source").max())
    )
    latest = months.group_by("county_code").agg(pl.col("month").max().alias("latest_month"))
    with_latest = months.join(latest, on="county_code")
    now = with_latest.filter(pl.col("month") == pl.col("latest_month")).select(
        "county_code", "latest_month", "households", "persons", "source"
    )
    before = with_latest.filter(pl.col("month") == _shift_year(pl.col("latest_month"), -1)).select(
        "county_code", pl.col("households").alias("households_year_before")
    )
    on_time = (
        with_latest.filter(_in_last_12_months())
        .group_by("county_code")
        .agg((pl.col("on_time_households").sum() / pl.col("households").sum()).alias("on_time_rate_12m"))
    )
    findings = (
        finding_counts.join(latest, on="county_code")
        .filter(_in_last_12_months())
        .group_by("county_code")
        .agg(pl.col("findings").sum())
    )
    standard = _standard_now_and_before(standards, latest)
    graded = (
        evaluations.filter(pl.col("year") <= (year or 9999))
        .sort("year", "total_score", nulls_last=True)
        .group_by("county_code")
        .agg(pl.col("id", "year", "total_score", "grade", "source").last().name.prefix("evaluation_"))
    )
    return (
        counties.select(pl.col("code").alias("county_code"), "name", "deadline_day")
        .join(now, on="county_code", how="left")
        .join(before, on="county_code", how="left")
        .join(on_time, on="county_code", how="left")
        .join(standard, on="county_code", how="left")
        .join(graded, on="county_code", how="left")
        .join(findings, on="county_code", how="left")
        .with_columns(
            households_change=(pl.col("households") / pl.col("households_year_before") - 1),
            findings=pl.col("findings").fill_null(0),
        )
        .with_columns(attention=_attention())
        .drop("households_year_before")
    )


def _standard_now_and_before(standards: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
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


def _attention() -> pl.Expr:
    """Words for the worst values, so they stand out in the table."""
    flags = [
        pl.when(pl.col("on_time_rate_12m") == pl.col("on_time_rate_12m").min()).then(pl.lit("按时率最低")),
        pl.when(pl.col("on_time_rate_12m") < 0.9).then(pl.lit("按时率低于 90%")),
        pl.when(pl.col("findings") == pl.col("findings").max()).then(pl.lit("数据问题最多")),
        pl.when(pl.col("evaluation_total_score") < 90).then(pl.lit("评价未达优")),
        pl.when(pl.col("households_change") < -0.05).then(pl.lit("户数同比降超 5%")),
    ]
    return pl.concat_list(flags).list.drop_nulls().list.unique(maintain_order=True).list.join("；")


def evaluation_ids(rows: pl.DataFrame) -> tuple[int, ...]:
    """The latest evaluation of each county in the overview, for its re-check."""
    return tuple(rows["evaluation_id"].drop_nulls().to_list())


def with_missing_months(rows: pl.DataFrame, reporting: pl.DataFrame, *, flag: str = "未报送 {n} 个月") -> pl.DataFrame:
    """Name under 需关注 the counties with months due and not reported (`reporting`: frames.reporting.summary)."""
    missing = reporting.select("county_code", pl.col("missing").alias("missing_months"))
    joined = rows.join(missing, on="county_code", how="left")
    words = pl.lit(flag).str.replace("{n}", pl.col("missing_months").cast(pl.String), literal=True)
    return joined.with_columns(
        attention=pl.when(pl.col("missing_months") > 0)
        .then(pl.concat_str(pl.col("attention"), words, separator="；").str.strip_chars("；"))
        .otherwise(pl.col("attention"))
    )


def with_rechecks(
    rows: pl.DataFrame,
    counts: pl.DataFrame,
    *,
    flag: str = "评价重算有差异（报告数字）",
    other_flag: str = "评价重算另有差异（解读或仓库数据）",
) -> pl.DataFrame:
    """Add the differences the rubric re-check finds in each county's latest evaluation: those the report's
    own figures prove (`evaluation_differences`) apart from those resting on a reading or warehouse data."""
    counted = counts.select(
        pl.col("evaluation_id"),
        pl.col("differences").alias("evaluation_differences"),
        pl.col("other_differences").alias("evaluation_other_differences"),
    )
    joined = rows.join(counted, on="evaluation_id", how="left")
    word = (
        pl.when(pl.col("evaluation_differences") > 0)
        .then(pl.lit(flag))
        .when(pl.col("evaluation_other_differences") > 0)
        .then(pl.lit(other_flag))
    )
    return joined.with_columns(
        attention=pl.when(word.is_not_null())
        .then(pl.concat_str(pl.col("attention"), word, separator="；").str.strip_chars("；"))
        .otherwise(pl.col("attention"))
    )
