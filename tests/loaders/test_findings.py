"""Each finding kind, on a roster that is accepted and stored."""

from __future__ import annotations

import datetime as dt

from loaders.roster_store import check_roster, ingest_roster
from tests.files import make_id, write_csv
from warehouse import read

HEADER = ["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]


def findings(report) -> list[tuple[str, int, str]]:
    return report.findings.select("kind", "row", "detail").rows()


def test_invalid_id_wrong_length_check_digit_and_excel_float(tmp_path, warehouse):
    rows = [
        ["鲁城街道", make_id(sequence=1, valid=False), "1", "", "700", "2023-01-10"],
        ["鲁城街道", "37088119600101", "1", "", "700", "2023-01-10"],
        ["鲁城街道", "3.70881E+17", "1", "", "700", "2023-01-10"],
        ["鲁城街道", make_id(sequence=4), "1", "", "700", "2023-01-10"],
    ]
    report = check_roster(
        warehouse, write_csv(tmp_path / "r.csv", rows, header=HEADER), county="370881", month="2023-01", program="rural"
    )
    kinds = [(kind, row) for kind, row, _ in findings(report)]
    assert kinds == [("invalid_id", 2), ("invalid_id", 3), ("invalid_id", 4)]
    details = report.findings["detail"].to_list()
    assert "校验码应为" in details[0] and "长度为 14 位" in details[1] and "Excel" in details[2]


def test_duplicate_household_points_at_the_first_row(tmp_path, warehouse):
    same = make_id(sequence=1)
    rows = [
        ["鲁城街道", same, "2", "", "700", "2023-01-10"],
        ["书院街道", make_id(sequence=2), "1", "", "700", "2023-01-10"],
        ["书院街道", same.lower(), "2", "", "700", "2023-01-10"],
    ]
    report = check_roster(
        warehouse, write_csv(tmp_path / "r.csv", rows, header=HEADER), county="370881", month="2023-01", program="rural"
    )
    assert [(kind, row) for kind, row, _ in findings(report)] == [("duplicate_household", 4)]
    assert "与第 2 行为同一户" in report.findings["detail"][0]
    assert (report.households, report.persons, report.amount_fen) == (2, 3, 210000)  # amount counts every row


def test_cross_county_duplicate_in_the_same_month(tmp_path, warehouse):
    moved = make_id("530427", sequence=9)
    xinping = write_csv(tmp_path / "x.csv", [["桂山街道", moved, "1", "A类", "375", "2020-06-10"]], header=HEADER)
    ingest_roster(warehouse, xinping, county="530427", month="2020-06", program="rural")
    zhanjiang = write_csv(
        tmp_path / "z.csv",
        [
            ["东山街道", make_id("440840"), "1", "", "500", "2020-06-10"],
            ["东山街道", moved, "1", "", "500", "2020-06-10"],
        ],
        header=HEADER,
    )
    report = ingest_roster(warehouse, zhanjiang, county="440840", month="2020-06", program="rural")
    assert findings(report) == [
        (
            "cross_county_duplicate",
            3,
            f"身份证号 {moved[:4]}**********{moved[-4:]} 同月也在 新平彝族傣族自治县 领取低保",
        )
    ]
    other_month = write_csv(tmp_path / "z7.csv", [["东山街道", moved, "1", "", "500", "2020-07-10"]], header=HEADER)
    assert check_roster(warehouse, other_month, county="440840", month="2020-07", program="rural").findings.is_empty()


def test_over_standard_from_the_row_or_the_table_by_category_and_date(tmp_path, warehouse):
    rows = [
        ["桂山街道", make_id("530427", sequence=1), "2", "A类", "750", "2020-06-10"],  # 375 × 2: at the limit
        ["桂山街道", make_id("530427", sequence=2), "2", "B类", "750", "2020-06-10"],  # 310 × 2 = 620
        ["桂山街道", make_id("530427", sequence=3), "1", "C类", "270.01", "2020-06-10"],
        ["桂山街道", make_id("530427", sequence=4), "1", "", "9999", "2020-06-10"],  # no category, no general standard
    ]
    report = check_roster(
        warehouse, write_csv(tmp_path / "r.csv", rows, header=HEADER), county="530427", month="2020-06", program="rural"
    )
    assert findings(report) == [
        ("over_standard", 3, "发放 750.00 元，超过标准 310 元 × 2 人 = 620.00 元"),
        ("over_standard", 4, "发放 270.01 元，超过标准 270 元 × 1 人 = 270.00 元"),
    ]
    qufu_2022 = write_csv(tmp_path / "q.csv", [["鲁城街道", make_id(), "1", "", "745", "2022-12-10"]], header=HEADER)
    report = check_roster(warehouse, qufu_2022, county="370881", month="2022-12", program="rural")
    assert findings(report) == [("over_standard", 2, "发放 745.00 元，超过标准 700 元 × 1 人 = 700.00 元")]
    qufu_2023 = write_csv(tmp_path / "q3.csv", [["鲁城街道", make_id(), "1", "", "745", "2023-01-10"]], header=HEADER)
    assert check_roster(warehouse, qufu_2023, county="370881", month="2023-01", program="rural").findings.is_empty()


def test_late_and_unpaid_against_each_county_deadline(tmp_path, warehouse):
    rows = [
        ["东山街道", make_id("440840", sequence=1), "1", "", "500", "2022-03-20"],  # on the deadline: on time
        ["东山街道", make_id("440840", sequence=2), "1", "", "500", "2022-03-21"],
        ["东山街道", make_id("440840", sequence=3), "1", "", "500", ""],
        ["东山街道", make_id("440840", sequence=4), "1", "", "0", "2022-03-10"],
    ]
    report = ingest_roster(
        warehouse, write_csv(tmp_path / "r.csv", rows, header=HEADER), county="440840", month="2022-03", program="rural"
    )
    assert [(kind, row) for kind, row, _ in findings(report)] == [("late_payment", 3), ("unpaid", 4), ("unpaid", 5)]
    assert report.findings["detail"][0] == "于 2022-03-21 发放，晚于截止日 2022-03-20（晚 1 天）"
    totals = read.monthly_totals(warehouse, counties=["440840"], pending=True)
    assert totals.select("on_time_households", "late_households", "unpaid_households").rows() == [(1, 1, 2)]
    stored = read.findings(warehouse, counties=["440840"], month=dt.date(2022, 3, 1), pending=True)
    assert stored.select("kind", "row", "file_name").rows() == [
        ("late_payment", 3, "r.csv"),
        ("unpaid", 4, "r.csv"),
        ("unpaid", 5, "r.csv"),
    ]


def test_month_end_deadline_when_none_is_set_and_february(tmp_path, warehouse):
    qufu = [
        ["鲁城街道", make_id(sequence=1), "1", "", "700", "2023-02-28"],
        ["鲁城街道", make_id(sequence=2), "1", "", "700", "2023-03-01"],
    ]
    report = check_roster(
        warehouse, write_csv(tmp_path / "q.csv", qufu, header=HEADER), county="370881", month="2023-02", program="rural"
    )
    assert [(kind, row) for kind, row, _ in findings(report)] == [("late_payment", 3)]
    xinping = [["桂山街道", make_id("530427", sequence=1), "1", "A类", "300", "2020-02-29"]]  # deadline 30 → 29 Feb
    report = check_roster(
        warehouse,
        write_csv(tmp_path / "x.csv", xinping, header=HEADER),
        county="530427",
        month="2020-02",
        program="rural",
    )
    assert report.findings.is_empty()
