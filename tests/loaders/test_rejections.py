"""Every rejection rule: all problems listed with the row a person sees, and nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv, write_xlsx
from warehouse.errors import Rejected
from warehouse.models import Finding, HouseholdMonth, MonthlyFigure, Upload

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
SLOT = {"county": "370881", "month": "2023-01", "program": "rural"}


def nothing_written(engine) -> bool:
    with engine.connect() as conn:
        return all(
            conn.execute(select(func.count()).select_from(table)).scalar() == 0
            for table in (Upload, HouseholdMonth, MonthlyFigure, Finding)
        )


def rejected(engine, path, **slot) -> list[str]:
    with pytest.raises(Rejected) as caught:
        ingest_roster(engine, path, **slot)
    assert nothing_written(engine)
    return [str(problem) for problem in caught.value.problems]


def test_every_unreadable_value_is_listed_with_row_and_column(tmp_path, warehouse):
    rows = [
        ["鲁城街道", make_id(sequence=1), "两", "700", "2023-01-10"],
        ["鲁城街道", "", "1", "700", "2023-01-10"],
        ["鲁城街道", make_id(sequence=3), "1.5", "七百", "2023-13-45"],
        ["鲁城街道", make_id(sequence=4), "1", "-5", "2023-01-10"],
    ]
    path = write_csv(tmp_path / "bad.csv", rows, header=HEADER, title=[["2023年1月农村低保发放明细"]])
    assert rejected(warehouse, path, **SLOT) == [
        "bad.csv 第 3 行 「保障人数」列：无法识别为保障人数（应为正整数）：「两」",
        "bad.csv 第 4 行 「身份证号码」列：身份证号码为空",
        "bad.csv 第 5 行 「保障人数」列：无法识别为保障人数（应为正整数）：「1.5」",
        "bad.csv 第 5 行 「发放日期」列：无法识别为日期：「2023-13-45」",
        "bad.csv 第 5 行 「发放金额」列：无法识别为金额：「七百」",
        "bad.csv 第 6 行 「发放金额」列：无法识别为金额：「-5」",
    ]


def test_xlsx_problems_name_the_sheet_and_column_letter(tmp_path, warehouse):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        {
            "鲁城街道": {
                "start_row": 2,
                "start_col": 1,
                "title": "2023年1月农村低保发放明细",
                "header": HEADER,
                "rows": [["鲁城街道", make_id(), "x", 700, "2023-01-10"]],
            }
        },
    )
    assert rejected(warehouse, path, **SLOT) == [
        "bad.xlsx 工作表「鲁城街道」 第 5 行 「保障人数（D 列）」列：无法识别为保障人数（应为正整数）：「x」"
    ]


def test_missing_required_column(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv", [["鲁城街道", make_id(), "1", "700"]], header=HEADER[:4], title=[["标题"], ["制表单位"]]
    )
    problems = rejected(warehouse, path, **SLOT)
    assert problems == [
        "r.csv 第 3 行 「发放日期」列：缺少必需的列「发放日期」（可用的列名：发放日期、发放时间、打卡日期、到账日期）"
    ]


def test_no_header_row(tmp_path, warehouse):
    path = write_csv(tmp_path / "r.csv", [["a", "b"], ["1", "2"]], header=["甲", "乙"])
    assert rejected(warehouse, path, **SLOT) == ["r.csv：未找到表头行：前 60 行中没有一行包含足够的已知列名"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02binary\x00garbage" * 20, "不是文本表格文件（含有二进制内容），请上传 CSV、XLSX 或 XLS"),
        (b"PK\x03\x04 not really a zip", "不是可读取的 XLSX 工作簿"),
        (b"\xd0\xcf\x11\xe0 not really an xls", "不是可读取的 XLS 工作簿"),
        ("乡镇,身份证号码\n".encode() + b"\xff\xfe\xfa\xfb\x81\x30", "文件编码无法识别"),
    ],
)
def test_unreadable_or_non_tabular_files(tmp_path, warehouse, content, message):
    path = tmp_path / "r.xlsx"
    path.write_bytes(content)
    problems = rejected(warehouse, path, **SLOT)
    assert len(problems) == 1 and message in problems[0]


def test_no_data_rows(tmp_path, warehouse):
    path = write_csv(tmp_path / "r.csv", [[], ["合计", "", "0", "0", ""]], header=HEADER, footer=[["制表人：某"]])
    assert rejected(warehouse, path, **SLOT) == ["r.csv：没有数据行（表头以下只有空行、合计行或签名行）"]


def test_month_county_and_programme_unknown(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv", [["鲁城街道", make_id(), "1", "700", "2023-01-10"]], header=HEADER, title=[["低保发放明细"]]
    )
    assert rejected(warehouse, path) == [
        "r.csv：无法确定县区：请指定 --county 代码，或在标题中写明县区名称",
        "r.csv：无法确定名册所属月份：请指定月份（--month YYYY-MM），或在文件中写明（月份列或标题）",
        "r.csv：无法确定项目类别（农村或城市）：请指定 --program rural|urban，或在标题中写明",
    ]


def test_county_not_in_the_registry_and_a_month_that_contradicts_the_title(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv",
        [["鲁城街道", make_id(), "1", "700", "2023-01-10"]],
        header=HEADER,
        title=[["2023年1月农村低保发放明细"]],
    )
    assert rejected(warehouse, path, county="999999", month="2023-02", program="rural") == [
        "r.csv：县区代码 999999 不在县区名录中，请先导入县区",
        "r.csv：指定的月份 2023-02 与文件中写明的 2023-01 不一致",
    ]


def test_several_months_in_one_roster(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "r.csv",
        [
            ["鲁城街道", make_id(sequence=1), "1", "700", "2023-01-10", "2023-01"],
            ["鲁城街道", make_id(sequence=2), "1", "700", "2023-02-10", "2023-02"],
            ["鲁城街道", make_id(sequence=3), "1", "700", "2023-02-10", "二月"],
        ],
        header=[*HEADER, "月份"],
    )
    assert rejected(warehouse, path, county="370881", program="rural") == [
        "r.csv 「月份」列：一个名册只能是一个月，文件中有 2023-01、2023-02",
        "r.csv 第 4 行 「月份」列：无法识别为月份：「二月」",
    ]


def test_a_rejected_replacement_leaves_the_stored_month_alone(tmp_path, warehouse):
    good = write_csv(tmp_path / "good.csv", [["鲁城街道", make_id(), "1", "700", "2023-01-10"]], header=HEADER)
    stored = ingest_roster(warehouse, good, **SLOT)
    bad = write_csv(tmp_path / "bad.csv", [["鲁城街道", make_id(), "x", "700", "2023-01-10"]], header=HEADER)
    with pytest.raises(Rejected):
        ingest_roster(warehouse, bad, **SLOT)
    with warehouse.connect() as conn:
        assert conn.execute(select(Upload.id, Upload.status)).all() == [(stored.upload_id, "active")]
        assert conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar() == 1
