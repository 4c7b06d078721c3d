"""The 数据质量 page on the demo warehouse: counts by kind, county and month; one county-month down to its rows.
Its 异常 tab on rosters with a drop written into them, and on the demo's."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.pages.apptest import chart_specs, open_app
from tests.pages.test_followup import store_township_drop

PAGE = "app_pages/data/findings.py"
FULL_ID = re.compile(r"\d{15,18}|\d{17}[0-9Xx]")


def open_findings(counties: list[str], year: int, program: str = ""):
    """The page as a link with these filters opens it; the sidebar is set too, should the link not carry them."""
    app = open_app(PAGE, county=",".join(counties), year=str(year), program=program)
    sidebar = (app.multiselect(key="counties"), app.selectbox(key="year"), app.selectbox(key="program"))
    if tuple(widget.value for widget in sidebar) != (counties, year, program):
        app.multiselect(key="counties").set_value(counties)
        app.selectbox(key="year").set_value(year)
        app.selectbox(key="program").set_value(program)
        app.run()
    return app


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def tables(app):
    """The county × kind counts, the county-month's findings, and the roster rows they point at."""
    return [frame.value for frame in app.dataframe]


def test_qufu_2023_counts_by_kind(demo_warehouse):
    app = open_findings(["370881"], 2023)
    assert not app.exception
    assert metrics(app) == {
        "身份证号无效": "3",
        "同一名册重复": "2",
        "跨县同月重复": "0",
        "超标准发放": "4",
        "逾期发放": "0",  # Qufu pays by the month's end
        "未发放": "3",
    }
    counts = tables(app)[0]
    assert counts["县区"].tolist() == ["曲阜市"]
    assert counts["合计"].tolist() == [12]


def test_a_county_month_opens_to_its_findings_and_roster_rows(demo_warehouse):
    app = open_findings(["370881"], 2023)
    assert app.selectbox(key="findings-month-zh").value == dt.date(2023, 2, 1)
    assert "**曲阜市 2023年2月**：3 条问题" in [markdown.value for markdown in app.markdown]
    _, found, rows = tables(app)
    assert found["行号"].tolist() == [1905, 2944, 4890]
    assert found["问题类型"].tolist() == ["未发放", "身份证号无效", "同一名册重复"]
    assert found["文件"].tolist() == ["2023-02.csv"] * 3
    assert rows["行号"].tolist() == [1905, 2944, 4890]
    assert rows["乡镇（街道）"].tolist() == ["小雪街道", "姚村镇", "王庄镇"]
    assert rows["发放金额（元）"].tolist() == [0.0, 1114.0, 426.0]
    assert rows["身份证号（已脱敏）"].tolist() == found["身份证号（已脱敏）"].tolist()


def test_picking_a_kind_and_a_month(demo_warehouse):
    app = open_findings(["370881"], 2023)
    app.selectbox(key="findings-kind-zh").set_value("over_standard").run()
    assert not app.exception
    month = app.selectbox(key="findings-month-zh")
    assert month.options == ["2023年9月", "2023年11月", "2023年12月"]
    month.set_value(dt.date(2023, 12, 1)).run()
    _, found, rows = tables(app)
    assert found["行号"].tolist() == [4557]
    assert "超过标准 745 元 × 1 人 = 745.00 元" in found["说明"][0]
    assert (rows["乡镇（街道）"][0], rows["发放金额（元）"][0], rows["问题类型"][0]) == ("尼山镇", 965.0, "超标准发放")


def test_only_masked_ids_are_shown(demo_warehouse):
    app = open_findings(["370881"], 2023)
    app.selectbox(key="findings-month-zh").set_value(dt.date(2023, 12, 1)).run()  # holds an Excel-mangled ID
    for frame in tables(app)[1:]:
        assert frame["身份证号（已脱敏）"].str.contains(r"\*{3}").all()
        text = " ".join(str(value) for value in frame.astype(str).to_numpy().ravel())
        assert not FULL_ID.search(text)


def test_zhanjiang_2022_late_payments_against_its_20th_deadline(demo_warehouse):
    app = open_findings(["440840"], 2022)
    assert not app.exception
    assert metrics(app)["逾期发放"] == "8,121"  # 40 % of 20,306 household-payments: 60 % on time, as reported
    app.selectbox(key="findings-kind-zh").set_value("late_payment").run()
    assert app.selectbox(key="findings-month-zh").value == dt.date(2022, 1, 1)
    _, found, rows = tables(app)
    assert len(found) == 29
    assert found["说明"].str.contains("晚于截止日 2022-01-20").all()
    assert len(rows) == 29


def test_the_programme_filter_changes_the_counts(demo_warehouse):
    app = open_findings(["900001"], 2023)
    assert metrics(app)["跨县同月重复"] == "4"
    app.selectbox(key="program").set_value("urban").run()
    assert not app.exception
    assert metrics(app)["跨县同月重复"] == "3"
    assert set(tables(app)[1]["项目"]) == {"城市低保"}


