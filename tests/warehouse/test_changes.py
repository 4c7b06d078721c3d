"""What changed between the approved version of a month and the replacement waiting for approval, on both
backends: households added, exited and changed (masked IDs only), the township figures, the same in
`dibao changes` as text, JSON and a CSV or XLSX download; leadership keeps the approved figures until the
replacement is approved."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal
from sqlalchemy import func, select

from access.accounts import add_user
from access.approval import approve
from cli import main
from loaders.idcard import mask
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from warehouse import read
from warehouse.frames import changes
from warehouse.models import HouseholdMonth, HouseholdReview
from warehouse.month_states import Slot

HEADER = ["乡镇", "村（社区）", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
JANUARY = Slot("370881", "rural", dt.date(2023, 1, 1))
MONTH_ARGS = ("--county", "370881", "--program", "rural", "--month", "2023-01")
APPROVED_ROWS = [
    ["鲁城街道", "东关村", make_id(sequence=1), "2", "A类", "1490", "2023-01-10"],  # unchanged
    ["鲁城街道", "东关村", make_id(sequence=2), "1", "B类", "745", "2023-01-10"],  # category changes
    ["书院街道", "西村", make_id(sequence=3), "3", "A类", "2235", "2023-01-10"],  # amount changes
    ["吴村镇", "南村", make_id(sequence=4), "1", "B类", "700", "2023-01-10"],  # exits
]
REPLACEMENT_ROWS = [
    APPROVED_ROWS[0],
    ["鲁城街道", "东关村", make_id(sequence=2), "1", "A类", "745", "2023-01-10"],
    ["书院街道", "西村", make_id(sequence=3), "3", "A类", "2000", "2023-01-10"],
    ["书院街道", "西村", make_id(sequence=5), "2", "B类", "1490", "2023-01-10"],  # added
]


def masked(sequence: int) -> str:
    return mask(make_id(sequence=sequence))


def upload(engine, tmp_path, name: str, rows: list[list[str]]):
    path = write_csv(tmp_path / name, rows, header=HEADER, title=[["曲阜市2023年1月农村低保发放明细"]])
    return ingest_roster(engine, path, county="370881", month="2023-01", program="rural", user="上传员")


@pytest.fixture
def replaced(tmp_path, warehouse):
    """January approved with four households, and a replacement of it waiting for approval."""
    first = upload(warehouse, tmp_path, "一月.csv", APPROVED_ROWS)
    approve(warehouse, "审核员", [JANUARY])
    second = upload(warehouse, tmp_path, "一月（更正）.csv", REPLACEMENT_ROWS)
    add_user(warehouse, username="leader", role="viewer", password="pw-0123456789", by="t")
    add_user(warehouse, username="wang", role="evaluator", counties=["370881"], password="pw-0123456789", by="t")
    return warehouse, first.upload_id, second.upload_id


def run(monkeypatch, *args: str, user: str = "wang"):
    """`dibao changes` for January as `user`: by default Qufu's evaluator (households one by one are the
    county's own; leadership is refused them, see test_leadership_is_refused_the_households_one_by_one)."""
    monkeypatch.setenv("DIBAO_USER", user)
    from warehouse.settings import get_settings

    get_settings.cache_clear()
    return CliRunner().invoke(main, ["changes", *MONTH_ARGS, *args])


def compared(engine, old_id: int, new_id: int) -> changes.VersionChange:
    where = {"county": JANUARY.county, "program": JANUARY.program, "month": JANUARY.month}
    return changes.compare(
        read.version_rows(engine, **where, upload_id=old_id),
        read.version_rows(engine, **where, upload_id=new_id, waiting=True),
        approved_figures=read.version_figures(engine, upload_id=old_id),
        waiting_figures=read.version_figures(engine, upload_id=new_id),
    )


EXPECTED_TOWNSHIPS = [
    # township, households old/new/diff, persons old/new/diff, amount old/new/diff
    ("书院街道", 1, 2, 1, 3, 5, 2, 2235.0, 3490.0, 1255.0),
    ("吴村镇", 1, 0, -1, 1, 0, -1, 700.0, 0.0, -700.0),
    ("鲁城街道", 2, 2, 0, 3, 3, 0, 2235.0, 2235.0, 0.0),
]


def test_the_versions_of_a_month_and_what_the_replacement_changes(replaced):
    engine, old_id, new_id = replaced
    versions = read.month_versions(engine, county="370881", program="rural", month=JANUARY.month)
    assert versions["state"] == "pending"
    assert (versions["approved"]["upload_id"], versions["approved"]["file_name"]) == (old_id, "一月.csv")
    assert (versions["waiting"]["upload_id"], versions["waiting"]["file_name"]) == (new_id, "一月（更正）.csv")
    assert versions["waiting"]["uploaded_by"] == "上传员" and len(versions["waiting"]["file_hash"]) == 64
    assert isinstance(versions["waiting"]["uploaded_at"], dt.datetime)
    assert read.month_versions(engine, county="370881", program="rural", month=dt.date(2023, 2, 1)) is None

    change = compared(engine, old_id, new_id)
    assert change.counts == {"added": 1, "exited": 1, "changed": 2}
    assert change.added.rows() == [(masked(5), "书院街道", "西村", None, "B类", None, 2, None, 1490.0)]
    assert change.exited.rows() == [(masked(4), "吴村镇", "南村", "B类", None, 1, None, 700.0, None)]
    assert change.changed.rows() == [
        (masked(3), "书院街道", "西村", "A类", "A类", 3, 3, 2235.0, 2000.0),
        (masked(2), "鲁城街道", "东关村", "B类", "A类", 1, 1, 745.0, 745.0),
    ]
    assert not any("household_key" in getattr(change, kind).columns for kind in changes.KINDS)  # never the key
    assert change.townships.rows() == EXPECTED_TOWNSHIPS


