"""Limits and lying files: each refused before a parser sees it, naming the file and saying what is wrong."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from loaders.limits import MAX_PARTS, check_upload
from loaders.roster_store import check_roster, ingest_roster
from tests.files import make_id, write_csv, write_xlsx
from warehouse.errors import Rejected
from warehouse.models import Finding, HouseholdMonth, MonthlyFigure, Upload
from warehouse.settings import get_settings

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
SLOT = {"county": "370881", "month": "2023-01", "program": "rural"}


def rows(count: int) -> list[list[str]]:
    return [
        [
            "鲁城街道",
            make_id(born=f"{1940 + number // 999}0101", sequence=number % 999 + 1),
            "2",
            "1490.00",
            "2023-01-10",
        ]
        for number in range(count)
    ]


def refused(engine, path: Path, name: str | None = None) -> str:
    """The one problem a file is refused with, as printed; nothing may have been written."""
    name = name or path.name
    with pytest.raises(Rejected) as caught:
        ingest_roster(engine, path, display_name=name, **SLOT)
    with engine.connect() as conn:
        for table in (Upload, HouseholdMonth, MonthlyFigure, Finding):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0
    problems = caught.value.problems
    assert len(problems) == 1 and problems[0].file == name, caught.value.report()
    assert str(problems[0]).startswith(name)
    return str(problems[0])


@pytest.fixture
def limit(monkeypatch):
    """Set one DIBAO_MAX_* setting for this test."""

    def set_limit(setting: str, value: int) -> None:
        monkeypatch.setenv(f"DIBAO_{setting.upper()}", str(value))
        get_settings.cache_clear()

    return set_limit


def workbook(tmp_path: Path, count: int = 3, name: str = "名册.xlsx") -> Path:
    return write_xlsx(tmp_path / name, {"鲁城街道": {"header": HEADER, "rows": rows(count)}})


def rewrite(source: Path, target: Path, change: dict[str, bytes]) -> Path:
    """A copy of a workbook with some parts replaced."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            copy.writestr(info.filename, change.get(info.filename, original.read(info)))
    return target


def sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


# Size, rows and cells.


def test_a_file_over_the_upload_limit_is_refused_by_the_page_check(limit):
    limit("max_upload_mb", 1)
    check_upload("名册.csv", 1024 * 1024)
    with pytest.raises(Rejected) as caught:
        check_upload("名册.csv", 1024 * 1024 + 1)
    assert str(caught.value.problems[0]) == "名册.csv：文件大小 1.0 MB，超过上传上限 1.0 MB：请拆分后分批上传"


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, warehouse, limit):
    limit("max_file_mb", 1)
    path = write_csv(tmp_path / "大名册.csv", rows(20_000), header=HEADER)
    assert path.stat().st_size > 1024 * 1024
    message = refused(warehouse, path)
    assert "超过上限 1.0 MB（DIBAO_MAX_FILE_MB）" in message


def test_a_csv_over_the_row_limit_is_refused(tmp_path, warehouse, limit):
    limit("max_rows", 10)
    assert check_roster(warehouse, write_csv(tmp_path / "ok.csv", rows(9), header=HEADER), **SLOT).households == 9
    message = refused(warehouse, write_csv(tmp_path / "多.csv", rows(10), header=HEADER))
    assert message == "多.csv：文件超过 10 行的上限（DIBAO_MAX_ROWS）：请拆分后分批导入"


@pytest.mark.parametrize(
    "setting, value, count, expected",
    [
        pytest.param(
            "max_rows",
            10,
            10,
            ["工作表「鲁城街道」", "共 11 行，超过 10 行的上限（DIBAO_MAX_ROWS）"],
            id="rows",
        ),
        pytest.param(
            "max_cells",
            50,
            10,
            ["工作表使用范围为 11 行 × 5 列（至 E11 单元格），工作簿共 55 个单元格，超过上限 50"],
            id="cells",
        ),
        pytest.param("max_unzipped_mb", 1, 8_000, ["超过上限 1.0 MB（DIBAO_MAX_UNZIPPED_MB）"], id="unzipped"),
    ],
)
def test_a_workbook_over_a_limit_is_refused(tmp_path, warehouse, limit, setting, value, count, expected):
    limit(setting, value)
    message = refused(warehouse, workbook(tmp_path, count))
    assert all(part in message for part in expected), message


def test_one_far_away_cell_is_refused_instead_of_asking_for_half_a_terabyte(tmp_path, warehouse):
    """calamine builds a dense grid to the last cell: this 5 KB file would abort the whole process."""
    source = workbook(tmp_path, 1, "source.xlsx")
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = rewrite(
        source, tmp_path / "远.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(source).replace(b"</sheetData>", far)}
    )
    assert path.stat().st_size < 10_000
    message = refused(warehouse, path)
    assert "工作表「鲁城街道」" in message and "1,048,576 行 × 16,384 列（至 XFD1048576 单元格）" in message


