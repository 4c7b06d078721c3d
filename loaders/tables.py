"""Read a CSV, XLSX or XLS file into sheets of text cells, keeping the row numbers a person sees.

Only reading happens here: which row is the header is decided by the caller's
`find_header`, which looks at the first rows of each sheet. A file is read as what its
content is, whatever its name says (a CSV named .xlsx is read as CSV); a file that is not
a table at all (a web page saved as .xls, a PDF, a picture, a zip of other files) is
refused with what it really is, and the limits of `loaders.limits` are checked before any
parser sees the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from loaders.limits import Limits, check_cells, check_file_size, check_rows, check_workbook
from warehouse.errors import Problem, Rejected

HEADER_SCAN_ROWS = 60
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
SNIFF_BYTES = 4096

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


def read_sheets(
    path: Path, find_header: FindHeader, *, display_name: str | None = None, limits: Limits | None = None
) -> list[Sheet]:
    """Every sheet of the file that has a header row; reject the file when none has one."""
    name = display_name or path.name
    limits = limits or Limits.from_settings()
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        raise Rejected([Problem(name, message=f"无法打开文件：{error.strerror}")]) from None
    check_file_size(name, size, limits)
    kind = _kind(path, head, name)
    if kind == "xlsx":
        check_workbook(path, name, limits)
    if kind in ("xlsx", "xls"):
        sheets, unreadable = _read_workbook(path, name, find_header, limits)
    else:
        sheets, unreadable = _read_delimited(path, name, find_header, limits)
    if not sheets:
        raise Rejected(unreadable or [Problem(name, message="文件中没有数据")])
    return sheets


def _read_workbook(path: Path, name: str, find_header: FindHeader, limits: Limits) -> tuple[list[Sheet], list[Problem]]:
    try:
        reader = fastexcel.read_excel(path)
        sheet_names = list(reader.sheet_names)
    except BaseException as error:
        if not _reader_failed(error):
            raise
        with path.open("rb") as handle:
            kind = "XLSX" if handle.read(4) == ZIP_MAGIC else "XLS"
        raise Rejected([Problem(name, message=f"不是可读取的 {kind} 工作簿（{type(error).__name__}）")]) from None
    sheets, problems = [], []
    rows = cells = 0
    for sheet_name in sheet_names:
        try:
            loaded = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
            frame = loaded.to_polars()
            letters = [_letter(info.absolute_index) for info in loaded.available_columns()]
        except BaseException as error:
            if not _reader_failed(error):
                raise
            problems.append(Problem(name, sheet=sheet_name, message=f"工作表无法读取（{type(error).__name__}）"))
            continue
        # An XLS sheet's grid is only known once read (at most 65,536 × 256 cells each).
        rows, cells = rows + frame.height, cells + frame.height * frame.width
        check_rows(name, rows, limits, sheet=sheet_name)
        check_cells(name, cells, limits, sheet=sheet_name)
        if frame.width == 0 or frame.height == 0:
            continue
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


def _reader_failed(error: BaseException) -> bool:
    """fastexcel raises several unrelated types for corrupt files, and a panic in its Rust code is no Exception."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _numeric_reader(reader, sheet_name: str, columns: list[str], header: int) -> Callable[[int], pl.Series]:
    """Which cells of a column Excel stored as numbers (an ID stored so has lost digits).

    Read as booleans, text cells fail (even digit-only text) while numeric cells convert:
    the one dtype that tells the two apart.
    """

    def numeric(index: int) -> pl.Series:
        raw_name = f"__UNNAMED__{index}"
        try:
            loaded = reader.load_sheet(
                sheet_name, header_row=None, skip_rows=0, use_columns=[raw_name], dtypes={raw_name: "boolean"}
            )
            batch, _errors = loaded.to_arrow_with_errors()
            values = pl.from_arrow(batch.column(0))
        except BaseException as error:  # the sheet read as text a moment ago: only the numbers' flags are lost
            if not _reader_failed(error):
                raise
            return pl.Series([], dtype=pl.Boolean)
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


# What a file is, by its content.

