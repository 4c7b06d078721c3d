"""warehouse.pgcopy: frames COPYed to PostgreSQL in binary come back exactly as they went in."""

from __future__ import annotations

import datetime as dt

import polars as pl
import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests import postgres
from warehouse import pgcopy
from warehouse.pgcopy import copy_frame, encode

EVERY_TYPE = """
    CREATE TABLE every_type (
        id int8 PRIMARY KEY, small int2, medium int4, big int8, single float4, double float8, flag bool,
        day date, moment timestamp, stamped timestamptz, note text, label varchar(20)
    )
"""
COLUMNS = ["id", "small", "medium", "big", "single", "double", "flag", "day", "moment", "stamped", "note", "label"]
UTC = dt.UTC


@pytest.fixture
def engine(postgres_server):
    url = postgres.fresh_database(postgres_server)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(EVERY_TYPE))
    yield engine
    engine.dispose()
    postgres.drop_database(url)


def every_type_frame() -> pl.DataFrame:
    """Six rows with the edges of each type, the last all NULL; columns not in the table's order, the last one
    not a text (after the last text, the fields left make a record of their own)."""
    return pl.DataFrame(
        {
            "note": ["鲁城街道", "", None, 'a\tb\n"c",\\N', "😀", None],
            "label": ["", "吴村镇", "x", None, "", None],
            "moment": [
                dt.datetime(1999, 12, 31, 23, 59, 59, 999999),
                dt.datetime(2000, 1, 1),
                dt.datetime(1969, 7, 20, 20, 17, 40, 123456),
                dt.datetime(2024, 2, 29, 12, 0, 0, 1),
                None,
                None,
            ],
            "id": [1, 2, 3, 4, 5, 6],
            "big": [-(2**63), 2**63 - 1, -1, None, 10**15, None],
            "small": [-32768, 32767, 0, None, 7, None],  # Int64 in the frame, int2 in the table
            "medium": [-(2**31), 2**31 - 1, None, 0, 42, None],
            "single": pl.Series([0.5, -1.25, None, 0.0, 3.0, None], dtype=pl.Float32),
            "double": [0.1, -2.5, 1e300, None, -1e-300, None],
            "flag": [True, False, None, True, False, None],
            "day": [dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(1900, 3, 1), None, dt.date(2038, 1, 19), None],
            "stamped": pl.Series(
                [dt.datetime(2024, 1, 1, 8, tzinfo=UTC), None, dt.datetime(1970, 1, 1, tzinfo=UTC), None, None, None],
                dtype=pl.Datetime("us", "UTC"),
            ),
        }
    )


def stored(engine, table: str = "every_type", columns: list[str] = COLUMNS) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {', '.join(columns)} FROM {table} ORDER BY id"))
        return [tuple(row) for row in rows]


def copy(engine, frame: pl.DataFrame, table: str = "every_type", **options) -> int:
    with engine.begin() as conn:
        return copy_frame(conn.connection.driver_connection, table, frame, **options)


def test_every_supported_type_comes_back_exactly(engine):
    frame = every_type_frame()
    assert copy(engine, frame) == 6
    assert stored(engine) == frame.select(COLUMNS).rows()
    assert stored(engine)[-1][1:] == (None,) * (len(COLUMNS) - 1)  # NULL in every column
    assert [row[-2:] for row in stored(engine)][:2] == [("鲁城街道", ""), ("", "吴村镇")]  # '' stays '', not NULL


def test_a_frame_larger_than_a_chunk_goes_in_chunks_and_in_order(engine, monkeypatch):
    monkeypatch.setattr(pgcopy, "CHUNK_ROWS", 4)
    encoded_heights = []
    encode_tuples = pgcopy._tuples

    def spy(chunk, column_types):
        encoded_heights.append(chunk.height)
        return encode_tuples(chunk, column_types)

    monkeypatch.setattr(pgcopy, "_tuples", spy)
    frame = pl.concat([every_type_frame().with_columns(pl.col("id") + 10 * batch) for batch in range(3)])
    assert copy(engine, frame) == 18
    assert encoded_heights == [4, 4, 4, 4, 2]
    assert stored(engine) == frame.select(COLUMNS).sort("id").rows()


def test_a_frame_without_rows_writes_nothing(engine):
    assert copy(engine, every_type_frame().clear()) == 0
    assert stored(engine) == []


def test_an_all_null_column_takes_the_type_of_its_table_column(engine):
    frame = pl.DataFrame({"id": [1, 2], "medium": [None, None], "day": [None, None], "note": [None, None]})
    assert frame.schema["day"] == pl.Null
    copy(engine, frame)
    assert stored(engine, columns=["id", "medium", "day", "note"]) == [(1, None, None, None), (2, None, None, None)]


def test_given_column_types_are_used_as_given(engine):
    frame = pl.DataFrame({"id": [1], "medium": [5], "label": ["曲阜"]})
    copy(engine, frame, column_types={"id": "bigint", "medium": "integer", "label": "character varying"})
    assert stored(engine, columns=["id", "medium", "label"]) == [(1, 5, "曲阜")]
    with pytest.raises(TypeError, match="numeric"):
        copy(engine, frame, column_types={"id": "numeric", "medium": "int4", "label": "text"})


def test_a_value_too_wide_for_its_column_raises_instead_of_wrapping(engine):
    with pytest.raises(pl.exceptions.InvalidOperationError):
        copy(engine, pl.DataFrame({"id": [1], "small": [40_000]}))
    assert stored(engine) == []


def test_a_failing_copy_raises_and_the_callers_transaction_rolls_back(engine):
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE strict (id int8 NOT NULL, name text NOT NULL)"))
    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        conn.begin()
        assert copy_frame(dbapi, "strict", pl.DataFrame({"id": [1], "name": ["桂山街道"]})) == 1
        with pytest.raises(psycopg.errors.NotNullViolation):
            copy_frame(dbapi, "strict", pl.DataFrame({"id": [2, 3], "name": ["戛洒镇", None]}))
        conn.rollback()
        assert conn.execute(text("SELECT count(*) FROM strict")).scalar_one() == 0  # usable, and empty
    assert stored(engine, "strict", ["id", "name"]) == []


def test_encode_writes_the_binary_copy_format():
    frame = pl.DataFrame({"n": pl.Series([1, None], dtype=pl.Int32), "s": ["é", ""]})
    signature = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
    first = b"\x00\x02" + b"\x00\x00\x00\x04" + b"\x00\x00\x00\x01" + b"\x00\x00\x00\x02" + "é".encode()
    second = b"\x00\x02" + b"\xff\xff\xff\xff" + b"\x00\x00\x00\x00"
    assert encode(frame, header=True, trailer=True) == signature + first + second + b"\xff\xff"
    assert encode(frame, header=False, trailer=False) == first + second
    assert encode(frame.clear(), header=True, trailer=True) == signature + b"\xff\xff"
