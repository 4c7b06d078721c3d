"""The 审核 page: the uploader cannot approve their own month, a second evaluator can; a return needs a
reason; locking, and unlocking by an admin only; reporting timeliness per county and month."""

from __future__ import annotations

import datetime as dt

import pytest

from access.approval import approve
from access.roles import Actor
from demo import SEEDS
from loaders.evaluation import ingest_evaluation
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from tests.pages.apptest import open_app
from warehouse import read
from warehouse.evaluation_states import EvaluationKey
from warehouse.month_states import Slot

PAGE = "app_pages/data/approval.py"
HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
WANG = {"name": "wang", "role": "evaluator", "counties": ["370881"]}
ZHAO = {"name": "zhao", "role": "evaluator", "counties": ["370881"]}


@pytest.fixture
def pending(tmp_path, warehouse):
    """Qufu's January and February 2023, uploaded by wang: both wait for approval."""
    for month, day in (("2023-01", "2023-01-10"), ("2023-02", "2023-02-10")):
        rows = [["鲁城街道", make_id(sequence=1), "2", "1490", day]]
        path = write_csv(tmp_path / f"{month}.csv", rows, header=HEADER, title=[[f"{month} 农村低保发放明细"]])
        ingest_roster(
            warehouse,
            path,
            county="370881",
            month=month,
            program="rural",
            user=Actor("wang", "evaluator", frozenset({"370881"})),
        )
    return warehouse


def open_approval(account: dict):
    app = open_app(PAGE, account=account, county="370881", year="2023")
    assert not app.exception
    return app


def pick(app, key: str, *places: int):
    """Choose the picker's options at `places` (it holds the months' titles)."""
    picker = app.multiselect(key=key)
    return picker.set_value([picker.options[place] for place in places])


def states(engine) -> list[tuple]:
    found = read.month_states(engine, counties=["370881"])
    return list(found.select("month", "state", "decided_by").iter_rows())


def test_the_uploader_cannot_approve_their_own_months(pending):
    app = open_approval(WANG)
    picker = app.multiselect(key="approval-waiting-picked")
    assert picker.options == [
        "曲阜市 · 农村低保 · 2023-02（待审核，上传 wang）",
        "曲阜市 · 农村低保 · 2023-01（待审核，上传 wang）",
    ]
    picker.set_value(picker.options).run()
    next(button for button in app.button if button.label == "审核通过所选月份").click().run()
    assert "由「wang」本人上传，不能由本人审核" in app.error[0].value
    assert {state for _, state, _ in states(pending)} == {"pending"}


def test_a_second_evaluator_approves_both_months_at_once(pending):
    app = open_approval(ZHAO)
    pick(app, "approval-waiting-picked", 0, 1).run()
    next(button for button in app.button if button.label == "审核通过所选月份").click().run()
    assert not app.exception
    assert states(pending) == [(dt.date(2023, 1, 1), "approved", "zhao"), (dt.date(2023, 2, 1), "approved", "zhao")]
    assert "所选县区没有待审核的月份" in app.info[0].value  # after the rerun, nothing waits


def test_a_month_uploaded_between_the_pick_and_the_click_does_not_move_the_choice(pending, tmp_path):
    """zhao picks January; before the click, wang uploads March (the list now starts with it): January and only
    January is approved. The picker once held places in the list, and this click approved February."""
    app = open_approval(ZHAO)
    january = "曲阜市 · 农村低保 · 2023-01（待审核，上传 wang）"
    app.multiselect(key="approval-waiting-picked").set_value([january]).run()
    rows = [["鲁城街道", make_id(sequence=1), "2", "1490", "2023-03-10"]]
    march = write_csv(tmp_path / "2023-03.csv", rows, header=HEADER, title=[["2023-03 农村低保发放明细"]])
    wang = Actor("wang", "evaluator", frozenset({"370881"}))
    ingest_roster(pending, march, county="370881", month="2023-03", program="rural", user=wang)
    next(button for button in app.button if button.label == "审核通过所选月份").click().run()
    assert not app.exception
    assert states(pending) == [
        (dt.date(2023, 1, 1), "approved", "zhao"),
        (dt.date(2023, 2, 1), "pending", ""),
        (dt.date(2023, 3, 1), "pending", ""),
    ]


def test_a_return_needs_a_reason_and_names_it(pending):
    app = open_approval(ZHAO)
    pick(app, "approval-waiting-picked", 1).run()
    next(button for button in app.button if button.label == "退回所选月份").click().run()
    assert "退回须说明理由" in app.error[0].value
    app.text_input(key="approval-reason").set_value("鲁城街道金额有误").run()
    next(button for button in app.button if button.label == "退回所选月份").click().run()
    assert states(pending)[0] == (dt.date(2023, 1, 1), "returned", "zhao")
    returned = read.month_states(pending, counties=["370881"]).row(0, named=True)
    assert returned["reason"] == "鲁城街道金额有误"


def test_lock_then_only_an_admin_sees_the_unlock(pending):
    app = open_approval(ZHAO)
    pick(app, "approval-waiting-picked", 0, 1).run()
    next(button for button in app.button if button.label == "审核通过所选月份").click().run()
    pick(app, "approval-approved-picked", 0).run()
    next(button for button in app.button if button.label == "锁定所选月份").click().run()
    assert states(pending)[1] == (dt.date(2023, 2, 1), "locked", "zhao")
    assert not [button for button in open_approval(ZHAO).button if button.label == "解锁所选月份"]
    admin = open_app(PAGE, county="370881", year="2023")
    pick(admin, "approval-locked-picked", 0).run()
    admin.text_input(key="approval-unlock-reason").set_value("更正 2 月金额").run()
    next(button for button in admin.button if button.label == "解锁所选月份").click().run()
    assert states(pending)[1] == (dt.date(2023, 2, 1), "approved", "测试管理员")


