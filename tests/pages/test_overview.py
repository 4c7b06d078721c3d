"""The 总览 page on an empty warehouse and on one with data (AppTest)."""

from __future__ import annotations

from demo import SEEDS
from loaders.counties import ingest_counties
from tests.files import make_id, store_approved_evaluation, store_plain_roster
from tests.pages.apptest import open_app


def run_app():
    return open_app()


def test_empty_warehouse_says_what_to_do(empty_warehouse):
    app = run_app()
    assert not app.exception
    assert "dibao demo" in app.info[0].value
    assert not app.dataframe


def test_overview_shows_each_county_with_its_latest_figures(tmp_path, empty_warehouse):
    ingest_counties(empty_warehouse, SEEDS / "counties.csv", user="t")
    store_approved_evaluation(empty_warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv")
    store_plain_roster(
        empty_warehouse,
        tmp_path,
        [["鲁城街道", make_id(), "2", "1490", "2023-12-10"]],
        county="370881",
        month="2023-12",
    )
    app = run_app()
    assert not app.exception
    table = app.dataframe[0].value
    qufu = table[table["县区"] == "曲阜市"].iloc[0]
    assert (qufu["保障户数"], qufu["保障人数"], qufu["近 12 个月按时率"]) == (1, 2, 1.0)
    assert (qufu["评价得分"], qufu["等级"]) == (92.46, "优")
    assert len(table) == 5


def test_demo_overview_flags_zhanjiang_and_shows_qufu_2023(demo_warehouse):
    app = open_app(year="2023")
    assert not app.exception
    table = app.dataframe[0].value.set_index("县区")
    assert table.loc["曲阜市", "评价得分"] == 92.46 and table.loc["曲阜市", "等级"] == "优"
    assert (
        table.loc["曲阜市", "现行标准（元/人/月）"] == 745.0 and round(table.loc["曲阜市", "标准同比提高"], 4) == 0.0643
    )
    assert table["近 12 个月按时率"].idxmin() == "湛江经济技术开发区"
    assert "按时率最低" in table.loc["湛江经济技术开发区", "需关注"]
    # the rubric re-check of each county's latest evaluation (2023 seeds: Qufu 3, Chenggong 0, the unnamed county 7)
    qufu, unnamed = table.loc["曲阜市"], table.loc["某县(报告未具名)"]
    assert (qufu["重算差异（报告数字）"], qufu["其他依据的差异"]) == (3, 0)
    assert "评价重算有差异（报告数字）" in qufu["需关注"]
    assert (table.loc["呈贡区", "重算差异（报告数字）"], table.loc["呈贡区", "其他依据的差异"]) == (0, 0)
    # the unnamed county's differences all rest on readings (5) or synthetic rosters (2): never shown as proven
    assert (unnamed["重算差异（报告数字）"], unnamed["其他依据的差异"]) == (0, 7)
    assert "评价重算另有差异（解读或仓库数据）" in unnamed["需关注"] and "报告数字" not in unnamed["需关注"]
    app.selectbox(key="overview_county-zh").set_value("新平彝族傣族自治县").run()
    assert [metric.label for metric in app.metric][:2] == ["保障户数", "现行标准"]
    assert "每月 30 日前" in " ".join(markdown.value for markdown in app.markdown)