def test_cells_without_references_are_followed_like_the_reader_does(tmp_path, warehouse, limit):
    """Some writers leave out r="…": each cell follows the one before it, each row the row before."""
    limit("max_cells", 100)
    source = workbook(tmp_path, 1, "source.xlsx")
    rows_without = b"".join(b"<row>" + b'<c t="inlineStr"><is><t>x</t></is></c>' * 27 + b"</row>" for _ in range(3))
    changed = sheet_xml(source).replace(b"</sheetData>", rows_without + b"</sheetData>")
    message = refused(warehouse, rewrite(source, tmp_path / "无引用.xlsx", {"xl/worksheets/sheet1.xml": changed}))
    assert "5 行 × 27 列（至 AA5 单元格）" in message


def test_a_huge_declared_dimension_alone_is_no_reason_to_refuse(tmp_path, warehouse):
    """The reader ignores <dimension>: a file that claims A1:XFD1048576 but holds three rows reads fine."""
    source = workbook(tmp_path, 3, "source.xlsx")
    changed = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', sheet_xml(source))
    assert b"XFD1048576" in changed
    path = rewrite(source, tmp_path / "声明.xlsx", {"xl/worksheets/sheet1.xml": changed})
    assert check_roster(warehouse, path, **SLOT).households == 3


def test_cells_that_only_carry_formatting_do_not_count(tmp_path, warehouse):
    """Excel keeps a far cell someone once formatted; it holds no value and the reader skips it."""
    source = workbook(tmp_path, 3, "source.xlsx")
    styled = b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>'
    changed = sheet_xml(source).replace(b"</sheetData>", styled)
    path = rewrite(source, tmp_path / "格式.xlsx", {"xl/worksheets/sheet1.xml": changed})
    assert check_roster(warehouse, path, **SLOT).households == 3


# Zip bombs and broken zips.


def test_a_zip_bomb_is_refused_from_the_zip_directory(tmp_path, warehouse):
    """300 MB of sheet XML deflated to about 300 KB: refused by its ratio, without inflating it."""
    source = workbook(tmp_path, 1, "source.xlsx")
    path = tmp_path / "炸弹.xlsx"
    head, tail = sheet_xml(source).split(b"</sheetData>")
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in original.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info.filename, original.read(info))
                continue
            inflated = zipfile.ZipInfo(info.filename)
            inflated.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(inflated, "w") as part:
                part.write(head)
                block = b" " * (1 << 20)
                for _ in range(300):
                    part.write(block)
                part.write(b"</sheetData>" + tail)
    assert path.stat().st_size < 1_000_000
    message = refused(warehouse, path)
    assert "工作簿部件「xl/worksheets/sheet1.xml」压缩比达" in message and "疑似压缩炸弹" in message


def test_a_zip_bomb_that_lies_about_its_size_is_stopped_at_the_size_it_claims(tmp_path, warehouse):
    source = workbook(tmp_path, 1, "source.xlsx")
    big = sheet_xml(source).replace(b"</sheetData>", b"</sheetData>" + b" " * 20_000_000)
    path = rewrite(source, tmp_path / "谎报.xlsx", {"xl/worksheets/sheet1.xml": big})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        # the uncompressed size, in the part's local header and in the central directory
        at = next(
            m.start() for m in re.finditer(re.escape(signature), data) if data[m.start() + name_at :].startswith(name)
        )
        data[at + size_at : at + size_at + 4] = struct.pack("<I", 5_000)
    path.write_bytes(bytes(data))
    message = refused(warehouse, path)
    assert "工作簿部件「xl/worksheets/sheet1.xml」解压后比压缩包目录记录的" in message and "疑似压缩炸弹" in message


def test_too_many_parts_an_encrypted_part_and_a_cut_zip_are_refused(tmp_path, warehouse):
    source = workbook(tmp_path, 1, "source.xlsx")
    crowded = tmp_path / "部件.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(crowded, "w") as copy:
        for info in original.infolist():
            copy.writestr(info.filename, original.read(info))
        for number in range(MAX_PARTS):
            copy.writestr(f"xl/media/{number}.bin", b"")
    assert "个部件（正常的 Excel 文件只有几十个）" in refused(warehouse, crowded)

    encrypted = bytearray(source.read_bytes())
    for found in re.finditer(b"PK\x01\x02", encrypted):
        encrypted[found.start() + 8] |= 0x1  # the "encrypted" flag of each central directory entry
    (tmp_path / "加密.xlsx").write_bytes(bytes(encrypted))
    assert "工作簿已加密（设有密码）" in refused(warehouse, tmp_path / "加密.xlsx")

    content = source.read_bytes()
    (tmp_path / "截断.xlsx").write_bytes(content[: len(content) - 30])
    assert "不是可读取的 XLSX 工作簿：文件已损坏或不完整" in refused(warehouse, tmp_path / "截断.xlsx")

    flipped = bytearray(content)
    start = content.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml") + 40
    flipped[start] ^= 0xFF
    (tmp_path / "损坏.xlsx").write_bytes(bytes(flipped))
    message = refused(warehouse, tmp_path / "损坏.xlsx")
    assert "不是可读取的 XLSX 工作簿：部件「xl/worksheets/sheet1.xml」" in message


