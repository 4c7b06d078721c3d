"""The 指标得分 page on the demo warehouse: the seeds' reported scores, the tree drill-down, lost points, counties."""

from __future__ import annotations

from demo import SEEDS
from loaders.evaluation import ingest_evaluation
from tests.pages.apptest import chart_specs, open_app
from warehouse import read

PAGE = "app_pages/performance/scores.py"


def open_scores(counties: list[str], year: int, **query: str):
    """The page as a link with these filters opens it; the sidebar is set too, should the link not carry them."""
    app = open_app(PAGE, county=",".join(counties), year=str(year), **query)
    if app.multiselect(key="counties").value != counties or app.selectbox(key="year").value != year:
        app.multiselect(key="counties").set_value(counties)
        app.selectbox(key="year").set_value(year)
        app.run()
    return app


def table(app, index: int = 0):
    return app.dataframe[index].value


def chosen_label(app, language: str = "zh") -> str:
    box = app.selectbox(key=f"scores-evaluation-{language}")
    return box.options[box.index]


def opener(app):
    return next(box for box in app.selectbox if box.key.startswith("scores-open"))


def test_qufu_2023_level_one_as_reported(demo_warehouse):
    app = open_scores(["370881"], 2023)
    assert not app.exception
    assert app.selectbox(key="scores-evaluation-zh").options == ["曲阜市 2023 农村 财政评价 92.46 优"]
    assert [(metric.label, metric.value) for metric in app.metric] == [
        ("总分", "92.46"),
        ("等级", "优"),
        ("重算总分", "93.46"),
        ("重算等级", "优"),
        ("与报告不一致", "3"),
    ]
    level1 = table(app)
    assert level1["指标"].tolist() == ["决策", "过程", "产出", "效益"]
    assert level1["分值"].tolist() == [20, 20, 35, 25]
    assert level1["得分"].tolist() == [19.50, 16.00, 33.00, 23.96]
    assert set(level1["得分口径"]) == {"填报"}


def test_where_qufu_lost_points_in_2023(demo_warehouse):
    app = open_scores(["370881"], 2023)
    lost = table(app, 2)
    assert list(zip(lost["指标"], lost["扣分"], strict=True)) == [
        ("过程/资金管理/项目资金到位率", 2.0),
        ("过程/资金管理/预算执行率", 2.0),
        ("产出/产出数量/享受低保对象发放率", 2.0),
        ("效益/项目效益/服务对象满意度", 0.67),
        ("决策/资金投入/预算编制科学性", 0.5),
        ("效益/项目效益/政策知晓率", 0.37),
    ]
    assert "扣2分" in lost["说明"][0]
    assert lost["实际完成值"][2] == "12,302.00人,实际完成率94.63%"


def test_drill_down_to_level_three_and_back(demo_warehouse):
    app = open_scores(["370881"], 2023)
    opener(app).set_value("过程").run()
    assert not app.exception
    level2 = table(app)
    assert level2["指标"].tolist() == ["资金管理", "组织实施"]
    assert level2["得分"].tolist() == [6.0, 10.0]
    assert level2["得分口径"].tolist() == ["合计（计算）", "合计（计算）"]  # the report gives no level-2 scores
    assert [button.label for button in app.button][:2] == ["全部一级指标", "过程"]

    opener(app).set_value("过程/资金管理").run()
    level3 = table(app)
    assert level3["指标"].tolist() == ["项目资金到位率", "预算执行率", "资金使用合规性"]
    assert level3["得分"].tolist() == [1.0, 1.0, 4.0]
    assert level3["实际完成值"].tolist()[:2] == ["91.79%", "91.79%"]
    assert level3["得分口径"].tolist() == ["填报"] * 3

    next(button for button in app.button if button.label == "全部一级指标").click().run()
    assert table(app)["指标"].tolist() == ["决策", "过程", "产出", "效益"]


def test_bars_can_be_clicked_and_every_mark_has_a_tooltip(demo_warehouse):
    app = open_scores(["370881"], 2023)
    level = chart_specs(app)[0]
    assert level["params"][0]["name"] == "indicator"
    assert level["params"][0]["select"]["fields"] == ["path"]
    assert all(layer["encoding"]["tooltip"] for layer in level["layer"])
    assert level["layer"][0]["encoding"]["x"]["title"] == "分值（浅）与得分（深）"


def test_xinping_2020_seed_is_the_default_and_counties_sit_side_by_side(demo_warehouse):
    app = open_scores(["370881", "530427"], 2020)
    assert not app.exception
    assert chosen_label(app) == "新平彝族傣族自治县 2020 农村 财政评价 88.00 良"  # the first real report
    assert "（演示数据）" in app.selectbox(key="scores-evaluation-zh").options[0]  # Qufu 2020 is synthetic and says so
    assert table(app)["得分"].tolist() == [9.0, 20.0, 44.0, 15.0]  # 决策 9/10, 过程 20/20, 产出 44/50, 效益 15/20
    side = table(app, 3).set_index("县区")
    assert side.columns.tolist() == ["决策", "过程", "产出", "效益"]
    assert side.loc["新平彝族傣族自治县"].round(4).tolist() == [0.9, 1.0, 0.88, 0.75]
    comparison = chart_specs(app)[1]
    assert comparison["encoding"]["xOffset"]["field"] == "series"
    assert comparison["encoding"]["tooltip"]


