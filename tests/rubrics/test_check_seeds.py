"""The re-check of each of the five seed evaluations, through `dibao rubric check` on the demo warehouse.

What each asserts is written up, with the report's own figures, in docs/rubric-findings.md.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from rubrics.check import check_evaluations


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
    """Indicator → (reported, recomputed, basis) of every difference."""
    return {d["indicator"]: (d["reported"], d["recomputed"], d["basis"]) for d in checked["differences"]}


def difference(checked: dict, indicator: str, basis: str | None = None) -> dict:
    return next(d for d in checked["differences"] if d["indicator"] == indicator and basis in (None, d["basis"]))


def totals(checked: dict) -> tuple:
    """(reported, report basis, all) totals and grades."""
    keys = ("reported", "report_basis", "all")
    return tuple(checked["totals"][key] for key in keys), tuple(checked["grades"][key] for key in keys)


def test_qufu_2023_execution_rate_proven_by_the_reports_own_figures(demo_warehouse, runner):
    checked = check(runner, "370881", 2023)
    assert (checked["county_name"], checked["program"], checked["kind"]) == ("曲阜市", "rural", "财政评价")
    assert differences(checked) == {
        "过程/资金管理/预算执行率": (1.0, 2.0, "report"),
        "过程": (16.0, 17.0, "report"),
        "合计": (92.46, 93.46, "report"),
    }
    execution = difference(checked, "过程/资金管理/预算执行率")
    assert execution["inputs"]["实际支出（万元）"] == 6615.24 and execution["inputs"]["实际到位（万元）"] == 6615.18
    assert execution["inputs"]["预算执行率（实际支出 ÷ 实际到位）"] == "100.0009%"
    assert "(100%, inf) → 2" in execution["rule"] and "实际支出资金/实际到位资金" in execution["scoring"]
    # the rounding reading gives 3, not the reported 1 either: the difference does not rest on it
    assert execution["reading"].startswith("比率不先取整")
    assert [other["score"] for other in execution["alternatives"]] == [3.0]
    assert totals(checked) == ((92.46, 93.46, 93.46), ("优", "优", "优"))
    assert checked["grade_note"] == "" and checked["problems"] == [] and checked["missed_targets"] == []


def test_qufu_2023_stated_actuals_are_preferred_and_the_rosters_agree(demo_warehouse):
    (checked,) = check_evaluations(demo_warehouse, county="370881", year=2023)
    lines = {line.path: line for line in checked.lines}
    confirmed = {
        "过程/资金管理/项目资金到位率": 1,  # 6,615.18 / 7,207.20 = 91.79 % → 90–95 % → 1
        "产出/产出数量/享受低保对象发放率": 8,  # the stated 94.63 % → 8
        "产出/产出时效/补助资金及时发放率": 10,  # the stated 100 %
        "效益/项目效益/农村低保标准提高": 3,  # the stated 700 → 745
        "效益/项目效益/政策知晓率": 2.63,  # 87.67 % × 3
        "效益/项目效益/服务对象满意度": 7.33,  # 91.63 % × 8
    }
    for path, points in confirmed.items():
        line = lines[path]
        assert (line.how, line.reported, line.recomputed, line.report_basis) == ("重算", points, points, points), path
        assert line.basis == "" and line.other == "", path  # no difference and no warehouse disagreement
    assert lines["产出/产出数量/享受低保对象发放率"].inputs["报告的实际完成值"] == "12,302.00人,实际完成率94.63%"
    # the year without a stated actual is scored on the (synthetic) rosters: warehouse basis, no difference
    assert lines["产出/产出质量/单人补助标准发放合格率"].inputs["名册行（户·月）"] > 0


def test_xinping_2020_grade_changes_only_on_the_reading_of_coverage(demo_warehouse, runner):
    checked = check(runner, "530427", 2020)
    found = differences(checked)
    assert {key: value for key, value in found.items() if value[2] != "warehouse"} == {
        "产出/产出质量/农村低保发放人数覆盖率": (5.0, 8.0, "reading"),
        "产出/产出质量": (23.0, 26.0, "reading"),
        "产出": (44.0, 47.0, "reading"),
        "合计": (88.0, 91.0, "reading"),
        "等级": ("良", "优", "reading"),
    }
    coverage = difference(checked, "产出/产出质量/农村低保发放人数覆盖率")
    # the report's own figure for the same formula, not the rosters'
    assert coverage["inputs"]["报告的「农村低保补助资金发放率」实际完成值"] == "100%"
    assert coverage["reading"].startswith("照公式字面，按金额")
    assert coverage["alternatives"] == [{"reading": coverage["alternatives"][0]["reading"], "score": 5.0}]
    assert coverage["alternatives"][0]["reading"].startswith("按人数")
    assert totals(checked) == ((88.0, 88.0, 91.0), ("良", "良", "优"))
    assert checked["grades"]["report_and_warehouse"] == "良"
    assert checked["grade_note"].startswith("按解读（农村低保发放人数覆盖率）重算，等级由「良」变为「优」")
    # 资金结余率: the reading used gives the reported 1, the literal formula 0 — listed, not a difference
    balance = next(r for r in checked["readings"] if r["indicator"] == "过程/财务管理/资金结余率")
    assert (balance["score"], [other["score"] for other in balance["alternatives"]]) == (1.0, [0.0])
    # 资金发放时间及时率 is the report's yes/no question; its answer stands and the rosters agree
    assert "产出/产出时效/资金发放时间及时率" not in found
    # the year-end 8,210 persons the report states vs the rosters' monthly average: same band, different figure
    persons = difference(checked, "产出/产出数量/农村低保补助人数", "warehouse")
    assert (persons["reported"], persons["recomputed"], persons["synthetic"]) == (5.0, 5.0, True)
    assert persons["inputs"]["报告的实际完成值"] == "8210人"
    assert any("60%≤资金到位率<60%" in problem for problem in checked["problems"])


def test_zhanjiang_2022_readings_and_the_missed_timeliness_target(demo_warehouse, runner):
    checked = check(runner, "440840", 2022)
    satisfaction = "效益/公平性/满意度/(社会公众或服务对象满意度一个性指标)"
    progress = "产出/效率性/完成进度/(数量指标一个性指标)"
    assert differences(checked) == {
        progress: (22.0, 19.67, "reading"),
        satisfaction: (4.0, 4.25, "reading"),
        "合计": (98.0, 95.92, "reading"),
    }
    split = difference(checked, progress)
    assert [other["score"] for other in split["alternatives"]] == [22.0, 15.0]  # the report's way; all-or-nothing
    assert split["inputs"]["第2分项·实际完成值"] == "60%" and split["inputs"]["第2分项得分"] == 4.67
    assert [other["score"] for other in difference(checked, satisfaction)["alternatives"]] == [4.0]
    assert totals(checked) == ((98.0, 98.0, 95.92), ("优", "优", "优"))
    assert checked["missed_targets"] == [
        {
            "target": "困难群众基本生活救助和孤儿基本生活费按时发放率",
            "indicator": "产出/效率性/完成进度",
            "written": "≥90%",
            "actual": "60%",
            "score": 22.0,
            "points": 22.0,
            "basis": "report",
        }
    ]
    assert any("按时发放率」年度指标值 ≥90%、实际完成值 60%" in problem for problem in checked["problems"])


def test_chenggong_2023_full_marks_and_a_grade_word_that_is_not_a_grade(demo_warehouse, runner):
    checked = check(runner, "530114", 2023)
    assert checked["differences"] == [] and checked["readings"] == [] and checked["missed_targets"] == []
    assert totals(checked) == ((100.0, 100.0, 100.0), ("优秀", "优", "优"))
    assert any("「优秀」不是等级" in problem for problem in checked["problems"])


def test_unnamed_county_2023_readings_and_synthetic_rosters_kept_apart(demo_warehouse, runner):
    checked = check(runner, "900001", 2023)
    found = differences(checked)
    strict = {
        "成本指标/社会成本指标/低保经办人按照岗位要求进行招聘": (5.0, 0.0, "reading"),  # ＞95% at 95
        "成本指标/社会成本指标/全年组织低保经办人员培训次数": (5.0, 0.0, "reading"),  # ＞4次 at 4
        "产出指标/数量指标/对低保常保对象按照每年一次复核，非常保对象每年2次复核": (8.0, 0.0, "reading"),  # ＞1次 at 1
        "产出指标/时效指标/资金每月10号发放到位": (6.0, 0.0, "reading"),  # ＜10日 at 10
        "效益指标/社会效益指标/困难群众满意度": (8.0, 0.0, "reading"),  # ＞95% at 95
    }
    rosters = {
        "产出指标/质量指标/农村低保人均补差": (8.0, 0.0, "warehouse"),  # the report says 400, the rosters 413.39
        "产出指标/质量指标/城镇低保人均补差": (6.0, 0.0, "warehouse"),  # the report says 530, the rosters 544.68
    }
    assert found == strict | rosters
    rural = difference(checked, "产出指标/质量指标/农村低保人均补差")
    assert rural["synthetic"] is True and rural["inputs"]["报告的实际完成值"] == "400"
    assert rural["inputs"]["人均补差（发放金额 ÷ 人次，元/人/月）"] == 413.39
    for indicator in strict:
        assert [other["score"] for other in difference(checked, indicator)["alternatives"]] == [
            strict[indicator][0]
        ] * 2  # equality met, or scored in proportion: the reported full marks either way
    assert checked["totals"] == {
        "reported": None,
        "report_basis": 90.0,
        "report_and_readings": 58.0,
        "report_and_warehouse": 76.0,
        "all": 44.0,
    }
    assert checked["grades"] == {
        "reported": "好",
        "report_basis": "优",
        "report_and_readings": "中",
        "report_and_warehouse": "良",
        "all": "差",
    }
    assert "按合成演示数据（名册）重算，等级由「优」变为「良」" in checked["grade_note"]
    assert [target["target"] for target in checked["missed_targets"]] == [
        "低保经办人按照岗位要求进行招聘",
        "全年组织低保经办人员培训次数",
        "对低保常保对象按照每年一次复核，非常保对象每年2次复核",
        "资金每月10号发放到位",
        "困难群众满意度",
    ]
    assert checked["reported_total"] is None and checked["reported_grade"] == "好"
    assert {"报告没有总分（只按报告数字重算为 90，全部计入为 44）", "报告等级「好」不是等级（优、良、中、差）"} <= set(
        checked["problems"]
    )
    assert any("90 分，不是 100 分" in problem for problem in checked["problems"])


def test_check_text_names_basis_rule_and_inputs(demo_warehouse, runner):
    result = runner.invoke(main, ["rubric", "check", "--county", "370881", "--year", "2023"])
    assert result.exit_code == 0
    assert "报告 92.46 优 · 按报告数字重算 93.46 优 · 含解读与仓库数据 93.46 优" in result.output
    assert "差异〔报告数字〕过程/资金管理/预算执行率：报告 1，重算 2" in result.output
    assert "依据：实际支出（万元） 6,615.24；实际到位（万元） 6,615.18" in result.output
    assert "其他读法「比率先取整到 0.01%（100.00% 落在「100%得3分」）」：3 分" in result.output
    text = runner.invoke(main, ["rubric", "check", "--county", "900001", "--year", "2023"]).output
    assert "差异〔仓库数据（合成演示数据）〕产出指标/质量指标/农村低保人均补差：报告 8，重算 0" in text
    assert "差异〔解读〕产出指标/时效指标/资金每月10号发放到位：报告 6，重算 0" in text


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
