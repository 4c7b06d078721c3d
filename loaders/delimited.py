"""A CSV or tab-separated file as one sheet whose rows are parsed a block of the file at a time.

The file is cut at record boundaries (a line end outside quotes: an even number of quote
characters before it) into blocks of about `chunk_rows` rows, and polars parses each block:
memory holds one block, however long the file. (polars' own streaming reader parses ahead of
its reader without bound: a 4,000,000-row file held about 400 MB of parsed rows, measured.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from loaders.limits import Limits, check_rows
from loaders.sheets import HEADER_SCAN_ROWS, NO_HEADER, FindHeader, Sheet
from warehouse.errors import Problem, Rejected

QUOTE = b'"'


def read_delimited(
    path: Path, name: str, find_header: FindHeader, limits: Limits, chunk_rows: int
) -> tuple[list[Sheet], list[Problem]]:
    """The text file's one sheet (`path` is UTF-8 with LF or CRLF line ends, loaders.text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        top_lines = [line for _, line in zip(range(HEADER_SCAN_ROWS), handle, strict=False)]
    stripped = [line.rstrip("\r\n") for line in top_lines]
    tabs, commas = sum(line.count("\t") for line in stripped), sum(line.count(",") for line in stripped)
    delimiter = "\t" if tabs > commas else ","
    reader = csv.reader(stripped, delimiter=delimiter)
    try:
        top = list(reader)
    except csv.Error as error:
        raise Rejected([_csv_problem(name, reader.line_num, error)]) from None
    header = find_header(top)
    if header is None:
        return [], [Problem(name, message=NO_HEADER)]
    columns = [f"c{i}" for i in range(max(len(top[header]), 1))]
    line_bytes = sum(len(line.encode()) for line in top_lines) / max(len(top_lines), 1)
    block_bytes = max(int(line_bytes * chunk_rows), 1 << 10)
    top_bytes = len("".join(top_lines).encode()) + 1  # the first block holds the title rows and the header

    def parse(block: bytes, skip: int) -> pl.DataFrame:
        try:
            return pl.read_csv(
                io.BytesIO(block),
                has_header=False,
                skip_rows=skip,
                separator=delimiter,
                infer_schema=False,
                truncate_ragged_lines=True,
                new_columns=columns,
                raise_if_empty=False,
            )
        except pl.exceptions.PolarsError as error:
            raise Rejected([_locate_csv_error(path, delimiter, name, error)]) from None

    # polars takes the number of columns from a block's first record: the first block's is the
    # header row; every other block gets an empty row of the header's width put in front.
    widest = (delimiter * (len(columns) - 1) + "\n").encode()

    def chunks() -> Iterator[pl.DataFrame]:
        last = header  # the number of the row before the header (rows count from 1)
        for index, block in enumerate(_blocks(path, block_bytes, first=top_bytes)):
            frame = parse(block, header) if index == 0 else parse(widest + block, 0)
            frame = frame.slice(1)  # the header row, or the empty row put in front
            start = last + 1 + (index == 0)
            last = start + frame.height - 1
            check_rows(name, last, limits)
            if not frame.is_empty():
                yield frame.with_columns(row=pl.int_range(start, start + frame.height, dtype=pl.Int64, eager=True))

    first = next(_blocks(path, top_bytes), b"")
    head = parse(first, header).head(1) if first else pl.DataFrame()
    if head.is_empty():
        return [], [Problem(name, message="文件中没有数据")]
    cells = [cell or "" for cell in head.select(columns).row(0)]
    return [Sheet(name="", preamble=top[:header], header=cells, first_row=header + 1, chunks=chunks)], []


def _blocks(path: Path, block_bytes: int, *, first: int = 0) -> Iterator[bytes]:
    """The file in pieces of about `block_bytes` (the first at least `first`), each ending at a record
    boundary (the last may not)."""
    with path.open("rb") as handle:
        held = b""
        size = max(block_bytes, first)
        while True:
            more = handle.read(size)
            size = block_bytes
            if not more:
                if held:
                    yield held
                return
            block = held + more
            cut = _last_record_end(block)
            if cut == 0:  # one record longer than a block (or a quote left open): read on
                held = block
                continue
            yield block[:cut]
            held = block[cut:]


def _last_record_end(block: bytes) -> int:
    """The offset just past the last line end of `block` outside quotes; 0 when there is none."""
    quotes = block.count(QUOTE)
    end = len(block)
    while (at := block.rfind(b"\n", 0, end)) != -1:
        quotes -= block.count(QUOTE, at, end)
        if quotes % 2 == 0:
            return at + 1
        end = at
    return 0


def _locate_csv_error(path: Path, delimiter: str, name: str, error: Exception) -> Problem:
    """The line polars could not parse, found again with the csv module's strict reader."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
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
