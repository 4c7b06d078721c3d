"""Reporting timeliness (报送及时率): due the 25th of the month after, or a county's own day from the registry;
and a warehouse made before that column existed gets it when opened (both backends)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import inspect, text

from loaders.counties import ingest_counties
from tests.files import write_csv
from warehouse import read
from warehouse.db import init_warehouse
from warehouse.errors import Rejected
from warehouse.frames import reporting

HEADER = ["县区代码", "县区名称", "发放截止日", "报送截止日", "乡镇名称"]


def states(*months: tuple[str, str, dt.date, str, dt.datetime]) -> pl.DataFrame:
    rows = [
        {"county_code": c, "program": p, "month": m, "state": s, "uploaded_by": "wang", "decided_by": "zhao",
         "reported_at": at}
        for c, p, m, s, at in months
    ]  # fmt: skip
    return pl.DataFrame(rows)


def beijing(day: str, hour: int = 10) -> dt.datetime:
    """A Beijing wall-clock time as the UTC the warehouse stores."""
    return dt.datetime.fromisoformat(day) + dt.timedelta(hours=hour - 8)


def test_on_time_late_missing_and_pending_by_each_countys_day():
    found = states(
        ("370881", "rural", dt.date(2024, 1, 1), "approved", beijing("2024-02-25", 23)),  # the last evening: on time
        ("370881", "rural", dt.date(2024, 2, 1), "locked", beijing("2024-03-26", 1)),  # the next night: late
        ("370881", "rural", dt.date(2024, 4, 1), "pending", beijing("2024-05-02")),
        ("530427", "rural", dt.date(2024, 1, 1), "approved", beijing("2024-02-15")),  # due the 10th there: late
    )
    months = reporting.reporting(found, today=dt.date(2024, 6, 1), year=2024, days={"530427": 10})
    qufu = months.filter(county_code="370881")
    assert qufu.select("month", "timeliness").rows() == [
        (dt.date(2024, 1, 1), "on_time"),
        (dt.date(2024, 2, 1), "late"),
        (dt.date(2024, 3, 1), "missing"),  # due 25 April, nothing came
        (dt.date(2024, 4, 1), "pending"),
    ]  # May is not due until 25 June: not listed
    xinping = months.filter(county_code="530427")
    assert xinping.select("due", "timeliness").row(0) == (dt.date(2024, 2, 10), "late")
    assert xinping["timeliness"].to_list()[1:] == ["missing"] * 3  # Feb–Apr due the 10th of the month after
    summary = reporting.summary(months, names={"370881": "曲阜市"}).row(0, named=True)
    assert (summary["county"], summary["on_time"], summary["late"], summary["missing"], summary["pending"]) == (
        "曲阜市",
        1,
        1,
        1,
        1,
    )
    assert summary["on_time_rate"] == pytest.approx(1 / 3)


def test_the_registry_sets_a_countys_reporting_day_and_refuses_an_impossible_one(tmp_path, empty_warehouse):
    path = write_csv(tmp_path / "counties.csv", [["370881", "曲阜市", "", "10", "鲁城街道"]], header=HEADER)
    ingest_counties(empty_warehouse, path, user="管理员")
    assert read.report_days(empty_warehouse) == {"370881": 10}
    bad = write_csv(tmp_path / "bad.csv", [["370881", "曲阜市", "", "30", "鲁城街道"]], header=HEADER)
    with pytest.raises(Rejected) as refused:
        ingest_counties(empty_warehouse, bad, user="管理员")
    assert "「报送截止日」列：截止日应在 1 到 28 之间" in refused.value.report()
    assert read.report_days(empty_warehouse) == {"370881": 10}


def test_a_warehouse_made_before_the_reporting_day_gets_the_column(empty_warehouse):
    with empty_warehouse.begin() as conn:
        conn.execute(text("ALTER TABLE county DROP COLUMN report_day"))
    assert "report_day" not in {column["name"] for column in inspect(empty_warehouse).get_columns("county")}
    init_warehouse(empty_warehouse)
    assert "report_day" in {column["name"] for column in inspect(empty_warehouse).get_columns("county")}
    assert read.report_days(empty_warehouse) == {}
