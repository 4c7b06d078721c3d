"""The brief as a workbook: every sheet reads back as a frame with Chinese headers, figures stay numbers with
the formats a person sees in Excel, and a month without data still makes a workbook that says what is missing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from briefs.figures import gather
from briefs.model import Brief
from briefs.workbook import brief_workbook
from warehouse.db import open_warehouse
from warehouse.settings import get_settings

DECEMBER = dt.date(2023, 12, 1)
NO_DATA = dt.date(2030, 1, 1)
MADE_AT = dt.datetime(2024, 1, 8, 9, 30)
SHEETS = ["说明", "概览", "县区", "月度", "保障标准", "评价", "需关注", "数据问题"]
HEADERS = {
    "说明": ["项目", "内容"],
    "概览": ["指标", "数值", "单位", "文字", "较上月", "较上年同期", "说明", "依据", "缺少"],
    "月度": ["县区代码", "县区", "月份", "保障户数", "保障人数", "发放金额（万元）"]
    + ["按时发放户数", "未发放户数", "按时率", "数据问题"],
    "需关注": ["序号", "县区", "事项", "严重程度", "所在页面"],
    "数据问题": ["县区", "类型", "条数", "示例"],
}


@pytest.fixture(scope="module")
def demo_engine(demo_database):
    """The shared demo warehouse for the module: gathering a brief reads it only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{demo_database}")
        patch.delenv("DIBAO_ID_KEY", raising=False)
        get_settings.cache_clear()
        engine = open_warehouse()
        yield engine
        engine.dispose()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def december(demo_engine) -> Brief:
    return gather(demo_engine, month=DECEMBER, made_at=MADE_AT)


@pytest.fixture(scope="module")
def empty_month(demo_engine) -> Brief:
    return gather(demo_engine, month=NO_DATA, made_at=MADE_AT)


def saved(brief: Brief, tmp_path: Path) -> Path:
    path = tmp_path / "brief.xlsx"
    path.write_bytes(brief_workbook(brief))
    return path


def sheet(path: Path, name: str) -> pl.DataFrame:
    return pl.read_excel(path, sheet_name=name)


def test_every_sheet_reads_back_as_a_frame_with_chinese_headers(december, tmp_path):
    path = saved(december, tmp_path)
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    for name, headers in HEADERS.items():
        assert sheet(path, name).columns == headers, name
    assert sheet(path, "县区").height == december.counties.height
    assert sheet(path, "保障标准").height == december.standards.height
    assert sheet(path, "评价").height == december.evaluations.height


def test_county_figures_are_numbers_equal_to_the_brief(december, tmp_path):
    counties = sheet(saved(december, tmp_path), "县区")
    for column in ("保障户数", "保障人数", "本年累计资金（万元）", "近12个月按时率", "评价得分"):
        assert counties.schema[column].is_numeric(), column
    assert counties["县区代码"].to_list() == december.counties["county_code"].to_list()
    assert counties["保障户数"].to_list() == december.counties["households"].to_list()
    assert counties["保障人数"].to_list() == december.counties["persons"].to_list()
    assert counties["本年累计资金（万元）"].to_list() == pytest.approx(december.counties["funds_wan"].to_list())
    assert set(counties["无名册"]) == {"否"}
    qufu = counties.filter(县区代码="370881").row(0, named=True)
    assert (qufu["评价类型"], qufu["评价依据"], qufu["名册依据"]) == ("财政评价", "评价报告原文", "演示合成数据")


def test_months_read_back_as_dates(december, tmp_path):
    series = sheet(saved(december, tmp_path), "月度")
    assert series.schema["月份"] == pl.Date
    assert series["月份"].to_list() == december.series["month"].to_list()
    assert series["按时率"].to_list() == pytest.approx(december.series["on_time_rate"].to_list())


def test_overview_values_are_the_headline_numbers(december, tmp_path):
    overview = sheet(saved(december, tmp_path), "概览")
    assert overview.schema["数值"] == pl.Float64
    assert overview["指标"].to_list() == december.headline["label"].to_list()
    assert overview["数值"].to_list() == pytest.approx(december.headline["value"].to_list())
    assert overview["较上月"].to_list() == pytest.approx(december.headline["month_change"].to_list(), nan_ok=True)


