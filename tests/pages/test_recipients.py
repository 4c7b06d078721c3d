"""The 保障人数 page: a county's households month by month, new and exited, then a month's townships (AppTest)."""

from __future__ import annotations

import io

import polars as pl

from tests.files import make_id, store_plain_roster
from tests.pages.apptest import chart_specs, metrics, open_with, table

PAGE = "app_pages/dashboard/recipients.py"


def test_xinping_households_month_by_month_in_2020(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    assert not app.exception
    shown = metrics(app)
    assert shown["2020年12月保障户数"] == "4,102"  # as the report says: 4,102 households / 8,210 persons
    assert shown["2020年12月保障人数"] == "8,210"
    assert shown["2020年新增 / 退出户数"] == "577 / 223"  # 577 households added, 223 exited
    assert shown["2020年发放（万元）"] == "3,194.43"
    by_month = table(app, "户数增减")
    assert by_month["月份"].tolist()[:3] == ["2020年1月", "2020年2月", "2020年3月"]
    assert by_month["保障户数"].tolist() == [3810, 3866, 3916, 3960, 3999, 4032, 4053, 4070, 4087, 4098, 4103, 4102]
    assert by_month["户数增减"].tolist()[-2:] == [5, -1]
    assert by_month["新增户数"].sum() == 577 and by_month["退出户数"].sum() == 223


def test_charts_speak_chinese_with_tooltips_on_every_mark(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    specs = chart_specs(app)
    assert len(specs) == 5  # households, persons, new/exited, townships, categories
    households = specs[0]
    marks = [layer["mark"]["type"] for layer in households["layer"]]
    assert marks == ["area", "line", "point", "point"]  # the usual range behind the line, anomalies ringed on top
    line = households["layer"][1]
    assert line["encoding"]["x"]["title"] == "月份"
    assert line["encoding"]["y"]["title"] == "保障户数"
    assert households["params"][0]["name"] == "month_pick"  # a click picks the month
    for spec in specs:
        for layer in spec.get("layer", [spec]):
            assert layer["encoding"]["tooltip"], layer["mark"]
    tooltip_titles = {tip["title"] for tip in line["encoding"]["tooltip"]}
    assert {"月份", "保障户数", "保障人数", "发放金额（万元）"} <= tooltip_titles
    flows = specs[2]
    assert flows["encoding"]["y"]["title"] == "户数（退出为负）"


def chart_data(app, index: int = 0) -> pl.DataFrame:
    """The rows an Altair chart on the page draws (Streamlit sends them as Arrow)."""
    return pl.read_ipc_stream(io.BytesIO(app.get("vega_lite_chart")[index].proto.datasets[0].data.data))


def test_the_households_line_has_its_usual_range_and_rings_the_anomalous_months(demo_warehouse):
    app = open_with(PAGE, ["530114"], 2020)  # 呈贡区: the demo's 七甸街道 paid more a person in August 2020
    drawn = chart_data(app)
    ringed = drawn.filter(pl.col("flags") > 0)
    assert ringed["month_label"].to_list() == ["2020年8月", "2020年9月"]
    assert all("七甸街道" in words and "人均发放金额" in words for words in ringed["flag_words"])
    january = drawn.filter(month_label="2020年1月").row(0, named=True)  # judged on 2019's twelve months
    assert january["households_low"] <= january["households_high"]
    assert drawn["households_low"].null_count() == 0
    assert any("正常范围" in caption.value for caption in app.caption)


def test_qufu_2023_against_its_report(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    assert not app.exception
    shown = metrics(app)
    assert shown["2023年月均保障人数"] == "12,302"  # 12,302 persons on an average month
    assert shown["2023年发放（万元）"] == "6,615.24"  # spent 6,615.24 万元
    households = next(metric for metric in app.metric if metric.label == "2023年12月保障户数")
    assert households.delta  # December 2022 is stored: the change over a year is shown


def test_a_month_opens_its_townships_and_a_township_its_categories(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    assert app.selectbox(key="drill_month-zh").value == "2020-12-01"  # the latest month by default
    townships = table(app, "乡镇（街道）")
    assert len(townships) == 12 and townships["保障户数"].sum() == 4102

    app.selectbox(key="drill_month-zh").set_value("2020-06-01").run()
    assert not app.exception
    townships = table(app, "乡镇（街道）")
    assert townships["保障户数"].sum() == 4032  # June's households, split over the townships
    assert any("2020年6月" in caption.value for caption in app.caption)

    app.selectbox(key="drill_township-zh").set_value("桂山街道").run()
    assert not app.exception
    categories = table(app, "保障类别")
    assert categories["保障类别"].tolist() == ["A类", "B类", "C类"]
    assert categories["保障户数"].sum() == townships.set_index("乡镇（街道）").loc["桂山街道", "保障户数"]


def test_changing_the_year_changes_the_figures(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    december_2020 = metrics(app)["2020年12月保障户数"]
    app.selectbox(key="year").set_value(2019).run()
    assert not app.exception
    assert "2019年12月保障户数" in metrics(app)
    assert metrics(app)["2019年12月保障户数"] != december_2020
    assert not next(m for m in app.metric if m.label == "2019年12月保障户数").delta  # no 2018 stored


def test_several_counties_and_programmes_keep_their_lines_apart(demo_warehouse):
    app = open_with(PAGE, ["900001", "530114"], 2023)
    assert not app.exception
    by_month = table(app, "户数增减")
    assert set(zip(by_month["县区"], by_month["项目"], strict=True)) == {
        ("某县(报告未具名)", "农村"),
        ("某县(报告未具名)", "城市"),
        ("呈贡区", "城市"),
    }
    assert len(by_month) == 36
    app.selectbox(key="drill_county-zh").set_value("900001").run()
    assert app.selectbox(key="drill_program-zh").options == ["农村", "城市"]


def test_a_county_without_rosters_says_what_to_do_and_another_shows_its_own(tmp_path, warehouse):
    store_plain_roster(
        warehouse,
        tmp_path,
        [["鲁城街道", make_id(sequence=1), "2", "1490", "2023-12-10"], ["吴村镇", make_id(sequence=2), "1", "745", ""]],
        county="370881",
        month="2023-12",
    )
    app = open_with(PAGE, ["530427"], 2023)
    assert not app.exception
    assert "没有发放名册" in app.info[0].value and "上传" in app.info[0].value
    assert not app.get("vega_lite_chart")

    app.multiselect(key="counties").set_value(["370881"]).run()
    assert not app.exception
    assert metrics(app)["2023年12月保障户数"] == "2"
    assert metrics(app)["2023年12月保障人数"] == "3"
    assert metrics(app)["2023年发放（万元）"] == "0.22"
    assert table(app, "乡镇（街道）")["乡镇（街道）"].tolist() == ["吴村镇", "鲁城街道"]


def test_no_county_chosen_says_so(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    app.multiselect(key="counties").set_value([]).run()
    assert not app.exception
    assert app.info[0].value == "请在左侧选择至少一个县区。"


def test_english_is_one_click_away(demo_warehouse):
    app = open_with(PAGE, ["530427"], 2020)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Recipients"
    assert metrics(app)["Households, Dec 2020"] == "4,102"
    assert table(app, "Net change")["Month"].tolist()[0] == "Jan 2020"
