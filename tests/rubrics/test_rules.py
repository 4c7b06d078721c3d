"""Every rule type at and around its edges, with the bands of the shipped rubrics."""

from __future__ import annotations

import pytest

from rubrics.load import library
from rubrics.model import Band, Rule
from rubrics.ranges import coverage_faults, parse_range, parse_test
from rubrics.rules import possible_scores, score

QUFU = library()["qufu-2023"].by_key
XINPING = library()["xinping-2020"].by_key


def rule_of(rubric: dict, path: str) -> Rule:
    rule = rubric[path].rule
    assert rule is not None
    return rule


@pytest.mark.parametrize(
    ("rate", "points"),
    [
        (1.0, 3),  # 100%得3分
        (0.99999, 2),  # 95%-100%（不含）
        (0.95, 2),  # exactly 95 %: the lower edge is included
        (0.949999, 1),
        (0.9179, 1),  # Qufu 2023: 6,615.18 / 7,207.20
        (0.90, 1),
        (0.8999, 0),  # 小于90%不得分
        (0.0, 0),
    ],
)
def test_qufu_funds_arrival_bands(rate, points):
    assert score(rule_of(QUFU, "过程/资金管理/项目资金到位率"), rate) == points


def test_a_rate_outside_every_band_scores_nothing_rather_than_a_guess():
    # Qufu's 资金到位率 has no band above 100 %: 101 % is not silently given 3 points.
    assert score(rule_of(QUFU, "过程/资金管理/项目资金到位率"), 1.01) is None


@pytest.mark.parametrize(
    ("rate", "points"),
    [(1.000009, 2), (1.0, 3), (0.9999, 2), (0.95, 2), (0.9179, 1), (0.8999, 0)],
)
def test_qufu_execution_rate_gives_less_above_100_percent_than_at_it(rate, points):
    # 大于100%得2分，100%得3分: as written, overspending by 0.06 万元 costs a point.
    assert score(rule_of(QUFU, "过程/资金管理/预算执行率"), rate) == points


@pytest.mark.parametrize(
    ("rate", "points"),
    [(1.2, 10), (0.95, 10), (0.9499, 8), (0.9463, 8), (0.90, 8), (0.8999, 6), (0.85, 6), (0.80, 4), (0.7999, 0)],
)
def test_qufu_recipients_bands_follow_the_inequalities_as_written(rate, points):
    # 发放率≥95%得10分，95%＞发放率≥90%得8分 … 发放率＜80%不得分; Qufu 12,302 / 13,000 = 94.63 %.
    assert score(rule_of(QUFU, "产出/产出数量/享受低保对象发放率"), rate) == points


def test_xinping_band_read_where_its_words_leave_a_gap():
    rule = rule_of(XINPING, "决策/资金落实/资金到位率")
    assert [score(rule, rate) for rate in (1.0, 0.9999, 0.80, 0.7999, 0.60, 0.5999)] == [2, 1, 1, 1, 1, 0]
    assert [band.written for band in rule.bands if band.written] == ["60%≤资金到位率<60%"]


@pytest.mark.parametrize(
    ("rate", "points", "expected"),
    [(0.9163, 8, 7.33), (0.8767, 3, 2.63), (0.8633, 3, 2.59), (0.85, 5, 4.25), (1.0, 8, 8), (1.2, 8, 8), (0, 8, 0)],
)
def test_ratio_is_rate_times_points_capped_and_rounded_to_two_decimals(rate, points, expected):
    assert score(Rule("ratio", points=points, metric="satisfaction_rate"), rate) == expected


@pytest.mark.parametrize(("items", "points"), [(0, 2), (1, 1.5), (3, 0.5), (4, 0), (9, 0)])
def test_deduction_per_item_stops_at_zero(items, points):
    assert score(Rule("deduction", points=2, per_item=0.5), items) == points


@pytest.mark.parametrize(
    ("test", "value", "met"),
    [
        ("> 0", 0.0, False),
        ("> 0", 0.0001, True),
        (">= 100%", 1.0, True),
        (">= 100%", 0.9999, False),
        (">= 100%", 0.1 + 0.2 + 0.7, True),  # float noise is not a miss
        ("> 95%", 0.95, False),  # strict: met only above
        ("＞95%", 0.9501, True),
        ("< 10", 10, False),
        ("= 825", 825, True),
        ("＝600", 600.0000000001, True),
        ("= 400", 413.39, False),
    ],
)
def test_yes_no_tests_at_their_edges(test, value, met):
    rule = Rule("yes_no", points=5, metric="reported_actual", test=parse_test(test))
    assert score(rule, value) == (5 if met else 0)


def test_yes_no_without_a_metric_is_the_evaluators_answer():
    rule = Rule("yes_no", points=1)
    assert (score(rule, True), score(rule, False)) == (1, 0)


def test_manual_scores_are_kept_within_their_points():
    rule = Rule("manual", points=4, options=(4, 2, 0))
    assert score(rule, 3.5) == 3.5 and score(rule, 9) == 4
    assert possible_scores(rule) == {4, 2, 0}


def test_possible_scores_of_parts_are_every_combination():
    rule = rule_of(QUFU, "决策/资金投入/预算编制科学性")  # 1 + three of 1/0.5/0
    allowed = possible_scores(rule)
    assert allowed is not None and 3.5 in allowed and 0.25 not in allowed and max(allowed) == 4


def test_a_missing_value_scores_nothing():
    assert score(Rule("bands", points=3, bands=(Band(parse_range("[0, inf)"), 3),)), None) is None


@pytest.mark.parametrize(
    ("ranges", "faults"),
    [
        (["[100%, 100%]", "[95%, 100%)", "[90%, 95%)", "[0, 90%)"], []),
        (["(100%, inf)", "[100%, 100%]", "[95%, 100%)", "[0, 95%)"], []),
        (["[100%, 100%]", "[80%, 100%)", "[0, 60%)"], ["60%–80% 空档"]),
        (["[0, 90%]", "[90%, 100%]"], ["90%–90% 重叠"]),
        (["[0, 90%)", "(90%, 100%]"], ["90%–90% 空档"]),
        (["[5%, 100%]"], ["0%–5% 空档"]),
        (["[0, 99%]"], ["99%–100% 空档"]),
    ],
)
def test_coverage_of_zero_to_hundred_percent(ranges, faults):
    assert [fault.describe() for fault in coverage_faults(parse_range(text) for text in ranges)] == faults


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "优"), (90.0, "优"), (89.99, "良"), (80.0, "良"), (79.99, "中"), (60.0, "中"), (59.99, "差"), (0, "差")],
)
def test_grade_bands_of_the_framework(total, grade):
    assert library()["mof-2020"].grade(total) == grade


@pytest.mark.parametrize("text", ["[90, 95", "90–95", "[a, b)", "(95%; 100%]"])
def test_a_range_that_is_not_one_is_refused_with_its_text(text):
    with pytest.raises(ValueError, match="不是区间"):
        parse_range(text)
