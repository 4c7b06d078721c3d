"""Approval of a county × programme × month, on both backends: 待审核 → 已审核 → 已锁定, or 已退回.

The uploader never approves their own upload, whatever the path; a locked month refuses an upload
with every table unchanged; two approvers at once: one wins; months stored before approval
existed are approved by the migration, and the audit log says so.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import delete, func, select

from access.approval import ApprovalRefused, approve, lock, return_to_uploader, unlock
from access.roles import Actor
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from warehouse import audit
from warehouse.db import init_warehouse
from warehouse.errors import Rejected
from warehouse.models import SQLModel
from warehouse.month_states import MIGRATION, Slot

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
WANG = Actor("wang", "evaluator", frozenset({"370881"}))  # uploads Qufu's rosters
ZHAO = Actor("zhao", "evaluator", frozenset({"370881"}))  # a second evaluator of Qufu
LIU = Actor("liu", "evaluator", frozenset({"530427"}))  # an evaluator of another county
ADMIN = Actor("admin", "admin")
LEADER = Actor("li", "viewer")
JANUARY = Slot("370881", "rural", dt.date(2023, 1, 1))


def roster(tmp_path, *, amount: str = "1490", name: str = "qufu.csv"):
    rows = [["鲁城街道", make_id(sequence=1), "2", amount, "2023-01-10"]]
    return write_csv(tmp_path / name, rows, header=HEADER, title=[["2023年1月农村低保发放明细"]])


def state(engine, slot: Slot = JANUARY) -> tuple:
    from warehouse.models import MonthState

    with engine.connect() as conn:
        found = conn.execute(
            select(MonthState.state, MonthState.uploaded_by, MonthState.decided_by, MonthState.reason).where(
                MonthState.county_code == slot.county, MonthState.month == slot.month
            )
        ).first()
    return tuple(found) if found else ()


def row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def uploaded(tmp_path, warehouse):
    ingest_roster(warehouse, roster(tmp_path), county="370881", user=WANG)
    return warehouse


def test_an_upload_is_pending_and_its_uploader_cannot_approve_it(uploaded):
    assert state(uploaded) == ("pending", "wang", "", "")
    with pytest.raises(ApprovalRefused) as refused:
        approve(uploaded, WANG, [JANUARY])
    assert "由「wang」本人上传，不能由本人审核" in str(refused.value) and "未做任何更改" in str(refused.value)
    with pytest.raises(ApprovalRefused):
        approve(uploaded, "wang", [JANUARY])  # the same name as an operator string: still the uploader
    with pytest.raises(ApprovalRefused, match="不能由本人退回"):
        return_to_uploader(uploaded, WANG, JANUARY, reason="自己退回")
    assert state(uploaded) == ("pending", "wang", "", "")


def test_a_second_evaluator_of_the_county_approves_and_the_audit_says_who(uploaded):
    for outsider, why in ((LIU, "无权审核县区 370881"), (LEADER, "无权审核县区 370881")):
        with pytest.raises(ApprovalRefused, match=why):
            approve(uploaded, outsider, [JANUARY])
    assert approve(uploaded, ZHAO, [JANUARY]) == [JANUARY]
    assert state(uploaded) == ("approved", "wang", "zhao", "")
    event = audit.events(uploaded).filter(action="approve").row(0, named=True)
    assert (event["actor"], event["county_code"]) == ("zhao", "370881")
    assert event["file_hash"] and "待审核 → 已审核" in event["detail"]
    with pytest.raises(ApprovalRefused, match="当前为「已审核」"):
        approve(uploaded, ADMIN, [JANUARY])


def test_a_return_needs_a_reason_and_a_new_upload_makes_the_month_pending_again(tmp_path, uploaded):
    with pytest.raises(ApprovalRefused, match="须说明理由"):
        return_to_uploader(uploaded, ZHAO, JANUARY, reason="  ")
    return_to_uploader(uploaded, ZHAO, JANUARY, reason="鲁城街道金额有误")
    assert state(uploaded) == ("returned", "wang", "zhao", "鲁城街道金额有误")
    assert "理由：鲁城街道金额有误" in audit.events(uploaded).filter(action="return")["detail"][0]
    ingest_roster(uploaded, roster(tmp_path, amount="1500", name="qufu-2.csv"), county="370881", user=WANG)
    assert state(uploaded) == ("pending", "wang", "", "")


def test_a_locked_month_refuses_any_upload_with_every_table_unchanged(tmp_path, uploaded):
    approve(uploaded, ZHAO, [JANUARY])
    lock(uploaded, ZHAO, [JANUARY])
    before = row_counts(uploaded)
    for user in (WANG, ADMIN, "operator"):
        with pytest.raises(Rejected) as refused:
            ingest_roster(uploaded, roster(tmp_path, amount="1600", name="late.csv"), county="370881", user=user)
        assert "370881 农村 2023-01 已锁定（zhao 锁定），不能再上传" in refused.value.report()
        assert row_counts(uploaded) == before
    assert state(uploaded)[0] == "locked"


def test_only_an_admin_unlocks_with_a_reason(tmp_path, uploaded):
    approve(uploaded, ZHAO, [JANUARY])
    lock(uploaded, ZHAO, [JANUARY])
    with pytest.raises(ApprovalRefused, match="只有管理员可以解锁"):
        unlock(uploaded, ZHAO, JANUARY, reason="更正")
    with pytest.raises(ApprovalRefused, match="须说明理由"):
        unlock(uploaded, ADMIN, JANUARY, reason="")
    unlock(uploaded, ADMIN, JANUARY, reason="审计发现 1 户金额错误")
    assert state(uploaded) == ("approved", "wang", "admin", "审计发现 1 户金额错误")
    ingest_roster(uploaded, roster(tmp_path, amount="1600", name="fixed.csv"), county="370881", user=WANG)
    assert state(uploaded)[0] == "pending"
    actions = audit.events(uploaded)["action"].to_list()
    assert [action for action in actions if action in ("approve", "lock", "unlock")] == [
        "unlock",
        "lock",
        "approve",
    ]  # newest first


def test_bulk_approval_is_all_or_nothing(tmp_path, uploaded):
    february = Slot("370881", "rural", dt.date(2023, 2, 1))
    rows = [["书院街道", make_id(sequence=2), "1", "745", "2023-02-10"]]
    path = write_csv(tmp_path / "feb.csv", rows, header=HEADER, title=[["2023年2月农村低保发放明细"]])
    ingest_roster(uploaded, path, county="370881", user=ZHAO)  # February is zhao's own upload
    with pytest.raises(ApprovalRefused, match="2023-02 由「zhao」本人上传"):
        approve(uploaded, ZHAO, [JANUARY, february])
    assert state(uploaded)[0] == "pending"  # January was not approved either
    assert approve(uploaded, ADMIN, [JANUARY, february]) == [JANUARY, february]


def test_two_approvers_at_once_one_wins(uploaded):
    admin2 = Actor("admin2", "admin")
    outcomes: list[str] = []

    def attempt(actor: Actor) -> None:
        try:
            approve(uploaded, actor, [JANUARY])
            outcomes.append(f"approved by {actor.name}")
        except ApprovalRefused as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=attempt, args=(who,)) for who in (ZHAO, admin2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(outcome.startswith("approved by") for outcome in outcomes) == 1, outcomes
    assert state(uploaded)[0] == "approved"
    assert len(audit.events(uploaded).filter(action="approve")) == 1


def test_months_stored_before_approval_existed_are_approved_by_the_migration(uploaded):
    from warehouse.models import MonthState

    with uploaded.begin() as conn:
        conn.execute(delete(MonthState))  # as a warehouse made before this feature
    init_warehouse(uploaded)
    assert state(uploaded) == ("approved", "wang", MIGRATION, "审核功能启用前已入库的月份")
    event = audit.events(uploaded).filter(action="approve").row(0, named=True)
    assert (event["actor"], event["county_code"]) == (MIGRATION, "370881") and "（无） → 已审核" in event["detail"]
    init_warehouse(uploaded)  # once only
    assert len(audit.events(uploaded).filter(action="approve")) == 1
