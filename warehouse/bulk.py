"""The fast paths for bulk writes, never one ORM object per row.

`insert_frame` writes through the connection of the caller's transaction, so a bulk insert
commits or rolls back together with everything else the caller did: one driver-level
executemany (SQLite) or a binary COPY encoded from Arrow (PostgreSQL, `warehouse.pgcopy`).
For a large roster on SQLite, `SqliteFile` takes the rows into a SQLite file of their own
through ADBC (Arrow in, no Python object per value), which the caller attaches and copies
from with one INSERT … SELECT inside its transaction.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import weakref
from pathlib import Path

import polars as pl
from sqlalchemy import Connection

from warehouse import pgcopy


def insert_frame(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    """Append every row of `frame` to `table` (columns by name); return the row count."""
    if frame.is_empty():
        return 0
    columns = frame.columns
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        return pgcopy.copy_frame(dbapi, table, frame)
    frame = _sqlite_ready(frame)
    placeholders = ", ".join("?" for _ in columns)
    column_list = ", ".join(f'"{name}"' for name in columns)
    cursor = dbapi.cursor()
    try:
        # Columns become Python lists in bulk (a constant column is one repeated object, not
        # a million copies); zip builds the row tuples lazily as SQLite consumes them.
        rows = zip(*(_column_values(frame.get_column(name)) for name in columns), strict=False)
        cursor.executemany(f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})', rows)
    finally:
        cursor.close()
    return frame.height


def _column_values(column: pl.Series):
    if column.len() > 1 and column.n_unique() == 1:
        return itertools.repeat(column[0], column.len())
    return column.to_list()


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and booleans as 0/1, the forms SQLAlchemy's SQLite types read back."""
    conversions = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            conversions.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Datetime:
            conversions.append(pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S.%f"))
        elif dtype == pl.Boolean:
            conversions.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(conversions) if conversions else frame


IN_LIST_SIZE = 10_000  # PostgreSQL's driver takes at most 65,535 parameters a statement


def in_chunks(values: list, size: int = IN_LIST_SIZE):
    """`values` in slices small enough for one `IN (…)` list each (a national migration has 672,000 ids)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


class SqliteFile:
    """Rows appended into `table` of a SQLite file of their own through ADBC (Arrow in, no Python object per
    value), in the forms SQLAlchemy's SQLite types read back; removed by `remove` or when dropped.
    Nothing needs to survive a crash here: no journal, no sync. One thread at a time may use it."""

    def __init__(self, table: str = "rows") -> None:
        folder = tempfile.mkdtemp(prefix="dibao-rows-")
        self.path = Path(folder) / "rows.db"
        self.table = table
        self._connection = None
        self._cursor = None
        self._mode = "create"
        self._remove = weakref.finalize(self, shutil.rmtree, folder, ignore_errors=True)

    def append(self, frame: pl.DataFrame) -> None:
        if self._cursor is None:
            # Imported on first use: it brings pyarrow.dataset and pandas (0.3 s), which every other
            # command and the app would otherwise load for nothing.
            import adbc_driver_sqlite.dbapi as adbc_sqlite

            self._connection = adbc_sqlite.connect(str(self.path), autocommit=True)
            self._cursor = self._connection.cursor()
            for pragma in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF"):
                self._cursor.execute(pragma)
                self._cursor.fetchall()
        self._cursor.adbc_ingest(self.table, _sqlite_ready(frame).to_arrow(), mode=self._mode)
        self._mode = "append"

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._connection.close()
            self._cursor = self._connection = None

    def remove(self) -> None:
        self.close()
        self._remove()
