"""The follow-up register: a flag closed as 误报 stays closed when the same data comes again (the same file,
or the same households in a new file), reopens when its figure changes, and every setting is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from access.followup import FollowUpRefused, set_follow_up
from access.roles import EVALUATOR, Actor
from briefs.followup import follow_up
from tests.files import make_id, store_plain_roster
from warehouse import audit
from warehouse.followup import FALSE_ALARM, FIXED, OPEN, Decision

QUFU = "370881"
EVALUATOR_OF_QUFU = Actor("曲阜评价员", EVALUATOR, frozenset({QUFU}))


def roster(count: int, month: str, *, reverse: bool = False) -> list[list[str]]:
    """`count` one-person households of 鲁城街道 and 30 of 书院街道 paid in `month`."""
    rows = [["鲁城街道", make_id(sequence=n), "1", "745", f"{month}-05"] for n in range(1, count + 1)]
    rows += [["书院街道", make_id(sequence=100 + n), "2", "1490", f"{month}-05"] for n in range(1, 31)]
    return rows[::-1] if reverse else rows


@pytest.fixture
def dropped(warehouse, tmp_path):
    """A year of 60 households in 鲁城街道, then 40 in January 2024: an anomaly to follow up."""
    for index in range(12):
        store_plain_roster(
            warehouse, tmp_path, roster(60, f"2023-{index + 1:02d}"), county=QUFU, month=f"2023-{index + 1:02d}"
        )
    store_plain_roster(warehouse, tmp_path, roster(40, "2024-01"), county=QUFU, month="2024-01")
    return warehouse


def households_flag(engine) -> dict:
    """The register's item for the January drop in households (not the persons or exits of the same drop)."""
    shown = follow_up(engine, counties=[QUFU], year=2024, kinds=("anomaly",))
    return shown.filter(shown["subject"].str.contains("|households|", literal=True)).row(0, named=True)


def test_a_false_alarm_stays_closed_across_the_same_data_and_reopens_when_it_changes(dropped, tmp_path):
    flag = households_flag(dropped)
    assert flag["status"] == OPEN and flag["words"].startswith(
        "鲁城街道 2024年1月 保障户数 40，较上月下降 33%（上月 60）"
    )
    note = "鲁城街道1月集中清退20户死亡及迁出对象，有乡镇审批表"
    set_follow_up(dropped, EVALUATOR_OF_QUFU, flag, Decision(FALSE_ALARM, owner="王科员", note=note))
    assert households_flag(dropped)["status"] == FALSE_ALARM

    # the same file again, then the same households in a new file (rows the other way round): still closed
    store_plain_roster(dropped, tmp_path, roster(40, "2024-01"), county=QUFU, month="2024-01", approved=False)
    assert households_flag(dropped)["status"] == FALSE_ALARM  # the upload log knows the file: nothing was stored
    (tmp_path / "again").mkdir()
    (tmp_path / "corrected").mkdir()
    store_plain_roster(dropped, tmp_path / "again", roster(40, "2024-01", reverse=True), county=QUFU, month="2024-01")
    again = households_flag(dropped)
    assert (again["status"], again["reopened"], again["note"], again["owner"]) == (FALSE_ALARM, False, note, "王科员")

    # a corrected roster with another figure (35 households): the flag is open again, and says what it was
    store_plain_roster(dropped, tmp_path / "corrected", roster(35, "2024-01"), county=QUFU, month="2024-01")
    reopened = households_flag(dropped)
    assert (reopened["status"], reopened["reopened"], reopened["was"]) == (OPEN, True, "误报")
    assert reopened["status_words"] == "待核实" and "保障户数 35" in reopened["words"]

    events = audit.events(dropped, action="followup")
    assert events.height == 1 and "待核实 → 误报" in events["detail"][0] and note in events["detail"][0]
    assert events["actor"][0] == "曲阜评价员"


def test_who_may_set_a_flag_and_what_a_setting_must_say(dropped):
    flag = households_flag(dropped)
    leader = Actor("领导", "viewer")
    other_county = Actor("新平评价员", EVALUATOR, frozenset({"530427"}))
    with pytest.raises(FollowUpRefused, match="不能处理县区 370881"):
        set_follow_up(dropped, leader, flag, Decision(FIXED, note="已整改"))
    with pytest.raises(FollowUpRefused, match="可处理：530427"):
        set_follow_up(dropped, other_county, flag, Decision(FIXED, note="已整改"))
    with pytest.raises(FollowUpRefused, match="须写明说明"):
        set_follow_up(dropped, EVALUATOR_OF_QUFU, flag, Decision(FALSE_ALARM, note="  "))
    assert audit.events(dropped, action="followup").is_empty()
    assert households_flag(dropped)["status"] == OPEN


def test_an_open_flag_past_its_due_date_is_overdue(dropped):
    flag = households_flag(dropped)
    set_follow_up(dropped, EVALUATOR_OF_QUFU, flag, Decision(OPEN, owner="王科员", due=dt.date(2024, 2, 15)))
    before, after = (
        follow_up(dropped, counties=[QUFU], year=2024, kinds=("anomaly",), today=today).filter(key=flag["key"])
        for today in (dt.date(2024, 2, 15), dt.date(2024, 2, 16))
    )
    assert not before["overdue"][0] and after["overdue"][0]


def test_findings_and_re_check_differences_are_items_too(demo_warehouse):
    shown = follow_up(demo_warehouse, counties=[QUFU], year=2023)
    kinds = set(shown["kind"])
    assert kinds == {"anomaly", "finding", "recheck"}
    recheck = shown.filter(kind="recheck")
    # the 2023 financial evaluation's own figures prove three differences; others rest on a reading or data
    assert recheck.filter(basis="report").height == 3
    assert all(word in recheck["words"][0] for word in ("2023年", "报告", "重算", "依据"))
    assert shown["key"].n_unique() == shown.height
