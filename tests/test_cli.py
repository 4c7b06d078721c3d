"""The `dibao` command: JSON shapes, exit codes and plain messages (no traceback)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from cli import main
from demo import SEEDS
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from loaders.standards import ingest_standards
from tests.files import make_id, write_csv

DIBAO = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "dibao"


def seed(engine) -> None:
    ingest_counties(engine, SEEDS / "counties.csv", user="t")
    ingest_standards(engine, SEEDS / "standards.csv", user="t")
    ingest_evaluation(engine, SEEDS / "evaluations" / "370881_2023_rural.csv", user="t")


def test_summary_json_shape_and_qufu_2023(tmp_path, empty_warehouse):
    seed(empty_warehouse)
    roster = write_csv(
        tmp_path / "r.csv",
        [
            ["鲁城街道", make_id(), "2", "1490", "2023-01-10"],
            ["书院街道", make_id(sequence=2), "1", "700", "2023-02-03"],
        ],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
        title=[["2023年1月农村低保发放明细"]],
    )
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "roster", str(roster), "--county", "370881"]).exit_code == 0
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
        }
    ]


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
    from warehouse import read

    result = CliRunner().invoke(main, ["demo", "--years", "2030-2031", "--counties", "2"])
    assert result.exit_code == 0, result.output
    assert "2 个演示县区（新建 2 个），2030–2031 年" in result.output
    assert read.years(empty_warehouse) == sorted({2030, 2031} | set(read.evaluations(empty_warehouse)["year"]))
    assert read.monthly_totals(empty_warehouse, counties=["800002"])["month"].dt.year().unique().to_list() == [
        2030,
        2031,
    ]


def test_demo_years_is_a_span_or_a_count(empty_warehouse):
    from cli import _year_span

    assert _year_span(None, None, "10") == range(2015, 2025)
    assert _year_span(None, None, "2023") == range(2023, 2024)
    assert _year_span(None, None, "2019-2024") == range(2019, 2025)
    for wrong in ("abc", "2024-2019", "2019-", "-3", "0", "100", "20190"):
        result = CliRunner().invoke(main, ["demo", "--years", wrong])
        assert result.exit_code == 2 and "--years" in result.output and "Traceback" not in result.output
