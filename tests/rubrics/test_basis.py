"""What a re-checked score rests on, on a warehouse built here: the report's stated actual is scored
first; uploaded (not synthetic) rosters that disagree are a second opinion with basis "warehouse"."""

from __future__ import annotations

import pytest

from demo import SEEDS
from rubrics.check import check_evaluations
from tests.files import make_id, store_approved_evaluation, store_plain_roster

QUFU_SHEET = SEEDS / "evaluations" / "370881_2023_rural.csv"


@pytest.fixture
def one_month(tmp_path, warehouse):
    """Qufu's 2023 seed evaluation and one uploaded January roster of three persons."""
    store_approved_evaluation(warehouse, QUFU_SHEET)
    rows = [
        ["鲁城街道", make_id(sequence=1), "2", "1,490", "2023-01-10"],
        ["书院街道", make_id(sequence=2), "1", "745", "2023-01-12"],
    ]
    store_plain_roster(warehouse, tmp_path, rows, county="370881", month="2023-01")
    (checked,) = check_evaluations(warehouse, county="370881", year=2023)
    return checked


def test_the_reports_stated_actual_is_scored_and_the_rosters_are_a_second_opinion(one_month):
    found = {(d.indicator, d.basis): d for d in one_month.differences}
    persons = found[("产出/产出数量/享受低保对象发放率", "warehouse")]
    assert (persons.reported, persons.recomputed, persons.synthetic) == (8.0, 0.0, False)  # uploaded, not demo data
    assert persons.inputs["报告的实际完成值"] == "12,302.00人,实际完成率94.63%"
    assert persons.inputs["全年人次"] == 3
    lines = {line.path: line for line in one_month.lines}
    line = lines["产出/产出数量/享受低保对象发放率"]
    assert (line.report_basis, line.recomputed, line.basis_words) == (8.0, 0.0, "仓库数据")
    # no stated actual: the rosters are the only figure (warehouse basis), and they agree with the report
    assert ("产出/产出质量/单人补助标准发放合格率", "warehouse") not in found
    assert lines["产出/产出质量/单人补助标准发放合格率"].inputs["名册行（户·月）"] == 2


def test_totals_keep_the_report_basis_apart_from_the_warehouse(one_month):
    assert one_month.totals["report_basis"] == 93.46  # 预算执行率, proven by the report's own figures
    assert one_month.grades["report_basis"] == "优"
    assert one_month.totals["report_and_readings"] == 93.46
    assert one_month.totals["report_and_warehouse"] < 90 and one_month.grades["report_and_warehouse"] != "优"
    assert one_month.grade_note.startswith("按仓库数据（名册、标准）重算，等级由「优」变为")
    assert "合成" not in one_month.grade_note
    proven = [d.indicator for d in one_month.differences if d.basis == "report"]
    assert proven == ["过程", "过程/资金管理/预算执行率", "合计"]