def test_the_chart_stacks_kinds_by_month_and_can_be_clicked(demo_warehouse):
    app = open_findings(["370881", "440840"], 2023)
    spec = chart_specs(app)[0]
    assert spec["params"][0]["name"] == "finding"
    assert spec["params"][0]["select"]["fields"] == ["month", "kind", "county_code"]
    assert spec["encoding"]["x"]["scale"]["domain"] == [f"2023年{month}月" for month in range(1, 13)]
    assert spec["encoding"]["color"]["scale"]["domain"][4] == "逾期发放"
    assert [tip["title"] for tip in spec["encoding"]["tooltip"]] == ["月份", "县区", "问题类型", "问题条数"]
    assert tables(app)[0]["县区"].tolist() == ["曲阜市", "湛江经济技术开发区"]


def test_no_findings_gives_a_plain_message(demo_warehouse):
    app = open_findings(["370881"], 2023, program="urban")  # Qufu's rosters are all rural
    assert not app.exception
    assert "没有数据问题记录" in app.info[0].value
    assert not app.dataframe
    assert not chart_specs(app)


def test_the_drill_down_choice_survives_switching_to_english(demo_warehouse):
    app = open_findings(["370881"], 2023)
    app.selectbox(key="findings-kind-zh").set_value("over_standard").run()
    app.selectbox(key="findings-month-zh").set_value(dt.date(2023, 12, 1)).run()
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    kind = app.selectbox(key="findings-kind-en")
    assert (kind.value, kind.options[kind.index]) == ("over_standard", "Paid above standard")
    month = app.selectbox(key="findings-month-en")
    assert month.options[month.index] == "Dec 2023"
    assert tables(app)[1]["Row"].tolist() == [4557]


ANOMALIES = "异常"
DROP = "鲁城街道 2023年3月 保障户数 42，较上月下降 30%（上月 60），近12个月正常范围 60–60；去年同月持平"


@pytest.fixture
def dropped(tmp_path, warehouse):
    """Fourteen steady months of one township, then 30 % fewer households; no findings at all."""
    store_township_drop(warehouse, tmp_path)
    return warehouse


def open_tab(app, tab: str):
    """Open a tab of the page (the tabs run only the open one's content, as a click on it would)."""
    app.session_state["findings-tab-zh"] = tab
    app.run()
    assert not app.exception
    return app


def test_the_anomalies_tab_lists_an_injected_drop_with_its_sentence(dropped):
    app = open_tab(open_findings(["370881"], 2023), ANOMALIES)
    assert metrics(app) == {"较上月变化": "2", "与近12个月中位数相比": "1", "缺报月份": "0"}
    assert "稳健 z 分数" in app.caption[0].value
    flags = tables(app)[0]
    row = flags[flags["说明"] == DROP].iloc[0]
    assert row[["县区", "乡镇（街道）", "指标", "方法"]].tolist() == ["曲阜市", "鲁城街道", "保障户数", "较上月变化"]
    assert (row["得分"], row["台账状态"]) == (-10.0, "待核实")
    assert len(row["台账编号"]) == 10
    assert not app.info  # uploaded rosters: no note on synthetic data
    next(button for button in app.button if button.label == "在整改台账中处理 ›").click().run()
    assert not app.exception
    assert app.title[0].value == "整改台账"
    assert app.selectbox(key="followup-kind-zh").value == "anomaly"


def test_the_anomalies_tab_renders_where_there_are_no_findings(dropped):
    app = open_findings(["370881"], 2023)
    assert "没有数据问题记录" in app.info[0].value  # the first tab, as before
    assert not app.dataframe
    app = open_tab(app, ANOMALIES)
    assert DROP in tables(app)[0]["说明"].tolist()
    assert not [info for info in app.info if "没有数据问题记录" in info.value]


def test_anomalies_of_demo_rosters_say_they_are_synthetic(demo_warehouse):
    app = open_tab(open_findings(["370881"], 2023), ANOMALIES)
    assert metrics(app)["与近12个月中位数相比"] == "7"
    assert "其中 7 处异常出自演示合成数据的名册" in app.info[0].value
    assert len(tables(app)) == 1  # the findings tab's tables are not drawn


def test_no_anomalies_gives_a_plain_message(demo_warehouse):
    app = open_tab(open_findings(["370881"], 2023, program="urban"), ANOMALIES)  # Qufu's rosters are all rural
    assert "没有发现异常" in app.info[0].value
    assert not app.dataframe


def test_the_open_tab_survives_switching_to_english(dropped):
    app = open_tab(open_findings(["370881"], 2023), ANOMALIES)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert list(metrics(app)) == ["Change on the month before", "Against the 12-month median", "Missing month"]
    flags = tables(app)[0]
    assert set(flags["Method"]) == {"Change on the month before", "Against the 12-month median"}
    assert set(flags["Register status"]) == {"Open"}
