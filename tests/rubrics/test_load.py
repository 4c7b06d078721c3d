"""Shipped rubrics load and add up; a broken rubric is rejected with the indicator named."""

from __future__ import annotations

from pathlib import Path

import pytest

from rubrics.load import HERE, RubricError, library, load_rubric

SEED_RUBRICS = {
    "qufu-2023": ("370881", "rural"),
    "xinping-2020": ("530427", "rural"),
    "guangdong-self-2022": ("440840", "rural"),
    "kunming-self-2023": ("530114", "urban"),
    "county-900001-2023": ("900001", "all"),
}

GOOD = """
name = "测试指标体系"
points = 10
grades = "mof-2020"

[[applies]]
county = "370881"
program = "rural"

[[indicator]]
path = "过程"
points = 10

[[indicator]]
path = "过程/资金管理"
points = 10

[[indicator]]
path = "过程/资金管理/资金到位率"
points = 6
rule = "bands"
metric = "funds_arrival_rate"
bands = [["[100%, 100%]", 6], ["[90%, 100%)", 3], ["[0, 90%)", 0]]

[[indicator]]
path = "过程/资金管理/资金使用合规性"
points = 4
rule = "parts"
parts = [
  { points = 2, rule = "deduction", per_item = 0.5, text = "发现1处扣0.5分" },
  { points = 2, rule = "yes_no", text = "社会化发放率100%" },
]
"""


def write(tmp_path: Path, text: str, name: str = "test-rubric.toml") -> Path:
    (tmp_path / "mof-2020.toml").write_bytes((HERE / "mof-2020.toml").read_bytes())
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejected(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RubricError) as error:
        load_rubric(write(tmp_path, text))
    return error.value.problems


@pytest.mark.parametrize(("rubric_id", "applies"), SEED_RUBRICS.items())
def test_each_seed_rubric_loads_and_its_points_add_up(rubric_id, applies):
    rubric = library()[rubric_id]
    assert (rubric.applies[0].county, rubric.applies[0].program) == applies
    for indicator in rubric.indicators:
        children = rubric.children(indicator.path)
        if children:
            assert sum(child.points for child in children) == pytest.approx(indicator.points), indicator.key
        else:
            assert indicator.rule is not None, indicator.key
            if indicator.rule.kind == "parts":
                assert sum(p.points for p in indicator.rule.parts) == pytest.approx(indicator.points), indicator.key
    assert {band.grade for band in rubric.grades} == {"优", "良", "中", "差"}
    expected_total = 90 if rubric_id == "county-900001-2023" else 100  # the unnamed county's table sums to 90
    assert rubric.total_points == pytest.approx(expected_total)


def test_the_seed_rubrics_say_what_they_can_recompute():
    leaves = {rid: library()[rid].leaves for rid in SEED_RUBRICS}
    computable = {rid: sum(1 for leaf in found if leaf.rule.computable) for rid, found in leaves.items()}
    assert {rid: len(found) for rid, found in leaves.items()} == {
        "qufu-2023": 20,
        "xinping-2020": 24,
        "guangdong-self-2022": 24,
        "kunming-self-2023": 21,
        "county-900001-2023": 14,
    }
    assert all(count >= 2 for count in computable.values()), computable
    qufu = library()["qufu-2023"].by_key
    assert qufu["过程/资金管理/预算执行率"].rule.metric == "budget_execution_rate"  # spent ÷ arrived, as written
    assert "项目资金到位率" in {qufu["过程/资金管理/项目资金到位率"].name}
    assert "资金到位率" in qufu["过程/资金管理/项目资金到位率"].aliases


def test_report_faults_are_kept_as_problems_not_rejections():
    assert any("60%≤资金到位率<60%" in p for p in library()["xinping-2020"].problems)
    assert any("90 分，不是 100 分" in p for p in library()["county-900001-2023"].problems)
    assert library()["qufu-2023"].problems == ()


def test_the_framework_gives_the_grade_bands_and_no_points():
    framework = library()["mof-2020"]
    assert framework.indicators == () and framework.framework == ("决策", "过程", "产出", "效益")
    assert [(band.grade, band.range.text) for band in framework.grades] == [
        ("优", "[90, 100]"),
        ("良", "[80, 90)"),
        ("中", "[60, 80)"),
        ("差", "[0, 60)"),
    ]