def test_leadership_sees_the_approved_version_until_the_replacement_is_approved(replaced):
    engine, old_id, new_id = replaced
    shown = ("households", "persons", "amount", "pending")
    assert read.monthly_totals(engine, counties=["370881"]).select(shown).rows() == [(4, 7, 5170.0, 0)]
    assert read.monthly_totals(engine, counties=["370881"], pending=True).select(shown).rows() == [(4, 8, 5725.0, 1)]

    approve(engine, "审核员", [JANUARY])
    assert read.monthly_totals(engine, counties=["370881"]).select(shown).rows() == [(4, 8, 5725.0, 0)]
    with engine.connect() as conn:
        waiting = select(func.count()).select_from(HouseholdReview).where(HouseholdReview.upload_id == new_id)
        assert conn.execute(waiting).scalar_one() == 0
        stored = select(HouseholdMonth.upload_id).where(HouseholdMonth.county_code == "370881").distinct()
        assert conn.execute(stored).scalars().all() == [new_id]
    versions = read.month_versions(engine, county="370881", program="rural", month=JANUARY.month)
    assert (versions["state"], versions["approved"]["upload_id"], versions["waiting"]) == ("approved", new_id, None)


def test_dibao_changes_prints_json_for_any_account(monkeypatch, replaced):
    _, old_id, new_id = replaced
    result = run(monkeypatch, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == [
        "county",
        "program",
        "month",
        "approved",
        "waiting",
        "counts",
        "added",
        "exited",
        "changed",
        "townships",
    ]
    assert (data["county"], data["program"], data["month"]) == ("370881", "rural", "2023-01")
    assert data["approved"]["upload_id"] == old_id and data["waiting"]["upload_id"] == new_id
    assert set(data["waiting"]) == {"upload_id", "file_name", "file_hash", "uploaded_by", "uploaded_at"}
    assert data["waiting"]["uploaded_at"].endswith("+00:00") and data["waiting"]["uploaded_by"] == "上传员"
    assert data["counts"] == {"added": 1, "exited": 1, "changed": 2}
    assert data["added"] == [
        {
            "id_masked": masked(5),
            "township": "书院街道",
            "village": "西村",
            "category_old": None,
            "category_new": "B类",
            "persons_old": None,
            "persons_new": 2,
            "amount_old": None,
            "amount_new": 1490.0,
        }
    ]
    assert [row["id_masked"] for row in data["exited"]] == [masked(4)]
    assert [row["id_masked"] for row in data["changed"]] == [masked(3), masked(2)]
    assert [tuple(row.values()) for row in data["townships"]] == EXPECTED_TOWNSHIPS
    assert make_id(sequence=5) not in result.output  # masked IDs only


def test_dibao_changes_prints_the_versions_counts_townships_and_households(monkeypatch, replaced):
    result = run(monkeypatch)
    assert result.exit_code == 0, result.output
    text = result.output
    assert "370881 农村 2023-01：待审核版本与已审核版本的差异" in text
    assert "已审核版本：一月.csv（第" in text and "待审核版本：一月（更正）.csv（第" in text and "上传员 上传于" in text
    assert "新增 1 户，退出 1 户，变更 2 户" in text
    assert "书院街道：户数 1 → 2（+1），人数 3 → 5（+2），金额 2,235.00 → 3,490.00（+1,255.00）" in text
    assert "吴村镇：户数 1 → 0（-1），人数 1 → 0（-1），金额 700.00 → 0.00（-700.00）" in text
    assert f"{masked(5)} 书院街道 西村：B类，2 人，1,490.00 元" in text
    assert f"{masked(4)} 吴村镇 南村：B类，1 人，700.00 元" in text
    assert f"{masked(3)} 书院街道 西村：金额 2,235.00 元 → 2,000.00 元" in text
    assert f"{masked(2)} 鲁城街道 东关村：类别 B类 → A类" in text
    assert make_id(sequence=2) not in text


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_dibao_changes_writes_the_households_to_a_file(tmp_path, monkeypatch, replaced, suffix):
    out = tmp_path / f"变化{suffix}"
    result = run(monkeypatch, "--out", str(out))
    assert result.exit_code == 0, result.output
    written = pl.read_csv(out) if suffix == ".csv" else pl.read_excel(out)
    assert written.columns == list(changes.DOWNLOAD_TITLES.values())
    assert written.select("变化", "身份证号（脱敏）", "乡镇", "原金额（元）", "新金额（元）").rows() == [
        ("新增", masked(5), "书院街道", None, 1490.0),
        ("退出", masked(4), "吴村镇", 700.0, None),
        ("变更", masked(3), "书院街道", 2235.0, 2000.0),
        ("变更", masked(2), "鲁城街道", 745.0, 745.0),
    ]
    assert written.select("原类别", "新类别").row(3) == ("B类", "A类")
    assert run(monkeypatch, "--out", str(tmp_path / "变化.txt")).exit_code == 2


def test_nothing_to_compare_is_a_plain_message(tmp_path, monkeypatch, warehouse):
    add_user(warehouse, username="wang", role="evaluator", counties=["370881"], password="pw-0123456789", by="t")
    never = run(monkeypatch)
    assert never.exit_code == 1 and "370881 农村 2023-01 尚未上报名册" in never.output

    upload(warehouse, tmp_path, "一月.csv", APPROVED_ROWS)
    first = run(monkeypatch)
    assert first.exit_code == 1 and "首次上报，没有已审核的版本可比较" in first.output

    approve(warehouse, "审核员", [JANUARY])
    nothing = run(monkeypatch, "--json")
    assert nothing.exit_code == 1 and "没有待审核的新版本" in nothing.output and "一月.csv" in nothing.output
    assert all("Traceback" not in result.output for result in (never, first, nothing))


# The frames alone: rows as `read.version_rows` gives them.

ROWS = {
    "household_key": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "township": pl.String,
    "village": pl.String,
    "id_masked": pl.String,
    "id_valid": pl.Boolean,
    "persons": pl.Int64,
    "category": pl.String,
    "amount": pl.Float64,
    "paid_on": pl.Date,
}
FIGURES = {"township": pl.String, "households": pl.Int64, "persons": pl.Int64, "amount": pl.Float64}


def rows(*households: tuple) -> pl.DataFrame:
    """Rows from (key, township, persons, category, amount)."""
    return pl.DataFrame(
        [
            {
                "household_key": key,
                "sheet": "",
                "row": number + 2,
                "township": township,
                "village": "",
                "id_masked": f"1234****{key}",
                "id_valid": True,
                "persons": persons,
                "category": category,
                "amount": amount,
                "paid_on": dt.date(2023, 1, 10),
            }
            for number, (key, township, persons, category, amount) in enumerate(households)
        ],
        schema=ROWS,
    )


def figs() -> pl.DataFrame:
    """The waiting version's figures of the unit tests: one township."""
    return pl.DataFrame([("乙镇", 2, 3, 380.3)], schema=FIGURES, orient="row")


def test_a_household_is_its_first_row_with_the_money_of_all_its_rows():
    old = rows(("k1", "甲镇", 2, "A类", 100.1), ("k1", "甲镇", 5, "B类", 200.2), ("k2", "甲镇", 1, "A类", 50.0))
    new = rows(("k1", "乙镇", 2, "A类", 300.3), ("k3", "乙镇", 1, "", 80.0))
    change = changes.compare(old, new, approved_figures=pl.DataFrame(schema=FIGURES), waiting_figures=figs())
    assert change.counts == {"added": 1, "exited": 1, "changed": 0}  # k1: 2 persons, A类, 300.30 in both
    assert change.added["id_masked"].to_list() == ["1234****k3"]
    assert change.exited["id_masked"].to_list() == ["1234****k2"]
    assert "household_key" not in changes.download(change).columns
    assert changes.download(change)["change"].to_list() == ["新增", "退出"]


def test_township_changes_cover_townships_of_either_version():
    old = pl.DataFrame([("甲镇", 2, 7, 300.3)], schema=FIGURES, orient="row")
    got = changes.township_changes(old, figs())
    expected = pl.DataFrame(
        [("乙镇", 0, 2, 2, 0, 3, 3, 0.0, 380.3, 380.3), ("甲镇", 2, 0, -2, 7, 0, -7, 300.3, 0.0, -300.3)],
        schema=changes.TOWNSHIP_COLUMNS,
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_a_first_report_compares_with_nothing_every_household_added():
    empty = pl.DataFrame(schema=ROWS)
    change = changes.compare(
        empty,
        rows(("k1", "甲镇", 2, "A类", 100.0)),
        approved_figures=pl.DataFrame(schema=FIGURES),
        waiting_figures=figs(),
    )
    assert change.counts == {"added": 1, "exited": 0, "changed": 0}
    data = changes.as_dict(change)
    assert data["added"][0]["amount_new"] == 100.0 and data["townships"][0]["households_diff"] == 2
    json.dumps(data)  # JSON-able


def test_leadership_is_refused_the_households_one_by_one(replaced, monkeypatch):
    refused = run(monkeypatch, user="leader")
    assert (
        refused.exit_code == 1
        and "不能查看县区 370881 的逐户变化" in refused.output
        and "Traceback" not in refused.output
    )
