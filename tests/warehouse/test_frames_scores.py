"""Indicator trees: reported subtotals kept, missing ones summed and marked, lost points ranked, counties aligned."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from warehouse.frames import scores as views

WORDS = {
    "rural": "农村",
    "urban": "城市",
    "all": "城乡",
    "self": "自评",
    "department": "部门评价",
    "finance": "财政评价",
    "synthetic": "演示数据",
}
NAMES = {"370881": "曲阜市", "530427": "新平彝族傣族自治县"}


def indicator_rows(evaluation_id: int, rows: list[tuple]) -> pl.DataFrame:
    """Rows as `indicator_scores` returns them, from (path, points, score[, target, actual, note])."""
    records = []
    for position, (path, points, score, *text) in enumerate(rows):
        levels = path.split("/")
        target, actual, note = (*text, "", "", "")[:3]
        records.append(
            {
                "evaluation_id": evaluation_id,
                "position": position,
                "path": path,
                "depth": len(levels),
                **{f"level{n}": (levels[n - 1] if n <= len(levels) else "") for n in range(1, 5)},
                "points": points,
                "score": score,
                "target": target,
                "actual": actual,
                "note": note,
            }
        )
    return pl.DataFrame(records, schema_overrides={"points": pl.Float64, "score": pl.Float64})


# A small tree shaped like Qufu's: level 1 reported, level 2 without scores, one leaf unscored.
QUFU_LIKE = indicator_rows(
    7,
    [
        ("过程", 20, 16),
        ("过程/资金管理", 10, None),
        ("过程/资金管理/项目资金到位率", 3, 1, "", "91.79%", "扣2分"),
        ("过程/资金管理/预算执行率", 3, 1, "", "91.79%", "扣2分"),
        ("过程/资金管理/资金使用合规性", 4, 4),
        ("效益", None, None),
        ("效益/项目效益", None, None),
        ("效益/项目效益/政策知晓率", 3, 2.63, "", "87.67%", "偏低"),
        ("效益/项目效益/社会效益", None, None),
    ],
)


def test_reported_subtotals_are_kept_and_missing_ones_are_summed_and_marked():
    tree = views.indicator_tree(QUFU_LIKE)
    expected = pl.DataFrame(
        {
            "evaluation_id": [7] * 9,
            "position": list(range(9)),
            "level1": ["过程"] * 5 + ["效益"] * 4,
            "path": [
                "过程",
                "过程/资金管理",
                "过程/资金管理/项目资金到位率",
                "过程/资金管理/预算执行率",
                "过程/资金管理/资金使用合规性",
                "效益",
                "效益/项目效益",
                "效益/项目效益/政策知晓率",
                "效益/项目效益/社会效益",
            ],
            "parent": [
                "",
                "过程",
                "过程/资金管理",
                "过程/资金管理",
                "过程/资金管理",
                "",
                "效益",
                "效益/项目效益",
                "效益/项目效益",
            ],
            "name": [
                "过程",
                "资金管理",
                "项目资金到位率",
                "预算执行率",
                "资金使用合规性",
                "效益",
                "项目效益",
                "政策知晓率",
                "社会效益",
            ],
            "depth": [1, 2, 3, 3, 3, 1, 2, 3, 3],
            "leaf": [False, False, True, True, True, False, False, True, True],
            "points": [20.0, 10.0, 3.0, 3.0, 4.0, 3.0, 3.0, 3.0, None],
            "score": [16.0, 6.0, 1.0, 1.0, 4.0, 2.63, 2.63, 2.63, None],
            "points_basis": ["reported"] * 5 + ["computed", "computed", "reported", None],
            "score_basis": [
                "reported",
                "computed",
                "reported",
                "reported",
                "reported",
                "computed",
                "computed",
                "reported",
                None,
            ],
            "score_rate": [0.8, 0.6, 0.3333, 0.3333, 1.0, 0.8767, 0.8767, 0.8767, None],
            "lost": [4.0, 4.0, 2.0, 2.0, 0.0, 0.37, 0.37, 0.37, None],
            "target": [""] * 9,
            "actual": ["", "", "91.79%", "91.79%", "", "", "", "87.67%", ""],
            "note": ["", "", "扣2分", "扣2分", "", "", "", "偏低", ""],
        }
    )
    assert_frame_equal(tree, expected)


def test_one_level_at_a_time_and_the_way_back_up():
    tree = views.indicator_tree(QUFU_LIKE)
    assert views.children(tree)["name"].to_list() == ["过程", "效益"]
    assert views.children(tree, "过程/资金管理")["name"].to_list() == ["项目资金到位率", "预算执行率", "资金使用合规性"]
    assert views.ancestors("过程/资金管理") == ["过程", "过程/资金管理"]
    assert views.ancestors("") == []


def test_the_level_table_names_the_basis_of_each_score():
    words = {"reported": "填报", "computed": "合计（计算）", "points_computed": "分值亦为合计"}
    rows = views.children(views.indicator_tree(QUFU_LIKE), "过程")
    table = views.indicator_table(rows, basis_words=words)
    expected = pl.DataFrame(
        {
            "name": ["资金管理"],
            "points": [10.0],
            "score": [6.0],
            "score_basis": ["合计（计算）"],
            "score_rate": [0.6],
            "lost": [4.0],
            "target": [""],
            "actual": [""],
            "note": [""],
            "lost_points": [True],
        }
    )
    assert_frame_equal(table, expected)
    both_summed = views.indicator_table(views.children(views.indicator_tree(QUFU_LIKE)), basis_words=words)
    assert both_summed["score_basis"].to_list() == ["填报", "合计（计算）；分值亦为合计"]


def test_lost_points_ranked_largest_first_in_report_order_among_equals():
    lost = views.lost_points(views.indicator_tree(QUFU_LIKE))
    expected = pl.DataFrame(
        {
            "level1": ["过程", "过程", "效益"],
            "path": ["过程/资金管理/项目资金到位率", "过程/资金管理/预算执行率", "效益/项目效益/政策知晓率"],
            "name": ["项目资金到位率", "预算执行率", "政策知晓率"],
            "points": [3.0, 3.0, 3.0],
            "score": [1.0, 1.0, 2.63],
            "lost": [2.0, 2.0, 0.37],
            "target": ["", "", ""],
            "actual": ["91.79%", "91.79%", "87.67%"],
            "note": ["扣2分", "扣2分", "偏低"],
        }
    )
    assert_frame_equal(lost, expected)
    assert views.unscored_leaves(views.indicator_tree(QUFU_LIKE)) == 1


def test_a_total_from_level_one_only_when_there_is_a_score():
    assert views.computed_total(views.indicator_tree(QUFU_LIKE)) == 18.63
    assert views.computed_total(views.indicator_tree(indicator_rows(1, [("满意度指标", None, None)]))) is None


def evaluations_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [7, 8, 9],
            "county_code": ["370881", "370881", "530427"],
            "program": ["rural", "urban", "rural"],
            "year": [2023, 2023, 2023],
            "kind": ["finance", "self", "finance"],
            "total_score": [92.46, None, 93.0],
            "grade": ["优", "好", "优"],
            "source": ["synthetic", "synthetic", "seed"],
        }
    )


def test_evaluation_labels_and_the_first_seed_as_default():
    options = views.evaluation_options(evaluations_frame(), names=NAMES, words=WORDS)
    assert options["label"].to_list() == [
        "曲阜市 2023 农村 财政评价 92.46 优 （演示数据）",
        "曲阜市 2023 城市 自评 好 （演示数据）",
        "新平彝族傣族自治县 2023 农村 财政评价 93.00 优",
    ]
    assert views.default_option(options) == 2
    assert views.default_option(options.with_columns(source=pl.lit("upload"))) == 0
    assert views.counties_without(evaluations_frame(), ("530427", "440840", "370881")) == ["440840"]


def test_counties_side_by_side_on_the_same_level_one_names():
    """Names more evaluations share come first; the rest in the order they first appear."""
    evaluations = evaluations_frame().filter(pl.col("id") != 8)
    tree = views.indicator_tree(
        pl.concat(
            [
                QUFU_LIKE,
                indicator_rows(9, [("决策", 10, 9), ("过程", 20, 20), ("过程/业务管理", 20, 20)]),
            ]
        )
    )
    level1 = views.level1_side_by_side(evaluations, tree, names=NAMES, words=WORDS)
    expected = pl.DataFrame(
        {
            "evaluation_id": [7, 9, 7, 9],
            "county_code": ["370881", "530427", "370881", "530427"],
            "series": ["曲阜市", "新平彝族傣族自治县", "曲阜市", "新平彝族傣族自治县"],
            "level1": ["过程", "过程", "效益", "决策"],
            "order": [0, 0, 1, 2],
            "points": [20.0, 20.0, 3.0, 10.0],
            "score": [16.0, 20.0, 2.63, 9.0],
            "score_basis": ["reported", "reported", "computed", "reported"],
            "score_rate": [0.8, 1.0, 0.8767, 0.9],
        }
    )
    assert_frame_equal(level1, expected)
    expected_table = pl.DataFrame(
        {"series": ["曲阜市", "新平彝族傣族自治县"], "过程": [0.8, 1.0], "效益": [0.8767, None], "决策": [None, 0.9]}
    )
    assert_frame_equal(views.side_by_side_table(level1), expected_table)


def test_a_county_with_two_evaluations_is_told_apart_by_programme_and_kind():
    tree = views.indicator_tree(pl.concat([QUFU_LIKE, indicator_rows(8, [("产出指标", 6, 6)])]))
    level1 = views.level1_side_by_side(evaluations_frame().filter(pl.col("id") != 9), tree, names=NAMES, words=WORDS)
    assert level1["series"].unique(maintain_order=True).to_list() == ["曲阜市 农村 财政评价", "曲阜市 城市 自评"]
