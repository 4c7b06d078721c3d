"""`dibao followup list|set`: the register from the command line, with the page's rules (who may set what,
a note for 误报), plain messages and exit status 1 on refusal."""

from __future__ import annotations

import json

from click.testing import CliRunner

from access.accounts import add_user
from cli import main
from warehouse import audit
from warehouse.settings import get_settings

CHENGGONG = ["--county", "530114", "--year", "2020"]


def register(*options: str) -> dict:
    result = CliRunner().invoke(main, ["followup", "list", *CHENGGONG, "--json", *options])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def as_account(monkeypatch, name: str) -> None:
    monkeypatch.setenv("DIBAO_USER", name)
    get_settings.cache_clear()


def test_list_then_set_a_flag_to_false_alarm_with_a_note(demo_copy):
    shown = register("--kind", "anomaly")
    typo = next(item for item in shown["items"] if item["month"] == "2020-08")
    assert typo["status_words"] == "待核实" and typo["basis"] == "synthetic"
    assert typo["words"].startswith("七甸街道 2020年8月 人均发放金额 497.9 元，较上月上升 29%")
    set_it = [
        "followup",
        "set",
        typo["key"],
        *CHENGGONG,
        "--status",
        "误报",
        "--owner",
        "张科长",
        "--due",
        "2020-10-15",
    ]

    refused = CliRunner().invoke(main, set_it)
    assert refused.exit_code == 1 and "须写明说明" in refused.output and "Traceback" not in refused.output
    done = CliRunner().invoke(main, [*set_it, "--note", "8月补发7月差额，已核实"])
    assert done.exit_code == 0 and "待核实 → 误报" in done.output

    closed = register("--status", "false_alarm")["items"]
    assert [(item["key"], item["owner"], item["due"], item["note"]) for item in closed] == [
        (typo["key"], "张科长", "2020-10-15", "8月补发7月差额，已核实")
    ]
    assert audit.events(demo_copy, action="followup").height == 1
    text = CliRunner().invoke(main, ["followup", "list", *CHENGGONG, "--status", "误报"]).output
    assert "误报" in text and "七甸街道" in text and "负责人 张科长" in text


def test_an_open_flag_past_due_is_listed_as_overdue(demo_copy):
    finding = register("--kind", "finding")["items"][0]
    options = ["--status", "待核实", "--owner", "李", "--due", "2021-01-01"]
    assert CliRunner().invoke(main, ["followup", "set", finding["key"], *CHENGGONG, *options]).exit_code == 0
    overdue = register("--overdue")
    assert overdue["overdue"] == 1 and overdue["items"][0]["key"] == finding["key"]
    assert "【逾期】" in CliRunner().invoke(main, ["followup", "list", *CHENGGONG, "--overdue"]).output


def test_refusals_are_plain(demo_copy, monkeypatch):
    key = register()["items"][0]["key"]
    unknown = CliRunner().invoke(main, ["followup", "set", "0000000000", *CHENGGONG, "--status", "已整改"])
    assert unknown.exit_code == 1 and "没有编号为 0000000000 的待办" in unknown.output
    bad_date = CliRunner().invoke(main, ["followup", "set", key, *CHENGGONG, "--status", "已整改", "--due", "10/15"])
    assert bad_date.exit_code == 1 and "应写作 YYYY-MM-DD" in bad_date.output
    add_user(demo_copy, username="kan", role="viewer", counties=[], password="pw-0123456789", by="t")
    as_account(monkeypatch, "kan")
    viewer = CliRunner().invoke(main, ["followup", "set", key, *CHENGGONG, "--status", "已整改"])
    assert viewer.exit_code == 1 and "不能处理县区 530114" in viewer.output
    assert audit.events(demo_copy, action="followup").is_empty()
