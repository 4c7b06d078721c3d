"""Limits on what one file may hold, checked before a parser is trusted with it.

The sizes are settings (`DIBAO_MAX_UPLOAD_MB`, `DIBAO_MAX_FILE_MB`, `DIBAO_MAX_ROWS`,
`DIBAO_MAX_UNZIPPED_MB`, `DIBAO_MAX_CELLS`). A workbook is a zip of XML parts, and the
reader behind fastexcel (calamine) unpacks every part and then builds each sheet as a
dense grid from its first to its last cell; so before it opens one, `check_workbook`
inflates every part itself, counting bytes against the limit, and scans each sheet's
cell references for the grid they span. A 5 KB file with one cell at XFD1048576 would
otherwise ask for half a terabyte and abort the process.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from warehouse.errors import Problem, Rejected
from warehouse.settings import Settings, get_settings

MB = 1024 * 1024
MAX_PARTS = 2000  # a workbook has ten-odd parts, plus a few per sheet
MAX_RATIO = 100  # sheet XML compresses about 10:1; bombs 1000:1 and more
RATIO_FROM = 10 * MB  # parts smaller than this are not judged by their ratio
_CHUNK = 1 << 20
_RESAVE = "请重新导出，或用 Excel 打开后另存再上传"


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    file_bytes: int
    rows: int
    unzipped_bytes: int
    cells: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        settings = settings or get_settings()
        return cls(
            upload_bytes=settings.max_upload_mb * MB,
            file_bytes=settings.max_file_mb * MB,
            rows=settings.max_rows,
            unzipped_bytes=settings.max_unzipped_mb * MB,
            cells=settings.max_cells,
        )


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"


def _refused(name: str, message: str, *, sheet: str = "") -> Rejected:
    """The one problem a file is refused with, naming it (and the sheet, where one is at fault)."""
    return Rejected([Problem(name, sheet=sheet, message=message)])


def check_upload(name: str, size: int, settings: Settings | None = None) -> None:
    """Refuse a file larger than the 上传 page's limit."""
    limit = Limits.from_settings(settings).upload_bytes
    if size > limit:
        raise _refused(name, f"文件大小 {_mb(size)}，超过上传上限 {_mb(limit)}：请拆分后分批上传")


def check_file_size(name: str, size: int, limits: Limits) -> None:
    """Refuse a file larger than any loader reads (command line included)."""
    if size > limits.file_bytes:
        raise _refused(
            name, f"文件大小 {_mb(size)}，超过上限 {_mb(limits.file_bytes)}（DIBAO_MAX_FILE_MB）：请拆分后分批导入"
        )


def check_rows(name: str, rows: int, limits: Limits, *, sheet: str = "") -> None:
    """Refuse a file holding more rows than one file may hold."""
    if rows > limits.rows:
        raise _refused(name, f"文件超过 {limits.rows:,} 行的上限（DIBAO_MAX_ROWS）：请拆分后分批导入", sheet=sheet)


def check_cells(name: str, cells: int, limits: Limits, *, sheet: str = "") -> None:
    """Refuse a workbook whose sheets hold more cells than the limit, counted as the reader counts them."""
    if cells > limits.cells:
        raise _refused(
            name,
            f"工作簿的单元格（各工作表使用范围的行数 × 列数之和）达 {cells:,} 个，"
            f"超过上限 {limits.cells:,}（DIBAO_MAX_CELLS）：请删除多余的行列或拆分后再导入",
            sheet=sheet,
        )


# Workbooks (XLSX): the zip, its parts, and the grid each sheet spans.


