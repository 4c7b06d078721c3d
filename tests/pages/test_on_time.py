"""The 按时发放 page: which county pays late and in which months, and the households behind a month (AppTest)."""

from __future__ import annotations

import datetime as dt

from access.approval import approve
from loaders.roster_store import ingest_roster
from tests.files import make_id, store_plain_roster, write_csv
from tests.pages.apptest import chart_specs, metrics, open_with, table
from warehouse.month_states import Slot

PAGE = "app_pages/dashboard/on_time.py"
ALL = ["370881", "440840", "530114", "530427", "900001"]


def test_zhanjiang_is_worst_in_2022_and_the_months_are_named(demo_warehouse):
    app = open_with(PAGE, ALL, 2022)
    assert not app.exception
    headline = app.error[0].value
    assert "湛江经济技术开发区" in headline and "每月20日前" in headline
    assert "60.0%" in headline  # the report's 60 % against a ≥ 90 % target
    assert "2月、4月、6月、7月、11月" in headline
    ranking = table(app, "按时发放率")
    worst = ranking.iloc[0]
    assert (worst["县区"], worst["项目"], worst["发放截止"]) == ("湛江经济技术开发区", "农村", "每月20日前")
    assert round(worst["按时发放率"], 3) == 0.600
    assert worst["低于90%的月数"] == 5
    assert worst["最差月份"] == "2022年11月"
    deadlines = dict(zip(ranking["县区"], ranking["发放截止"], strict=False))
    assert deadlines["曲阜市"] == "月末" and deadlines["新平彝族傣族自治县"] == "每月30日前"


def test_heatmap_colours_low_rates_red_with_tooltips(demo_warehouse):
    app = open_with(PAGE, ALL, 2022)
    (heatmap,) = chart_specs(app)
    cells, text = heatmap["layer"]
    assert cells["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    scale = cells["encoding"]["color"]["scale"]
    assert scale["scheme"] == "redyellowgreen" and scale["domainMid"] == 0.9  # red below the 90 % target
    expected = ["县区", "项目", "发放截止", "月份", "按时发放率", "保障户数", "按时户数", "逾期户数", "未发放户数"]
    for layer in (cells, text):
        assert [tip["title"] for tip in layer["encoding"]["tooltip"]] == expected
    assert cells["encoding"]["y"]["sort"][0] == "湛江经济技术开发区 · 农村 · 每月20日前"  # worst row on top
    assert heatmap["params"][0]["name"] == "cell_pick"


def test_the_worst_cell_opens_on_its_late_households_and_another_month_on_its_unpaid_one(demo_warehouse):
    app = open_with(PAGE, ALL, 2022)
    assert app.selectbox(key="on_time_row-zh").value == "440840:rural"
    assert app.selectbox(key="on_time_month-zh").value == "2022-11-01"  # 1.1 % on time: the worst month
    shown = metrics(app)
    assert (shown["按时发放率"], shown["保障户数"], shown["逾期户数"], shown["未发放户数"]) == (
        "1.1%",
        "1,723",
        "1,704",
        "0",
    )
    behind = table(app, "身份证号（脱敏）")
    assert len(behind) == 1704 and set(behind["问题"]) == {"逾期发放"}
    assert behind["身份证号（脱敏）"].str.match(r"^4408\*{10}\d{3}[\dX]$").all()  # masked, never raw
    assert behind["说明"].iloc[0].endswith("晚于截止日 2022-11-20（晚 9 天）")

    app.selectbox(key="on_time_month-zh").set_value("2022-08-01").run()
    assert not app.exception
    behind = table(app, "身份证号（脱敏）")
    assert behind[["问题", "文件", "行号"]].values.tolist() == [["未发放", "2022-08.csv", 1346]]
    assert metrics(app)["未发放户数"] == "1"


def test_a_month_paid_on_time_has_nothing_behind_it(demo_warehouse):
    app = open_with(PAGE, ALL, 2022)
    app.selectbox(key="on_time_month-zh").set_value("2022-03-01").run()
    assert not app.exception
    assert metrics(app)["按时发放率"] == "100.0%"
    assert app.info[0].value == "该月没有逾期或未发放的记录。"


def test_changing_the_year_changes_the_figures(demo_warehouse):
    app = open_with(PAGE, ["440840"], 2022)
    rate_2022 = table(app, "按时发放率")["按时发放率"].iloc[0]
    app.selectbox(key="year").set_value(2023).run()
    assert not app.exception
    assert table(app, "按时发放率")["按时发放率"].iloc[0] != rate_2022


def test_a_small_roster_paid_late_after_the_20th(tmp_path, warehouse):
    """Zhanjiang's deadline is the 20th: one household paid on the 25th, one on the 10th, one not at all."""
    roster = write_csv(
        tmp_path / "r.csv",
        [
            ["东山街道", make_id("440811", sequence=1), "3", "1737", "2022-03-25"],
            ["东山街道", make_id("440811", sequence=2), "2", "1158", "2022-03-10"],
            ["东山街道", make_id("440811", sequence=3), "1", "579", ""],
        ],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    ingest_roster(warehouse, roster, county="440840", month="2022-03", program="rural", user="上传员")
    approve(warehouse, "审核员", [Slot("440840", "rural", dt.date(2022, 3, 1))])
    app = open_with(PAGE, ["440840"], 2022)
    assert not app.exception
    assert "33.3%" in app.error[0].value and "3月" in app.error[0].value
    shown = metrics(app)
    assert (shown["保障户数"], shown["按时户数"], shown["逾期户数"], shown["未发放户数"]) == ("3", "1", "1", "1")
    behind = table(app, "身份证号（脱敏）")
    assert behind["问题"].tolist() == ["逾期发放", "未发放"]
    assert behind["行号"].tolist() == [2, 4]  # the rows a person sees when opening the file


def test_a_county_without_rosters_says_what_to_do(tmp_path, warehouse):
    store_plain_roster(
        warehouse,
        tmp_path,
        [["鲁城街道", make_id(sequence=1), "2", "1490", "2023-12-10"]],
        county="370881",
        month="2023-12",
    )
    app = open_with(PAGE, ["440840"], 2023)
    assert not app.exception
    assert "没有发放名册" in app.info[0].value
    assert not app.get("vega_lite_chart")


def test_every_county_on_target_says_so(tmp_path, warehouse):
    paid_at_month_end = [["鲁城街道", make_id(sequence=1), "2", "1490", "2023-12-31"]]  # Qufu pays by month end
    store_plain_roster(warehouse, tmp_path, paid_at_month_end, county="370881", month="2023-12")
    app = open_with(PAGE, ["370881"], 2023)
    assert not app.exception
    assert "达到 90% 目标" in app.success[0].value
    assert table(app, "按时发放率")["发放截止"].tolist() == ["月末"]


def test_english_is_one_click_away(demo_warehouse):
    app = open_with(PAGE, ["440840"], 2022)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "On-time payment"
    assert "Feb, Apr, Jun, Jul, Nov" in app.error[0].value
    assert table(app, "On-time rate")["Deadline"].tolist() == ["by day 20"]
