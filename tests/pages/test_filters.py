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
    assert table["name"].tolist() == ["湛江经济技术开发区", "新平彝族傣族自治县"]


def test_changing_a_filter_changes_the_url_and_the_figures(demo_warehouse):
    app = open_app(county="530427", year="2020")
    households_2020 = app.dataframe[0].value["households"].tolist()
    app.selectbox(key="year").set_value(2022).run()
    assert app.query_params["year"] == "2022"
    assert app.dataframe[0].value["households"].tolist() != households_2020
    assert households_2020 == [4102]  # Xinping, December 2020, as its report says


def test_unknown_values_in_the_url_fall_back_quietly(demo_warehouse):
    app = open_app(county="999999", program="nonsense", year="abc")
    assert not app.exception
    assert len(app.multiselect(key="counties").value) == 5


def test_english(demo_warehouse):
    app = open_app(lang="en")
    assert not app.exception
    assert app.title[0].value == "Dibao performance cockpit · Overview"
