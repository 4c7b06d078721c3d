"""Grades frames: each evaluation in words with its score band, scored and unscored apart, the grade bands."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from warehouse.frames import grades as views

NAMES = {"370881": "曲阜市", "530114": "呈贡区", "900001": "某县(报告未具名)"}


def stored(rows: list[tuple]) -> pl.DataFrame:
    """Rows as `read.evaluations` returns them, from (id, county, program, year, kind, evaluator, score, grade,
    source)."""
    columns = ("id", "county_code", "program", "year", "kind", "evaluator", "total_score", "grade", "source")
    frame = pl.DataFrame(
        [dict(zip(columns, row, strict=True)) for row in rows],
        schema={
            "id": pl.Int64,
            "county_code": pl.String,
            "program": pl.String,
            "year": pl.Int64,
            "kind": pl.String,
            "evaluator": pl.String,
            "total_score": pl.Float64,
            "grade": pl.String,
            "source": pl.String,
        },
    )
    return frame.with_columns(
        budget_wan=pl.lit(None, pl.Float64),
        arrived_wan=pl.lit(None, pl.Float64),
        spent_wan=pl.lit(None, pl.Float64),
        planned_persons=pl.lit(None, pl.Int64),
    )


SEEDS_2023 = [
    (26, "370881", "rural", 2023, "finance", "第三方绩效评价工作小组", 92.46, "优", "seed"),
    (28, "530114", "urban", 2023, "self", "区民政局", 100.0, "优秀", "seed"),
    (30, "900001", "all", 2023, "department", "", None, "好", "seed"),
    (4, "370881", "rural", 2022, "finance", "演示数据", 89.5, "良", "synthetic"),
]


def test_every_evaluation_in_words_with_the_band_of_its_score():
    table = views.every_evaluation(stored(SEEDS_2023), names=NAMES)
    expected = pl.DataFrame(
        {
            "year": [2022, 2023, 2023, 2023],
            "county": ["曲阜市", "曲阜市", "呈贡区", "某县(报告未具名)"],
            "program_label": ["农村", "农村", "城市", "城乡"],
            "kind_label": ["财政评价", "财政评价", "自评", "部门评价"],
            "total_score": [89.5, 92.46, 100.0, None],
            "grade": ["良", "优", "优秀", "好"],  # as the report wrote it
            "band": ["良", "优", "优", "无总分"],
            "evaluator": ["演示数据", "第三方绩效评价工作小组", "区民政局", "报告未署名"],
            "source_label": ["演示数据", "评价报告", "评价报告", "评价报告"],
        }
    )
    assert_frame_equal(table.select(expected.columns), expected)
    assert table["title"].to_list() == [
        "2022年 · 曲阜市 · 农村 · 财政评价 · 89.5 良",
        "2023年 · 曲阜市 · 农村 · 财政评价 · 92.46 优",
        "2023年 · 呈贡区 · 城市 · 自评 · 100 优秀",
        "2023年 · 某县(报告未具名) · 城乡 · 部门评价 · 好",
    ]


def test_scored_and_unscored_evaluations_apart():
    evaluations = stored(SEEDS_2023)
    assert views.scored(evaluations, names=NAMES)["id"].to_list() == [4, 26, 28]
    unscored = views.unscored(evaluations, names=NAMES)
    assert unscored.select("county", "year", "grade").rows() == [("某县(报告未具名)", 2023, "好")]


def test_grade_bands_at_their_edges():
    scores = pl.DataFrame({"score": [100.0, 90.0, 89.99, 80.0, 79.5, 60.0, 59.9, 0.0, None]})
    bands = scores.select(band=views.band(pl.col("score")))["band"].to_list()
    assert bands == ["优", "优", "良", "良", "中", "中", "差", "差", None]


def test_bands_as_rectangles_cut_at_the_chart_bottom():
    expected = pl.DataFrame(
        {
            "grade": ["优", "良", "中", "差"],
            "label": ["优 ≥ 90", "良 80–90", "中 60–80", "差 < 60"],
            "low": [90.0, 80.0, 60.0, 50.0],
            "high": [100.0, 90.0, 80.0, 60.0],
        }
    )
    assert_frame_equal(views.grade_bands(lowest=50.0), expected)
    assert views.grade_bands(lowest=85.0)["grade"].to_list() == ["优", "良"]


def test_no_evaluations_give_an_empty_frame_with_its_columns():
    table = views.every_evaluation(stored([]), names=NAMES)
    assert table.is_empty()
    assert {"title", "county", "band", "source_label"} <= set(table.columns)
