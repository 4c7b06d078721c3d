"""The re-check of each of the five seed evaluations, through `dibao rubric check` on the demo warehouse.

What each asserts is written up, with the report's own figures, in docs/rubric-findings.md.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def check(runner, county: str, year: int) -> dict:
    result = runner.invoke(main, ["rubric", "check", "--county", county, "--year", str(year), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert len(found) == 1 and found[0]["source"] == "seed"
    return found[0]


def differences(checked: dict) -> dict[str, tuple]:
    return {d["indicator"]: (d["reported"], d["recomputed"]) for d in checked["differences"]}


def difference(checked: dict, indicator: str) -> dict:
    return next(d for d in checked["differences"] if d["indicator"] == indicator)


def test_qufu_2023_execution_rate_scored_on_the_wrong_formula(demo_warehouse, runner):
    checked = check(runner, "370881", 2023)
    assert (checked["county_name"], checked["program"], checked["kind"]) == ("曲阜市", "rural", "财政评价")
    assert differences(checked) == {
        "过程/资金管理/预算执行率": (1.0, 2.0),
        "过程": (16.0, 17.0),
        "合计": (92.46, 93.46),
    }
    execution = difference(checked, "过程/资金管理/预算执行率")
    assert execution["inputs"]["实际支出（万元）"] == 6615.24 and execution["inputs"]["实际到位（万元）"] == 6615.18
    assert execution["inputs"]["预算执行率（实际支出 ÷ 实际到位）"] == "100.0009%"
    assert "(100%, inf) → 2" in execution["rule"] and "实际支出资金/实际到位资金" in execution["scoring"]
    assert (checked["reported_grade"], checked["recomputed_grade"]) == ("优", "优")
    assert checked["problems"] == []


def test_qufu_2023_leaves_the_warehouse_confirms(demo_warehouse):
    from rubrics.check import check_evaluations

    (checked,) = check_evaluations(demo_warehouse, county="370881", year=2023)
    lines = {line.path: line for line in checked.lines}
    confirmed = {
        "过程/资金管理/项目资金到位率": 1,  # 6,615.18 / 7,207.20 = 91.79 % → 90–95 % → 1
        "产出/产出数量/享受低保对象发放率": 8,  # 12,302 / 13,000 = 94.63 % → 8
        "产出/产出时效/补助资金及时发放率": 10,  # 12 months on time
        "效益/项目效益/农村低保标准提高": 3,  # 700 → 745
        "效益/项目效益/政策知晓率": 2.63,  # 87.67 % × 3
        "效益/项目效益/服务对象满意度": 7.33,  # 91.63 % × 8
    }
    for path, points in confirmed.items():
        assert (lines[path].how, lines[path].reported, lines[path].recomputed) == ("重算", points, points), path
    assert lines["产出/产出数量/享受低保对象发放率"].inputs["月均保障人数"] == 12302


def test_xinping_2020_coverage_defined_on_amounts_but_scored_on_persons(demo_warehouse, runner):
    checked = check(runner, "530427", 2020)
    assert differences(checked) == {
        "产出/产出质量/农村低保发放人数覆盖率": (5.0, 8.0),
        "产出/产出质量": (23.0, 26.0),
        "产出": (44.0, 47.0),
        "合计": (88.0, 91.0),
        "等级": ("良", "优"),
    }
    coverage = difference(checked, "产出/产出质量/农村低保发放人数覆盖率")
    assert coverage["inputs"]["名册发放金额（万元）"] == 3194.43
    assert coverage["inputs"]["发放率（名册发放金额 ÷ 预算安排）"] == "100%"
    assert any("60%≤资金到位率<60%" in problem for problem in checked["problems"])


def test_zhanjiang_2022_satisfaction_below_its_own_formula(demo_warehouse, runner):
    checked = check(runner, "440840", 2022)
    satisfaction = "效益/公平性/满意度/(社会公众或服务对象满意度一个性指标)"
    assert differences(checked) == {satisfaction: (4.0, 4.25), "合计": (98.0, 98.25)}
    assert (checked["reported_grade"], checked["recomputed_grade"]) == ("优", "优")


def test_chenggong_2023_full_marks_and_a_grade_word_that_is_not_a_grade(demo_warehouse, runner):
    checked = check(runner, "530114", 2023)
    assert checked["differences"] == []
    assert checked["recomputed_total"] == 100 and checked["recomputed_grade"] == "优"
    assert any("「优秀」不是等级" in problem for problem in checked["problems"])


def test_unnamed_county_2023_strict_targets_met_only_at_equality(demo_warehouse, runner):
    checked = check(runner, "900001", 2023)
    found = differences(checked)
    strict = {
        "成本指标/社会成本指标/低保经办人按照岗位要求进行招聘": (5.0, 0.0),  # ＞95% at 95
        "成本指标/社会成本指标/全年组织低保经办人员培训次数": (5.0, 0.0),  # ＞4次 at 4
        "产出指标/时效指标/资金每月10号发放到位": (6.0, 0.0),  # ＜10日 at 10
        "效益指标/社会效益指标/困难群众满意度": (8.0, 0.0),  # ＞95% at 95
    }
    assert strict.items() <= found.items()
    assert checked["reported_total"] is None and checked["reported_grade"] == "好"
    assert {"报告没有总分（重算为 44）", "报告等级「好」不是等级（优、良、中、差）"} <= set(checked["problems"])
    assert any("90 分，不是 100 分" in problem for problem in checked["problems"])
    standards = {d["indicator"]: d for d in checked["differences"]}
    assert "成本指标/经济成本指标/城镇低保常保对象低保月标准" not in standards  # 825 in force, as reported


def test_check_text_names_rule_and_inputs(demo_warehouse, runner):
    result = runner.invoke(main, ["rubric", "check", "--county", "370881", "--year", "2023"])
    assert result.exit_code == 0
    assert "差异 过程/资金管理/预算执行率：报告 1，重算 2" in result.output
    assert "依据：实际支出（万元） 6615.24；实际到位（万元） 6615.18" in result.output


def test_check_needs_a_county_and_year_or_all(demo_warehouse, runner):
    result = runner.invoke(main, ["rubric", "check", "--county", "370881"])
    assert result.exit_code == 2 and "--all" in result.output
    assert "Traceback" not in result.output


def test_check_all_covers_every_evaluation(demo_warehouse, runner):
    result = runner.invoke(main, ["rubric", "check", "--all", "--json"])
    assert result.exit_code == 0
    found = json.loads(result.output)
    assert len(found) >= 30 and {item["rubric"] for item in found} - {""} == {
        "qufu-2023",
        "xinping-2020",
        "guangdong-self-2022",
        "kunming-self-2023",
        "county-900001-2023",
    }
    assert set(found[0]) >= {"county", "county_name", "year", "program", "kind", "differences", "problems"}
