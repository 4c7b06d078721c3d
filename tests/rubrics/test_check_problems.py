"""The re-check on a small warehouse: structural problems of a score sheet, and metrics it cannot compute."""

from __future__ import annotations

import csv
import io

import pytest

from demo import SEEDS
from rubrics.check import check_evaluations
from tests.files import store_approved_evaluation

QUFU_SHEET = SEEDS / "evaluations" / "370881_2023_rural.csv"


def qufu_sheet(tmp_path, edit) -> list[list[str]]:
    """The Qufu 2023 seed sheet with `edit(rows)` applied, written to a file and returned as rows."""
    rows = list(csv.reader(io.StringIO(QUFU_SHEET.read_text(encoding="utf-8-sig"))))
    edit(rows)
    path = tmp_path / "qufu.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def row_of(rows, *levels: str) -> list[str]:
    padded = [*levels, "", "", "", ""][:4]
    return next(row for row in rows if row[12:16] == padded)


@pytest.fixture
def broken(tmp_path, warehouse):
    def edit(rows):
        row_of(rows, "决策")[18] = "18.00"  # its leaves add up to 19 (after the next edit)
        row_of(rows, "决策", "项目立项", "立项程序规范性")[18] = "1.5"  # two yes/no clauses of 1: 0, 1 or 2
        row_of(rows, "产出", "产出数量", "享受低保对象发放率")[17] = "12"  # the rubric says 10
        extra = ["", *[""] * 11, "效益", "项目效益", "额外指标", "", "", "1", "1", "", "", ""]
        rows.append(extra)
        rows[1][6] = "优秀"  # not a grade word

    store_approved_evaluation(warehouse, qufu_sheet(tmp_path, edit))
    (checked,) = check_evaluations(warehouse, county="370881", year=2023)
    return checked


def test_structural_problems_are_listed(broken):
    problems = broken.problems
    assert "「决策」报告小计 18，但下级报告得分合计 19" in problems
    assert "报告总分 92.46，但一级指标报告得分合计 90.96" in problems
    assert any(
        p.startswith("「决策/项目立项/立项程序规范性」得分 1.5 不是评分规则能给出的分数（可能的得分：0、1、2）")
        for p in problems
    )
    assert "「产出/产出数量/享受低保对象发放率」得分表分值 12，指标体系分值 10" in problems
    assert any("「效益/项目效益/额外指标」不在指标体系" in p for p in problems)
    assert "报告等级「优秀」不是等级（优、良、中、差）" in problems


def test_judgement_scores_are_kept_and_the_total_recomputed_from_them(broken):
    found = {d.indicator: (d.reported, d.recomputed) for d in broken.differences}
    assert found["决策"] == (18.0, 19.0)  # 3 + 1.5 + 3 + 5 + 3.5 + 3: judgement leaves kept as reported
    assert found["过程"] == (16.0, 17.0)  # 预算执行率 recomputed from the evaluation's own figures
    assert found["合计"] == (92.46, 92.96)


def test_without_rosters_the_reports_own_actuals_still_score_and_the_rest_say_why(broken):
    lines = {line.path: line for line in broken.lines}
    # the report states these actuals, so they are scored on its own figures, rosters or not
    on_time = lines["产出/产出时效/补助资金及时发放率"]
    assert (on_time.recomputed, on_time.basis) == (10, "")
    assert lines["产出/产出时效/补助资金及时发放率"].inputs["报告的实际完成值"] == "100%"
    assert lines["产出/产出数量/享受低保对象发放率"].inputs["报告的实际完成值"] == "12,302.00人,实际完成率94.63%"
    assert lines["效益/项目效益/农村低保标准提高"].inputs["报告的实际完成值"] == "由每人每月700元提高到745元"
    # a roster metric the report states nothing for says why it waits
    unchecked = {line.path: line.reason for line in broken.unchecked}
    assert unchecked["产出/产出质量/单人补助标准发放合格率"] == "仓库中没有 2023 年的发放名册"
    assert lines["过程/资金管理/预算执行率"].recomputed == 2


def test_an_evaluation_without_a_rubric_says_so(tmp_path, warehouse):
    def edit(rows):
        rows[1][0] = "530427"  # Xinping's rubric is for its rural 2019–2024 evaluations, not 2030
        rows[1][2] = "2030"

    store_approved_evaluation(warehouse, qufu_sheet(tmp_path, edit))
    (checked,) = check_evaluations(warehouse, county="530427", year=2030)
    assert checked.rubric == "" and checked.differences == []
    assert checked.problems == ["没有适用于此评价的指标体系（rubrics/ 中无对应文件），无法重算"]
