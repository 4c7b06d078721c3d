"""Small counts on the pages (AppTest): a viewer (领导), or another county's evaluator, reads no household count of
1–4 of 曲阜市 on 保障人数, 按时发放, 数据质量 or 总览, nor works one out from what it does read; 曲阜市's own evaluator
reads every true figure, its households one by one, and downloads marked internal."""

from __future__ import annotations

import datetime as dt
import io

import polars as pl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from access.approval import approve
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from tests.pages.apptest import chart_specs, metrics, open_app, table
from warehouse.month_states import Slot

QUFU = "370881"
VIEWER = {"name": "leader", "role": "viewer", "counties": []}
QUFU_EVALUATOR = {"name": "wang", "role": "evaluator", "counties": [QUFU]}
OTHER_EVALUATOR = {"name": "li", "role": "evaluator", "counties": ["530427"]}
RESTRICTED = pytest.mark.parametrize("reader", [VIEWER, OTHER_EVALUATOR], ids=["viewer", "other county"])
# township → category → households (two persons each, 745 元 a household) in March 2023
CELLS = {"鲁城街道": {"A类": 30, "B类": 2}, "书院街道": {"A类": 25, "B类": 3}, "时庄街道": {"A类": 12, "B类": 9}}
ODD = ("时庄街道", "A类")  # the cell whose households have invalid IDs, or were paid late, or not at all
HEADER = ["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
SMALL = {"1", "2", "3", "4"}
HIDDEN, LOCK = "隐去", "🔒 小数保护"
RECIPIENTS, ON_TIME = "app_pages/dashboard/recipients.py", "app_pages/dashboard/on_time.py"
FINDINGS = "app_pages/data/findings.py"


def roster(month: str, *, invalid: int, paid: dict[int, str]) -> list[list[str]]:
    """CELLS as roster rows paid on the 5th of `month`; of ODD's households the first `invalid` with an invalid
    ID, and those in `paid` (index → date; "" unpaid) paid then."""
    rows, sequence = [], 0
    for township, categories in CELLS.items():
        for category, households in categories.items():
            for index in range(households):
                sequence += 1
                odd = (township, category) == ODD
                date = paid.get(index, f"{month}-05") if odd else f"{month}-05"
                valid = not (odd and index < invalid)
                rows.append([township, make_id(sequence=sequence, valid=valid), "2", category, "745", date])
    return rows


@pytest.fixture
def small_cells(warehouse, tmp_path):
    """Qufu (deadline: the month's end), rural, approved. February 2023: CELLS without 鲁城街道's B类, 6 invalid IDs,
    all paid on time. March 2023: CELLS, 2 invalid IDs, 2 households paid in April, 1 not paid."""
    february = [row for row in roster("2023-02", invalid=6, paid={}) if (row[0], row[3]) != ("鲁城街道", "B类")]
    march = roster("2023-03", invalid=2, paid={2: "2023-04-05", 3: "2023-04-06", 4: ""})
    for month, rows in (("2023-02", february), ("2023-03", march)):
        path = write_csv(
            tmp_path / f"{month}.csv",
            rows,
            header=["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"],
        )
        report = ingest_roster(warehouse, path, county=QUFU, month=month, program="rural", user="上传员")
        approve(warehouse, "审核员", [Slot(QUFU, "rural", report.month)])
    return warehouse


@pytest.fixture
def downloads(monkeypatch) -> dict[str, tuple[str, bytes]]:
    """The file name and bytes behind each download button's URL (AppTest's proto carries the URL only)."""
    files: dict[str, tuple[str, bytes]] = {}
    add = MediaFileManager.add

    def recorded(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        url = add(self, data, mimetype, coordinates, file_name, is_for_static_download)
        files[url] = (file_name, data)
        return url

    monkeypatch.setattr(MediaFileManager, "add", recorded)
    return files


def download(app, files: dict, key: str) -> tuple[str, str]:
    """The CSV download of the table `key`: its file name and text."""
    button = next(b for b in app.get("download_button") if b.proto.id.endswith(f"-{key}-csv"))
    name, data = files[button.proto.url]
    return name, data.decode("utf-8-sig")


def open_page(page: str | None, account: dict):
    app = open_app(page, account=account, county=QUFU, year="2023")
    assert not app.exception
    return app


def drawn(app) -> list[pl.DataFrame]:
    """The rows each Altair chart on the page draws (Streamlit sends them as Arrow)."""
    return [pl.read_ipc_stream(io.BytesIO(chart.proto.datasets[0].data.data)) for chart in app.get("vega_lite_chart")]


def small_cells_shown(frames) -> list:
    """Every table cell (pandas) or chart value (polars, columns of households) that reads as a count of 1–4; the
    net change in households aside (the households of both months are shown: it gives nothing away)."""
    found = []
    for frame in frames:
        if isinstance(frame, pl.DataFrame):
            counts = frame.select(pl.col(name) for name in frame.columns if "households" in name)
            found += [v for column in counts.iter_columns() for v in column.drop_nulls() if str(v) in SMALL]
        else:
            found += [v for v in frame.drop(columns="户数增减", errors="ignore").to_numpy().ravel() if str(v) in SMALL]
    return found


def texts(app, *kinds: str) -> list[str]:
    return [element.value for kind in kinds for element in getattr(app, kind)]


@RESTRICTED
def test_a_restricted_reader_drills_qufu_down_to_categories_without_a_small_count(small_cells, downloads, reader):
    app = open_page(RECIPIENTS, reader)
    assert app.selectbox(key="drill_month-zh").value == "2023-03-01"  # the latest month: 曲阜市 · 农村 · 2023年3月
    assert any(caption.startswith(LOCK) for caption in texts(app, "caption"))
    assert metrics(app)["2023年新增 / 退出户数"] == f"{HIDDEN} / {HIDDEN}"  # 6 new, 4 exited: both withheld
    march = table(app, "户数增减").set_index("月份").loc["2023年3月"]
    assert (march["新增户数"], march["退出户数"]) == (HIDDEN, HIDDEN)
    townships = table(app, "乡镇（街道）").set_index("乡镇（街道）")
    assert set(townships["新增户数"]) == set(townships["退出户数"]) == {HIDDEN}  # below the county: always
    seen = [frame.value for frame in app.dataframe] + drawn(app)
    for township in CELLS:
        app.selectbox(key="drill_township-zh").set_value(township).run()
        categories = table(app, "保障类别").set_index("保障类别")
        seen += [categories, drawn(app)[-1]]
        households = categories["保障户数"].to_dict()
        for words in households.values():
            assert words in ("<5", "≥5") or int(words.replace(",", "")) >= 5
        hidden = [category for category, words in households.items() if not words.isdigit()]
        for category in hidden:  # persons, share and amount of a withheld cell read 隐去
            assert categories.loc[category, ["保障人数", "人数占比", "发放金额（万元）"]].tolist() == [HIDDEN] * 3
        # no subtraction gives a withheld cell away: none alone in a township whose total is shown
        assert len(hidden) != 1 or not townships.loc[township, "保障户数"].isdigit()
        chart = drawn(app)[-1].filter(pl.col("category").is_in(hidden))
        assert (
            chart.select("households", "persons", "persons_share", "amount_wan").null_count().row(0)
            == (len(hidden),) * 4
        )
        if township != "时庄街道":
            assert households == {"A类": "≥5", "B类": "<5"}  # B类's 2 and 3 households, and A类 with them
    assert not small_cells_shown(seen)
    for spec in chart_specs(app)[-2:]:  # the townships' and the categories' tooltips read the withheld words
        fields = {tip["field"] for tip in spec["encoding"]["tooltip"]}
        assert {"households_text", "persons_text", "amount_wan_text"} <= fields
        assert not {"households", "persons", "amount_wan"} & fields
    name, csv = download(app, downloads, "recipients_categories")
    assert name == "类别构成_370881_2023-03_时庄街道.csv" and "使用范围" not in csv
    name, csv = download(app, downloads, "recipients_townships")
    assert not name.startswith("内部_") and csv.count(HIDDEN) == 6


def test_the_county_evaluator_reads_every_true_figure_and_downloads_them_marked_internal(small_cells, downloads):
    app = open_page(RECIPIENTS, QUFU_EVALUATOR)
    assert not any(caption.startswith(LOCK) for caption in texts(app, "caption"))
    assert metrics(app)["2023年新增 / 退出户数"] == "6 / 4"
    townships = table(app, "乡镇（街道）").set_index("乡镇（街道）")
    assert townships["保障户数"].to_dict() == {"鲁城街道": 32, "书院街道": 28, "时庄街道": 21}
    assert townships["新增户数"].to_dict() == {"鲁城街道": 2, "书院街道": 0, "时庄街道": 4}
    for township, cells in CELLS.items():
        app.selectbox(key="drill_township-zh").set_value(township).run()
        categories = table(app, "保障类别").set_index("保障类别")
        assert categories["保障户数"].to_dict() == cells
        assert categories["保障人数"].to_dict() == {category: 2 * n for category, n in cells.items()}
        assert not (categories.astype(str) == HIDDEN).any().any()
        name, csv = download(app, downloads, "recipients_categories")
        assert name == f"内部_类别构成_370881_2023-03_{township}.csv"
        assert csv.splitlines()[0].startswith("使用范围,") and f"B类,{cells['B类']}," in csv
    for key in ("recipients_monthly", "recipients_townships"):
        name, csv = download(app, downloads, key)
        assert name.startswith("内部_") and "内部：含真实小额数字（少于 5 户），不得对外" in csv


@RESTRICTED
def test_late_and_unpaid_households_of_a_few_read_as_under_five_with_the_rate_a_bound(small_cells, reader):
    app = open_page(ON_TIME, reader)
    assert app.selectbox(key="on_time_month-zh").value == "2023-03-01"
    shown = metrics(app)
    assert (shown["保障户数"], shown["按时户数"], shown["逾期户数"], shown["未发放户数"]) == ("81", HIDDEN, "<5", "<5")
    assert shown["按时发放率"] == "≥90.1%"  # (81 − 4 − 4) / 81: the least the withheld counts allow
    assert "逐户明细只对本县区的评价人员和管理员显示。" in texts(app, "info")
    assert not [frame for frame in app.dataframe if "身份证号（脱敏）" in frame.value.columns]
    ranking = table(app, "按时发放率")
    assert ranking["按时发放率"].str.startswith("≥").all() and ranking["最差月份按时率"].tolist() == ["≥90.1%"]
    (grid,) = drawn(app)
    march = grid.filter(month_key="2023-03-01").row(0, named=True)
    assert (march["late_households"], march["unpaid_households"], march["on_time_households"]) == (None,) * 3
    assert not small_cells_shown([ranking, grid])
    fields = {tip["field"] for tip in chart_specs(app)[0]["layer"][0]["encoding"]["tooltip"]}
    assert {"late_households_text", "unpaid_households_text", "rate_text"} <= fields
    assert any(caption.startswith(LOCK) for caption in texts(app, "caption"))


def test_the_county_evaluator_reads_the_true_cell_and_its_households(small_cells, downloads):
    app = open_page(ON_TIME, QUFU_EVALUATOR)
    shown = metrics(app)
    assert (shown["按时发放率"], shown["按时户数"], shown["逾期户数"], shown["未发放户数"]) == ("96.2%", "78", "2", "1")
    behind = table(app, "身份证号（脱敏）")
    assert behind["问题"].tolist() == ["逾期发放", "逾期发放", "未发放"]
    assert behind["说明"].iloc[0] == "于 2023-04-05 发放，晚于截止日 2023-03-31（晚 5 天）"
    assert download(app, downloads, "on_time_behind")[0] == "内部_逾期未发放_370881_2023-03.csv"
    assert download(app, downloads, "on_time_ranking")[0] == "内部_按时发放_2023.csv"


@RESTRICTED
def test_findings_of_a_few_read_as_under_five_and_their_rows_are_not_shown(small_cells, reader):
    app = open_page(FINDINGS, reader)
    assert metrics(app) == {
        "身份证号无效": "≥6",  # 6 in February shown, March's 2 withheld: no exact total
        "同一名册重复": "0",
        "跨县同月重复": "0",
        "超标准发放": "0",
        "逾期发放": "<5",
        "未发放": "<5",
    }
    (counts,) = [frame.value for frame in app.dataframe]  # the county table alone: no finding, no roster row
    assert counts.iloc[0][["身份证号无效", "逾期发放", "未发放", "合计"]].tolist() == ["≥6", "<5", "<5", "≥6"]
    (by_month,) = drawn(app)
    assert by_month.filter(month=dt.date(2023, 3, 1))["findings_label"].to_list() == ["<5", "<5", "<5"]
    assert not small_cells_shown([counts]) and not set(by_month["findings"].cast(pl.String)) & SMALL
    app.selectbox(key="findings-month-zh").set_value(dt.date(2023, 3, 1)).run()
    assert any(info.startswith("逐条问题和名册行只对本县区的评价人员和管理员显示") for info in texts(app, "info"))
    assert len(app.dataframe) == 1 and not any("条问题" in words for words in texts(app, "markdown"))


def test_the_county_evaluator_reads_true_finding_counts_and_rows(small_cells):
    app = open_page(FINDINGS, QUFU_EVALUATOR)
    shown = metrics(app)
    assert (shown["身份证号无效"], shown["逾期发放"], shown["未发放"]) == ("8", "2", "1")
    assert table(app, "合计")["合计"].tolist() == [11]
    app.selectbox(key="findings-kind-zh").set_value("unpaid").run()
    assert app.selectbox(key="findings-month-zh").value.isoformat() == "2023-03-01"
    assert "**曲阜市 2023年3月**：1 条问题" in texts(app, "markdown")
    rows = table(app, "乡镇（街道）")
    assert (rows["乡镇（街道）"].tolist(), rows["问题类型"].tolist()) == (["时庄街道"], ["未发放"])


def test_the_cockpit_says_a_few_unpaid_households_without_their_number(small_cells):
    viewer = " ".join(texts(open_page(None, VIEWER), "markdown"))
    assert "**曲阜市**：2023年3月有 <5 户未发放" in viewer and "（占" not in viewer
    evaluator = " ".join(texts(open_page(None, QUFU_EVALUATOR), "markdown"))
    assert "**曲阜市**：2023年3月有 1 户未发放（占 1.2%）" in evaluator


def test_withheld_flows_are_not_said_to_lack_an_earlier_month(small_cells):
    app = open_page(RECIPIENTS, VIEWER)
    assert "2023年2月" in table(app, "户数增减")["月份"].tolist()  # February is stored, and read
    assert not any("没有上月名册可比" in info for info in texts(app, "info"))
    assert any("按小数保护规则隐去" in info for info in texts(app, "info"))


def test_the_cockpit_headline_says_withheld_findings_as_the_county_table_does(small_cells):
    app = open_page(None, VIEWER)
    assert app.dataframe[0].value.set_index("县区").loc["曲阜市", "本月问题"] == HIDDEN
    assert metrics(app)["本月数据问题"] == HIDDEN
