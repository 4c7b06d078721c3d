"""Read a CSV, XLSX or XLS file into sheets of text cells, keeping the row numbers a person sees.

Only reading happens here: which row is the header is decided by the caller's
`find_header`, which looks at the first rows of each sheet. A file is read as what its
content is, whatever its name says (a CSV named .xlsx is read as CSV); a file that is not
a table at all (a web page saved as .xls, a PDF, a picture, a zip of other files) is
refused with what it really is, and the limits of `loaders.limits` are checked before any
parser sees the file.

A sheet's rows come in chunks (`Sheet.chunks`), so a CSV of millions of rows is never held
whole; a workbook's sheet is read whole (its format caps it at 1,048,576 rows) and chunked.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import fastexcel
import polars as pl

from loaders.delimited import read_delimited
from loaders.limits import Limits, check_cells, check_file_size, check_rows, check_workbook
from loaders.sheets import HEADER_SCAN_ROWS, NO_HEADER, FindHeader, Sheet
from loaders.text import SNIFF_BYTES, utf8_text
from warehouse.errors import Problem, Rejected

CHUNK_ROWS = 250_000
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def read_sheets(
    path: Path, find_header: FindHeader, *, display_name: str | None = None, limits: Limits | None = None
) -> list[Sheet]:
    """Every sheet of the file that has a header row, read whole (score sheets and other small files)."""
    with open_sheets(path, find_header, display_name=display_name, limits=limits) as sheets:
        whole = []
        for sheet in sheets:
            data = list(sheet.chunks())
            whole.append(
                Sheet(
                    name=sheet.name,
                    preamble=sheet.preamble,
                    header=sheet.header,
                    first_row=sheet.first_row,
                    chunks=lambda data=data: iter(data),
                    letters=sheet.letters,
                    numeric_cells=sheet.numeric_cells,
                )
            )
        return whole


@contextmanager
def open_sheets(
    path: Path,
    find_header: FindHeader,
    *,
    display_name: str | None = None,
    limits: Limits | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[list[Sheet]]:
    """Every sheet of the file that has a header row, its rows read chunk by chunk while the context is open;
    reject the file when no sheet has a header row."""
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
        sheets, unreadable = _read_workbook(path, name, find_header, limits, chunk_rows)
        if not sheets:
            raise Rejected(unreadable or [Problem(name, message="文件中没有数据")])
        yield sheets
        return
    with utf8_text(path, name) as text:
        sheets, unreadable = read_delimited(text, name, find_header, limits, chunk_rows)
        if not sheets:
            raise Rejected(unreadable or [Problem(name, message="文件中没有数据")])
        yield sheets


def _read_workbook(
    path: Path, name: str, find_header: FindHeader, limits: Limits, chunk_rows: int
) -> tuple[list[Sheet], list[Problem]]:
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
            problems.append(Problem(name, sheet=sheet_name, message=NO_HEADER))
            continue
        data = (
            frame.slice(header + 1).with_row_index("row", offset=header + 2).with_columns(pl.col("row").cast(pl.Int64))
        )
        sheets.append(
            Sheet(
                name=sheet_name,
                preamble=top[:header],
                header=top[header],
                first_row=header + 1,
                chunks=lambda data=data: data.iter_slices(chunk_rows),
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
