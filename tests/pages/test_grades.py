"""The 等级趋势 page: each county's total score year over year, its grade as reported, every evaluation (AppTest)."""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from demo import SEEDS
from tests.files import make_id, store_approved_evaluation, store_plain_roster
from tests.pages.apptest import chart_specs, open_app

PAGE = "app_pages/performance/grades.py"
ALL = ["370881", "530427", "530114", "440840", "900001"]


def open_grades(counties: list[str], year: int | None = 2023, program: str = ""):
    """The page as a link with these filters opens it; the sidebar is set too, should the link not carry them."""
    app = open_app(PAGE, county=",".join(counties), year=str(year or ""), program=program)
    if app.multiselect(key="counties").value != counties or app.selectbox(key="program").value != program:
        app.multiselect(key="counties").set_value(counties)
        app.selectbox(key="program").set_value(program)
        if year is not None:
            app.selectbox(key="year").set_value(year)
        app.run()
    return app


def table(app, header: str):
    """The table whose columns include `header`, as pandas."""
    return next(frame.value for frame in app.dataframe if header in frame.value.columns)


def chart_rows(app) -> pl.DataFrame:
    """The evaluations drawn in the trend chart, as Vega-Lite receives them."""
    chart = app.get("vega_lite_chart")[0]
    frames = [pl.from_arrow(pa.ipc.open_stream(dataset.data.data).read_all()) for dataset in chart.proto.datasets]
    return next(frame for frame in frames if "total_score" in frame.columns)


def test_every_evaluation_with_its_grade_as_reported(demo_warehouse):
    app = open_grades(ALL, 2023)
    assert not app.exception
    every = table(app, "按分数应为")
    in_2023 = every[every["年度"] == 2023].set_index("县区")
    assert (in_2023.loc["曲阜市", "总分"], in_2023.loc["曲阜市", "等级（报告原文）"]) == (92.46, "优")
    assert in_2023.loc["曲阜市", "评价类型"] == "财政评价"
    chenggong = in_2023.loc["呈贡区"]
    assert (chenggong["总分"], chenggong["等级（报告原文）"], chenggong["按分数应为"]) == (100.0, "优秀", "优")
    assert (chenggong["项目"], chenggong["评价类型"], chenggong["来源"]) == ("城市", "自评", "评价报告")
    assert in_2023.loc["某县(报告未具名)", "项目"] == "城乡"
    assert len(every) == 30  # five counties, 2019–2024


def test_evaluations_without_a_total_are_listed_with_their_word(demo_warehouse):
    app = open_grades(ALL, 2023)
    unscored = table(app, "结论（报告原文）")
    assert unscored["县区"].unique().tolist() == ["某县(报告未具名)"]
    assert unscored["年度"].tolist() == [2019, 2020, 2021, 2022, 2023, 2024]
    assert set(unscored["结论（报告原文）"]) == {"好"}
    seed = unscored[unscored["年度"] == 2023].iloc[0]
    assert (seed["来源"], seed["评价机构"]) == ("评价报告", "报告未署名")
    assert "900001" not in chart_rows(app)["county_code"].to_list()  # not drawn without a score


def test_trend_chart_bands_kinds_and_demo_points(demo_warehouse):
    app = open_grades(ALL, 2023)
    spec = chart_specs(app)[0]
    marks = [layer.get("mark", {}).get("type") for layer in spec["layer"]]
    assert marks[0] == "rect" and "line" in marks and "point" in marks  # the bands behind the lines
    points = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "point")
    assert points["encoding"]["shape"]["scale"]["domain"] == ["自评", "部门评价", "财政评价"]
    assert points["encoding"]["opacity"]["scale"]["domain"] == ["评价报告", "上传", "演示数据"]
    rows = chart_rows(app)
    qufu = rows.filter((pl.col("county") == "曲阜市") & (pl.col("year") == 2023))
    assert qufu.select("total_score", "grade", "source_label").row(0) == (92.46, "优", "评价报告")
    assert rows.filter(pl.col("year") == 2021)["source_label"].unique().to_list() == ["演示数据"]
    bands = next(frame for frame in _datasets(app) if "label" in frame.columns and "low" in frame.columns)
    assert bands["label"].to_list() == ["优 ≥ 90", "良 80–90", "中 60–80", "差 < 60"]


def _datasets(app) -> list[pl.DataFrame]:
    chart = app.get("vega_lite_chart")[0]
    return [pl.from_arrow(pa.ipc.open_stream(dataset.data.data).read_all()) for dataset in chart.proto.datasets]


def test_choosing_an_evaluation_shows_what_makes_up_its_score(demo_warehouse):
    app = open_grades(["370881"], 2023)
    app.selectbox(key="grades-evaluation-zh").set_value(26).run()  # Qufu 2023, the seed report
    assert not app.exception
    assert [(metric.label, metric.value) for metric in app.metric][:3] == [
        ("总分", "92.46"),
        ("等级（报告原文）", "优"),
        ("按分数应为", "优"),
    ]
    level1 = table(app, "一级指标")
    assert list(zip(level1["一级指标"], level1["得分"], strict=True)) == [
        ("决策", 19.5),
        ("过程", 16.0),
        ("产出", 33.0),
        ("效益", 23.96),
    ]


def test_the_year_filter_highlights_that_year_and_keeps_every_year(demo_warehouse):
    app = open_grades(["530427"], 2020)
    assert not app.exception
    band = next(frame for frame in _datasets(app) if "start" in frame.columns)
    assert band.select("start", "end").row(0) == (2019.5, 2020.5)
    assert sorted(chart_rows(app)["year"].to_list()) == [2019, 2020, 2021, 2022, 2023, 2024]
    app.selectbox(key="year").set_value(2023).run()
    band = next(frame for frame in _datasets(app) if "start" in frame.columns)
    assert band.select("start", "end").row(0) == (2022.5, 2023.5)


def test_changing_counties_changes_the_lines(demo_warehouse):
    app = open_grades(["530427"], 2020)
    assert set(chart_rows(app)["county"]) == {"新平彝族傣族自治县"}
    seed = table(app, "按分数应为")
    assert seed[seed["年度"] == 2020][["总分", "等级（报告原文）"]].values.tolist() == [[88.0, "良"]]
    app.multiselect(key="counties").set_value(["530427", "440840"]).run()
    assert set(chart_rows(app)["county"]) == {"新平彝族傣族自治县", "湛江经济技术开发区"}


def test_a_year_without_evaluation_says_so_and_still_draws_the_others(tmp_path, warehouse):
    store_approved_evaluation(warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv")
    store_plain_roster(
        warehouse, tmp_path, [["鲁城街道", make_id(), "2", "1400", "2022-12-10"]], county="370881", month="2022-12"
    )
    app = open_grades(["370881"], 2022)
    assert not app.exception
    assert "2022年没有评价" in app.info[0].value
    assert chart_rows(app).select("year", "total_score").rows() == [(2023, 92.46)]


def test_no_evaluations_say_what_to_do(warehouse):
    app = open_grades(["370881"], None)
    assert not app.exception
    assert "没有绩效评价" in app.info[0].value
    assert "上传" in app.info[0].value


def test_no_county_chosen(demo_warehouse):
    app = open_grades(["370881"], 2023)
    app.multiselect(key="counties").set_value([]).run()
    assert not app.exception
    assert app.info[0].value == "请在左侧选择至少一个县区。"
