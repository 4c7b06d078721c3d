"""Replacing a stored month is one transaction in the upload log; the same file twice changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from warehouse import read
from warehouse.models import HouseholdMonth, Upload

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
SLOT = {"county": "370881", "month": "2023-01", "program": "rural"}


def test_same_file_twice_is_a_no_op(tmp_path, warehouse):
    path = write_csv(tmp_path / "r.csv", [["鲁城街道", make_id(), "1", "700", "2023-01-10"]], header=HEADER)
    first = ingest_roster(warehouse, path, **SLOT)
    second = ingest_roster(warehouse, path, **SLOT)
    assert (first.unchanged, second.unchanged, second.upload_id) == (False, True, None)
    assert second.replaces.upload_id == first.upload_id
    with warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Upload)).scalar() == 1
        assert conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar() == 1


def test_a_new_version_replaces_the_month_and_the_log_keeps_both(tmp_path, warehouse):
    one = write_csv(tmp_path / "v1.csv", [["鲁城街道", make_id(sequence=1), "1", "700", "2023-01-10"]], header=HEADER)
    two = write_csv(
        tmp_path / "v2.csv",
        [
            ["鲁城街道", make_id(sequence=1), "1", "700", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "2", "1400", "2023-01-25"],
        ],
        header=HEADER,
    )
    first = ingest_roster(warehouse, one, **SLOT)
    second = ingest_roster(warehouse, two, **SLOT)
    assert second.replaces.upload_id == first.upload_id and second.replaces.file_name == "v1.csv"
    log = read.uploads(warehouse, kind="roster")
    assert log.select("id", "file_name", "status", "replaces_id", "households").rows() == [
        (first.upload_id, "v1.csv", "replaced", None, 1),
        (second.upload_id, "v2.csv", "active", first.upload_id, 2),
    ]
    assert log["file_hash"].str.len_chars().to_list() == [64, 64]
    totals = read.monthly_totals(warehouse, counties=["370881"], pending=True)
    assert totals.select("month", "households", "persons", "amount").rows() == [(dt.date(2023, 1, 1), 2, 3, 2100.0)]
    with warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar() == 2
    back = ingest_roster(warehouse, one, **SLOT)  # the old file again is a real replacement, not a no-op
    assert not back.unchanged and back.replaces.upload_id == second.upload_id
