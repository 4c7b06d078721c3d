"""Findings counted by month, county and kind; one county-month's findings and the roster rows they point at."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from warehouse.frames import findings as views
from warehouse.vocabulary import FINDING_WORDS as KIND_WORDS

NAMES = {"370881": "曲阜市", "440840": "湛江经济技术开发区"}
WORDS = KIND_WORDS | {"rural": "农村低保", "urban": "城市低保"}
JAN, FEB = dt.date(2023, 1, 1), dt.date(2023, 2, 1)

# As `finding_counts` returns them: county, programme, month, kind, findings.
COUNTS = pl.DataFrame(
    {
        "county_code": ["370881", "370881", "370881", "440840", "440840"],
        "program": ["rural", "urban", "rural", "rural", "rural"],
        "month": [JAN, JAN, FEB, JAN, FEB],
        "kind": ["over_standard", "over_standard", "invalid_id", "late_payment", "late_payment"],
        "findings": [2, 1, 1, 5, 3],
    }
)

# As `findings` returns them for 曲阜市, January 2023.
FINDINGS = pl.DataFrame(
    {
        "kind": ["over_standard", "unpaid", "over_standard"],
        "county_code": ["370881"] * 3,
        "program": ["rural", "rural", "urban"],
        "month": [JAN] * 3,
        "sheet": ["", "", ""],
        "row": [12, 12, 5],
        "id_masked": ["3708**********1234", "3708**********1234", "3708**********567X"],
        "detail": ["发放 1620.00 元，超过标准", "发放金额为 0", "发放 900.00 元，超过标准"],
        "file_name": ["r.csv", "r.csv", "u.csv"],
    }
)


def roster(rows: list[tuple]) -> pl.DataFrame:
    """Rows as `household_rows` returns them, from (row, township, id_masked, persons, amount)."""
    return pl.DataFrame(
        [
            {
                "sheet": "",
                "row": row,
                "township": township,
                "village": "",
                "id_masked": masked,
                "id_valid": True,
                "persons": persons,
                "category": "",
                "amount": amount,
                "paid_on": dt.date(2023, 1, 10),
            }
            for row, township, masked, persons, amount in rows
        ]
    )


def test_counts_by_month_add_up_both_programmes_and_name_counties_and_kinds():
    expected = pl.DataFrame(
        {
            "month": [JAN, JAN, FEB, FEB],
            "county_code": ["370881", "440840", "370881", "440840"],
            "county": ["曲阜市", "湛江经济技术开发区", "曲阜市", "湛江经济技术开发区"],
            "kind": ["over_standard", "late_payment", "invalid_id", "late_payment"],
            "kind_name": ["超标准发放", "逾期发放", "身份证号无效", "逾期发放"],
            "kind_order": [3, 4, 0, 4],
            "findings": [3, 5, 1, 3],
            "hidden": [False] * 4,  # nothing withheld from this reader (warehouse.small_counts)
            "findings_label": ["3", "5", "1", "3"],
        }
    )
    assert_frame_equal(views.counts_by_month(COUNTS, names=NAMES, kind_words=KIND_WORDS), expected)


def test_county_by_kind_keeps_every_kind_and_a_total():
    expected = pl.DataFrame(
        {
            "county_code": ["370881", "440840"],
            "county": ["曲阜市", "湛江经济技术开发区"],
            "invalid_id": [1, 0],
            "duplicate_household": [0, 0],
            "cross_county_duplicate": [0, 0],
            "over_standard": [3, 0],
            "late_payment": [0, 8],
            "unpaid": [0, 0],
            "total": [4, 8],
        }
    )
    assert_frame_equal(views.county_kind_counts(COUNTS, names=NAMES), expected)
    assert views.county_kind_counts(COUNTS.clear(), names=NAMES).columns == expected.columns
    assert views.kind_totals(COUNTS) == {
        "invalid_id": "1",
        "duplicate_household": "0",
        "cross_county_duplicate": "0",
        "over_standard": "3",
        "late_payment": "8",
        "unpaid": "0",
    }


def test_counts_withheld_from_a_reader_read_as_fewer_than_five_and_sums_over_them_as_at_least():
    """Qufu's rural over-standard count of January (2) withheld, as warehouse.small_counts.finding_counts gives it:
    alone it reads «<5»; summed with the urban 1 beside it, «≥1»; with every part withheld, 「隐去」."""
    hidden = (pl.col("county_code") == "370881") & (pl.col("month") == JAN) & (pl.col("program") == "rural")
    withheld = COUNTS.with_columns(hidden=hidden).with_columns(
        findings=pl.when(pl.col("hidden")).then(None).otherwise(pl.col("findings")),
        shown_as=pl.when(pl.col("hidden")).then(pl.lit("<5")),
    )
    qufu = views.county_kind_counts(withheld, names=NAMES).filter(county_code="370881").row(0, named=True)
    assert (qufu["over_standard"], qufu["invalid_id"], qufu["total"]) == ("≥1", "1", "≥2")
    assert views.kind_totals(withheld)["over_standard"] == "≥1"
    rural = views.counts_by_month(withheld.filter(program="rural"), names=NAMES, kind_words=KIND_WORDS)
    assert rural.filter(county_code="370881", month=JAN)["findings_label"].to_list() == ["<5"]
    every = withheld.with_columns(hidden=pl.col("county_code") == "370881")
    every = every.with_columns(findings=pl.when(pl.col("hidden")).then(None).otherwise(pl.col("findings")))
    assert views.kind_totals(every.with_columns(shown_as=pl.lit("<5")))["over_standard"] == "隐去"
