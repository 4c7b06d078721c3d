"""Rosters as offices really send them: every quirk of PRODUCT.md, loaded with exact figures."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from loaders.roster_store import check_roster, ingest_roster
from tests.files import make_id, write_csv, write_xlsx
from warehouse import read

HEADER = ["乡镇（街道）", "村（社区）", "户主姓名", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]


def civil_affairs_export(tmp_path, *, encoding="gb18030"):
    """The civil-affairs system's export: title, 制表单位 and 日期 rows, totals and a footer."""
    rows = [
        ["鲁城街道", "东关村", "张三", make_id(sequence=1), "2", "745", "1,490.00", "2023年1月10日"],
        ["", "", "李四", make_id(sequence=2), "1", "745", "745", "2023/1/10"],  # merged 乡镇/村: same as above
        [],
        ["书院街道", "西关村", "王五", make_id(sequence=3), "３", "745", "¥2,000", "2023.1.31"],
        ["小计", "", "", "", "6", "", "4,235", ""],
    ]
    return write_csv(
        tmp_path / "2023年1月农村低保发放明细.csv",
        rows,
        header=HEADER,
        title=[
            ["2023年1月农村低保发放明细"],
            ["制表单位：曲阜市民政局", "", "", "", "", "", "单位：元"],
            ["日期：2023-02-01"],
        ],
        footer=[["合计", "", "", "", "6", "", "4,235.00", ""], [], ["制表人：赵六", "", "审核人：钱七"]],
        encoding=encoding,
    )


