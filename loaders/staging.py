"""A roster's validated rows between reading the file and storing them, on local disk.

Written chunk by chunk as the file is read and read back batch by batch (for the checks that
need the month, and for the write), so no step holds a roster of millions of rows whole. It
is an Arrow IPC file in a temporary folder, removed when the roster is dropped; it holds what
the warehouse will hold (pseudonyms and masked ID numbers), never a raw ID number or a name.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa

from loaders.pipeline import Behind
from warehouse.bulk import SqliteFile
from warehouse.versions import STAGED_COLUMNS

SCHEMA = {
    "position": pl.Int64,  # 0-based order of the row in the file, all sheets together
    "sheet": pl.String,
    "row": pl.Int64,
    "township": pl.String,
    "village": pl.String,
    "household_key": pl.String,
    "id_masked": pl.String,
    "id_valid": pl.Boolean,
    "id_problem": pl.String,
    "persons": pl.Int32,
    "category": pl.String,
    "standard": pl.Float64,
    "amount_fen": pl.Int64,
    "paid_on": pl.Date,
}


class Staging:
    """A roster's staged rows (columns SCHEMA). With `sqlite_copy` the rows are also written, as the
    embedded warehouse stores them, into a SQLite file (`sqlite.path`) that the upload's transaction
    attaches and copies from: in a thread of its own while the next chunk is read (ADBC writes
    without the GIL)."""

    schema = SCHEMA

    def __init__(self, *, sqlite_copy: bool = False) -> None:
        folder = tempfile.mkdtemp(prefix="dibao-roster-")
        self.path = Path(folder) / "rows.arrow"
        self.rows = 0
        self._sink: pa.OSFile | None = None
        self._writer: pa.ipc.RecordBatchFileWriter | None = None
        self._remove = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)
        self.sqlite = SqliteFile() if sqlite_copy else None
        self._behind: Behind | None = None

    def append(self, frame: pl.DataFrame) -> None:
        table = frame.select(pl.col(name).cast(dtype) for name, dtype in SCHEMA.items()).to_arrow()
        if self._writer is None:
            self._sink = pa.OSFile(str(self.path), "wb")
            self._writer = pa.ipc.new_file(self._sink, table.schema)
        self._writer.write_table(table)
        self.rows += frame.height
        if self.sqlite is not None:
            if self._behind is None:
                self._behind = Behind(self.sqlite.append)
            self._behind.put(frame.select(STAGED_COLUMNS))

    def close(self) -> None:
        """Finish writing: the rows can be read back from here on."""
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = self._sink = None
        if self._behind is not None:
            behind, self._behind = self._behind, None
            behind.close()
            self.sqlite.close()

    def batches(self, columns: Sequence[str] | None = None) -> Iterator[pl.DataFrame]:
        """The rows in file order, one written chunk at a time."""
        self.close()
        if not self.path.exists():
            return
        with pa.OSFile(str(self.path)) as source:
            reader = pa.ipc.open_file(source)
            for index in range(reader.num_record_batches):
                batch = reader.get_batch(index)
                yield pl.from_arrow(batch.select(list(columns)) if columns else batch)

    def discard(self) -> None:
        try:
            self.close()
        finally:
            self._remove()
            if self.sqlite is not None:
                self.sqlite.remove()
