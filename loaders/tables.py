"""Read a CSV, XLSX or XLS file into sheets of text cells, keeping the row numbers a person sees.

Only reading happens here: which row is the header is decided by the caller's
`find_header`, which looks at the first rows of each sheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from loaders.problems import Problem, Rejected

HEADER_SCAN_ROWS = 60
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"

FindHeader = Callable[[list[list[str]]], int | None]


@dataclass
class Sheet:
    """Cells from the header row down, all text; `cells` row i is file row `first_row + i`."""

    name: str  # "" for CSV
    preamble: list[list[str]]  # rows above the header (titles, units), as text
    cells: pl.DataFrame  # column names c0, c1, …; row 0 is the header row
    first_row: int
    letters: list[str] = field(default_factory=list)  # spreadsheet column letters, or []
    numeric_cells: Callable[[int], pl.Series] | None = None  # XLSX: which cells of column j are numbers

    def column_label(self, index: int, header: str) -> str:
        return f"{header}（{self.letters[index]} 列）" if self.letters else header

    def missing_column(self, file_name: str, label: str, aliases: tuple[str, ...]) -> Problem:
        """The problem of a required column absent from this sheet's header row."""
        return Problem(
            file_name,
            sheet=self.name,
            row=self.first_row,
            column=label,
            message=f"缺少必需的列「{label}」（可用的列名：{'、'.join(aliases)}）",
        )


def read_sheets(path: Path, find_header: FindHeader, *, display_name: str | None = None) -> list[Sheet]:
    """Every sheet of the file that has a header row; reject the file when none has one."""
    name = display_name or path.name
    try:
        head = path.open("rb").read(8)
    except OSError as error:
        raise Rejected([Problem(name, message=f"无法打开文件：{error.strerror}")]) from None
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
        sheets, unreadable = _read_workbook(path, name, find_header)
    else:
        sheets, unreadable = _read_delimited(path, name, find_header)
    if not sheets:
        raise Rejected(unreadable or [Problem(name, message="文件中没有数据")])
    return sheets


def _read_workbook(path: Path, name: str, find_header: FindHeader) -> tuple[list[Sheet], list[Problem]]:
    try:
        reader = fastexcel.read_excel(path)
    except Exception as error:  # fastexcel raises several unrelated types for corrupt files
        kind = "XLSX" if path.open("rb").read(4) == ZIP_MAGIC else "XLS"
        raise Rejected([Problem(name, message=f"不是可读取的 {kind} 工作簿（{type(error).__name__}）")]) from None
    sheets, problems = [], []
    for sheet_name in reader.sheet_names:
        try:
            loaded = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
            frame = loaded.to_polars()
        except Exception as error:
            problems.append(Problem(name, sheet=sheet_name, message=f"工作表无法读取（{type(error).__name__}）"))
            continue
        if frame.width == 0 or frame.height == 0:
            continue
        letters = [_letter(info.absolute_index) for info in loaded.available_columns()]
        frame = frame.rename(dict(zip(frame.columns, [f"c{i}" for i in range(frame.width)], strict=True)))
        top = [[cell or "" for cell in row] for row in frame.head(HEADER_SCAN_ROWS).iter_rows()]
        header = find_header(top)
        if header is None:
            problems.append(Problem(name, sheet=sheet_name, message=_NO_HEADER))
            continue
        sheets.append(
            Sheet(
                name=sheet_name,
                preamble=top[:header],
                cells=frame.slice(header),
                first_row=header + 1,
                letters=letters,
                numeric_cells=_numeric_reader(reader, sheet_name, frame.columns, header),
            )
        )
    return sheets, problems


def _numeric_reader(reader, sheet_name: str, columns: list[str], header: int) -> Callable[[int], pl.Series]:
    """Which cells of a column Excel stored as numbers (an ID stored so has lost digits).

    Read as booleans, text cells fail (even digit-only text) while numeric cells convert:
    the one dtype that tells the two apart.
    """

    def numeric(index: int) -> pl.Series:
        raw_name = f"__UNNAMED__{index}"
        loaded = reader.load_sheet(
            sheet_name, header_row=None, skip_rows=0, use_columns=[raw_name], dtypes={raw_name: "boolean"}
        )
        batch, _errors = loaded.to_arrow_with_errors()
        values = pl.from_arrow(batch.column(0))
        return values.is_not_null().slice(header)

    return numeric


_NO_HEADER = "未找到表头行：前 60 行中没有一行包含足够的已知列名"


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def decode(data: bytes, name: str) -> str:
    """Text of a delimited file: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise Rejected([Problem(name, message="不是文本表格文件（含有二进制内容），请上传 CSV、XLSX 或 XLS")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Rejected(
            [Problem(name, row=line, message="文件编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）")]
        ) from None


def _read_delimited(path: Path, name: str, find_header: FindHeader) -> tuple[list[Sheet], list[Problem]]:
    text = decode(path.read_bytes(), name)
    top_lines = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = (
        "\t" if sum(line.count("\t") for line in top_lines) > sum(line.count(",") for line in top_lines) else ","
    )
    top = list(csv.reader(top_lines, delimiter=delimiter))
    header = find_header(top)
    if header is None:
        return [], [Problem(name, message=_NO_HEADER)]
    width = max(len(top[header]), 1)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            skip_rows=header,
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=True,
            new_columns=[f"c{i}" for i in range(width)],
        )
    except pl.exceptions.PolarsError as error:
        raise Rejected([Problem(name, message=f"CSV 无法解析：{str(error).splitlines()[0]}")]) from None
    return [Sheet(name="", preamble=top[:header], cells=frame, first_row=header + 1)], []
