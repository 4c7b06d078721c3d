"""The six finding kinds: accepted rows that a person should look at.

Each function takes the validated roster rows (and what it needs from the warehouse) and
returns findings as a frame with columns kind, sheet, row, id_masked, detail.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from warehouse.figures import month_end

_COLUMNS = ("kind", "sheet", "row", "id_masked", "detail")


def _yuan(fen: pl.Expr) -> pl.Expr:
    """Fen as yuan with two decimals, e.g. 149050 → 1490.50."""
    whole = fen.cast(pl.Int64)
    return (whole // 100).cast(pl.String) + "." + (whole % 100).cast(pl.String).str.zfill(2)


def _plain(number: pl.Expr) -> pl.Expr:
    """745.0 → 745, 372.5 → 372.5."""
    return (
        pl.when(number == number.floor())
        .then(number.cast(pl.Int64).cast(pl.String))
        .otherwise(number.round(2).cast(pl.String))
    )


def invalid_ids(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.filter(pl.col("id_problem").is_not_null()).select(
        pl.lit("invalid_id").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.format("身份证号 {}：{}", "id_masked", "id_problem").alias("detail"),
    )


def duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    ordered = rows.with_row_index("_order")
    first = ordered.group_by("household_key").agg(
        pl.col("_order").min().alias("_first"),
    )
    ordered = ordered.join(first, on="household_key")
    firsts = ordered.filter(pl.col("_order") == pl.col("_first")).select(
        "household_key", pl.col("sheet").alias("_first_sheet"), pl.col("row").alias("_first_row")
    )
    repeats = ordered.filter(pl.col("_order") != pl.col("_first")).join(firsts, on="household_key")
    where = (
        pl.when(pl.col("_first_sheet") != pl.col("sheet"))
        .then(pl.format("工作表「{}」第 {} 行", "_first_sheet", "_first_row"))
        .otherwise(pl.format("第 {} 行", "_first_row"))
    )
    return repeats.select(
        pl.lit("duplicate_household").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.format("身份证号 {} 与{}为同一户，本月重复列入", "id_masked", where).alias("detail"),
    )


def cross_county(rows: pl.DataFrame, elsewhere: pl.DataFrame) -> pl.DataFrame:
    """Households of this roster paid in another county in the same month.

    `elsewhere` has household_key, county_name, program for other counties' rows of the month.
    """
    if elsewhere.is_empty():
        return _empty()
    other = elsewhere.group_by("household_key").agg(
        pl.col("county_name").unique().sort().str.join("、").alias("_others")
    )
    return rows.join(other, on="household_key").select(
        pl.lit("cross_county_duplicate").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.format("身份证号 {} 同月也在 {} 领取低保", "id_masked", "_others").alias("detail"),
    )


def over_standard(rows: pl.DataFrame, standards: pl.DataFrame, month: dt.date) -> pl.DataFrame:
    """Amount above standard × persons; the standard from the row, else the table by category.

    `standards` has category, effective_from, yuan_per_person_month for this county and
    programme; the one in force is the latest that took effect by the month's last day.
    """
    in_force = (
        standards.filter(pl.col("effective_from") <= month_end(month))
        .sort("effective_from")
        .group_by("category")
        .agg(pl.col("yuan_per_person_month").last().alias("_table"))
    )
    general = in_force.filter(pl.col("category") == "")["_table"]
    fallback = general[0] if general.len() else None
    checked = rows.join(in_force, on="category", how="left").with_columns(
        _standard=pl.coalesce(pl.col("standard"), pl.col("_table"), pl.lit(fallback, dtype=pl.Float64))
    )
    limit_fen = (pl.col("_standard") * pl.col("persons") * 100).round(0)
    return checked.filter(pl.col("_standard").is_not_null() & (pl.col("amount_fen") > limit_fen)).select(
        pl.lit("over_standard").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.format(
            "发放 {} 元，超过标准 {} 元 × {} 人 = {} 元",
            _yuan(pl.col("amount_fen")),
            _plain(pl.col("_standard")),
            "persons",
            _yuan(limit_fen),
        ).alias("detail"),
    )


def payment_timing(rows: pl.DataFrame, deadline: dt.date) -> pl.DataFrame:
    unpaid = rows.filter(pl.col("paid_on").is_null() | (pl.col("amount_fen") == 0)).select(
        pl.lit("unpaid").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.when(pl.col("paid_on").is_null())
        .then(pl.format("身份证号 {} 无发放日期", "id_masked"))
        .otherwise(pl.format("身份证号 {} 发放金额为 0", "id_masked"))
        .alias("detail"),
    )
    late = rows.filter(
        pl.col("paid_on").is_not_null() & (pl.col("amount_fen") > 0) & (pl.col("paid_on") > deadline)
    ).select(
        pl.lit("late_payment").alias("kind"),
        "sheet",
        "row",
        "id_masked",
        pl.format(
            "于 {} 发放，晚于截止日 {}（晚 {} 天）",
            pl.col("paid_on").cast(pl.String),
            pl.lit(deadline.isoformat()),
            (pl.col("paid_on") - pl.lit(deadline)).dt.total_days(),
        ).alias("detail"),
    )
    return pl.concat([unpaid, late])


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"kind": pl.String, "sheet": pl.String, "row": pl.Int64, "id_masked": pl.String, "detail": pl.String}
    )


def row_findings(
    rows: pl.DataFrame,
    *,
    standards: pl.DataFrame,
    elsewhere: pl.DataFrame,
    month: dt.date,
    deadline: dt.date,
) -> pl.DataFrame:
    """The findings each row has on its own (all but duplicates): a roster's are the sum of its parts'."""
    parts = [
        invalid_ids(rows),
        cross_county(rows, elsewhere),
        over_standard(rows, standards, month),
        payment_timing(rows, deadline),
    ]
    return combine(parts)


def combine(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """Findings of several kinds or parts as one frame, in file order."""
    schema = _empty().schema
    return pl.concat([_empty(), *(part.select(_COLUMNS).cast(schema) for part in parts)]).sort("sheet", "row", "kind")