def test_gb18030_export_with_titles_totals_and_footer(tmp_path, warehouse):
    path = civil_affairs_export(tmp_path)
    report = ingest_roster(warehouse, path, county="370881", program="rural")
    assert (report.month, report.rows_read, report.households, report.persons) == (dt.date(2023, 1, 1), 3, 3, 6)
    assert report.amount_fen == 423500
    assert report.findings.is_empty()
    rows = read.household_rows(warehouse, county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True)
    assert rows["row"].to_list() == [5, 6, 8]  # the row numbers a person sees in the file
    assert rows["township"].to_list() == ["鲁城街道", "鲁城街道", "书院街道"]
    assert rows["village"].to_list() == ["东关村", "东关村", "西关村"]
    assert rows["paid_on"].to_list() == [dt.date(2023, 1, 10), dt.date(2023, 1, 10), dt.date(2023, 1, 31)]
    figures = read.figures_by(
        warehouse, by="township", county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True
    )
    assert figures.select("township", "households", "persons", "amount").rows() == [
        ("书院街道", 1, 3, 2000.0),
        ("鲁城街道", 2, 3, 2235.0),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_every_encoding_reads_the_same(tmp_path, warehouse, encoding):
    path = civil_affairs_export(tmp_path, encoding=encoding)
    report = check_roster(warehouse, path, county="370881", program="rural")
    assert (report.households, report.persons, report.amount_fen) == (3, 6, 423500)


def test_month_county_and_programme_come_from_the_title(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv",
        [["桂山街道", make_id("530427", sequence=4), "2", "A类", "750", "2020-06-28"]],
        header=["乡镇", "公民身份号码", "保障人口数", "保障类别", "月保障金额", "到账日期"],
        title=[["新平县2020年6月农村低保金发放花名册"]],
    )
    report = check_roster(warehouse, path)
    assert (report.county_code, report.program, report.month) == ("530427", "rural", dt.date(2020, 6, 1))


def test_month_column(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv",
        [["东山街道", make_id("440840", sequence=5), "3", "1200", "2022-03-18", "2022年3月"]],
        header=["镇街", "身份证号", "享受人数", "发放合计（元）", "发放时间", "发放月份"],
    )
    report = check_roster(warehouse, path, county="440840", program="rural")
    assert report.month == dt.date(2022, 3, 1)


def test_xlsx_with_merged_title_excel_dates_and_merged_townships(tmp_path, warehouse):
    ids = [make_id("530427", sequence=n) for n in range(1, 5)]
    path = write_xlsx(
        tmp_path / "花名册.xlsx",
        {
            "Sheet1": {
                "start_row": 1,
                "start_col": 1,
                "title": "新平县2020年6月农村低保金发放花名册",
                "header": [
                    "乡镇",
                    "村委会",
                    "户主",
                    "公民身份号码",
                    "保障人口数",
                    "保障类别",
                    "月保障金额",
                    "到账日期",
                ],
                "rows": [
                    [None, "南碱村", "甲", ids[0], 2, "A类", 750, dt.date(2020, 6, 28)],
                    [None, None, "乙", ids[1], 1, "B类", 310, dt.date(2020, 6, 28)],
                    [None, "磨味村", "丙", ids[2], 3, "C类", "810", 44010],  # Excel serial as a number
                    [
                        None,
                        "磨味村",
                        "丁",
                        530427196001010000,
                        2,
                        "C类",
                        540,
                        dt.date(2020, 6, 29),
                    ],  # ID stored as number
                ],
                "footer": [["合计", None, None, None, 8, None, 2410, None]],
                "merged": [(3, 6, "戛洒镇")],
            }
        },
    )
    report = ingest_roster(warehouse, path)
    assert (report.county_code, report.month, report.households, report.persons, report.amount_fen) == (
        "530427",
        dt.date(2020, 6, 1),
        4,
        8,
        241000,
    )
    rows = read.household_rows(warehouse, county="530427", program="rural", month=dt.date(2020, 6, 1), pending=True)
    assert rows["row"].to_list() == [4, 5, 6, 7]
    assert set(rows["township"]) == {"戛洒镇"}
    assert rows["village"].to_list() == ["南碱村", "南碱村", "磨味村", "磨味村"]
    assert rows["paid_on"][2] == dt.date(2020, 6, 28)
    assert rows["category"].to_list() == ["A类", "B类", "C类", "C类"]
    assert report.findings.select("kind", "row").rows() == [("invalid_id", 7)]
    assert "Excel" in report.findings["detail"][0]


def test_one_sheet_per_township(tmp_path, warehouse):
    sheet = {
        "header": ["社区", "户主姓名", "证件号码", "保障人数", "保障金额", "发放日期"],
    }
    path = write_xlsx(
        tmp_path / "城市低保.xlsx",
        {
            "鲁城街道": sheet | {"rows": [["东门社区", "甲", make_id(sequence=7), 1, 745, "20230108"]]},
            "书院街道": sheet
            | {
                "rows": [["北门社区", "乙", make_id(sequence=8), 2, 1000, "20230109"]],
                "footer": [["合计", None, None, 2, 1000, None]],
            },
        },
    )
    report = ingest_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    assert report.households == 2
    rows = read.household_rows(warehouse, county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True)
    assert rows.select("sheet", "row", "township").rows() == [("鲁城街道", 2, "鲁城街道"), ("书院街道", 2, "书院街道")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-01-10", dt.date(2023, 1, 10)),
        ("2023/1/10", dt.date(2023, 1, 10)),
        ("2023.1.10", dt.date(2023, 1, 10)),
        ("2023年1月10日", dt.date(2023, 1, 10)),
        ("20230110", dt.date(2023, 1, 10)),
        ("44936", dt.date(2023, 1, 10)),  # Excel serial
        ("２０２３－０１－１０", dt.date(2023, 1, 10)),  # full-width
        ("2023-01-10 00:00:00", dt.date(2023, 1, 10)),
    ],
)
def test_every_date_form(tmp_path, warehouse, text, expected):
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", make_id(), "1", "700", text]],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    ingest_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    rows = read.household_rows(warehouse, county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True)
    assert rows["paid_on"].to_list() == [expected]


@pytest.mark.parametrize(
    "text, fen",
    [
        ("1,490.50", 149050),
        ("¥1490.5", 149050),
        ("1490.5元", 149050),
        ("１４９０．５", 149050),
        (" 1 490.50 ", 149050),
        ("1490", 149000),
    ],
)
def test_numbers_as_text_separators_and_full_width(tmp_path, warehouse, text, fen):
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", make_id(), "２", text, "2023-01-10"]],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    report = check_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    assert (report.amount_fen, report.persons) == (fen, 2)