def test_a_good_rubric_loads(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.total_points == 10 and len(rubric.leaves) == 2 and rubric.problems != ()


LEAF = "「过程/资金管理/资金到位率」："
PARTS = "「过程/资金管理/资金使用合规性」："
GROUP = 'path = "过程/资金管理"\npoints = 10'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('path = "过程/资金管理"\npoints = 10', 'path = "过程/资金管理"\npoints = 9'),
            "「过程/资金管理」：分值 9，但下级指标合计 10",
        ),
        (('"[90%, 100%)", 3]', '"[95%, 100%)", 3]'), LEAF + "分档在 90%–95% 空档"),
        (('"[0, 90%)", 0]', '"[0, 90%]", 0]'), LEAF + "分档在 90%–90% 重叠"),
        (
            ('"[100%, 100%]", 6]', '"[100%, 100%]", 7]'),
            LEAF + "分档 [100%, 100%] 给 7 分，超出 0–6",
        ),
        (('metric = "funds_arrival_rate"', 'metric = "funds_rate"'), LEAF + "未知指标数据"),
        (
            ('points = 2, rule = "yes_no"', 'points = 1, rule = "yes_no"'),
            PARTS + "分值 4，但各分项合计 3",
        ),
        (('rule = "bands"\n', ""), LEAF + "末级指标缺少评分规则"),
        (
            ('path = "过程/资金管理"\npoints = 10\n', 'path = "过程/资金"\npoints = 10\n'),
            "上级指标「过程/资金管理」须在它之前列出",
        ),
        (("per_item = 0.5, ", ""), '「过程/资金管理/资金使用合规性（第 1 分项）」：rule = "deduction" 须给出每项扣分'),
        (("points = 10\ngrades", "points = 12\ngrades"), "总分值写作 12，但一级指标合计 10"),
        (('grades = "mof-2020"', 'grades = "mof-2021"'), "找不到 mof-2021.toml"),
        (("[[applies]]", "[[applies]]\nyear = 2023"), "applies.0.year"),
        (('rule = "bands"', 'rule = "stars"'), "「过程/资金管理/资金到位率」的 rule"),
        (('bands = [["[100%', 'bands = [["100%'), "不是区间"),
    ],
)
def test_a_broken_rubric_is_rejected_naming_the_indicator(tmp_path, change, message):
    old, new = change
    assert old in GOOD
    problems = rejected(tmp_path, GOOD.replace(old, new, 1))
    assert any(message in problem for problem in problems), problems
    assert all(problem.startswith("test-rubric.toml：") for problem in problems)


def test_grade_bands_with_a_gap_are_rejected(tmp_path):
    text = GOOD.replace('grades = "mof-2020"', "").replace(
        "[[applies]]",
        '[[grade]]\ngrade = "优"\nrange = "[90, 100]"\n[[grade]]\ngrade = "差"\nrange = "[0, 80)"\n\n[[applies]]',
    )
    assert any("等级区间在 80–90 分空档" in problem for problem in rejected(tmp_path, text))


def test_not_toml_is_rejected_with_the_line(tmp_path):
    problems = rejected(tmp_path, GOOD.replace("points = 6\n", "points = \n", 1))
    assert len(problems) == 1 and "不是有效的 TOML" in problems[0] and "line" in problems[0]


def test_dibao_rubric_validate_lists_each_shipped_rubric():
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["rubric", "validate"])
    assert result.exit_code == 0, result.output
    assert "qufu-2023.toml：曲阜市农村居民最低生活保障项目绩效评价指标体系，20 个末级指标" in result.output
    assert "报告原文问题：「决策/资金落实/资金到位率」评分规则原文「60%≤资金到位率<60%」" in result.output
    assert result.output.count(".toml：") == 6


def test_dibao_rubric_validate_rejects_a_broken_file_by_indicator(tmp_path):
    from click.testing import CliRunner

    from cli import main

    path = write(tmp_path, GOOD.replace('"[90%, 100%)", 3]', '"[95%, 100%)", 3]'))
    result = CliRunner().invoke(main, ["rubric", "validate", str(path)])
    assert result.exit_code == 1
    assert "test-rubric.toml：指标「过程/资金管理/资金到位率」：分档在 90%–95% 空档" in result.output
    assert "Traceback" not in result.output