def test_cover_says_what_the_brief_was_made_for(december, tmp_path):
    cover = dict(sheet(saved(december, tmp_path), "说明").iter_rows())
    assert cover["月份"] == "2023年12月"
    assert cover["县区"].split("、") == list(december.scope.names.values())
    assert cover["项目"] == "农村、城市低保"
    assert cover["数据范围"] == "仅含已审核数据"
    assert cover["生成时间"] == "2024年1月8日 09:30"
    assert cover["数据依据"] == "名册数字为演示合成数据，并非真实数据"
    assert cover["缺少的数字"] == "无"


def test_a_month_without_data_still_makes_a_workbook_that_says_what_is_missing(empty_month, tmp_path):
    assert empty_month.missing
    path = saved(empty_month, tmp_path)
    cover = sheet(path, "说明")
    assert cover.filter(项目="缺少的数字")["内容"].to_list() == list(empty_month.missing)
    assert "曲阜市：没有2030年1月的已审核名册" in cover["内容"].to_list()
    for name in ("月度", "数据问题"):
        assert sheet(path, name).columns == HEADERS[name] and sheet(path, name).is_empty()
    counties = sheet(path, "县区")
    assert counties["保障户数"].null_count() == counties.height  # empty cells, not zeros or dashes
    assert set(counties["无名册"]) == {"是"}


def test_an_empty_frame_still_gets_its_sheet_with_headers(december, tmp_path):
    quiet = dataclasses.replace(december, attention=december.attention.clear())
    attention = sheet(saved(quiet, tmp_path), "需关注")
    assert attention.columns == HEADERS["需关注"] and attention.is_empty()


def test_attention_names_the_page_in_chinese(december, tmp_path):
    attention = sheet(saved(december, tmp_path), "需关注")
    assert attention["序号"].to_list() == december.attention["rank"].to_list()
    assert set(attention["所在页面"]) <= {"保障人数", "按时发放", "指标得分", "等级趋势", "数据质量"}


def test_findings_quote_masked_examples_joined(december, tmp_path):
    findings = sheet(saved(december, tmp_path), "数据问题")
    assert findings["条数"].to_list() == december.findings["findings"].to_list()
    first = december.findings.row(0, named=True)
    assert findings["示例"][0] == "；".join(first["examples"])
    assert "**********" in findings["示例"][0]


def test_text_a_spreadsheet_would_run_stays_text(december, tmp_path):
    planted = december.findings.with_columns(kind_words=pl.lit('=HYPERLINK("http://x")'))
    path = saved(dataclasses.replace(december, findings=planted), tmp_path)
    cell = openpyxl.load_workbook(path)["数据问题"]["B2"]
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://x")'


def test_the_formats_a_person_sees_in_excel(december, tmp_path):
    book = openpyxl.load_workbook(saved(december, tmp_path))
    counties = book["县区"]
    headers = [cell.value for cell in counties[1]]
    first = dict(zip(headers, counties[2], strict=True))
    assert first["近12个月按时率"].number_format == "0.0%"
    assert first["本年累计资金（万元）"].number_format == "#,##0.00"
    assert first["保障户数"].number_format == "#,##0" and first["评价年度"].number_format == "0"
    assert "%" in first["较上月"].number_format
    assert book["月度"]["C2"].is_date and book["月度"]["C2"].number_format == 'yyyy"年"m"月"'
    overview = book["概览"]
    formats = {overview.cell(row, 1).value: overview.cell(row, 2).number_format for row in range(2, 8)}
    labels = dict(december.headline.select("key", "label").iter_rows())
    assert formats[labels["households"]] == "#,##0" and formats[labels["funds"]] == "#,##0.00"
    assert formats[labels["on_time"]] == "0.0%" and formats[labels["grade"]] == "0.00"
    for name in SHEETS:
        assert book[name].freeze_panes == "A2", name
        assert book[name]["A1"].font.b, name