_SIGNATURES = (
    (b"%PDF-", "PDF 文档", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", (".png",)),
    (b"\xff\xd8\xff", "JPEG 图片", (".jpg", ".jpeg")),
    (b"GIF87a", "GIF 图片", (".gif",)),
    (b"GIF89a", "GIF 图片", (".gif",)),
    (b"II*\x00", "TIFF 图片", (".tif", ".tiff")),
    (b"MM\x00*", "TIFF 图片", (".tif", ".tiff")),
    (b"Rar!\x1a\x07", "RAR 压缩包", (".rar",)),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", (".7z",)),
    (b"\x1f\x8b", "gzip 压缩包", (".gz", ".tgz")),
    (b"{\\rtf", "RTF 文档", (".rtf",)),
)
_SEND_THE_TABLE = "请上传名册的表格文件（CSV、XLSX 或 XLS）"
_SAVE_AS_XLSX = "请用 Excel 或 WPS 打开后另存为 .xlsx（或 CSV）再上传"


def _not_a_table(name: str, what: str, advice: str, extensions: tuple[str, ...] = ()) -> Rejected:
    """Refuse a file that is not a table, saying what it is and, when its name says otherwise, that too."""
    extension = Path(name).suffix.lower()
    if not extension or extension in extensions:
        return Rejected([Problem(name, message=f"文件内容是{what}，不是表格文件：{advice}")])
    return Rejected([Problem(name, message=f"文件扩展名为 {extension}，但内容是{what}：{advice}")])


def _kind(path: Path, head: bytes, name: str) -> str:
    """Which reader the content needs ("xlsx", "xls" or "text"); content that is not a table is refused here."""
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        _check_zip_is_workbook(path, name)
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        _check_ole_is_workbook(path, name)
        return "xls"
    for magic, what, extensions in _SIGNATURES:
        if head.startswith(magic):
            raise _not_a_table(name, f" {what}", _SEND_THE_TABLE, extensions)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise _not_a_table(name, " WebP 图片", _SEND_THE_TABLE, (".webp",))
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        raise _not_a_table(name, " BMP 图片", _SEND_THE_TABLE, (".bmp",))
    _check_not_markup(head, name)
    return "text"


def _check_not_markup(head: bytes, name: str) -> None:
    """Refuse web pages and XML, above all the HTML tables that business systems export under an .xls name."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    text = text.lstrip().lower()
    web_page = "（业务系统导出的“Excel”文件常是这样）"
    if text.startswith("mime-version:") and "multipart/related" in text:
        raise _not_a_table(name, "“单个文件网页”（MHT）" + web_page, _SAVE_AS_XLSX, (".mht", ".mhtml"))
    if text.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text or "<workbook" in text:
            raise _not_a_table(name, " Excel 2003 XML 表格", _SAVE_AS_XLSX, (".xml",))
        if "<html" not in text:
            raise _not_a_table(name, " XML 文件", _SEND_THE_TABLE, (".xml",))
    tags = ("<!doctype html", "<html", "<head", "<body", "<table", "<meta", "<style", "<title", "<?xml", "<!--")
    if text.startswith(tags) and ("<html" in text or "<table" in text or "<!doctype html" in text or "<body" in text):
        raise _not_a_table(name, " HTML 网页" + web_page, _SAVE_AS_XLSX, (".htm", ".html"))


def _check_zip_is_workbook(path: Path, name: str) -> None:
    """A zip must hold an Excel workbook; say what it holds instead (a broken zip is left to `check_workbook`)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [_member_name(info) for info in archive.infolist()]
            mimetype = archive.read("mimetype")[:100] if "mimetype" in archive.namelist() else b""
    except Exception:  # a damaged zip: `check_workbook` says so
        return
    lower = {member.lower() for member in members}
    if "xl/workbook.bin" in lower:
        raise _not_a_table(name, " Excel 二进制工作簿（.xlsb）", _SAVE_AS_XLSX, (".xlsb",))
    if any(member.startswith("xl/") for member in lower):
        return
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        raise _not_a_table(name, " OpenDocument 表格（.ods）", _SAVE_AS_XLSX, (".ods",))
    known = (
        ("word/", " Word 文档（.docx）", (".docx",)),
        ("ppt/", " PowerPoint 演示文稿（.pptx）", (".pptx",)),
        ("ofd.xml", " OFD 版式文档", (".ofd",)),
    )
    for prefix, what, extensions in known:
        if any(member.startswith(prefix) for member in lower):
            raise _not_a_table(name, what, _SEND_THE_TABLE, extensions)
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise _not_a_table(name, " OpenDocument 文档", _SEND_THE_TABLE, (".odt", ".odp"))
    files = [member for member in members if not member.endswith("/")]
    shown = "、".join(files[:3]) + (f" 等 {len(files)} 个文件" if len(files) > 3 else "")
    listing = f"（内含：{shown}）" if files else "（空的）"
    raise _not_a_table(name, f" ZIP 压缩包{listing}，不是 Excel 工作簿", "请解压后上传其中的表格文件", (".zip",))


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name; zips made on Chinese Windows store GBK names without saying so."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


_OLE_STREAMS = ("EncryptedPackage", "WordDocument", "PowerPoint Document", "Workbook", "Book")


def _check_ole_is_workbook(path: Path, name: str) -> None:
    """An Office compound file must be a legacy workbook; refuse an encrypted workbook, a Word or PowerPoint file."""
    streams = _ole_stream_names(path)
    if "EncryptedPackage" in streams:
        raise Rejected(
            [Problem(name, message="工作簿设有打开密码（已加密）：请在 Excel 中取消密码后另存为 .xlsx 再上传")]
        )
    if "Workbook" in streams or "Book" in streams:
        return
    if "WordDocument" in streams:
        raise _not_a_table(name, " Word 文档（.doc）", _SEND_THE_TABLE, (".doc", ".wps"))
    if "PowerPoint Document" in streams:
        raise _not_a_table(name, " PowerPoint 演示文稿（.ppt）", _SEND_THE_TABLE, (".ppt", ".dps"))
    # Anything else is left to the workbook reader, which says it cannot read it.


def _ole_stream_names(path: Path) -> set[str]:
    """Which of a few known stream names appear as directory entries (128-byte records) of a compound file."""
    wanted = {stream: stream.encode("utf-16-le") + b"\x00\x00" for stream in _OLE_STREAMS}
    found: set[str] = set()
    chunk = 1 << 20
    with path.open("rb") as handle:
        offset = 0
        while True:
            handle.seek(offset)
            block = handle.read(chunk + 128)
            if not block:
                break
            for stream, pattern in wanted.items():
                at = block.find(pattern)
                while 0 <= at < chunk:
                    entry = offset + at
                    length = block[at + 64 : at + 66]
                    if entry % 128 == 0 and length == len(pattern).to_bytes(2, "little"):
                        found.add(stream)
                        break
                    at = block.find(pattern, at + 1)
            if len(block) <= chunk:
                break
            offset += chunk
    return found


# Text: encodings, including the ones a file claims and does not keep to.

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


def decode(data: bytes, name: str) -> str:
    """Text of a delimited file: UTF-8 (BOM or not), UTF-16 (BOM or not), else GB18030.

    Refused, with the line where it goes wrong: text that breaks the encoding its BOM
    declares, UTF-8 lines followed by GBK ones, and NUL bytes (a damaged file).
    """
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _without_nul(_declared(data[len(bom) :], codec, f"标明为 {label}", name), name)
    if b"\x00" in data[:SNIFF_BYTES]:
        codec = _utf16_without_bom(data[:SNIFF_BYTES])
        if codec is None:
            raise Rejected([Problem(name, message="不是文本表格文件（含有二进制内容），请上传 CSV、XLSX 或 XLS")])
        return _without_nul(_declared(data, codec, "像是不带 BOM 的 UTF-16", name), name)
    try:
        return _without_nul(data.decode("utf-8"), name)
    except UnicodeDecodeError as error:
        _check_not_mixed(data, error.start, name)
    try:
        return _without_nul(data.decode("gb18030"), name)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Rejected(
            [Problem(name, row=line, message="文件编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）")]
        ) from None


def _declared(data: bytes, codec: str, claim: str, name: str) -> str:
    """Decode as the BOM (or the NUL bytes) say; refuse, naming the line, when the bytes do not keep to it."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, errors="replace").count("\n") + 1
        if codec == "utf-8" and _is_gb18030(data):
            message = (
                f"文件开头{claim} 编码（带 BOM），但第 {line} 行起是 GBK/GB18030 编码：编码前后不一致，"
                "请将整个文件另存为 UTF-8 或 GBK 编码后再上传"
            )
        elif codec.startswith("utf-16") and error.reason == "truncated data":
            message = f"文件{claim} 编码，但在第 {line} 行处字节不完整（文件被截断或已损坏）"
        else:
            message = f"文件{claim} 编码，但第 {line} 行含有不属于该编码的字节：文件已损坏或编码前后不一致"
        raise Rejected([Problem(name, row=line, message=message)]) from None


def _is_gb18030(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text saved without a BOM: its ASCII characters (commas, digits, line ends) are half NUL.

    In binary content NULs fall on even and odd bytes alike; in UTF-16 text mostly on one
    side (a few CJK characters, such as 开 U+5F00, put one on the other), and the text reads
    without NUL characters.
    """
    for codec, side in (("utf-16-le", 1), ("utf-16-be", 0)):
        nuls, others = head[side::2].count(0), head[1 - side :: 2].count(0)
        if nuls < 4 or others * 4 > nuls:
            continue
        text = head[: len(head) // 2 * 2].decode(codec, errors="replace")
        if "\x00" not in text and "\ufffd" not in text[:-1] and any(mark in text for mark in ",\t\n"):
            return codec
    return None


def _check_not_mixed(data: bytes, failed_at: int, name: str) -> None:
    """Refuse UTF-8 lines followed by GBK ones (two exports pasted together): GB18030 would garble the first."""
    complete = data[: data.rfind(b"\n", 0, failed_at) + 1]
    if sum(1 for character in complete.decode("utf-8") if ord(character) > 127) < 2:
        return  # no UTF-8 text before the failure: the file is GBK throughout
    if not _is_gb18030(data[len(complete) :]):
        return  # neither: said so by the GB18030 attempt
    line = complete.count(b"\n") + 1
    raise Rejected(
        [
            Problem(
                name,
                row=line,
                message=f"文件前 {line - 1} 行是 UTF-8 编码，第 {line} 行起是 GBK/GB18030 编码：编码混杂，"
                "请将整个文件另存为同一种编码（UTF-8 或 GBK）后再上传",
            )
        ]
    )


def _without_nul(text: str, name: str) -> str:
    if (at := text.find("\x00")) != -1:
        line = text.count("\n", 0, at) + 1
        raise Rejected([Problem(name, row=line, message="含有空字符（NUL）：文件已损坏或不是文本表格")])
    return text


def _read_delimited(
    path: Path, name: str, find_header: FindHeader, limits: Limits
) -> tuple[list[Sheet], list[Problem]]:
    text = decode(path.read_bytes(), name)
    if "\r" in text:  # Windows line ends, and the lone CR of old Mac exports
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    top_lines = text.split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]
    delimiter = (
        "\t" if sum(line.count("\t") for line in top_lines) > sum(line.count(",") for line in top_lines) else ","
    )
    reader = csv.reader(top_lines, delimiter=delimiter)
    try:
        top = list(reader)
    except csv.Error as error:
        raise Rejected([_csv_problem(name, reader.line_num, error)]) from None
    header = find_header(top)
    if header is None:
        return [], [Problem(name, message=_NO_HEADER)]
    width = max(len(top[header]), 1)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            skip_rows=header,
            n_rows=max(limits.rows - header + 1, 1),
            separator=delimiter,
            infer_schema=False,
            truncate_ragged_lines=True,
            new_columns=[f"c{i}" for i in range(width)],
        )
    except pl.exceptions.PolarsError as error:
        raise Rejected([_locate_csv_error(text, delimiter, name, error)]) from None
    check_rows(name, header + frame.height, limits)
    return [Sheet(name="", preamble=top[:header], cells=frame, first_row=header + 1)], []


def _locate_csv_error(text: str, delimiter: str, name: str, error: Exception) -> Problem:
    """The line polars could not parse, found again with the csv module's strict reader."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as problem:
        return _csv_problem(name, reader.line_num, problem)
    return Problem(name, message=f"CSV 无法解析：{str(error).splitlines()[0]}")


def _csv_problem(name: str, line: int, error: csv.Error) -> Problem:
    reason = str(error)
    if "field larger than field limit" in reason:
        words = "有一个单元格过长（超过 131,072 个字符）"
    elif "expected after" in reason or "end of data" in reason or "newline inside string" in reason:
        words = "引号不成对，或引号后直接跟了其他字符"
    else:
        words = reason
    return Problem(name, row=line or None, message=f"CSV 格式有误：{words}")
