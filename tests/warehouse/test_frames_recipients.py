"""保障人数 frames: labelled monthly series, the year's summary, new/exited flows, the township and category split."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from tests.warehouse import read_frames
from warehouse.frames import recipients as views

NAMES = {"530427": "新平彝族傣族自治县", "900001": "某县"}
PROGRAMS = {"rural": "农村", "urban": "城市"}
COUNTS = ("households", "persons", "new_households", "exited_households")


def monthly(rows: list[tuple]) -> pl.DataFrame:
    """Rows as `read.monthly_totals` gives them, from (county, program, month, households, persons, new, exited, 元)."""
    return read_frames.monthly_totals(
        {
            (county, program, month): read_frames.figures(
                households,
                persons=persons,
                amount=amount,
                new=new,
                exited=exited,
                new_persons=None if new is None else 2 * new,
                exited_persons=None if exited is None else 2 * exited,
            )
            for county, program, month, households, persons, new, exited, amount in rows
        }
    )


# Xinping's last two months of 2020 as its report gives December (4,102 households / 8,210 persons),
# and the same months of 2019; county 900001 urban only in December 2020.
XINPING_2020 = [
    ("530427", "rural", "2020-11", 4103, 8113, 23, 18, 2_711_660),
    ("530427", "rural", "2020-12", 4102, 8210, 17, 18, 2_742_815.5),
]
XINPING_2019 = [
    ("530427", "rural", "2019-11", 3740, 7470, 20, 15, 2_400_000),
    ("530427", "rural", "2019-12", 3748, 7482, 25, 17, 2_410_000),
]
URBAN_DECEMBER = [("900001", "urban", "2020-12", 139, 166, None, None, 96_500)]


def series(rows: list[tuple], month_format: str = "%Y年%-m月") -> pl.DataFrame:
    return views.monthly_series(monthly(rows), names=NAMES, programs=PROGRAMS, month_format=month_format)


def test_monthly_series_labels_each_county_programme_and_month():
    got = series(XINPING_2020 + URBAN_DECEMBER).select(
        "county", "programme", "series", "month_key", "month_label", "households", "change", "amount_wan"
    )
    expected = pl.DataFrame(
        {
            "county": ["新平彝族傣族自治县", "新平彝族傣族自治县", "某县"],
            "programme": ["农村", "农村", "城市"],
            "series": ["新平彝族傣族自治县 · 农村", "新平彝族傣族自治县 · 农村", "某县 · 城市"],
            "month_key": ["2020-11-01", "2020-12-01", "2020-12-01"],
            "month_label": ["2020年11月", "2020年12月", "2020年12月"],
            "households": [4103, 4102, 139],
            "change": [5, -1, None],  # new − exited; unknown where no earlier month is stored
            "amount_wan": [271.17, 274.28, 9.65],
        }
    )
    assert_frame_equal(got, expected)


def test_english_month_labels_and_unknown_codes_kept():
    got = views.monthly_series(
        monthly(URBAN_DECEMBER), names={}, programs={"rural": "Rural"}, month_format="%b %Y"
    ).select("county", "programme", "month_label")
    assert got.row(0) == ("900001", "urban", "Dec 2020")


def test_year_summary_compares_the_latest_month_with_a_year_earlier():
    got = views.year_summary(series(XINPING_2020), monthly(XINPING_2019))
    expected = pl.DataFrame(
        {
            "month": [dt.date(2020, 12, 1)],
            "month_label": ["2020年12月"],
            "households": [4102],
            "persons": [8210],
            "households_year_earlier": [3748],
            "persons_year_earlier": [7482],
            "amount_wan": [545.45],  # 5,454,475.5 元 over the two months
            "persons_average": [8162],  # (8,113 + 8,210) / 2, rounded
            "new_households": [40],
            "exited_households": [36],
        }
    )
    assert_frame_equal(got.select(expected.columns), expected)
    assert got.select("flows_text", "withheld").row(0) == ("40 / 36", False)  # nothing withheld from this reader


def test_no_year_earlier_figures_unless_every_series_was_stored_then():
    got = views.year_summary(series(XINPING_2020 + URBAN_DECEMBER), monthly(XINPING_2019))
    assert got.select("households", "persons", "households_year_earlier", "persons_year_earlier").row(0) == (
        4241,
        8376,
        None,
        None,
    )


def test_year_summary_of_nothing_is_empty_with_its_columns():
    got = views.year_summary(series([]), monthly([]))
    assert got.is_empty()
    assert "households_year_earlier" in got.columns


def test_household_flows_put_exits_below_zero():
    got = views.household_flows(series(XINPING_2020 + URBAN_DECEMBER)).select(
        "month_label", "flow", "households", "value"
    )
    expected = pl.DataFrame(
        {
            "month_label": ["2020年11月", "2020年11月", "2020年12月", "2020年12月"],
            "flow": ["new", "exited", "new", "exited"],
            "households": [23, 18, 17, 18],
            "value": [23, -18, 17, -18],
        }
    )
    assert_frame_equal(got, expected)  # the urban month has no earlier month: no flows


def test_drill_down_choices_newest_month_first():
    frame = series(XINPING_2020 + URBAN_DECEMBER)
    assert views.counties_in(frame) == ["530427", "900001"]
    assert views.programs_in(frame, county="900001") == ["urban"]
    assert views.months_in(frame, county="530427", program="rural") == {
        "2020-12-01": "2020年12月",
        "2020-11-01": "2020年11月",
    }


def figures(by: str, rows: list[tuple]) -> pl.DataFrame:
    """Rows as `read.figures_by` returns them, from (name, households, persons, new, exited, 元)."""
    sums = {
        name: read_frames.figures(
            households, persons=persons, amount=amount, new=new, exited=exited, new_persons=new, exited_persons=exited
        )
        for name, households, persons, new, exited, amount in rows
    }
    return read_frames.figures_by(by, sums)


def test_township_table_largest_first_in_wan():
    got = views.township_table(
        figures("township", [("桂山街道", 170, 343, 2, 2, 115_403), ("新化乡", 400, 764, 1, 3, 255_209)])
    )
    expected = pl.DataFrame(
        {
            "township": ["新化乡", "桂山街道"],
            "households": [400, 170],
            "persons": [764, 343],
            "amount_wan": [25.52, 11.54],
            "new_households": [1, 2],
            "exited_households": [3, 2],
        }
    )
    assert_frame_equal(got.select(expected.columns), expected)
    assert not got["hidden"].any() and not got["flows_hidden"].any() and "households_text" not in got.columns


def test_category_table_names_the_uncategorised_and_shares_persons():
    got = views.category_table(
        figures("category", [("", 10, 20, 0, 0, 7_000), ("A类", 97, 187, 0, 1, 69_799), ("B类", 47, 93, 1, 1, 29_988)]),
        uncategorised="未分类",
    )
    expected = pl.DataFrame(
        {
            "category": ["A类", "B类", "未分类"],
            "households": [97, 47, 10],
            "persons": [187, 93, 20],
            "amount_wan": [6.98, 3.0, 0.7],
            "new_households": [0, 1, 0],
            "exited_households": [1, 1, 0],
            "persons_share": [0.6233, 0.31, 0.0667],
        }
    )
    assert_frame_equal(got.select(expected.columns), expected)
    assert not got["hidden"].any() and "households_text" not in got.columns  # nothing withheld from this reader
