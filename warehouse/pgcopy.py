"""COPY a polars DataFrame into PostgreSQL in the binary COPY format, encoded a column at a time.

The CSV path (warehouse/bulk.py) makes the server parse every value back from text; in the
binary format PostgreSQL reads each value in its own send format (big-endian integers, IEEE
floats, days and microseconds since 2000-01-01, UTF-8 text), which costs it less. The tuples
are built with numpy and Arrow kernels, never a Python object per value: the fixed-width
fields between two texts become one numpy record a row, and one element-wise Arrow join
a chunk interleaves those records with the texts into one contiguous buffer.

Binary values must have the exact width of the target column (an int8 into an int4 column
fails), so each column is cast to the type PostgreSQL has for it, read once from the catalog.
Texts go as UTF-8, as in the CSV path: the connection's client encoding must be UTF8.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

# psycopg comes with the postgres extra: it is imported where a COPY is made, so that the embedded
# warehouse, which never makes one, runs without it.

CHUNK_ROWS = 200_000  # rows encoded at a time: a big frame is never one buffer in memory
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")  # + flags, extension
TRAILER = (-1).to_bytes(2, "big", signed=True)

_DAYS_1970_TO_2000 = 10_957  # PostgreSQL counts dates and timestamps from 2000-01-01
_MICROS_1970_TO_2000 = _DAYS_1970_TO_2000 * 86_400 * 1_000_000

# Per PostgreSQL type: the polars dtype its values are cast to, and the big-endian numpy dtype
# of their binary form (None: UTF-8 text of any length).
_FORMS: dict[str, tuple[pl.DataType, str | None]] = {
    "int2": (pl.Int16(), ">i2"),
    "int4": (pl.Int32(), ">i4"),
    "int8": (pl.Int64(), ">i8"),
    "float4": (pl.Float32(), ">f4"),
    "float8": (pl.Float64(), ">f8"),
    "bool": (pl.Boolean(), "u1"),
    "date": (pl.Date(), ">i4"),
    "timestamp": (pl.Datetime("us"), ">i8"),
    "timestamptz": (pl.Datetime("us", "UTC"), ">i8"),
    "text": (pl.String(), None),
    "varchar": (pl.String(), None),
    "bpchar": (pl.String(), None),
}
_SQL_NAMES = {
    "smallint": "int2",
    "integer": "int4",
    "bigint": "int8",
    "real": "float4",
    "double precision": "float8",
    "boolean": "bool",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
    "character varying": "varchar",
    "character": "bpchar",
}


def copy_frame(dbapi_connection, table: str, frame: pl.DataFrame, *, column_types: dict[str, str] | None = None) -> int:
    """COPY every row of `frame` into `table` (columns by name) in binary; return the row count.

    `dbapi_connection` is the psycopg connection of the caller's transaction: nothing is committed
    here, and a failed COPY raises and leaves the transaction for the caller to roll back.
    `column_types` maps column names to PostgreSQL types (int4, varchar…); without it they are
    read from the catalog.
    """
    from psycopg import sql
    from psycopg.copy import QueuedLibpqWriter

    if frame.is_empty():
        return 0
    if column_types is None:
        column_types = _column_types(dbapi_connection, table)
    missing = [name for name in frame.columns if name not in column_types]
    if missing:
        raise ValueError(f"{table} has no column {', '.join(missing)}")
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(name) for name in frame.columns)
    )
    with dbapi_connection.cursor() as cursor, cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        copy.write(SIGNATURE)
        for start in range(0, frame.height, CHUNK_ROWS):
            # A memoryview: psycopg sends its slices without copying the chunk again. The queued
            # writer sends from a thread while the next chunk is encoded; its queue is bounded (128 MB).
            copy.write(memoryview(_tuples(frame.slice(start, CHUNK_ROWS), column_types)))
        copy.write(TRAILER)
    return frame.height


def encode(frame: pl.DataFrame, *, header: bool, trailer: bool, column_types: dict[str, str] | None = None) -> bytes:
    """The binary COPY bytes of `frame`'s rows, with the file header and trailer if asked.

    Columns are encoded as their types in `column_types`, else as the type matching their dtype
    (Int64 as int8, String as text, Datetime as timestamp…).
    """
    body = _tuples(frame, column_types or {}).to_pybytes() if frame.height else b""
    return (SIGNATURE if header else b"") + body + (TRAILER if trailer else b"")


def _column_types(dbapi_connection, table: str) -> dict[str, str]:
    """The PostgreSQL type of each column of `table`, as pg_type names (int4, varchar, timestamp…)."""
    from psycopg import sql

    query = """
        SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
    """
    with dbapi_connection.cursor() as cursor:
        cursor.execute(query, [sql.Identifier(table).as_string(dbapi_connection)])
        return dict(cursor.fetchall())


def _tuples(frame: pl.DataFrame, column_types: dict[str, str]) -> pa.Buffer:
    """The COPY tuples of every row of `frame`, as one buffer (no header, no trailer).

    Everything of fixed width (the field count, numbers with their length prefixes, the length
    prefixes of texts) between two texts is packed into one numpy record a row; the Arrow join
    then only has to interleave those records with the texts, the pieces of variable length.
    """
    parts: list[pa.Array] = []
    run: list[_Piece] = [_Piece(np.dtype(">i2"), frame.width)]
    for column in frame.iter_columns():
        pg_type = _pg_type(column, column_types)
        column = column.cast(_FORMS[pg_type][0])  # strict: a value the column cannot hold raises, never wraps
        if _FORMS[pg_type][1] is None:
            texts = column.to_arrow().cast(pa.large_binary())
            run.append(_Piece(np.dtype(">i4"), pc.binary_length(texts).fill_null(-1).to_numpy()))
            parts += [_records(run, frame.height), texts]
            run = []
        else:
            run += _fixed_pieces(column, pg_type)
    if run:
        parts.append(_records(run, frame.height))
    # A NULL text joins as nothing: its length prefix, -1, is all the field there is.
    # (The empty separator is made here: a pyarrow scalar made at import would import pandas, 0.15 s.)
    nothing = pa.scalar(b"", pa.large_binary())
    rows = pc.binary_join_element_wise(*parts, nothing, null_handling="replace", null_replacement="")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    start, end = offsets[rows.offset], offsets[rows.offset + len(rows)]
    return rows.buffers()[2].slice(start, end - start)


class _Piece(NamedTuple):
    """A fixed-width part of each row: its binary form (a big-endian numpy dtype), its values (an
    array, or one number for all rows), and which rows have it (None: all; a NULL has no value)."""

    dtype: np.dtype
    values: np.ndarray | int
    present: np.ndarray | None = None


def _fixed_pieces(column: pl.Series, pg_type: str) -> list[_Piece]:
    """A fixed-width column's length prefixes and values."""
    form = np.dtype(_FORMS[pg_type][1])
    values = _physical(column, pg_type).fill_null(0).to_numpy()
    if not column.null_count():  # every prefix is the same: one number serves all rows
        return [_Piece(np.dtype(">i4"), form.itemsize), _Piece(form, values)]
    valid = column.is_not_null().to_numpy()
    return [_Piece(np.dtype(">i4"), np.where(valid, form.itemsize, -1)), _Piece(form, values, valid)]


