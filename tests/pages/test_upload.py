"""The 上传 page: a report before anything is stored; a bad file stores nothing; a good one commits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from loaders.roster_parse import file_hash
from tests.files import make_id, write_csv
from tests.pages.apptest import open_app, table
from warehouse import audit, read
from warehouse.models import HouseholdMonth, Upload

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
TITLE = "2023年1月农村低保发放明细"
STORED = "已入库"
IDENTICAL = "此文件与已入库版本完全相同"


def stored_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar()


def roster(
    path: Path, rows: list[list[str]], *, header: list[str] = HEADER, title: str = TITLE, encoding: str = "utf-8"
) -> Path:
    """A roster file under the title offices write above the header."""
    return write_csv(path, rows, header=header, title=[[title]], encoding=encoding)


def chosen(path: Path, *, county: str | None = "370881"):
    """The 上传 page with `path` chosen as a roster of `county` (None: the county its title names)."""
    app = open_app("app_pages/data/upload.py")
    if county is not None:
        app.selectbox(key="upload_county").set_value(county).run()
    app.get("file_uploader")[0].set_value((path.name, path.read_bytes(), "text/csv")).run()
    return app


def notes(app) -> list[str]:
    """The page's success messages."""
    return [message.value for message in app.success]


def test_a_bad_roster_shows_every_problem_and_stores_nothing(tmp_path, warehouse):
    bad = roster(
        tmp_path / "bad.csv",
        [["鲁城街道", make_id(), "两", "700", "2023-01-10"], ["鲁城街道", "", "1", "七百", "2023-13-01"]],
    )
    app = chosen(bad)
    assert not app.exception
    assert "发现 4 个问题" in app.error[0].value
    problems = app.dataframe[0].value
    assert problems[["行号", "列"]].values.tolist() == [
        [3, "保障人数"],
        [4, "发放日期"],
        [4, "发放金额"],
        [4, "身份证号码"],
    ]
    assert not [button for button in app.button if button.key == "confirm"]
    assert stored_rows(warehouse) == 0
    app.run().run()  # reruns with the same file chosen are the same rejection, logged once
    (rejection,) = audit.events(warehouse, action="reject").iter_rows(named=True)
    assert rejection["file_hash"] == file_hash(bad)  # the upload log's fingerprint: the same file reads as one


def test_a_good_roster_is_reported_then_stored_on_confirmation(tmp_path, warehouse):
    good = roster(
        tmp_path / "good.csv",
        [
            ["鲁城街道", make_id(sequence=1), "2", "1490", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "1", "800", "2023-01-12"],
        ],
    )
    app = chosen(good)
    assert not app.exception
    assert [metric.value for metric in app.metric] == ["2", "2", "3", "0.23"]
    assert "超标准发放 1" in " ".join(markdown.value for markdown in app.markdown)
    assert stored_rows(warehouse) == 0  # nothing stored before confirming
    app.button(key="confirm").click().run()
    assert not app.exception
    assert STORED in app.success[0].value and "待审核" in app.success[0].value
    assert read.monthly_totals(warehouse, counties=["370881"]).is_empty()  # leadership sees it once approved
    totals = read.monthly_totals(warehouse, counties=["370881"], pending=True)
    assert totals.select("month", "households", "persons", "pending").rows() == [(dt.date(2023, 1, 1), 2, 3, 1)]
    with warehouse.connect() as conn:
        assert conn.execute(select(Upload.uploaded_by)).scalars().all() == ["测试管理员"]


def messy_roster(tmp_path: Path) -> Path:
    """A roster as an office exports it: GB18030, a title naming county and month, 「1,490」, dates in words,
    a mistyped ID number and one household listed twice."""
    twice = ["书院街道", make_id(sequence=3), "1", "745", "2023/1/12"]
    return roster(
        tmp_path / "曲阜市2023年1月农村低保发放明细.csv",
        [
            ["鲁城街道", make_id(sequence=1), "2", "1,490", "2023年1月10日"],
            ["书院街道", make_id(sequence=2, valid=False), "1", "745", "2023/1/12"],
            twice,
            twice,
        ],
        header=["乡镇（街道）", "身份证号码", "保障人数", "发放金额", "发放日期"],
        title="曲阜市2023年1月农村低保发放明细",
        encoding="gb18030",
    )


def test_a_messy_rosters_findings_are_titled_and_named_in_chinese(tmp_path, warehouse):
    app = chosen(messy_roster(tmp_path), county=None)
    assert not app.exception
    findings = table(app, "问题类型")
    assert findings.columns.tolist() == ["问题类型", "工作表", "行号", "身份证号（已脱敏）", "说明"]
    assert {"身份证号无效", "同一名册重复"} <= set(findings["问题类型"])
    assert findings["身份证号（已脱敏）"].str.contains(r"\*{3}").all()
    figures = table(app, "乡镇（街道）")
    assert {"保障户数", "保障人数", "发放金额（元）"} <= set(figures.columns)


def test_after_confirming_the_page_says_stored_not_identical(tmp_path, warehouse):
    messy = messy_roster(tmp_path)
    app = chosen(messy, county=None)
    app.button(key="confirm").click().run()
    assert not app.exception
    assert len(notes(app)) == 1 and STORED in notes(app)[0] and IDENTICAL not in notes(app)[0]
    assert not app.get("file_uploader")[0].value  # the picker is empty again, ready for the next file

    app.get("file_uploader")[0].set_value((messy.name, messy.read_bytes(), "text/csv")).run()
    assert [IDENTICAL in note for note in notes(app)] == [True]  # stored before: now it is the identical one
    assert not [button for button in app.button if button.key == "confirm"]


def test_a_roster_is_read_once_however_often_the_page_reruns(tmp_path, warehouse, monkeypatch):
    """Confirming a large roster must not read it again: the checked file is kept in the session."""
    from app_ui import upload

    reads = []
    prepare = upload.prepare_roster
    monkeypatch.setattr(upload, "prepare_roster", lambda *args, **kwargs: reads.append(1) or prepare(*args, **kwargs))
    good = roster(tmp_path / "good.csv", [["鲁城街道", make_id(sequence=1), "2", "1490", "2023-01-10"]])
    app = chosen(good)
    app.run().run()
    assert len(reads) == 1
    app.button(key="confirm").click().run()
    assert not app.exception and STORED in app.success[0].value
    assert len(reads) == 1 and stored_rows(warehouse) == 1
    app.get("file_uploader")[0].set_value((good.name, good.read_bytes(), "text/csv")).run()
    assert len(reads) == 2  # chosen again after storing: checked again (and found stored already)
