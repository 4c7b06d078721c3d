"""Monthly disbursement rosters (发放名册): read, clean and check one file, a chunk at a time.

    roster = read_roster(path, counties=…, keys=…)   # every problem listed, or the rows staged

Each chunk of rows is cleaned and checked (`loaders.roster_rows`); when no chunk so far has a
problem its ID numbers are replaced by their keyed hash and masked form, and the rows are staged
on local disk (`loaders.staging`). Only what the whole-file checks need stays in memory: each
row's pseudonym (`loaders.households`) and the months the file names (`loaders.roster_slot`). So
every problem in the file is listed before anything is stored, and memory does not grow with
the file beyond those 12 bytes a row.

Findings and figures, which need the warehouse, are in `loaders.roster_checks`; storing is
`loaders.roster_store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from loaders import idcard
from loaders.headers import ROSTER
from loaders.households import KeyIndex
from loaders.pipeline import ahead
from loaders.progress import READ, Progress, silent
from loaders.roster_rows import SheetRows
from loaders.roster_slot import CountyInfo, MonthTexts, resolve_slot
from loaders.sheets import Sheet
from loaders.staging import Staging
from loaders.tables import CHUNK_ROWS, open_sheets
from warehouse.errors import Problem, Rejected
from warehouse.idkeys import KeyChain

__all__ = ["CountyInfo", "RosterRows", "content_hash", "file_hash", "read_roster"]


@dataclass
class RosterRows:
    """A roster read and checked, its rows staged: no raw ID numbers or names kept."""

    file_name: str
    file_hash: str
    county: CountyInfo
    program: str
    month: dt.date
    staged: Staging  # position,sheet,row,township,village,household_key,id_masked,id_valid,id_problem,persons,…
    repeats: pl.Series  # positions of the rows whose household is listed on an earlier row
    listed_twice: pl.DataFrame  # every staged row of a household listed more than once, in file order
    rows_read: int  # data rows found (before any were merged as duplicates)
    households: int
    persons: int
    amount_fen: int
    key_fingerprint: str  # the ID-key chain the pseudonyms were made with (warehouse.idkeys)


def content_hash(content: bytes) -> str:
    """The fingerprint `file_hash` gives a file holding these bytes (the upload log's file_hash)."""
    return hashlib.sha256(content).hexdigest()


def file_hash(path: Path) -> str:
    """A file's fingerprint, read in blocks so a large roster is never held whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_roster(
    path: Path,
    *,
    counties: dict[str, CountyInfo],
    keys: KeyChain,
    county: str | None = None,
    month: str | None = None,
    program: str | None = None,
    display_name: str | None = None,
    progress: Progress = silent,
    chunk_rows: int = CHUNK_ROWS,
    sqlite_copy: bool = False,
) -> RosterRows:
    """Read and check a roster; raise `Rejected` listing every problem found. `sqlite_copy`: stage the rows
    for the embedded warehouse as well (`Staging`)."""
    name = display_name or path.name
    staged, index, months = Staging(sqlite_copy=sqlite_copy), KeyIndex(), MonthTexts()
    pseudonym = keys.hasher()
    problems: list[Problem] = []
    titles: list[str] = []
    cells_read = persons = amount_fen = 0
    try:
        with open_sheets(path, ROSTER.find_header, display_name=name, chunk_rows=chunk_rows) as sheets:
            titles = [" ".join(cell for cell in row if cell) for sheet in sheets for row in sheet.preamble]
            for frame, found, cells in ahead(_cleaned(sheets, name)):
                cells_read += cells
                problems += found
                if not problems and frame is not None and not frame.is_empty():
                    months.add(name, frame)
                    frame = _pseudonymise(frame, pseudonym, first=staged.rows)
                    index.add(frame)
                    staged.append(frame)
                    persons += int(frame["persons"].sum())
                    amount_fen += int(frame["amount_fen"].sum())
                progress(READ, cells_read)
        staged.close()
        if problems:
            raise Rejected(problems)
        if not staged.rows:
            raise Rejected([Problem(name, message="没有数据行（表头以下只有空行、合计行或签名行）")])
        slot_problems, resolved = resolve_slot(
            name, months, titles, counties=counties, county=county, month=month, program=program
        )
        if slot_problems:
            raise Rejected(slot_problems)
    except BaseException:
        staged.discard()
        raise
    county_info, program_key, month_date = resolved
    listed_twice = index.listed_twice(staged)
    repeated = listed_twice.filter("repeat")
    return RosterRows(
        file_name=name,
        file_hash=file_hash(path),
        county=county_info,
        program=program_key,
        month=month_date,
        staged=staged,
        repeats=repeated["position"],
        listed_twice=listed_twice,
        rows_read=staged.rows,
        households=staged.rows - repeated.height,
        persons=persons - int(repeated["persons"].sum()),
        amount_fen=amount_fen,
        key_fingerprint=keys.fingerprint(),
    )


def _cleaned(sheets: list[Sheet], name: str) -> Iterator[tuple[pl.DataFrame | None, list[Problem], int]]:
    """Each chunk of each sheet cleaned and checked (`SheetRows.clean`), with the number of file rows it held;
    a sheet's missing columns come first, as the problems of no rows."""
    for sheet in sheets:
        rows = SheetRows(sheet, name, several_sheets=len(sheets) > 1)
        yield None, rows.missing, 0
        for chunk in sheet.chunks():
            frame, found = rows.clean(chunk)
            yield frame, found, chunk.height


def _pseudonymise(rows: pl.DataFrame, pseudonym: Callable[[str], str], *, first: int) -> pl.DataFrame:
    """Replace the ID number with its keyed hash and a masked form; the raw number is dropped. Rows are
    numbered in file order from `first`."""
    digests = [pseudonym(number) for number in rows["_id"].to_list()]
    return rows.with_columns(
        position=pl.int_range(first, first + rows.height, dtype=pl.Int64),
        household_key=pl.Series(digests, dtype=pl.String),
        id_masked=idcard.mask_expr(pl.col("_id")),
        id_valid=pl.col("id_problem").is_null(),
    ).drop("_id", "month_text")