@dataclass(frozen=True)
class SheetExtent:
    """The grid the reader builds for a sheet: its last row and last column holding a value."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def describe(self) -> str:
        return f"{self.rows:,} 行 × {self.columns:,} 列（至 {column_letters(self.columns)}{self.rows} 单元格）"


def check_workbook(path: Path, name: str, limits: Limits) -> dict[str, SheetExtent]:
    """Inspect an XLSX before it is parsed; return the extent of each part holding cells, by part name.

    Refused: a broken or encrypted zip, too many parts, parts that unpack to more than the
    limit (by the zip's directory, or in fact), a bomb-like compression ratio, and sheets
    whose grids together exceed the row or cell limit.
    """

    def refuse(message: str, sheet: str = "") -> Rejected:
        return _refused(name, message, sheet=sheet)

    try:
        archive = zipfile.ZipFile(path)
    except Exception:  # zipfile raises half a dozen unrelated types for a damaged directory
        raise refuse(f"不是可读取的 XLSX 工作簿：文件已损坏或不完整（压缩包目录无法读取），{_RESAVE}") from None
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise refuse(f"工作簿含有 {len(parts):,} 个部件（正常的 Excel 文件只有几十个）：不是正常的工作簿，已拒绝")
        if any(part.flag_bits & 0x1 for part in parts):
            raise refuse("工作簿已加密（设有密码）：请在 Excel 中取消密码后另存为 .xlsx 再上传")
        declared = sum(part.file_size for part in parts)
        if declared > limits.unzipped_bytes:
            raise refuse(
                f"工作簿解压后有 {_mb(declared)}，超过上限 {_mb(limits.unzipped_bytes)}（DIBAO_MAX_UNZIPPED_MB）："
                "可能是压缩炸弹；若确是正常表格，请拆分后再导入"
            )
        for part in parts:
            if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
                ratio = part.file_size // max(part.compress_size, 1)
                raise refuse(
                    f"工作簿部件「{part.filename}」压缩比达 {ratio:,}:1（{_mb(part.compress_size)} 解压为 "
                    f"{_mb(part.file_size)}），远超正常表格：疑似压缩炸弹，已拒绝"
                )
        sheet_names = _sheet_names(archive)
        extents: dict[str, SheetExtent] = {}
        with path.open("rb") as handle:
            for part in parts:
                scanner = _ExtentScanner()
                size = checksum = 0
                try:
                    # No part may inflate past the size the directory gives it, which was checked above.
                    for block in _inflate(handle, part, budget=part.file_size):
                        size += len(block)
                        checksum = zlib.crc32(block, checksum)
                        scanner.feed(block)
                except _OverBudget:
                    raise refuse(
                        f"工作簿部件「{part.filename}」解压后比压缩包目录记录的 {_mb(part.file_size)} 更大："
                        "疑似压缩炸弹，已拒绝"
                    ) from None
                except (zlib.error, _Broken, OSError, ValueError, struct.error):
                    raise refuse(
                        f"不是可读取的 XLSX 工作簿：部件「{part.filename}」无法解压（文件已损坏），{_RESAVE}"
                    ) from None
                if size != part.file_size or checksum != part.CRC:
                    raise refuse(
                        f"不是可读取的 XLSX 工作簿：部件「{part.filename}」的内容与压缩包目录记录的大小或校验和不符"
                        f"（文件已损坏），{_RESAVE}"
                    )
                if (extent := scanner.close()).cells:
                    extents[part.filename] = extent
    if extents:
        total_rows = sum(extent.rows for extent in extents.values())
        biggest = max(extents, key=lambda part: extents[part].cells)
        sheet = sheet_names.get(biggest, biggest)
        if total_rows > limits.rows:
            raise refuse(
                f"工作簿各工作表共 {total_rows:,} 行，超过 {limits.rows:,} 行的上限（DIBAO_MAX_ROWS）"
                f"（最大的工作表为 {extents[biggest].describe()}）：请拆分后分批导入",
                sheet=sheet,
            )
        total_cells = sum(extent.cells for extent in extents.values())
        if total_cells > limits.cells:
            raise refuse(
                f"工作表使用范围为 {extents[biggest].describe()}，工作簿共 {total_cells:,} 个单元格，"
                f"超过上限 {limits.cells:,}（DIBAO_MAX_CELLS）：请删除远处多余的单元格或拆分后再导入",
                sheet=sheet,
            )
    return extents


class _OverBudget(Exception):
    pass


class _Broken(Exception):
    pass


def _inflate(handle, part: zipfile.ZipInfo, *, budget: int) -> Iterator[bytes]:
    """The part's bytes as its data really inflates, whatever the zip's directory claims; at most `budget`."""
    handle.seek(part.header_offset)
    local = handle.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise _Broken
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    handle.seek(part.header_offset + 30 + name_length + extra_length)
    if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Broken  # Excel, WPS and LibreOffice only ever store or deflate
    inflater = zlib.decompressobj(-15) if part.compress_type == zipfile.ZIP_DEFLATED else None
    produced, remaining = 0, part.compress_size
    while remaining > 0 and not (inflater and inflater.eof):
        data = handle.read(min(_CHUNK, remaining))
        if not data:
            raise _Broken
        remaining -= len(data)
        while data:
            if inflater is None:
                block, data = data, b""
            else:
                block = inflater.decompress(data, 4 * _CHUNK)
                data = b"" if inflater.eof else inflater.unconsumed_tail
            produced += len(block)
            if produced > budget:
                raise _OverBudget
            yield block
    if inflater is not None:
        if not inflater.eof:
            raise _Broken  # the deflate stream stops short
        if tail := inflater.flush():
            if produced + len(tail) > budget:
                raise _OverBudget
            yield tail


_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(tag: bytes) -> dict[str, str]:
    return {
        key.decode("utf-8", "replace"): html.unescape((double or single).decode("utf-8", "replace"))
        for key, double, single in _ATTRIBUTE.findall(tag)
    }


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Part name → the sheet's name as Excel shows it (from xl/workbook.xml and its relationships)."""
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        relationships = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except Exception:  # names only label the messages: without them the part names do
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(relationships):
        attributes = _attributes(tag)
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[attributes.get("Id", "")] = target
    names = {}
    for tag in _SHEET_TAG.findall(workbook):
        attributes = _attributes(tag)
        relation = next((value for key, value in attributes.items() if key.endswith(":id")), None)
        if relation in targets and "name" in attributes:
            names[targets[relation]] = attributes["name"]
    return names


def _small_part(archive: zipfile.ZipFile, member: str) -> bytes:
    info = archive.getinfo(member)
    return archive.read(info) if info.file_size <= 4 * MB else b""


# A cell is `<c r="AB12" …>`; one without `r` follows the cell before it in its row, and a row
# without `r` follows the row before it. Cells with no value (`<c r="Z9" s="1"/>`, formatting
# only) are not part of the grid the reader builds. Nearly every file writes `r` first on
# every cell and row, which plain counts confirm a block at a time; then one pattern finds
# the filled cells' references. Any other block is followed tag by tag.
_PREFIXED_TAG = re.compile(rb"<([A-Za-z_][\w.-]*:)(?:c|row)[\s/>]")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_TAG = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?(c|row)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]+)")


