"""The 上传 page: a report before anything is stored; a bad file stores nothing; a good one commits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.files import make_id, write_csv
from tests.pages.apptest import open_app
from warehouse import audit, read
from warehouse.models import HouseholdMonth, Upload

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]


def stored_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar()


def test_a_bad_roster_shows_every_problem_and_stores_nothing(tmp_path, warehouse):
    bad = write_csv(
        tmp_path / "bad.csv",
        [["鲁城街道", make_id(), "两", "700", "2023-01-10"], ["鲁城街道", "", "1", "七百", "2023-13-01"]],
        header=HEADER,
        title=[["2023年1月农村低保发放明细"]],
    )
    app = open_app("app_pages/data/upload.py")
    app.selectbox(key="upload_county").set_value("370881").run()
    app.get("file_uploader")[0].set_value(("bad.csv", bad.read_bytes(), "text/csv")).run()
    assert not app.exception
    assert "发现 4 个问题" in app.error[0].value
    problems = app.dataframe[0].value
    assert problems[["row", "column"]].values.tolist() == [
        [3, "保障人数"],
        [4, "发放日期"],
        [4, "发放金额"],
        [4, "身份证号码"],
    ]
    assert not [button for button in app.button if button.key == "confirm"]
    assert stored_rows(warehouse) == 0
    app.run().run()  # reruns with the same file chosen are the same rejection, logged once
    assert audit.events(warehouse, action="reject").height == 1


def test_a_good_roster_is_reported_then_stored_on_confirmation(tmp_path, warehouse):
    good = write_csv(
        tmp_path / "good.csv",
        [
            ["鲁城街道", make_id(sequence=1), "2", "1490", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "1", "800", "2023-01-12"],
        ],
        header=HEADER,
        title=[["2023年1月农村低保发放明细"]],
    )
    app = open_app("app_pages/data/upload.py")
    app.selectbox(key="upload_county").set_value("370881").run()
    app.get("file_uploader")[0].set_value(("good.csv", good.read_bytes(), "text/csv")).run()
    assert not app.exception
    assert [metric.value for metric in app.metric] == ["2", "2", "3", "0.23"]
    assert "超标准发放 1" in " ".join(markdown.value for markdown in app.markdown)
    assert stored_rows(warehouse) == 0  # nothing stored before confirming
    app.button(key="confirm").click().run()
    assert not app.exception
    assert "已入库" in app.success[0].value
    totals = read.monthly_totals(warehouse, counties=["370881"])
    assert totals.select("month", "households", "persons").rows() == [(dt.date(2023, 1, 1), 2, 3)]
    with warehouse.connect() as conn:
        assert conn.execute(select(Upload.uploaded_by)).scalars().all() == ["测试管理员"]