# Files whose name says one thing and whose content another.


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


HTML_XLS = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
    '<head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body><table>'
    "<tr><td>乡镇</td><td>身份证号码</td><td>保障人数</td><td>发放金额</td><td>发放日期</td></tr>"
    "</table></body></html>"
).encode("gbk")


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "2023年1月名册.xls",
            HTML_XLS,
            "文件扩展名为 .xls，但内容是 HTML 网页（业务系统导出的“Excel”文件常是这样）："
            "请用 Excel 或 WPS 打开后另存为 .xlsx（或 CSV）再上传",
        ),
        ("名册.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(200), "文件扩展名为 .xlsx，但内容是 PNG 图片：请上传名册的表格文件"),
        ("名册.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "文件扩展名为 .xlsx，但内容是 PDF 文档"),
        ("名册.pdf", b"%PDF-1.7\n", "文件内容是 PDF 文档，不是表格文件"),
        (
            "名册.xlsx",
            zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "文件扩展名为 .xlsx，但内容是 Word 文档（.docx）",
        ),
        (
            "名册.xlsx",
            zip_of({"名册.csv": "乡镇,身份证号码\n".encode()}),
            "文件扩展名为 .xlsx，但内容是 ZIP 压缩包（内含：名册.csv），不是 Excel 工作簿：请解压后上传其中的表格文件",
        ),
        (
            "名册.xls",
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>',
            "文件扩展名为 .xls，但内容是 Excel 2003 XML 表格",
        ),
        (
            "名册.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(504 + 128)
            + "WordDocument".encode("utf-16-le").ljust(64, b"\x00")
            + (26).to_bytes(2, "little")
            + bytes(62 + 256),
            "文件扩展名为 .xls，但内容是 Word 文档（.doc）",
        ),
    ],
)
def test_files_that_are_not_tables_say_what_they_are(tmp_path, warehouse, name, content, message):
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    assert refused(warehouse, path, name).startswith(f"{name}：{message}")


def test_a_csv_named_xlsx_is_read_as_the_csv_it_is(tmp_path, warehouse):
    path = write_csv(tmp_path / "名册.xlsx", rows(2), header=HEADER, encoding="gb18030")
    assert check_roster(warehouse, path, **SLOT).households == 2


# Encodings that lie.


def test_a_utf8_bom_over_a_gbk_body_is_refused_at_its_first_gbk_line(tmp_path, warehouse):
    text = "\r\n".join([",".join(HEADER), *(",".join(row) for row in rows(2))]) + "\r\n"
    path = tmp_path / "谎称UTF8.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("gb18030"))
    assert refused(warehouse, path) == (
        "谎称UTF8.csv 第 1 行：文件开头标明为 UTF-8 编码（带 BOM），但第 1 行起是 GBK/GB18030 编码：编码前后不一致，"
        "请将整个文件另存为 UTF-8 或 GBK 编码后再上传"
    )


def test_utf8_lines_followed_by_gbk_lines_are_refused_at_the_first_gbk_line(tmp_path, warehouse):
    lines = [",".join(HEADER), *(",".join(row) for row in rows(3))]
    path = tmp_path / "混杂.csv"
    path.write_bytes(("\r\n".join(lines[:2]) + "\r\n").encode() + ("\r\n".join(lines[2:]) + "\r\n").encode("gbk"))
    assert refused(warehouse, path) == (
        "混杂.csv 第 3 行：文件前 2 行是 UTF-8 编码，第 3 行起是 GBK/GB18030 编码：编码混杂，"
        "请将整个文件另存为同一种编码（UTF-8 或 GBK）后再上传"
    )