def _records(pieces: list[_Piece], rows: int) -> pa.Array:
    """One binary value a row: the pieces side by side, without the values NULLs do not have."""
    layout = np.dtype([(f"f{i}", piece.dtype) for i, piece in enumerate(pieces)])  # packed: no padding
    records = np.empty(rows, layout)
    for i, piece in enumerate(pieces):
        records[f"f{i}"] = piece.values  # numpy converts to big-endian as it copies
    data = records.view(np.uint8).reshape(rows, layout.itemsize)
    nullable = [(layout.fields[f"f{i}"][1], piece) for i, piece in enumerate(pieces) if piece.present is not None]
    if not nullable:
        return _binary_array(np.arange(0, (rows + 1) * layout.itemsize, layout.itemsize, dtype=np.int64), data)
    keep = np.ones(data.shape, dtype=bool)
    widths = np.full(rows, layout.itemsize, dtype=np.int64)
    for start, piece in nullable:
        keep[:, start : start + piece.dtype.itemsize] = piece.present[:, None]
        widths -= piece.dtype.itemsize * ~piece.present
    offsets = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(widths, out=offsets[1:])
    return _binary_array(offsets, data[keep])


def _binary_array(offsets: np.ndarray, data: np.ndarray) -> pa.Array:
    """A binary array over numpy buffers, without copying them."""
    return pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(offsets) - 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def _pg_type(column: pl.Series, column_types: dict[str, str]) -> str:
    """The column's PostgreSQL type: the one given for it, else the one matching its dtype."""
    given = column_types.get(column.name)
    if given is not None:
        pg_type = _SQL_NAMES.get(given.lower(), given.lower())
        if pg_type not in _FORMS:
            raise TypeError(f"column {column.name}: no binary encoding for PostgreSQL type {given}")
        return pg_type
    dtype = column.dtype
    pg_type = {
        pl.Int8: "int2",
        pl.UInt8: "int2",
        pl.Int16: "int2",
        pl.UInt16: "int4",
        pl.Int32: "int4",
        pl.UInt32: "int8",
        pl.Int64: "int8",
        pl.UInt64: "int8",
        pl.Float32: "float4",
        pl.Float64: "float8",
        pl.Boolean: "bool",
        pl.Date: "date",
        pl.Datetime: "timestamptz" if getattr(dtype, "time_zone", None) else "timestamp",
        pl.String: "text",
        pl.Categorical: "text",
        pl.Enum: "text",
        pl.Null: "text",  # all NULL: every field is just its length, -1, whatever the column's type
    }.get(dtype.base_type())
    if pg_type is None:
        raise TypeError(f"column {column.name}: no binary encoding for {dtype}; give its PostgreSQL type")
    return pg_type


def _physical(column: pl.Series, pg_type: str) -> pl.Series:
    """The numbers PostgreSQL sends for the column: days or microseconds since 2000, booleans as 0/1."""
    if pg_type == "date":
        return column.to_physical() - _DAYS_1970_TO_2000
    if pg_type in ("timestamp", "timestamptz"):
        return column.to_physical() - _MICROS_1970_TO_2000
    if pg_type == "bool":
        return column.cast(pl.UInt8)
    return column
