"""Standards frames: every rise with its document, the standard in force by month, a year against the last, gaps."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from warehouse.frames import standards as views

NAMES = {"370881": "曲阜市", "530427": "新平彝族傣族自治县", "900001": "某县"}


def stored(rows: list[tuple]) -> pl.DataFrame:
    """Rows as `read.standards` returns them, from (county, program, category, from, yuan, document, source)."""
    return pl.DataFrame(
        [
            {
                "county_code": county,
                "program": program,
                "category": category,
                "effective_from": dt.date.fromisoformat(day),
                "yuan_per_person_month": float(yuan),
                "document": document,
                "source": source,
                "note": "",
            }
            for county, program, category, day, yuan, document, source in rows
        ],
        schema={
            "county_code": pl.String,
            "program": pl.String,
            "category": pl.String,
            "effective_from": pl.Date,
            "yuan_per_person_month": pl.Float64,
            "document": pl.String,
            "source": pl.String,
            "note": pl.String,
        },
    )


QUFU = [
    ("370881", "rural", "", "2021-01-01", 665, "", "synthetic"),
    ("370881", "rural", "", "2022-01-01", 700, "", "seed"),
    ("370881", "rural", "", "2023-01-01", 745, "济民字〔2023〕4号", "seed"),
]
XINPING_B = [
    ("530427", "rural", "B类", "2019-01-01", 285, "", "seed"),
    ("530427", "rural", "B类", "2020-01-01", 310, "云政办发〔2019〕42号", "seed"),
]
COUNTY_900001 = [
    ("900001", "rural", "", "2023-01-01", 600, "", "seed"),
    ("900001", "urban", "", "2022-01-01", 795, "", "synthetic"),
    ("900001", "urban", "", "2023-01-01", 825, "", "seed"),
]


def test_every_rise_with_its_document_and_percentage():
    rises = views.rises(stored(QUFU + XINPING_B), names=NAMES)
    expected = pl.DataFrame(
        {
            "county": ["曲阜市", "曲阜市", "新平彝族傣族自治县"],
            "series": ["农村", "农村", "农村 · B类"],
            "effective_from": [dt.date(2022, 1, 1), dt.date(2023, 1, 1), dt.date(2020, 1, 1)],
            "previous": [665.0, 700.0, 285.0],
            "standard": [700.0, 745.0, 310.0],
            "rise": [35.0, 45.0, 25.0],
            "rise_pct": [5.26, 6.43, 8.77],
            "document": ["未注明文号", "济民字〔2023〕4号", "云政办发〔2019〕42号"],
            "demo": ["演示数据", "", ""],  # a rise from a synthetic standard is demo data too
        }
    )
    assert_frame_equal(rises.select(expected.columns), expected)
    assert rises["title"].to_list()[1] == "曲阜市 · 农村 · 2023-01-01 · 700 → 745"


def test_a_standard_that_never_changed_has_no_rise():
    assert views.rises(stored(QUFU[:1])).is_empty()


def test_the_standard_in_force_by_month_marks_the_month_of_each_rise():
    mid_year = [
        ("370881", "rural", "", "2022-01-01", 700, "", "seed"),
        ("370881", "rural", "", "2023-07-15", 745, "甲〔2023〕1号", "seed"),
    ]
    monthly = views.monthly_in_force(stored(mid_year), first_year=2023, last_year=2023, names=NAMES)
    assert monthly.height == 12
    assert monthly["standard"].to_list() == [700.0] * 6 + [745.0] * 6  # in force from July, the month it starts
    marked = monthly.filter(pl.col("key").is_not_null()).select("month", "previous", "standard", "rise_pct")
    expected = pl.DataFrame(
        {"month": [dt.date(2023, 7, 1)], "previous": [700.0], "standard": [745.0], "rise_pct": [6.43]}
    )
    assert_frame_equal(marked, expected)


def test_months_before_the_first_standard_are_left_out():
    monthly = views.monthly_in_force(stored(XINPING_B[1:]), first_year=2019, last_year=2020)
    assert monthly["month"].min() == dt.date(2020, 1, 1)
    assert monthly.height == 12


def test_december_against_the_december_before():
    compared = views.year_on_year(stored(QUFU + XINPING_B + COUNTY_900001), year=2023, names=NAMES)
    expected = pl.DataFrame(
        {
            "county": ["曲阜市", "新平彝族傣族自治县", "某县", "某县"],
            "series": ["农村", "农村 · B类", "农村", "城市"],
            "previous": [700.0, 310.0, None, 795.0],
            "standard": [745.0, 310.0, 600.0, 825.0],
            "rise": [45.0, 0.0, None, 30.0],
            "rise_pct": [6.43, 0.0, None, 3.77],
            "documents": ["济民字〔2023〕4号", "", "", "未注明文号"],
            "demo": ["", "", "", "演示数据"],
        }
    )
    assert_frame_equal(compared.select(expected.columns), expected)


def test_two_rises_in_one_year_name_both_documents():
    twice = [
        ("370881", "rural", "", "2022-01-01", 700, "", "seed"),
        ("370881", "rural", "", "2023-01-01", 720, "甲〔2023〕1号", "seed"),
        ("370881", "rural", "", "2023-07-01", 745, "乙〔2023〕2号", "seed"),
    ]
    compared = views.year_on_year(stored(twice), year=2023)
    assert compared.select("previous", "standard", "documents").row(0) == (700.0, 745.0, "甲〔2023〕1号、乙〔2023〕2号")


def test_urban_rural_gap_where_a_county_has_both():
    gaps = views.urban_rural_gap(stored(QUFU + COUNTY_900001), years=[2022, 2023], names=NAMES)
    expected = pl.DataFrame(
        {
            "county_code": ["900001"],
            "county": ["某县"],
            "year": [2023],
            "rural": [600.0],
            "urban": [825.0],
            "gap": [225.0],
            "ratio": [1.38],
            "demo": [""],
        }
    )
    assert_frame_equal(gaps, expected)  # 2022 has no rural standard yet; Qufu has no urban one


def test_empty_standards_give_empty_frames_with_their_columns():
    empty = stored([])
    assert views.rises(empty).is_empty()
    assert views.monthly_in_force(empty, first_year=2019, last_year=2024).columns[:6] == [
        "county_code",
        "county",
        "program",
        "category",
        "series",
        "month",
    ]
    assert views.year_on_year(empty, year=2023).is_empty()
    assert views.urban_rural_gap(empty, years=[2023]).is_empty()


def test_english_words():
    words = views.Words(
        programs={"rural": "Rural", "urban": "Urban"}, all_categories="All", demo="Demo", no_document="No document"
    )
    rises = views.rises(stored(QUFU), words=words)
    assert rises.select("series", "category_label", "document", "demo").row(0) == (
        "Rural",
        "All",
        "No document",
        "Demo",
    )