def test_utf16_with_an_odd_byte_or_a_lone_surrogate_is_refused_with_the_line(tmp_path, warehouse):
    text = "\r\n".join([",".join(HEADER), *(",".join(row) for row in rows(3))]) + "\r\n"
    odd = tmp_path / "奇数.csv"
    odd.write_bytes(text.encode("utf-16")[:-1])
    assert (
        refused(warehouse, odd)
        == "奇数.csv 第 4 行：文件标明为 UTF-16 编码，但在第 4 行处字节不完整（文件被截断或已损坏）"
    )
    lone = tmp_path / "代理.csv"
    encoded = text.encode("utf-16-le")
    third_line = encoded.find("\r\n".encode("utf-16-le"), len(encoded) // 2)
    lone.write_bytes(b"\xff\xfe" + encoded[:third_line] + b"\x00\xd8" + encoded[third_line:])
    assert "文件标明为 UTF-16 编码，但第" in refused(warehouse, lone)


def test_nul_bytes_past_the_first_4_kb_are_refused_with_the_line(tmp_path, warehouse):
    path = write_csv(tmp_path / "空字符.csv", rows(120), header=HEADER)
    content = path.read_bytes()
    assert len(content) > 4096
    cut = content.find(b"\r\n", 4500) + 2
    path.write_bytes(content[:cut] + b"\x00" * 512 + content[cut:])
    line = content[:cut].count(b"\n") + 1
    assert refused(warehouse, path) == f"空字符.csv 第 {line} 行：含有空字符（NUL）：文件已损坏或不是文本表格"


def test_utf16_without_a_bom_lone_cr_line_ends_and_control_characters_read_correctly(tmp_path, warehouse):
    header = [*HEADER, "备注"]
    body = [[*row, "\x07\x0b\x0c\x1c\x1d\x1e\x85\u2028说明"] for row in rows(3)]
    text = "\r".join(",".join(cells) for cells in [["2023年1月农村低保发放明细"], header, *body]) + "\r"
    path = tmp_path / "旧格式.csv"
    path.write_bytes(text.encode("utf-16-le"))
    report = check_roster(warehouse, path, **SLOT)
    assert (report.households, report.persons, report.amount_fen) == (3, 6, 447000)
    assert ingest_roster(warehouse, path, **SLOT).rows_read == 3


def test_a_quote_left_open_is_refused_with_its_line(tmp_path, warehouse):
    path = tmp_path / "引号.csv"
    lines = [",".join(HEADER), *(",".join(row) for row in rows(3))]
    lines[2] = lines[2].replace("鲁城街道", '"鲁城"街道')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refused(warehouse, path) == "引号.csv 第 3 行：CSV 格式有误：引号不成对，或引号后直接跟了其他字符"


# Files that used to crash the loaders (found by tests/loaders/test_malformed.py).


@pytest.mark.parametrize(
    "persons, amount, message",
    [
        ("1", "inf", "「发放金额」列：无法识别为金额：「inf」"),
        ("1", "nan", "「发放金额」列：无法识别为金额：「nan」"),
        ("1", "1e30", "「发放金额」列：金额过大（一行超过 100,000,000 元）：「1e30」"),
        ("3000000000", "700", "「保障人数」列：保障人数过大（超过 999 人）：「3000000000」"),
    ],
)
def test_numbers_too_large_for_their_columns_are_refused_by_row(tmp_path, warehouse, persons, amount, message):
    path = write_csv(tmp_path / "大数.csv", [["鲁城街道", make_id(), persons, amount, "2023-01-10"]], header=HEADER)
    assert refused(warehouse, path) == f"大数.csv 第 2 行 {message}"


def test_a_roster_without_an_id_column_is_refused_not_crashed(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "无身份证.csv", [["鲁城街道", "2", "700", "2023-01-10"]], header=HEADER[:1] + HEADER[2:]
    )
    assert "缺少必需的列「身份证号码」" in refused(warehouse, path)


def test_a_trailing_garbage_row_after_rows_with_odd_ids_is_skipped(tmp_path, warehouse):
    """Once made polars 2.1 panic formatting the ID problems (a filter had left an empty chunk)."""
    text = (
        "2023年1月农村低保发放明细\r\n日期：2023-02-01\r\n"
        "*档次 ,*证件号码 , 街道 ,*保障人口 ,低保标准 ,*所属村：, 月保障金额：,*打卡日期\r\n"
        "A类,abc0,吴村镇,3,745,,1895,\r\n"
        "A类,abc0,鲁城街道,５,700.00,村\x0c,0.00,2023-01-19 08:30:00\r\n"
        "制表人：赵六,,,,,,,\r\n"
    )
    path = tmp_path / "尾部.csv"
    path.write_bytes(text.encode("utf-16") + b"\r\n" * 50)  # one-byte line ends read as UTF-16: 50 × U+0A0D
    report = ingest_roster(warehouse, path, **SLOT)
    assert (report.rows_read, report.households, report.persons, report.amount_fen) == (2, 1, 3, 189500)