def test_a_report_without_a_total_shows_the_sum_marked_as_computed(demo_warehouse):
    app = open_scores(["900001"], 2023)
    assert not app.exception
    assert [(metric.label, metric.value) for metric in app.metric][:2] == [
        ("总分 · 合计（计算）", "90.00"),
        ("等级", "好"),
    ]
    level1 = table(app)
    assert level1["指标"].tolist() == ["成本指标", "产出指标", "效益指标", "满意度指标"]
    assert level1["得分口径"].tolist()[:3] == ["合计（计算）；分值亦为合计"] * 3  # the report gives neither


def test_changing_the_year_changes_the_scores(demo_warehouse):
    app = open_scores(["370881"], 2023)
    app.selectbox(key="year").set_value(2022).run()
    assert not app.exception
    assert app.metric[0].value == "91.44"
    assert chosen_label(app) == "曲阜市 2022 农村 财政评价 91.44 优 （演示数据）"


def test_english(demo_warehouse):
    app = open_scores(["370881"], 2023)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.metric[0].label == "Total score"
    assert chosen_label(app, "en") == "曲阜市 2023 rural finance evaluation 92.46 优"


def test_a_county_without_an_evaluation_that_year_gets_a_plain_message(warehouse):
    ingest_evaluation(warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv", user="t")
    app = open_scores(["370881", "530427"], 2023)
    assert not app.exception
    assert app.info[0].value.startswith("新平彝族傣族自治县 2023年没有绩效评价")
    assert app.metric[0].value == "92.46"

    app.multiselect(key="counties").set_value(["530427"]).run()
    assert not app.exception
    assert "没有绩效评价" in app.info[0].value
    assert not app.dataframe


def test_the_chosen_evaluation_survives_switching_to_english(demo_warehouse):
    app = open_scores(["370881", "530427"], 2020)
    qufu = read.evaluations(demo_warehouse, counties=["370881"], year=2020)["id"][0]
    app.selectbox(key="scores-evaluation-zh").set_value(qufu).run()
    assert chosen_label(app).startswith("曲阜市 2020")
    app.radio(key="lang").set_value("en").run()
    assert chosen_label(app, "en") == "曲阜市 2020 rural finance evaluation 87.98 良 （demo data）"


def test_a_programme_without_an_evaluation_says_so(demo_warehouse):
    app = open_scores(["370881"], 2023)
    app.selectbox(key="program").set_value("urban").run()
    assert not app.exception
    assert app.info[0].value.startswith("曲阜市 2023年（城市低保）没有绩效评价")
    assert not app.metric


def recheck_table(app):
    return next(frame.value for frame in app.dataframe if "重算得分" in frame.value.columns)


def test_qufu_2023_reported_and_recomputed_side_by_side(demo_warehouse):
    app = open_scores(["370881"], 2023)
    rows = recheck_table(app).set_index("指标路径")
    assert len(rows) == 33  # every indicator of the rubric, parents included
    marked = rows[rows["核对"] != ""]
    assert list(marked.index) == ["过程", "过程/资金管理/预算执行率"]
    execution = rows.loc["过程/资金管理/预算执行率"]
    assert (execution["报告得分"], execution["重算得分"], execution["重算方式"]) == (1.0, 2.0, "重算")
    assert "实际支出（万元）：6,615.24" in execution["依据数据"] and "100.0009%" in execution["依据数据"]
    assert rows.loc["产出/产出时效/补助资金及时发放率", "重算得分"] == 10
    assert rows.loc["决策/资金投入/预算编制科学性", "重算方式"] == "保留报告值"
    assert [warning.value for warning in app.warning] == ["合计：报告 92.46，重算 93.46"]
    app.toggle(key=f"scores-only-differences-{app.selectbox(key='scores-evaluation-zh').value}").set_value(True).run()
    assert list(recheck_table(app)["指标路径"]) == ["过程", "过程/资金管理/预算执行率"]


def test_xinping_2020_grade_differs_and_the_rubrics_own_gap_is_listed(demo_warehouse):
    app = open_scores(["530427"], 2020)
    assert [warning.value for warning in app.warning] == ["合计：报告 88，重算 91", "等级：报告 良，重算 优"]
    assert any("60%≤资金到位率<60%" in block.value for block in app.markdown)
    assert ("重算等级", "优") in [(metric.label, metric.value) for metric in app.metric]