def test_id_numbers_with_spaces_tabs_lower_case_x_and_15_digits(tmp_path, warehouse):
    valid_x = "11010519491231002X"
    rows = [
        ["鲁城街道", " 1101 0519 4912 3100 2x ", "1", "700", "2023-01-10"],
        ["鲁城街道", "\t110105491231002", "1", "700", "2023-01-10"],  # 15-digit form of the same person
        ["鲁城街道", make_id(sequence=9) + "\t", "1", "700", "2023-01-10"],
    ]
    path = write_csv(tmp_path / "r.csv", rows, header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"])
    report = check_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    assert report.households == 2  # the 15-digit number widens to the first one
    assert report.findings.select("kind", "row").rows() == [("duplicate_household", 3)]
    assert valid_x not in report.findings["detail"][0]


def test_base_plus_classified_amount_when_there_is_no_total(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", "一村", make_id(), "2", "1000", "200.5", "2023.1.8"]],
        header=["所属乡镇", "所属村", "户主身份证号", "人数", "保障金（元）", "分类施保金", "打卡日期"],
    )
    assert check_roster(warehouse, path, county="370881", month="2023-01", program="rural").amount_fen == 120050


def test_household_size_counts_only_without_a_persons_column(tmp_path, warehouse):
    header = ["乡镇", "身份证号码", "家庭人口", "发放金额", "发放日期"]
    path = write_csv(tmp_path / "a.csv", [["鲁城街道", make_id(), "4", "700", "2023-01-10"]], header=header)
    assert check_roster(warehouse, path, county="370881", month="2023-01", program="rural").persons == 4
    both = write_csv(
        tmp_path / "b.csv",
        [["鲁城街道", make_id(), "4", "2", "700", "2023-01-10"]],
        header=["乡镇", "身份证号码", "家庭人口", "保障人数", "发放金额", "发放日期"],
    )
    assert check_roster(warehouse, both, county="370881", month="2023-01", program="rural").persons == 2


ALIASES = {
    0: ["乡镇", "街道", "镇街", "乡镇（街道）", "乡镇街道", "所属乡镇", "属地", "乡镇(街道)", "【乡镇】"],
    1: ["身份证号码", "身份证号", "公民身份号码", "证件号码", "户主身份证号", " 身份证 号码 "],
    2: ["保障人数", "保障人口", "保障人口数", "享受人数", "享受保障人数", "人数"],
    3: [
        "发放金额",
        "发放合计（元）",
        "实发金额",
        "月保障金额",
        "户月保障金额",
        "保障金额",
        "低保金",
        "救助金额",
        "保障金（元）",
        "金额（元）",
        "发放金额(元)",
    ],
    4: ["发放日期", "发放时间", "打卡日期", "到账日期"],
}


@pytest.mark.parametrize("position, alias", [(p, a) for p, names in ALIASES.items() for a in names])
def test_every_header_alias(tmp_path, warehouse, position, alias):
    header = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
    header[position] = alias
    path = write_csv(tmp_path / "r.csv", [["鲁城街道", make_id(), "2", "1,000", "2023-01-10"]], header=header)
    report = check_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    assert (report.households, report.persons, report.amount_fen) == (1, 2, 100000)


@pytest.mark.parametrize("alias", ["村", "社区", "村（社区）", "村委会", "村（居）委会", "所属村"])
def test_village_aliases(tmp_path, warehouse, alias):
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", "东关", make_id(), "2", "1000", "2023-01-10"]],
        header=["乡镇", alias, "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    ingest_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    rows = read.household_rows(warehouse, county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True)
    assert rows["village"].to_list() == ["东关"]


@pytest.mark.parametrize(
    "alias, value",
    [("保障类别", "一类"), ("类别", "A"), ("档次", "A类"), ("保障档次", "a"), ("分类", "A类（重点保障户）")],
)
def test_category_aliases_and_forms(tmp_path, warehouse, alias, value):
    path = write_csv(
        tmp_path / "r.csv",
        [["桂山街道", make_id("530427"), "1", value, "375", "2020-06-10"]],
        header=["乡镇", "身份证号码", "保障人数", alias, "发放金额", "发放日期"],
    )
    report = check_roster(warehouse, path, county="530427", month="2020-06", program="rural")
    assert report.figures["category"].to_list() == ["A类"]


def test_standard_column_aliases_feed_over_standard(tmp_path, warehouse):
    for alias in ("保障标准", "低保标准", "月保障标准"):
        path = write_csv(
            tmp_path / "r.csv",
            [["鲁城街道", make_id(), "1", "500", "600", "2023-01-10"]],
            header=["乡镇", "身份证号码", "保障人数", alias, "发放金额", "发放日期"],
        )
        report = check_roster(warehouse, path, county="370881", month="2023-01", program="rural")
        assert report.findings["kind"].to_list() == ["over_standard"], alias


def test_repeated_header_rows_and_a_header_with_heji_are_not_data(tmp_path, warehouse):
    header = ["乡镇", "身份证号码", "保障人数", "发放合计（元）", "发放日期"]
    rows = [
        ["鲁城街道", make_id(sequence=1), "1", "700", "2023-01-10"],
        header,
        ["书院街道", make_id(sequence=2), "1", "700", "2023-01-10"],
    ]
    path = write_csv(tmp_path / "r.csv", rows, header=header)
    report = check_roster(warehouse, path, county="370881", month="2023-01", program="rural")
    assert (report.rows_read, report.amount_fen) == (2, 140000)


def test_figures_new_and_exited_against_the_previous_stored_month(tmp_path, warehouse):
    header = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
    a, b, c = (make_id(sequence=n) for n in (1, 2, 3))
    january = write_csv(
        tmp_path / "1.csv",
        [["鲁城街道", a, "1", "700", "2023-01-10"], ["书院街道", b, "2", "900", "2023-01-10"]],
        header=header,
    )
    march = write_csv(
        tmp_path / "3.csv",
        [["鲁城街道", a, "1", "700", "2023-03-10"], ["鲁城街道", c, "3", "900", "2023-03-10"]],
        header=header,
    )
    ingest_roster(warehouse, january, county="370881", month="2023-01", program="rural")
    ingest_roster(warehouse, march, county="370881", month="2023-03", program="rural")
    totals = read.monthly_totals(warehouse, counties=["370881"], pending=True)
    assert totals.select("month", "households", "new_households", "exited_households").rows() == [
        (dt.date(2023, 1, 1), 2, None, None),
        (dt.date(2023, 3, 1), 2, 1, 1),
    ]
    february = write_csv(tmp_path / "2.csv", [["鲁城街道", a, "1", "700", "2023-02-10"]], header=header)
    ingest_roster(warehouse, february, county="370881", month="2023-02", program="rural")
    totals = read.monthly_totals(warehouse, counties=["370881"], pending=True)
    assert totals.select(
        "households", "new_households", "exited_households", "new_persons", "exited_persons"
    ).rows() == [
        (2, None, None, None, None),
        (1, 0, 1, 0, 2),  # b left in February
        (2, 1, 0, 3, 0),  # March now compares with February: only c is new
    ]
    by_township = read.figures_by(
        warehouse, by="township", county="370881", program="rural", month=dt.date(2023, 2, 1), pending=True
    )
    assert by_township.select("township", "households", "exited_households").rows() == [
        ("书院街道", 0, 1),
        ("鲁城街道", 1, 0),
    ]
    assert isinstance(by_township, pl.DataFrame)


def test_a_month_past_21_million_yuan_is_stored_exactly(tmp_path, warehouse):
    # 2,400,000,150 fen: past a 32-bit integer (PostgreSQL's INTEGER), within one row's limit of 1亿元.
    amounts = ["8,000,000.50", "8,000,000.50", "8,000,000.50"]
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", make_id(sequence=n), "1", amount, "2023-01-10"] for n, amount in enumerate(amounts, 1)],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
    )
    report = ingest_roster(warehouse, path, county="370881", month="2023-01", program="rural", user="运维")
    assert report.amount_fen == 2_400_000_150
    totals = read.monthly_totals(warehouse, counties=["370881"], pending=True)
    assert totals["amount"].to_list() == [24_000_001.5]
    rows = read.household_rows(warehouse, county="370881", program="rural", month=dt.date(2023, 1, 1), pending=True)
    assert rows["amount"].to_list() == [8_000_000.5] * 3