def test_reporting_timeliness_per_county_and_month(pending):
    app = open_approval(ZHAO)
    grid = next(frame.value for frame in app.dataframe if "1月" in frame.value.columns)
    assert grid.iloc[0]["县区"] == "曲阜市 · 农村低保"
    assert (grid.iloc[0]["1月"], grid.iloc[0]["2月"], grid.iloc[0]["3月"]) == ("待审核", "待审核", "未报送")
    rate = next(frame.value for frame in app.dataframe if "报送及时率" in frame.value.columns).iloc[0]
    assert (rate["县区"], rate["待审核"], rate["未报送"]) == ("曲阜市", 2, 10)


def test_the_overview_names_a_county_with_months_not_reported(pending):
    app = open_app(county="370881", year="2023")
    assert not app.exception
    assert "还没有已审核的名册" in app.info[0].value  # leadership's default: approved data only
    app = open_app(county="370881", year="2023", pending="1")
    said = " ".join(markdown.value for markdown in app.markdown)
    assert "**曲阜市**：2023年有 10 个月的名册过了报送截止日仍未报送" in said  # March–December 2023, all due long ago


def test_picking_a_replacement_shows_what_it_changes_against_the_approved_version(tmp_path, warehouse):
    """Approved: households 1 and 2. The replacement drops 2, adds 3 and pays 1 more: the approver sees it."""
    wang = Actor("wang", "evaluator", frozenset({"370881"}))
    versions = {
        "a.csv": [
            ["鲁城街道", make_id(sequence=1), "2", "1490", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "1", "745", "2023-01-10"],
        ],
        "b.csv": [
            ["鲁城街道", make_id(sequence=1), "2", "1600", "2023-01-10"],
            ["书院街道", make_id(sequence=3), "1", "745", "2023-01-10"],
        ],
    }
    for number, (name, rows) in enumerate(versions.items()):
        path = write_csv(tmp_path / name, rows, header=HEADER, title=[["2023-01 农村低保发放明细"]])
        ingest_roster(warehouse, path, county="370881", month="2023-01", program="rural", user=wang)
        if number == 0:
            approve(
                warehouse,
                Actor("zhao", "evaluator", frozenset({"370881"})),
                [Slot("370881", "rural", dt.date(2023, 1, 1))],
            )
    app = open_approval(ZHAO)
    pick(app, "approval-waiting-picked", 0).run()
    assert not app.exception
    shown = {metric.label: metric.value for metric in app.metric}
    assert (shown["新增户"], shown["退出户"], shown["变更户"]) == ("1", "1", "1")
    assert any(
        "待审核：「b.csv」（wang 上传）；已审核：「a.csv」（wang 上传）" in caption.value for caption in app.caption
    )
    households = next(frame.value for frame in app.dataframe if "变化" in frame.value.columns)
    masked = {n: make_id(sequence=n)[:4] + "*" * 10 + make_id(sequence=n)[-4:] for n in (1, 2, 3)}
    assert sorted(zip(households["变化"], households["身份证号（已脱敏）"], strict=True)) == sorted(
        [("新增", masked[3]), ("退出", masked[2]), ("变更", masked[1])]
    )
    townships = next(frame.value for frame in app.dataframe if "金额（元）·增减" in frame.value.columns)
    assert dict(zip(townships["乡镇（街道）"], townships["金额（元）·增减"], strict=True)) == {
        "书院街道": 0.0,
        "鲁城街道": 110.0,
    }


def test_an_evaluation_replacement_shows_its_score_changes_and_is_approved_on_the_page(tmp_path, warehouse):
    """wang's corrected Qufu sheet replaces the approved one: zhao sees the total and the indicator that moved."""
    sheet = SEEDS / "evaluations" / "370881_2023_rural.csv"
    ingest_evaluation(warehouse, sheet, user=Actor("wang", "evaluator", frozenset({"370881"})))
    approve(
        warehouse,
        Actor("zhao", "evaluator", frozenset({"370881"})),
        [EvaluationKey("370881", "rural", 2023, "finance")],
    )
    lines = sheet.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",92.46,优,", ",91.46,优,")
    lines[4] = lines[4].replace("立项程序规范性,,,2,2,", "立项程序规范性,,,2,1,")
    corrected = tmp_path / "corrected.csv"
    corrected.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest_evaluation(warehouse, corrected, user=Actor("wang", "evaluator", frozenset({"370881"})))

    app = open_approval(ZHAO)
    picker = app.multiselect(key="approval-evaluations-picked")
    assert picker.options == ["曲阜市 · 农村低保 · 2023 · 财政评价（待审核，上传 wang）"]
    picker.set_value([picker.options[0]]).run()
    assert not app.exception
    shown = {metric.label: (metric.value, metric.delta) for metric in app.metric}
    assert shown["总分"] == ("91.46", "-1.00") and shown["等级"] == ("优", "优 → 优")
    moved = next(frame.value for frame in app.dataframe if "原得分" in frame.value.columns)
    assert moved.values.tolist() == [["决策/项目立项/立项程序规范性", 2.0, 2.0, 1.0, -1.0]]
    next(button for button in app.button if button.label == "审核通过所选评价").click().run()
    assert not app.exception
    assert read.evaluations(warehouse, counties=["370881"])["total_score"].to_list() == [91.46]
