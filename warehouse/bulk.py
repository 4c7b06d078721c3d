"""The fast path for bulk writes: one driver-level executemany (SQLite) or COPY of polars-written CSV (PostgreSQL).

Rows go through the connection of the caller's transaction, so a bulk insert commits or
rolls back together with everything else the caller did. Never one ORM object per row.
"""

from __future__ import annotations

import itertools

import polars as pl
from sqlalchemy import Connection


def insert_frame(conn: Connection, table: str, frame: pl.DataFrame) -> int:
    """Append every row of `frame` to `table` (columns by name); return the row count."""
    if frame.is_empty():
        return 0
    columns = frame.columns
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        _copy_csv(dbapi, table, frame)
        return frame.height
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


COPY_CHUNK_ROWS = 200_000  # about 30 MB of CSV a chunk: the whole file is never text in memory at once


def _copy_csv(dbapi, table: str, frame: pl.DataFrame) -> None:
    """COPY in CSV written by polars: no Python object per value. Strings, dates and booleans are quoted
    and NULL is an unquoted \\N, so an empty string, a null and the text "\\N" stay apart."""
    column_list = ", ".join(f'"{name}"' for name in frame.columns)
    statement = f"COPY \"{table}\" ({column_list}) FROM STDIN (FORMAT csv, NULL '\\N')"
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, frame.height, COPY_CHUNK_ROWS):
            chunk = frame.slice(start, COPY_CHUNK_ROWS)
            copy.write(chunk.write_csv(include_header=False, null_value="\\N", quote_style="non_numeric").encode())


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
