"""The `dibao` command: JSON shapes, exit codes and plain messages (no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from access.accounts import add_user
from cli import main
from cli.demo import year_span
from demo import SEEDS
from loaders.counties import ingest_counties
from loaders.standards import ingest_standards
from tests.files import make_id, store_approved_evaluation, write_csv
from warehouse import read
from warehouse.settings import get_settings

DIBAO = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "dibao"


def seed(engine) -> None:
    ingest_counties(engine, SEEDS / "counties.csv", user="t")
    ingest_standards(engine, SEEDS / "standards.csv", user="t")
    store_approved_evaluation(engine, SEEDS / "evaluations" / "370881_2023_rural.csv")


def seed_with_a_roster(tmp_path, engine) -> None:
    """The seeds and one Qufu roster for 2023-01: two households, one paid late."""
    seed(engine)
    roster = write_csv(
        tmp_path / "r.csv",
        [
            ["鲁城街道", make_id(), "2", "1490", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "1", "700", "2023-02-03"],
        ],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
        title=[["2023年1月农村低保发放明细"]],
    )
    assert CliRunner().invoke(main, ["ingest", "roster", str(roster), "--county", "370881"]).exit_code == 0


def approve_as_another_account(engine, monkeypatch) -> None:
    """The roster was stored by the operator at the server: a second account approves it."""
    add_user(engine, username="zhao", role="evaluator", counties=["370881"], password="pw-0123456789", by="t")
    monkeypatch.setenv("DIBAO_USER", "zhao")
    get_settings.cache_clear()
    month = ["--county", "370881", "--program", "rural", "--month", "2023-01"]
    assert CliRunner().invoke(main, ["approve", *month]).exit_code == 0
    monkeypatch.delenv("DIBAO_USER")
    get_settings.cache_clear()


def test_summary_shows_a_month_waiting_for_approval_only_when_asked(tmp_path, empty_warehouse, monkeypatch):
    seed_with_a_roster(tmp_path, empty_warehouse)
    runner = CliRunner()
    waiting = ["summary", "--county", "370881", "--json"]
    assert json.loads(runner.invoke(main, waiting).output)["months"] == []
    shown = json.loads(runner.invoke(main, [*waiting, "--pending"]).output)["months"]
    assert [(month["month"], month["households"], month["pending"]) for month in shown] == [("2023-01", 2, True)]
    text = runner.invoke(main, ["summary", "--county", "370881", "--pending"]).output
    assert "2023-01（待审核）  农村     2" in text
    assert "没有已审核的月度数据" in runner.invoke(main, ["summary", "--county", "370881"]).output
    assert json.loads(runner.invoke(main, ["findings", "--county", "370881", "--json"]).output) == []
    found = json.loads(runner.invoke(main, ["findings", "--county", "370881", "--json", "--pending"]).output)
    assert [(finding["row"], finding["pending"]) for finding in found] == [(4, True)]


def test_summary_json_shape_and_qufu_2023(tmp_path, empty_warehouse, monkeypatch):
    seed_with_a_roster(tmp_path, empty_warehouse)
    approve_as_another_account(empty_warehouse, monkeypatch)
    runner = CliRunner()
    result = runner.invoke(main, ["summary", "--county", "370881", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["county"] == {"code": "370881", "name": "曲阜市"}
    assert data["months"] == [
        {
            "month": "2023-01",
            "program": "rural",
            "households": 2,
            "persons": 3,
            "amount": 2190.0,
            "on_time_households": 1,
            "late_households": 1,
            "unpaid_households": 0,
            "new_households": None,
            "exited_households": None,
            "source": "upload",
            "pending": False,
        }
    ]
    qufu = [s for s in data["standards"] if s["source"] == "seed"]
    assert [(s["effective_from"], s["yuan_per_person_month"], s["document"]) for s in qufu] == [
        ("2022-01-01", 700.0, ""),
        ("2023-01-01", 745.0, "济民字〔2023〕4号"),
    ]
    assert set(data["standards"][0]) == {
        "program",
        "category",
        "effective_from",
        "yuan_per_person_month",
        "document",
        "source",
    }
    assert data["evaluations"] == [
        {
            "year": 2023,
            "program": "rural",
            "kind": "finance",
            "score": 92.46,
            "grade": "优",
            "level1": {"决策": 19.5, "过程": 16.0, "产出": 33.0, "效益": 23.96},
            "source": "seed",
            "pending": False,
        }
    ]
    findings = json.loads(
        runner.invoke(main, ["findings", "--county", "370881", "--month", "2023-01", "--json"]).output
    )
    assert findings == [
        {
            "kind": "late_payment",
            "county": "370881",
            "month": "2023-01",
            "row": 4,
            "detail": "于 2023-02-03 发放，晚于截止日 2023-01-31（晚 3 天）",
            "pending": False,
        }
    ]


def test_summary_and_findings_print_aligned_text_unless_json(tmp_path, empty_warehouse, monkeypatch):
    seed_with_a_roster(tmp_path, empty_warehouse)
    approve_as_another_account(empty_warehouse, monkeypatch)
    runner = CliRunner()
    summary = runner.invoke(main, ["summary", "--county", "370881", "--year", "2023"])
    assert summary.exit_code == 0, summary.output
    lines = summary.output.splitlines()
    assert lines[0] == "曲阜市（370881）"
    month_table = lines[lines.index("") + 1 : lines.index("") + 3]
    assert month_table == [
        "月份     项目  户数  人数  金额（元）  按时发放户数  按时率",
        "2023-01  农村     2     3    2,190.00             1   50.0%",
    ]
    assert "2023-01-01  农村  —          745  济民字〔2023〕4号" in lines
    assert "2023  农村  财政评价  92.46  优    决策 19.5，过程 16，产出 33，效益 23.96" in lines
    as_json = json.loads(runner.invoke(main, ["summary", "--county", "370881", "--year", "2023", "--json"]).output)
    assert as_json["months"][0]["amount"] == 2190.0 and as_json["evaluations"][0]["score"] == 92.46

    masked = make_id(sequence=2)[:4] + "*" * 10 + make_id(sequence=2)[-4:]
    found = runner.invoke(main, ["findings", "--county", "370881"])
    assert found.exit_code == 0, found.output
    assert found.output.splitlines() == [
        "县区 370881 共 1 条发现",
        "",
        "类型      月份     行号  身份证号            说明",
        f"逾期发放  2023-01     4  {masked}  于 2023-02-03 发放，晚于截止日 2023-01-31（晚 3 天）",
    ]
    none = runner.invoke(main, ["findings", "--county", "370881", "--month", "2023-02"])
    assert none.exit_code == 0 and none.output == "县区 370881 2023-02 没有发现问题\n"
    assert json.loads(runner.invoke(main, ["findings", "--county", "370881", "--json"]).output)[0]["row"] == 4


def test_rejected_roster_exits_non_zero_with_a_plain_message(tmp_path, settings):
    env = dict(os.environ)
    subprocess.run(
        [str(DIBAO), "ingest", "counties", str(SEEDS / "counties.csv")], env=env, check=True, capture_output=True
    )
    bad = write_csv(
        tmp_path / "bad.csv",
        [["鲁城街道", make_id(), "两", "1490", "2023-01-10"]],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    result = subprocess.run(
        [str(DIBAO), "ingest", "roster", str(bad), "--county", "370881", "--month", "2023-01", "--program", "rural"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "bad.csv 第 2 行 「保障人数」列：无法识别为保障人数（应为正整数）：「两」" in result.stderr
    unknown = subprocess.run(
        [str(DIBAO), "summary", "--county", "123456", "--json"], env=env, capture_output=True, text=True
    )
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr and "123456" in unknown.stderr


def test_demo_counties_adds_synthetic_counties_for_the_years_asked(empty_warehouse):
    result = CliRunner().invoke(main, ["demo", "--years", "2030-2031", "--counties", "2"])
    assert result.exit_code == 0, result.output
    assert "2 个演示县区（新建 2 个），2030–2031 年" in result.output
    assert read.years(empty_warehouse) == sorted({2030, 2031} | set(read.evaluations(empty_warehouse)["year"]))
    assert read.monthly_totals(empty_warehouse, counties=["800002"])["month"].dt.year().unique().to_list() == [
        2030,
        2031,
    ]


def test_demo_years_is_a_span_or_a_count(empty_warehouse):
    assert year_span(None, None, "10") == range(2015, 2025)
    assert year_span(None, None, "2023") == range(2023, 2024)
    assert year_span(None, None, "2019-2024") == range(2019, 2025)
    for wrong in ("abc", "2024-2019", "2019-", "-3", "0", "100", "20190"):
        result = CliRunner().invoke(main, ["demo", "--years", wrong])
        assert result.exit_code == 2 and "--years" in result.output and "Traceback" not in result.output


def test_ingest_roster_progress_prints_every_step_on_stderr(tmp_path, empty_warehouse):
    seed(empty_warehouse)
    rows = [["鲁城街道", make_id(sequence=n), "1", "700", "2023-01-10"] for n in range(1, 6)]
    roster = write_csv(tmp_path / "r.csv", rows, header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"])
    slot = ["--county", "370881", "--program", "rural", "--month", "2023-01"]
    quiet = CliRunner().invoke(main, ["ingest", "roster", str(roster), *slot])
    assert quiet.exit_code == 0 and quiet.stderr == ""  # a file done within two seconds says nothing on the way
    again = write_csv(tmp_path / "r2.csv", rows[:4], header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"])
    shown = CliRunner().invoke(main, ["ingest", "roster", str(again), *slot, "--progress"])
    assert shown.exit_code == 0, shown.output
    steps = [line.split()[0] for line in shown.stderr.splitlines() if line.startswith("  ")]
    assert steps[0] == "read" and "checked" in steps and steps[-2:] == ["stored", "total"]
    assert "读取并校验：4 行" in shown.stderr and "4 行" in shown.stdout


def test_a_replacement_of_an_approved_month_says_it_waits_beside_it(tmp_path, empty_warehouse, monkeypatch):
    seed_with_a_roster(tmp_path, empty_warehouse)  # approved below: what leadership sees
    approve_as_another_account(empty_warehouse, monkeypatch)
    header = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
    slot = ["--county", "370881", "--program", "rural", "--month", "2023-01"]
    rows = [["鲁城街道", make_id(), "2", "1490", "2023-01-10"]]
    second = write_csv(tmp_path / "second.csv", rows, header=header)
    waiting = json.loads(CliRunner().invoke(main, ["ingest", "roster", str(second), *slot, "--json"]).output)
    approved = waiting["kept_until_approved"]
    assert waiting["replaced_upload"] is None and approved is not None and approved != waiting["upload_id"]
    third = write_csv(tmp_path / "third.csv", [*rows, ["书院街道", make_id(sequence=3), "1", "700", "2023-01-11"]],
                      header=header)  # fmt: skip
    said = CliRunner().invoke(main, ["ingest", "roster", str(third), *slot]).output
    assert f"替换了第 {waiting['upload_id']} 号上传，待审核：审核通过前仍显示第 {approved} 号上传" in said
