"""A delimited file's text as UTF-8 with LF line ends, read in blocks so a large roster is never held whole.

What a file's bytes are: UTF-8 (BOM or not), UTF-16 (BOM or not), else GB18030. Refused,
with the line where it goes wrong: text that breaks the encoding its BOM declares, UTF-8
lines followed by GBK ones (two exports pasted together), and NUL characters (a damaged
file). A plain UTF-8 file is read where it is; any other is transcoded into a temporary file.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from warehouse.errors import Problem, Rejected

BLOCK_BYTES = 8 << 20
SNIFF_BYTES = 4096

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class Encoding:
    codec: str
    skip: int  # bytes of BOM before the text
    claim: str | None  # what the file declares ("标明为 UTF-8"), or None when the codec is only a guess


@contextmanager
def utf8_text(path: Path, name: str) -> Iterator[Path]:
    """A path to the file's text as UTF-8 with LF (or CRLF) line ends: the file itself when it already is that."""
    encoding, lone_cr = _encoding(path, name)
    if encoding.codec == "utf-8" and not encoding.skip and not lone_cr:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dibao-text-") as folder:
        target = Path(folder) / "text.csv"
        _transcode(path, encoding, target)
        yield target


def _encoding(path: Path, name: str) -> tuple[Encoding, bool]:
    """The file's encoding, checked over the whole file, and whether it has a CR line end (not CRLF)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    for bom, codec, label in _BOMS:
        if head.startswith(bom):
            encoding = Encoding(codec, len(bom), f"标明为 {label}")
            return encoding, _check(path, encoding, name)
    if b"\x00" in head:
        codec = _utf16_without_bom(head)
        if codec is None:
            raise Rejected([Problem(name, message="不是文本表格文件（含有二进制内容），请上传 CSV、XLSX 或 XLS")])
        encoding = Encoding(codec, 0, "像是不带 BOM 的 UTF-16")
        return encoding, _check(path, encoding, name)
    utf8 = Encoding("utf-8", 0, None)
    try:
        return utf8, _scan(path, utf8, name)
    except _Failed as error:
        _check_not_mixed(path, error, name)
    gb18030 = Encoding("gb18030", 0, None)
    try:
        return gb18030, _scan(path, gb18030, name)
    except _Failed as error:
        raise Rejected(
            [Problem(name, row=error.line, message="文件编码无法识别（既不是 UTF-8 也不是 GB18030/GBK）")]
        ) from None


class _Failed(UnicodeDecodeError):
    """A decoding error located in the file: `start` is the byte offset, `line` the line it falls in."""

    def __init__(self, error: UnicodeDecodeError, offset: int, line: int):
        super().__init__(error.encoding, error.object, offset, offset + 1, error.reason)
        self.line = line


def _blocks(path: Path, encoding: Encoding, start: int | None = None) -> Iterator[str]:
    """The file's text, block by block; a decoding error is raised as `_Failed` with its offset and line."""
    decoder = codecs.getincrementaldecoder(encoding.codec)(errors="strict")
    offset = encoding.skip if start is None else start
    lines = 0
    with path.open("rb") as handle:
        handle.seek(offset)
        while True:
            block = handle.read(BLOCK_BYTES)
            pending = len(decoder.getstate()[0])
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                good = error.object[: error.start].decode(encoding.codec, errors="replace")
                raise _Failed(error, offset - pending + error.start, lines + good.count("\n") + 1) from None
            lines += text.count("\n")
            offset += len(block)
            yield text
            if not block:
                return


def _scan(path: Path, encoding: Encoding, name: str) -> bool:
    """Decode the whole file, refusing NUL characters; True when it has a lone CR line end (old Mac exports),
    which the CSV parser does not take (Windows CRLF it does)."""
    lone_cr = held_cr = False
    lines = 0
    for text in _blocks(path, encoding):
        if (at := text.find("\x00")) != -1:
            line = lines + text.count("\n", 0, at) + 1
            raise Rejected([Problem(name, row=line, message="含有空字符（NUL）：文件已损坏或不是文本表格")])
        if held_cr and not text.startswith("\n"):
            lone_cr = True
        held_cr = text.endswith("\r")  # perhaps the first half of a CRLF split between blocks
        body = text[:-1] if held_cr else text
        lone_cr = lone_cr or body.count("\r") != body.count("\r\n")
        lines += text.count("\n")
    return lone_cr or held_cr


def _check(path: Path, encoding: Encoding, name: str) -> bool:
    """`_scan` for an encoding the file declares: refuse, naming the line, when the bytes do not keep to it."""
    try:
        return _scan(path, encoding, name)
    except _Failed as error:
        line = error.line
        claim = encoding.claim
        if encoding.codec == "utf-8" and _decodes(path, Encoding("gb18030", encoding.skip, None)):
            message = (
                f"文件开头{claim} 编码（带 BOM），但第 {line} 行起是 GBK/GB18030 编码：编码前后不一致，"
                "请将整个文件另存为 UTF-8 或 GBK 编码后再上传"
            )
        elif encoding.codec.startswith("utf-16") and error.reason == "truncated data":
            message = f"文件{claim} 编码，但在第 {line} 行处字节不完整（文件被截断或已损坏）"
        else:
            message = f"文件{claim} 编码，但第 {line} 行含有不属于该编码的字节：文件已损坏或编码前后不一致"
        raise Rejected([Problem(name, row=line, message=message)]) from None


def _decodes(path: Path, encoding: Encoding, start: int | None = None) -> bool:
    try:
        for _ in _blocks(path, encoding, start):
            pass
    except UnicodeDecodeError:
        return False
    return True


def _check_not_mixed(path: Path, error: _Failed, name: str) -> None:
    """Refuse UTF-8 lines followed by GBK ones: GB18030 would garble the first."""
    complete = _last_line_end(path, error.start)
    non_ascii = lines = 0
    with path.open("rb") as handle:
        decoder = codecs.getincrementaldecoder("utf-8")()
        for start in range(0, complete, BLOCK_BYTES):
            text = decoder.decode(handle.read(min(BLOCK_BYTES, complete - start)))
            non_ascii += len(text) - len(text.encode("ascii", "ignore"))
            lines += text.count("\n")
    if non_ascii < 2:
        return  # no UTF-8 text before the failure: the file is GBK throughout
    if not _decodes(path, Encoding("gb18030", 0, None), complete):
        return  # neither: said so by the GB18030 attempt
    line = lines + 1
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


def _last_line_end(path: Path, offset: int) -> int:
    """The byte offset just past the last LF before `offset` (an LF byte is never inside a UTF-8 or GBK character)."""
    with path.open("rb") as handle:
        end = offset
        while end > 0:
            start = max(0, end - BLOCK_BYTES)
            handle.seek(start)
            block = handle.read(end - start)
            if (at := block.rfind(b"\n")) != -1:
                return start + at + 1
            end = start
    return 0


def _transcode(path: Path, encoding: Encoding, target: Path) -> None:
    """Write the text as UTF-8 with LF line ends (Windows CRLF and the lone CR of old Mac exports)."""
    with target.open("w", encoding="utf-8", newline="") as out:
        held_cr = False  # a CR ending one block may be the first half of a CRLF
        for text in _blocks(path, encoding):
            if held_cr:
                text = "\r" + text
            held_cr = text.endswith("\r")
            if held_cr:
                text = text[:-1]
            out.write(text.replace("\r\n", "\n").replace("\r", "\n"))
        if held_cr:
            out.write("\n")


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