class _ExtentScanner:
    """Follow a part's XML as it inflates, keeping the last row and column that hold a value."""

    def __init__(self) -> None:
        self.carry = b""
        self.prefix: bytes | None = None  # the sheet's namespace prefix, e.g. b"x:" (OpenXML SDK), usually b""
        self.rows = 0
        self.columns = 0
        self.row = 0  # where a cell without a reference would go: the current row …
        self.column = 0  # … and the column of the cell before it

    def feed(self, block: bytes) -> None:
        text = self.carry + block
        cut = text.rfind(b"<")
        if cut != -1 and text.find(b">", cut) == -1 and len(text) - cut < _CHUNK:
            text, self.carry = text[:cut], text[cut:]
        else:
            self.carry = b""
        self._scan(text)

    def close(self) -> SheetExtent:
        self._scan(self.carry)
        self.carry = b""
        return SheetExtent(self.rows, self.columns)

    def _scan(self, text: bytes) -> None:
        if b"<" not in text:
            return
        if self.prefix is None:
            root = _ROOT.search(text)
            self._use_prefix((root[1] or b"") if root else b"")
        if self._references_everywhere(text):
            self._filled_references(text)
        else:
            self._follow(text)

    def _use_prefix(self, prefix: bytes) -> None:
        self.prefix = prefix
        self.cell_tag, self.row_tag = b"<" + prefix + b"c", b"<" + prefix + b"row"
        cell, row = re.escape(self.cell_tag), re.escape(self.row_tag)
        self.filled = re.compile(cell + rb' r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
        self.without_reference = re.compile(
            cell + rb'(?=[\s/>])(?! r="[A-Z]{1,3}[0-9]{1,7}")|' + row + rb'(?=[\s/>])(?! r="[0-9]{1,7}")'
        )

    def _references_everywhere(self, text: bytes) -> bool:
        """Every cell and row tag of the block starts with a plain `r`, and no tag has another prefix."""
        if self.without_reference.search(text):
            return False
        prefixed = _PREFIXED_TAG.findall(text) if b":c" in text or b":row" in text else []
        return not prefixed or (bool(self.prefix) and all(tag == self.prefix for tag in set(prefixed)))

    def _filled_references(self, text: bytes) -> None:
        references = self.filled.findall(text)
        if references:
            self.rows = max(self.rows, max(map(int, map(itemgetter(1), references))))
            widest = max(set(map(itemgetter(0), references)), key=lambda letters: (len(letters), letters))
            self.columns = max(self.columns, column_number(widest.decode()))
        last_row = text.rfind(self.row_tag + b' r="')
        last_cell = text.rfind(self.cell_tag + b' r="')
        if last_row > last_cell:
            start = last_row + len(self.row_tag) + 4
            self.row, self.column = int(text[start : text.index(b'"', start)]), 0
        elif last_cell >= 0:
            start = last_cell + len(self.cell_tag) + 4
            found = _REFERENCE.fullmatch(text[start : text.index(b'"', start)].decode())
            if found:
                self.column, self.row = column_number(found[1]), int(found[2])

    def _follow(self, text: bytes) -> None:
        for kind, attributes in _TAG.findall(text):
            reference = _attributes(attributes).get("r", "")
            if kind == b"row":
                self.row = int(reference) if reference.isdigit() else self.row + 1
                self.column = 0
                continue
            if found := _REFERENCE.fullmatch(reference):
                self.column, self.row = column_number(found[1].upper()), int(found[2])
            else:
                self.column, self.row = self.column + 1, max(self.row, 1)
            if not attributes.rstrip().endswith(b"/"):
                self.rows = max(self.rows, self.row)
                self.columns = max(self.columns, self.column)


def column_number(letters: str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters or "A"
