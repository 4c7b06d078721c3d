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
        "invalid_id": 1,
        "duplicate_household": 0,
        "cross_county_duplicate": 0,
        "over_standard": 3,
        "late_payment": 8,
        "unpaid": 0,
    }


def test_what_can_be_drilled_into():
    assert views.kinds_present(COUNTS) == ["invalid_id", "over_standard", "late_payment"]
    assert views.counties_with(COUNTS) == ["370881", "440840"]
    assert views.counties_with(COUNTS, "late_payment") == ["440840"]
    assert views.months_with(COUNTS, county="370881") == [JAN, FEB]
    assert views.months_with(COUNTS, county="370881", kind="invalid_id") == [FEB]
    assert views.in_program(COUNTS, "urban")["findings"].to_list() == [1]
    assert views.in_program(COUNTS, None).height == 5


def test_one_county_month_of_one_kind():
    found = views.findings_at(FINDINGS, county="370881", month=JAN, kind="over_standard", words=WORDS)
    expected = pl.DataFrame(
        {
            "kind": ["over_standard", "over_standard"],
            "kind_name": ["超标准发放", "超标准发放"],
            "program": ["rural", "urban"],
            "program_name": ["农村低保", "城市低保"],
            "file_name": ["r.csv", "u.csv"],
            "sheet": ["", ""],
            "row": [12, 5],
            "id_masked": ["3708**********1234", "3708**********567X"],
            "detail": ["发放 1620.00 元，超过标准", "发放 900.00 元，超过标准"],
        }
    )
    assert_frame_equal(found, expected)


def test_the_roster_rows_findings_point_at_with_every_kind_they_have():
    found = views.findings_at(FINDINGS, county="370881", month=JAN, words=WORDS)
    rows = {
        "rural": roster(
            [(11, "鲁城街道", "3708**********0001", 2, 1490.0), (12, "吴村镇", "3708**********1234", 2, 1620.0)]
        ),
        "urban": roster([(5, "书院街道", "3708**********567X", 1, 900.0)]),
    }
    expected = pl.DataFrame(
        {
            "program": ["rural", "urban"],
            "program_name": ["农村低保", "城市低保"],
            "sheet": ["", ""],
            "row": [12, 5],
            "township": ["吴村镇", "书院街道"],
            "village": ["", ""],
            "id_masked": ["3708**********1234", "3708**********567X"],
            "persons": [2, 1],
            "category": ["", ""],
            "amount": [1620.0, 900.0],
            "paid_on": [dt.date(2023, 1, 10)] * 2,
            "kinds": ["超标准发放、未发放", "超标准发放"],
        }
    )
    assert_frame_equal(views.flagged_rows(rows, found), expected)
    assert views.flagged_rows({}, found).columns == expected.columns
