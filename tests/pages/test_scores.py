"""The 指标得分 page on the demo warehouse: the seeds' reported scores, the tree drill-down, lost points, counties."""

from __future__ import annotations

from demo import SEEDS
from tests.files import store_approved_evaluation
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
        ("按报告数字重算", "93.46"),
        ("重算等级", "优"),
        ("报告数字证明的差异", "3"),
    ]
    level1 = table(app)
    assert level1["指标"].tolist() == ["决策", "过程", "产出", "效益"]
    assert level1["分值"].tolist() == [20, 20, 35, 25]
    assert level1["得分"].tolist() == [19.50, 16.00, 33.00, 23.96]
    assert set(level1["得分口径"]) == {"填报"}


def test_where_qufu_lost_points_in_2023(demo_warehouse):
    app = open_scores(["370881"], 2023)
    lost = [frame.value for frame in app.dataframe if "扣分" in frame.value.columns][-1]
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
    side = next(frame.value for frame in app.dataframe if "县区" in frame.value.columns).set_index("县区")
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
    store_approved_evaluation(warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv")
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
    return next(frame.value for frame in app.dataframe if "全部计入" in frame.value.columns)


def differences_table(app, title: str):
    """The differences listed under one basis: the table right after its bold title."""
    titles = [block.value for block in app.markdown if block.value.startswith("**")]
    assert any(title in found for found in titles), titles
    frames = [frame.value for frame in app.dataframe if {"报告", "重算"} <= set(frame.value.columns)]
    order = [found for found in titles if any(words in found for words in ("差异", "第二意见"))]
    return frames[next(i for i, found in enumerate(order) if title in found)]


def test_qufu_2023_reported_and_recomputed_side_by_side(demo_warehouse):
    app = open_scores(["370881"], 2023)
    rows = recheck_table(app).set_index("指标路径")
    assert len(rows) == 33  # every indicator of the rubric, parents included
    marked = rows[rows["核对"] != ""]
    assert list(marked.index) == ["过程", "过程/资金管理/预算执行率"]
    execution = rows.loc["过程/资金管理/预算执行率"]
    assert (execution["报告得分"], execution["按报告数字重算"], execution["全部计入"]) == (1.0, 2.0, 2.0)
    assert (execution["重算方式"], execution["差异依据"]) == ("重算", "报告数字")
    assert "实际支出（万元）：6,615.24" in execution["依据数据"] and "100.0009%" in execution["依据数据"]
    assert "先取整到 0.01%" in execution["其他读法 · 仓库数据"] and "3 分" in execution["其他读法 · 仓库数据"]
    assert rows.loc["产出/产出时效/补助资金及时发放率", "全部计入"] == 10
    assert rows.loc["决策/资金投入/预算编制科学性", "重算方式"] == "保留报告值"
    assert not app.warning  # the grade does not change on any basis
    proven = differences_table(app, "报告自身数字证明的差异")
    assert proven["指标"].tolist() == ["过程", "过程/资金管理/预算执行率", "合计"]
    assert proven["重算"].tolist() == ["17", "2", "93.46"]
    app.toggle(key=f"scores-only-differences-{app.selectbox(key='scores-evaluation-zh').value}").set_value(True).run()
    assert list(recheck_table(app)["指标路径"]) == ["过程", "过程/资金管理/预算执行率"]


def test_xinping_2020_grade_changes_only_on_a_reading_and_says_so(demo_warehouse):
    app = open_scores(["530427"], 2020)
    assert [warning.value for warning in app.warning] == [
        "等级：按解读（农村低保发放人数覆盖率）重算，等级由「良」变为「优」。只按报告自身的数字重算，等级为「良」。"
    ]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert (metrics["按报告数字重算"], metrics["重算等级"], metrics["报告数字证明的差异"]) == ("88.00", "良", "0")
    readings = differences_table(app, "取决于解读的差异").set_index("指标")
    coverage = readings.loc["产出/产出质量/农村低保发放人数覆盖率"]
    assert (coverage["报告"], coverage["重算"]) == ("5", "8")
    assert coverage["所用读法"].startswith("照公式字面，按金额")
    assert "按人数" in coverage["其他读法的得分"] and "5 分" in coverage["其他读法的得分"]
    assert readings.loc["等级", "重算"] == "优"
    assert any("另计入解读：**91.00** 优" in block.value for block in app.markdown)
    assert any("60%≤资金到位率<60%" in block.value for block in app.markdown)


def test_the_unnamed_county_says_which_change_rests_on_synthetic_rosters(demo_warehouse):
    app = open_scores(["900001"], 2023)
    assert not app.exception
    (warning,) = [warning.value for warning in app.warning]
    assert "按合成演示数据（名册）重算，等级由「优」变为「良」" in warning
    assert "只按报告自身的数字重算，等级为「优」" in warning
    second = differences_table(app, "仓库数据的第二意见").set_index("指标")
    assert any("合成演示数据，不是该县的真实名册" in block.value for block in app.markdown)
    rural = second.loc["产出指标/质量指标/农村低保人均补差"]
    assert (rural["报告"], rural["重算"], rural["数据"]) == ("8", "0", "仓库数据（合成演示数据）")
    assert "报告的实际完成值：400" in rural["依据数据"] and "413.39" in rural["依据数据"]
    strict = differences_table(app, "取决于解读的差异")
    assert len(strict[strict["指标"].str.contains("/")]) == 5


def test_zhanjiang_2022_lists_the_missed_target_scored_in_full(demo_warehouse):
    app = open_scores(["440840"], 2022)
    assert not app.exception
    missed = next(frame.value for frame in app.dataframe if "绩效目标" in frame.value.columns)
    assert missed.to_dict("records") == [
        {
            "绩效目标": "困难群众基本生活救助和孤儿基本生活费按时发放率",
            "年度指标值": "≥90%",
            "实际完成值": "60%",
            "所在指标": "产出/效率性/完成进度",
            "报告得分": 22.0,
            "分值": 22.0,
        }
    ]
