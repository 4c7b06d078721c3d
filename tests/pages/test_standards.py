"""The 保障标准 page: how much each county raised its standard, under which document, since 2019 (AppTest)."""

from __future__ import annotations

import polars as pl
import pyarrow as pa

from tests.pages.apptest import chart_specs, open_app

PAGE = "app_pages/dashboard/standards.py"


def open_standards(counties: list[str], year: int | None = 2023, program: str = "", lang: str = "zh"):
    """The page as a link with these filters opens it; the sidebar is set too, should the link not carry them."""
    app = open_app(PAGE, county=",".join(counties), year=str(year or ""), program=program)
    if (app.multiselect(key="counties").value, app.selectbox(key="program").value, _year(app)) != (
        counties,
        program,
        year,
    ):
        app.multiselect(key="counties").set_value(counties)
        app.selectbox(key="program").set_value(program)
        if year is not None:
            app.selectbox(key="year").set_value(year)
        app.run()
    if lang != "zh":  # a click on the sidebar's radio, last: the other widgets' words change with it
        app.radio(key="lang").set_value(lang).run()
    return app


def _year(app):
    boxes = [box for box in app.selectbox if box.key == "year"]
    return boxes[0].value if boxes else None


def table(app, header: str):
    """The table whose columns include `header`, as pandas."""
    return next(frame.value for frame in app.dataframe if header in frame.value.columns)


def chart_rows(app, index: int = 0) -> pl.DataFrame:
    """The data behind the index-th chart, as Vega-Lite receives it."""
    dataset = app.get("vega_lite_chart")[index].proto.datasets[0]
    return pl.from_arrow(pa.ipc.open_stream(dataset.data.data).read_all())


def test_qufu_2023_rise_with_its_document(demo_warehouse):
    app = open_standards(["370881"], 2023)
    assert not app.exception
    year = table(app, "2023年12月（元/人/月）")
    row = year.iloc[0]
    assert (row["县区"], row["2022年12月（元/人/月）"], row["2023年12月（元/人/月）"]) == ("曲阜市", 700, 745)
    assert (row["增加（元）"], row["增幅（%）"], row["文号"], row["数据"]) == (45, 6.43, "济民字〔2023〕4号", "")


def test_step_chart_marks_each_rise_with_document_and_percentage(demo_warehouse):
    app = open_standards(["370881"], 2023)
    spec = chart_specs(app)[0]
    layers = spec["spec"]["layer"]
    assert any(layer.get("mark", {}).get("interpolate") == "step-after" for layer in layers)
    assert spec["facet"]["row"]["field"] == "county"
    rows = chart_rows(app)
    assert rows["month"].min().isoformat() == "2019-01-01" and rows["month"].max().isoformat() == "2024-12-01"
    rises = rows.filter(pl.col("key").is_not_null()).select(
        "month", "previous", "standard", "rise_pct", "rise_document"
    )
    assert rises.row(3) == (rises["month"][3], 700.0, 745.0, 6.43, "济民字〔2023〕4号")
    assert rises["rise_document"].to_list().count("未注明文号") == 4  # the synthetic years name no document
    assert rises["month"][3].isoformat() == "2023-01-01"


def test_every_rise_table_names_chenggong_and_xinping_documents(demo_warehouse):
    app = open_standards(["530114", "530427"], 2023)
    assert not app.exception
    rises = table(app, "起始日期")
    chenggong = rises[(rises["县区"] == "呈贡区") & (rises["起始日期"].astype(str) == "2023-01-01")].iloc[0]
    assert (chenggong["原标准（元/人/月）"], chenggong["新标准（元/人/月）"], chenggong["文号"]) == (
        705,
        728,
        "昆民发[2023]6号",
    )
    assert chenggong["数据"] == "演示数据"  # 705 is a synthetic 2022 standard
    xinping_2020 = rises[(rises["县区"] == "新平彝族傣族自治县") & (rises["起始日期"].astype(str) == "2020-01-01")]
    by_category = {
        category: (before, after, document)
        for category, before, after, document in xinping_2020[
            ["类别", "原标准（元/人/月）", "新标准（元/人/月）", "文号"]
        ].itertuples(index=False)
    }
    assert by_category["A类"] == (350, 375, "云政办发〔2019〕42号")
    assert by_category["B类"] == (285, 310, "云政办发〔2019〕42号")
    assert by_category["C类"] == (245, 270, "云政办发〔2019〕42号")


def test_urban_rural_gap_of_the_unnamed_county(demo_warehouse):
    app = open_standards(["900001"], 2023)
    assert not app.exception
    metric = app.metric[0]
    assert metric.value == "225 元/人/月"
    assert "城市 825，农村 600" in metric.delta
    gaps = table(app, "城市 − 农村（元）")
    assert gaps[gaps["年度（12月）"] == 2023][["农村（元/人/月）", "城市（元/人/月）"]].values.tolist() == [[600, 825]]


def test_changing_the_year_changes_the_comparison(demo_warehouse):
    app = open_standards(["370881"], 2023)
    app.selectbox(key="year").set_value(2022).run()
    row = table(app, "2022年12月（元/人/月）").iloc[0]
    assert (row["2021年12月（元/人/月）"], row["2022年12月（元/人/月）"], row["文号"]) == (665, 700, "未注明文号")


def test_choosing_a_rise_shows_its_grounds(demo_warehouse):
    app = open_standards(["370881"], 2023)
    app.selectbox(key="standards-rise-zh").set_value("370881|rural||2023-01-01").run()
    assert not app.exception
    assert app.metric[0].value == "745"
    assert any("济民字〔2023〕4号" in text.value for text in app.markdown)
    assert any("700元提高到745元" in text.value for text in app.markdown)  # the report's own words


def test_programme_filter_keeps_the_gap_visible(demo_warehouse):
    app = open_standards(["900001"], 2023, program="rural")
    assert not app.exception
    assert table(app, "2023年12月（元/人/月）")["项目"].tolist() == ["农村"]
    assert app.metric[0].value == "225 元/人/月"


def test_no_county_chosen(demo_warehouse):
    app = open_standards(["370881"], 2023)
    app.multiselect(key="counties").set_value([]).run()
    assert not app.exception
    assert app.info[0].value == "请在左侧选择至少一个县区。"


def test_a_county_without_standards_says_what_to_do(warehouse):
    app = open_standards(["440840"], None)
    assert not app.exception
    assert "没有保障标准" in app.info[0].value
    assert "上传" in app.info[0].value
    assert not app.get("vega_lite_chart")


def test_without_a_year_the_story_still_shows(warehouse):
    app = open_standards(["370881"], None)  # the small warehouse has standards only: no year to choose
    assert not app.exception
    assert "请在左侧选择年度" in app.info[0].value
    rises = table(app, "起始日期")
    assert rises[["原标准（元/人/月）", "新标准（元/人/月）"]].values.tolist() == [[700, 745]]
    assert chart_rows(app)["month"].min().isoformat() == "2022-01-01"  # the standards' own years


def test_english(demo_warehouse):
    app = open_standards(["370881"], 2023, lang="en")
    assert not app.exception
    assert app.title[0].value == "Standards"
    assert table(app, "Document")["Document"].tolist() == ["济民字〔2023〕4号"]
