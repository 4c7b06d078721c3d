"""`dibao approve | return | lock | unlock | status` as the account DIBAO_USER names, on both backends:
an evaluator uploads, the same account cannot approve, a second one does; a locked month refuses
the next upload with nothing stored; `status --json` gives states and reporting timeliness."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from access.accounts import add_user
from cli import main
from tests.files import make_id, write_csv
from warehouse import audit, read

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]


@pytest.fixture
def accounts(warehouse):
    for name, county in (("wang", "370881"), ("zhao", "370881"), ("liu", "530427")):
        add_user(warehouse, username=name, role="evaluator", counties=[county], password="pw-0123456789", by="t")
    add_user(warehouse, username="boss", role="admin", password="pw-0123456789", by="t")
    return warehouse


def as_user(monkeypatch, name: str, *args: str):
    monkeypatch.setenv("DIBAO_USER", name)
    from warehouse.settings import get_settings

    get_settings.cache_clear()
    return CliRunner().invoke(main, list(args))


def qufu_roster(tmp_path, name: str, amount: str):
    rows = [["鲁城街道", make_id(sequence=1), "2", amount, "2023-01-10"]]
    return write_csv(tmp_path / name, rows, header=HEADER, title=[["曲阜市2023年1月农村低保发放明细"]])


def test_upload_approve_lock_and_status_as_the_accounts_named(tmp_path, monkeypatch, accounts):
    month = ("--county", "370881", "--program", "rural", "--month", "2023-01")
    uploaded = as_user(monkeypatch, "wang", "ingest", "roster", str(qufu_roster(tmp_path, "a.csv", "1490")))
    assert uploaded.exit_code == 0, uploaded.output

    mine = as_user(monkeypatch, "wang", "approve", *month)
    assert mine.exit_code == 1 and "由「wang」本人上传，不能由本人审核" in mine.output
    assert "Traceback" not in mine.output
    elsewhere = as_user(monkeypatch, "liu", "approve", *month)
    assert elsewhere.exit_code == 1 and "无权审核县区 370881" in elsewhere.output

    approved = as_user(monkeypatch, "zhao", "approve", *month)
    assert approved.exit_code == 0 and "已审核 1 个月：370881 农村 2023-01" in approved.output
    assert as_user(monkeypatch, "zhao", "lock", *month).exit_code == 0

    before = read.uploads(accounts, kind="roster").height
    again = as_user(monkeypatch, "wang", "ingest", "roster", str(qufu_roster(tmp_path, "b.csv", "1500")))
    assert again.exit_code == 1 and "已锁定（zhao 锁定），不能再上传" in again.output
    assert read.uploads(accounts, kind="roster").height == before

    no_reason = as_user(monkeypatch, "boss", "unlock", *month, "--reason", " ")
    assert no_reason.exit_code == 1 and "须说明理由" in no_reason.output
    assert as_user(monkeypatch, "zhao", "unlock", *month, "--reason", "更正").exit_code == 1  # admins only

    shown = as_user(monkeypatch, "boss", "status", "--county", "370881", "--json")
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.output)
    assert status["year"] == 2023 and status["due_day"] == 25
    january = status["months"][0]
    assert (january["month"], january["state"], january["uploaded_by"], january["decided_by"]) == (
        "2023-01-01",
        "locked",
        "wang",
        "zhao",
    )
    assert january["due"] == "2023-02-25" and january["timeliness"] == "late"  # uploaded years after its due day
    assert [month["timeliness"] for month in status["months"][1:]] == ["missing"] * 11
    assert status["counties"] == [
        {
            "county_code": "370881",
            "on_time": 0,
            "late": 1,
            "missing": 11,
            "pending": 0,
            "on_time_rate": 0.0,
            "county": "曲阜市",
        }
    ]
    actions = audit.events(accounts)["action"].to_list()
    assert {"upload", "approve", "lock"} <= set(actions) and "reject" in actions  # the refused upload, recorded


def test_a_pending_month_reads_as_pending_and_bulk_approval_takes_every_pending_month(tmp_path, monkeypatch, accounts):
    assert as_user(monkeypatch, "wang", "ingest", "roster", str(qufu_roster(tmp_path, "a.csv", "1490"))).exit_code == 0
    status = json.loads(as_user(monkeypatch, "boss", "status", "--json").output)
    assert status["months"][0]["timeliness"] == "pending" and status["months"][0]["state"] == "pending"
    both = as_user(monkeypatch, "zhao", "approve", "--county", "370881", "--month", "2023-01", "--all-pending")
    assert both.exit_code == 2 and "二选一" in both.output
    approved = as_user(monkeypatch, "zhao", "approve", "--county", "370881", "--all-pending")
    assert approved.exit_code == 0 and "已审核 1 个月" in approved.output


def test_a_disabled_account_named_by_the_user_does_not_act_as_the_operator(tmp_path, monkeypatch, accounts):
    from access.accounts import disable_user

    disable_user(accounts, "wang", by="t")
    refused = as_user(monkeypatch, "wang", "ingest", "roster", str(qufu_roster(tmp_path, "a.csv", "1490")))
    assert refused.exit_code == 1 and "账户「wang」已停用" in refused.output
    assert read.uploads(accounts, kind="roster").is_empty()
