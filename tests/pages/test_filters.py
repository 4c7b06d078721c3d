"""The sidebar's choices live in the URL: a shared link restores them; English is one click away."""

from __future__ import annotations

from tests.pages.apptest import open_app


def test_query_string_restores_the_filters(demo_warehouse):
    app = open_app(county="530427,440840", program="rural", year="2020")
    assert not app.exception
    assert app.multiselect(key="counties").value == ["530427", "440840"]
    assert app.selectbox(key="program").value == "rural"
    assert app.selectbox(key="year").value == 2020
    assert app.query_params["county"] == "530427,440840"
    table = app.dataframe[0].value
    assert table["县区"].tolist() == ["湛江经济技术开发区", "新平彝族傣族自治县"]


def test_changing_a_filter_changes_the_url_and_the_figures(demo_warehouse):
    app = open_app(county="530427", year="2020")
    households_2020 = app.dataframe[0].value["保障户数"].tolist()
    app.selectbox(key="year").set_value(2022).run()
    assert app.query_params["year"] == "2022"
    assert app.dataframe[0].value["保障户数"].tolist() != households_2020
    assert households_2020 == [4102]  # Xinping, December 2020, as its report says


def test_unknown_values_in_the_url_fall_back_quietly(demo_warehouse):
    app = open_app(county="999999", program="nonsense", year="abc")
    assert not app.exception
    assert len(app.multiselect(key="counties").value) == 5


def test_english(demo_warehouse):
    app = open_app(lang="en")
    assert not app.exception
    assert app.title[0].value == "Dibao performance cockpit · Overview"


def test_a_national_registry_starts_with_a_few_counties_not_all(demo_copy):
    from demo.scale import build_scale
    from warehouse import read

    build_scale(demo_copy, counties=30, years=range(2023, 2025), user="测试员")  # 35 counties registered
    app = open_app()
    assert not app.exception
    chosen = app.multiselect(key="counties").value
    assert chosen == sorted(chosen) and len(chosen) == 20 and chosen[:2] == ["370881", "440840"]
    assert any("共登记 35 个县区，已选 20 个" in caption.value for caption in app.sidebar.caption)
    assert app.dataframe[0].value.shape[0] == 20

    evaluator = {"name": "演示评价员", "role": "evaluator", "counties": ["800007", "530427"]}
    app = open_app(account=evaluator)
    assert app.multiselect(key="counties").value == ["530427", "800007"]
    # A link still chooses exactly what it names, however many.
    every = ",".join(read.counties(demo_copy)["code"])
    assert len(open_app(county=every).multiselect(key="counties").value) == 35
