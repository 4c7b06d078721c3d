"""Approval of evaluations, on both backends: a score sheet waits (待审核) until a second person approves
it; a replacement of an approved evaluation waits aside while leadership keeps seeing the approved one;
returning discards it; a locked evaluation refuses the next sheet with nothing stored; evaluations
stored before approval existed are approved by the migration; the same on the command line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from access.accounts import add_user
from access.approval import ApprovalRefused, approve, lock, return_to_uploader
from access.roles import Actor
from cli import main
from demo import SEEDS
from loaders.evaluation import ingest_evaluation
from warehouse import audit, read
from warehouse.db import init_warehouse
from warehouse.errors import Rejected
from warehouse.evaluation_change import evaluation_change
from warehouse.evaluation_states import EvaluationKey
from warehouse.models import EvaluationReview, EvaluationState, Upload
from warehouse.settings import get_settings

QUFU_SHEET = SEEDS / "evaluations" / "370881_2023_rural.csv"
QUFU_2023 = EvaluationKey("370881", "rural", 2023, "finance")
WANG = Actor("wang", "evaluator", frozenset({"370881"}))
ZHAO = Actor("zhao", "evaluator", frozenset({"370881"}))


def corrected_sheet(folder):
    """Qufu's sheet with 立项程序规范性 scored 1 of 2 instead of 2 and the total one point lower."""
    text = QUFU_SHEET.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",92.46,优,", ",91.46,优,")
    text[4] = text[4].replace("立项程序规范性,,,2,2,", "立项程序规范性,,,2,1,")
    path = folder / "370881_2023_corrected.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def totals(engine, *, pending: bool = False) -> list[tuple]:
    shown = read.evaluations(engine, counties=["370881"], year=2023, pending=pending)
    return list(shown.select("total_score", "pending").iter_rows())


def test_a_score_sheet_waits_for_a_second_person(warehouse):
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    assert totals(warehouse) == []  # leadership does not see it yet
    assert totals(warehouse, pending=True) == [(92.46, 1)]
    with pytest.raises(ApprovalRefused, match="由「wang」本人上传，不能由本人审核"):
        approve(warehouse, WANG, [QUFU_2023])
    approve(warehouse, ZHAO, [QUFU_2023])
    assert totals(warehouse) == [(92.46, 0)]
    (event,) = audit.events(warehouse, action="approve").filter(actor="zhao").iter_rows(named=True)
    assert event["detail"] == "评价 370881 农村 2023年 财政评价：待审核 → 已审核" and event["file_hash"]


def test_a_replacement_waits_aside_and_approval_brings_it_in(tmp_path, warehouse):
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    approve(warehouse, ZHAO, [QUFU_2023])
    ingest_evaluation(warehouse, corrected_sheet(tmp_path), user=WANG)
    assert totals(warehouse) == [(92.46, 0)]  # the approved one, until the correction is approved
    assert totals(warehouse, pending=True) == [(92.46, 0)]  # a replacement is shown on 审核, not on the dashboards
    change = evaluation_change(warehouse, county="370881", program="rural", year=2023, kind="finance")
    assert (change.total_old, change.total_new, change.grade_old, change.grade_new) == (92.46, 91.46, "优", "优")
    assert change.indicators.rows() == [("决策/项目立项/立项程序规范性", 2.0, 2.0, 1.0, -1.0)]
    approve(warehouse, ZHAO, [QUFU_2023])
    assert totals(warehouse) == [(91.46, 0)]
    with warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(EvaluationReview)).scalar_one() == 0
    (evaluation_id,) = read.evaluations(warehouse, counties=["370881"], year=2023)["id"]
    scores = read.indicator_scores(warehouse, evaluation_ids=[evaluation_id]).filter(
        path="决策/项目立项/立项程序规范性"
    )
    assert scores["score"].to_list() == [1.0]


def test_returning_a_replacement_keeps_the_approved_evaluation(tmp_path, warehouse):
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    approve(warehouse, ZHAO, [QUFU_2023])
    ingest_evaluation(warehouse, corrected_sheet(tmp_path), user=WANG)
    with pytest.raises(ApprovalRefused, match="退回须说明理由"):
        return_to_uploader(warehouse, ZHAO, QUFU_2023, reason=" ")
    return_to_uploader(warehouse, ZHAO, QUFU_2023, reason="总分与指标合计不符")
    assert totals(warehouse) == [(92.46, 0)]
    states = read.evaluation_states(warehouse, counties=["370881"])
    assert states.select("state", "reason", "has_approved").rows() == [("returned", "总分与指标合计不符", 1)]
    assert evaluation_change(warehouse, county="370881", program="rural", year=2023, kind="finance") is None


def test_a_locked_evaluation_refuses_the_next_sheet_with_nothing_stored(tmp_path, warehouse):
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    approve(warehouse, ZHAO, [QUFU_2023])
    lock(warehouse, ZHAO, [QUFU_2023])
    with warehouse.connect() as conn:
        uploads = conn.execute(select(func.count()).select_from(Upload)).scalar_one()
    with pytest.raises(Rejected) as refused:
        ingest_evaluation(warehouse, corrected_sheet(tmp_path), user=WANG)
    assert "评价 370881 农村 2023年 财政评价 已锁定（zhao 锁定），不能再上传" in str(refused.value)
    with warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Upload)).scalar_one() == uploads
        assert conn.execute(select(func.count()).select_from(EvaluationReview)).scalar_one() == 0
    assert totals(warehouse) == [(92.46, 0)]


def test_evaluations_stored_before_approval_are_approved_by_the_migration(warehouse):
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    with warehouse.begin() as conn:  # as a warehouse made before evaluation states existed
        conn.execute(delete(EvaluationState))
    init_warehouse(warehouse)
    assert totals(warehouse) == [(92.46, 0)]
    migrated = audit.events(warehouse, action="approve").filter(actor="系统迁移")
    assert migrated["detail"].to_list() == [
        "评价 370881 农村 2023年 财政评价：（无） → 已审核；理由：审核功能启用前已入库的评价"
    ]


def test_the_command_line_approves_an_evaluation_as_the_account_named(monkeypatch, warehouse):
    for name in ("wang", "zhao"):
        add_user(warehouse, username=name, role="evaluator", counties=["370881"], password="pw-0123456789", by="t")
    ingest_evaluation(warehouse, QUFU_SHEET, user=WANG)
    evaluation = ["--county", "370881", "--program", "rural", "--evaluation", "财政评价", "--year", "2023"]

    def as_user(name: str, *args: str):
        monkeypatch.setenv("DIBAO_USER", name)
        get_settings.cache_clear()
        return CliRunner().invoke(main, list(args))

    mine = as_user("wang", "approve", *evaluation)
    assert mine.exit_code == 1 and "不能由本人审核" in mine.output and "Traceback" not in mine.output
    done = as_user("zhao", "approve", *evaluation)
    assert done.exit_code == 0 and "已审核 1 份评价：370881 农村 2023年 财政评价" in done.output, done.output
    status = json.loads(as_user("zhao", "status", "--county", "370881", "--year", "2023", "--json").output)
    assert [(e["kind"], e["state"], e["uploaded_by"], e["decided_by"]) for e in status["evaluations"]] == [
        ("finance", "approved", "wang", "zhao")
    ]
