"""Counties, standards and evaluation score sheets: the shipped seeds load exactly; bad sheets are refused."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from demo import SEEDS
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from loaders.standards import ingest_standards
from tests.files import write_csv
from warehouse import read
from warehouse.errors import Rejected


@pytest.fixture
def seeded(empty_warehouse):
    engine = empty_warehouse
    ingest_counties(engine, SEEDS / "counties.csv", user="t")
    ingest_standards(engine, SEEDS / "standards.csv", user="t")
    for path in sorted((SEEDS / "evaluations").glob("*.csv")):
        ingest_evaluation(engine, path, user="t")
    return engine


def level1(engine, code: str) -> dict[str, float]:
    evaluation = read.evaluations(engine, counties=[code], pending=True)
    rows = read.indicator_scores(engine, evaluation_ids=evaluation["id"].to_list(), depth=1)
    return dict(rows.select("level1", "score").iter_rows())


def test_registry_holds_the_five_seed_places_with_deadlines(seeded):
    counties = read.counties(seeded)
    assert counties.select("code", "deadline_day").rows() == [
        ("370881", None),
        ("440840", 20),
        ("530114", 10),
        ("530427", 30),
        ("900001", 10),
    ]
    assert read.townships(seeded, county="370881").height == 12
    assert read.townships(seeded, county="530427").height == 12
    assert read.townships(seeded, county="530114").height == 10


def test_seed_evaluations_totals_grades_and_subtotals_as_reported(seeded):
    evaluations = read.evaluations(seeded, pending=True).filter(pl.col("source") == "seed")
    assert evaluations.select("county_code", "year", "program", "kind", "total_score", "grade").rows() == [
        ("370881", 2023, "rural", "finance", 92.46, "优"),
        ("440840", 2022, "rural", "self", 98.0, "优"),
        ("530114", 2023, "urban", "self", 100.0, "优秀"),
        ("530427", 2020, "rural", "finance", 88.0, "良"),
        ("900001", 2023, "all", "department", None, "好"),
    ]
    assert level1(seeded, "370881") == {"决策": 19.5, "过程": 16.0, "产出": 33.0, "效益": 23.96}
    assert level1(seeded, "530427") == {"决策": 9.0, "过程": 20.0, "产出": 44.0, "效益": 15.0}
    qufu = evaluations.filter(county_code="370881").row(0, named=True)
    assert (qufu["budget_wan"], qufu["arrived_wan"], qufu["spent_wan"], qufu["planned_persons"]) == (
        7207.20,
        6615.18,
        6615.24,
        13000,
    )


def test_every_seed_leaf_is_kept_with_points_and_notes(seeded):
    qufu = read.evaluations(seeded, counties=["370881"], pending=True)
    rows = read.indicator_scores(seeded, evaluation_ids=qufu["id"].to_list())
    leaves = rows.filter(pl.col("depth") == 3)
    assert leaves.height == 20
    assert leaves["points"].sum() == 100 and round(leaves["score"].sum(), 2) == 92.46
    budget = leaves.filter(pl.col("level3") == "预算编制科学性").row(0, named=True)
    assert (budget["points"], budget["score"]) == (4.0, 3.5) and "0.5" in budget["note"]
    unnamed = read.evaluations(seeded, counties=["900001"], pending=True)
    leaves = read.indicator_scores(seeded, evaluation_ids=unnamed["id"].to_list()).filter(pl.col("depth") == 3)
    assert leaves["points"].sum() == 90 and leaves["score"].sum() == 90


def test_seed_standards_with_documents(seeded):
    standards = read.standards(seeded, counties=["370881"]).filter(pl.col("source") == "seed")
    assert standards.select("effective_from", "yuan_per_person_month", "document").rows() == [
        (dt.date(2022, 1, 1), 700.0, ""),
        (dt.date(2023, 1, 1), 745.0, "济民字〔2023〕4号"),
    ]
    xinping = read.standards(seeded, counties=["530427"]).filter(
        pl.col("source") == "seed", pl.col("effective_from") == dt.date(2020, 1, 1)
    )
    assert dict(xinping.select("category", "yuan_per_person_month").iter_rows()) == {
        "": 375.0,
        "A类": 375.0,
        "B类": 310.0,
        "C类": 270.0,
    }
    zhanjiang = read.standards(seeded, counties=["440840"]).filter(pl.col("source") == "seed")
    assert zhanjiang.select("effective_from", "yuan_per_person_month").rows()[-1] == (dt.date(2022, 1, 1), 579.0)


def test_loading_a_sheet_twice_is_a_no_op(seeded):
    assert ingest_standards(seeded, SEEDS / "standards.csv", user="t") == 0
    assert ingest_evaluation(seeded, SEEDS / "evaluations" / "370881_2023_rural.csv", user="t") == 0


def test_bad_score_sheet_lists_every_problem(tmp_path, seeded):
    header = [
        "县区代码",
        "项目",
        "年度",
        "评价类型",
        "总分",
        "等级",
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "得分",
    ]
    rows = [
        ["999999", "农牧", "2023", "互评", "九十", "优", "决策", "", "", "20", "19"],
        ["", "", "", "", "", "", "", "项目立项", "立项依据", "x", "3"],
        ["", "", "", "", "", "", "决策", "", "立项程序", "2", "2"],
    ]
    path = write_csv(tmp_path / "score.csv", rows, header=header)
    with pytest.raises(Rejected) as caught:
        ingest_evaluation(seeded, path, user="t")
    assert [str(problem) for problem in caught.value.problems] == [
        "score.csv 第 2 行 「县区代码」列：县区代码 999999 不在县区名录中",
        "score.csv 第 2 行 「总分」列：无法识别为数字：「九十」",
        "score.csv 第 2 行 「评价类型」列：「互评」无法识别，"
        "应为 department、finance、self、自评、财政评价、部门评价 之一",
        "score.csv 第 2 行 「项目」列：「农牧」无法识别，应为 all、rural、urban、农村、城乡、城市、城镇 之一",
        "score.csv 第 3 行 「一级指标」列：不能为空",
        "score.csv 第 3 行 「一级指标」列：二级指标已填写，但上一级指标为空",
        "score.csv 第 3 行 「分值」列：无法识别为数字：「x」",
        "score.csv 第 4 行 「二级指标」列：三级指标已填写，但上一级指标为空",
    ]
    assert read.evaluations(seeded, counties=["999999"], pending=True).is_empty()


def test_bad_standards_and_counties_are_refused_by_row(tmp_path, seeded):
    path = write_csv(
        tmp_path / "s.csv",
        [["370881", "农村", "", "2023/13/01", "abc", ""]],
        header=["县区代码", "项目", "保障类别", "生效日期", "保障标准（元/人/月）", "文号"],
    )
    with pytest.raises(Rejected) as caught:
        ingest_standards(seeded, path, user="t")
    assert [str(p) for p in caught.value.problems] == [
        "s.csv 第 2 行 「保障标准（元/人/月）」列：无法识别为数字：「abc」",
        "s.csv 第 2 行 「生效日期」列：无法识别为日期：「2023/13/01」",
    ]
    counties = write_csv(tmp_path / "c.csv", [["100001", "", "40"]], header=["县区代码", "县区名称", "发放截止日"])
    with pytest.raises(Rejected) as caught:
        ingest_counties(seeded, counties, user="t")
    assert [str(p) for p in caught.value.problems] == [
        "c.csv 第 2 行 「县区名称」列：不能为空",
        "c.csv 第 2 行 「发放截止日」列：截止日应在 1 到 31 之间",
    ]
