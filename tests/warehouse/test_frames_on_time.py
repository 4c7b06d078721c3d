"""按时发放 frames: the county × month grid against each deadline, the ranking, and the households behind a cell."""

from __future__ import annotations

import datetime as dt

import polars as pl
from polars.testing import assert_frame_equal

from tests.warehouse import read_frames
from warehouse.frames import on_time as views

PROGRAMS = {"rural": "农村", "urban": "城市"}
REGISTRY = pl.DataFrame(
    {
        "code": ["370881", "440840"],
        "name": ["曲阜市", "湛江经济技术开发区"],
        "province": ["山东", "广东"],
        "prefecture": ["济宁市", "湛江市"],
        "deadline_day": [None, 20],
        "source": ["seed", "seed"],
    },
    schema_overrides={"deadline_day": pl.Int64},
)


def monthly(rows: list[tuple]) -> pl.DataFrame:
    """Rows as `read.monthly_totals` gives them, from (county, program, month, households, on time, late, unpaid)."""
    return read_frames.monthly_totals(
        {
            (county, program, month): read_frames.figures(
                households,
                persons=3 * households,
                amount=1000.0 * households,
                on_time=on_time,
                late=late,
                unpaid=unpaid,
            )
            for county, program, month, households, on_time, late, unpaid in rows
        }
    )


# Zhanjiang's February and April 2022 were paid after the 20th; Qufu pays by month end.
ROWS = [
    ("440840", "rural", "2022-01", 1655, 1626, 29, 0),
    ("440840", "rural", "2022-02", 1662, 24, 1638, 0),
    ("440840", "rural", "2022-03", 1670, 1670, 0, 0),
    ("440840", "rural", "2022-04", 1678, 171, 1507, 0),
    ("370881", "rural", "2022-01", 8049, 8049, 0, 0),
    ("370881", "rural", "2022-02", 8031, 8029, 0, 2),
]


def grid(rows: list[tuple] = ROWS) -> pl.DataFrame:
    return views.on_time_grid(monthly(rows), REGISTRY, programs=PROGRAMS)


def test_rates_are_rounded_down_so_that_a_late_household_never_reads_100_percent():
    assert [views.percent(rate) for rate in (8029 / 8031, 0.29, 0.60002, 1.0, None)] == [
        "99.9%",
        "29.0%",
        "60.0%",
        "100.0%",
        "—",
    ]


def test_deadline_words():
    assert views.deadline_text(20) == "每月20日前"
    assert views.deadline_text(None) == "月末"
    assert views.deadline_text(10, each_month="by day {day}", month_end="month end") == "by day 10"


def test_grid_gives_each_cell_its_rate_and_the_row_its_deadline():
    got = grid().select("row", "month_label", "households", "on_time_households", "late_households", "rate")
    expected = pl.DataFrame(
        {
            "row": ["曲阜市 · 农村 · 月末"] * 2 + ["湛江经济技术开发区 · 农村 · 每月20日前"] * 4,
            "month_label": ["2022年1月", "2022年2月", "2022年1月", "2022年2月", "2022年3月", "2022年4月"],
            "households": [8049, 8031, 1655, 1662, 1670, 1678],
            "on_time_households": [8049, 8029, 1626, 24, 1670, 171],
            "late_households": [0, 0, 29, 1638, 0, 1507],
            "rate": [1.0, 8029 / 8031, 1626 / 1655, 24 / 1662, 1.0, 171 / 1678],
        }
    )
    assert_frame_equal(got, expected)


def test_a_month_without_households_has_no_rate():
    got = grid([("370881", "urban", "2022-03", 0, 0, 0, 0)])
    assert got["rate"].to_list() == [None]
    assert got["programme"].to_list() == ["城市"]


def test_ranking_puts_the_worst_county_first_with_its_months_below_target():
    got = views.ranking(grid())
    expected = pl.DataFrame(
        {
            "county_code": ["440840", "370881"],
            "program": ["rural", "rural"],
            "county": ["湛江经济技术开发区", "曲阜市"],
            "programme": ["农村", "农村"],
            "deadline": ["每月20日前", "月末"],
            "row": ["湛江经济技术开发区 · 农村 · 每月20日前", "曲阜市 · 农村 · 月末"],
            "months": [4, 2],
            "households": [6665, 16080],
            "on_time_households": [3491, 16078],
            "late_households": [3174, 0],
            "unpaid_households": [0, 2],
            "rate": [3491 / 6665, 16078 / 16080],
            "months_below_target": [2, 0],
            "months_below": ["2月、4月", ""],
            "worst_month": ["2022年2月", "2022年2月"],
            "worst_rate": [24 / 1662, 8029 / 8031],
        }
    )
    assert_frame_equal(got.select(expected.columns), expected)
    # nothing withheld from this reader: exact rates, rounded down (a month with one household unpaid is not 100 %)
    assert not got["bounded"].any() and got["rate_text"].to_list() == ["52.3%", "99.9%"]


def test_drill_down_choices_worst_first():
    frame = grid()
    assert views.rows_in(views.ranking(frame)) == {
        "440840:rural": "湛江经济技术开发区 · 农村 · 每月20日前",
        "370881:rural": "曲阜市 · 农村 · 月末",
    }
    assert views.months_in(frame, county="440840", program="rural") == {
        "2022-02-01": "2022年2月 · 1.4%",
        "2022-04-01": "2022年4月 · 10.1%",  # 10.19 %, rounded down
        "2022-01-01": "2022年1月 · 98.2%",
        "2022-03-01": "2022年3月 · 100.0%",
    }
    cell = views.cell(frame, county="440840", program="rural", month_key="2022-04-01")
    assert cell.select("households", "on_time_households", "late_households").row(0) == (1678, 171, 1507)


def test_late_and_unpaid_households_behind_a_cell():
    findings = pl.DataFrame(
        {
            "kind": ["late_payment", "invalid_id", "unpaid", "late_payment"],
            "county_code": ["440840"] * 4,
            "program": ["rural", "rural", "rural", "urban"],
            "month": [dt.date(2022, 8, 1)] * 4,
            "sheet": [""] * 4,
            "row": [42, 554, 1346, 7],
            "id_masked": ["4408**********5110", "4.40***E+17", "4408**********8807", "4408**********0001"],
            "detail": ["于 2022-08-24 发放，晚于截止日 2022-08-20", "号码被 Excel 存成了数字", "无发放日期", "晚"],
            "file_name": ["2022-08.csv"] * 4,
        }
    )
    got = views.late_and_unpaid(findings, program="rural", kinds={"late_payment": "逾期发放", "unpaid": "未发放"})
    expected = pl.DataFrame(
        {
            "kind": ["逾期发放", "未发放"],
            "file_name": ["2022-08.csv"] * 2,
            "sheet": [""] * 2,
            "row": [42, 1346],
            "id_masked": ["4408**********5110", "4408**********8807"],
            "detail": ["于 2022-08-24 发放，晚于截止日 2022-08-20", "无发放日期"],
        }
    )
    assert_frame_equal(got, expected)
