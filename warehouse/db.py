"""Engines and schema creation for SQLite (embedded) and PostgreSQL."""

from __future__ import annotations

import time

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from warehouse import (
    evaluation_states,
    models,  # noqa: F401  (registers the tables)
    month_states,
)
from warehouse.locks import advisory_lock
from warehouse.settings import Settings, get_settings, sqlite_path


def make_engine(url: str | None = None) -> Engine:
    """An engine for the configured warehouse; SQLite gets WAL and a busy timeout."""
    url = url or get_settings().warehouse_url
    database = sqlite_path(url)
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")  # first: the switch to WAL below may have to wait
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk inserts keep index pages in memory
    cursor.close()


_APPEND_ONLY = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE OR REPLACE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    ],
}


def init_warehouse(engine: Engine) -> None:
    """Create every table and index that is missing; existing data is left alone.

    The audit log gets triggers that refuse UPDATE and DELETE, so not even a bug can rewrite it.
    """
    with engine.begin() as conn:
        # Processes starting together (app workers, uploads from the command line) would otherwise
        # race between "is the table there?" and "create it". One at a time, in one transaction.
        if engine.dialect.name == "postgresql":
            advisory_lock(conn, "init_warehouse")
        elif engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # pysqlite leaves DDL outside a transaction
        SQLModel.metadata.create_all(conn)
        _add_missing_columns(conn)
        # create_all makes a missing table with its indexes, but adds no index to a table that exists:
        # a warehouse made by an older version gets the indexes added since here.
        for table in SQLModel.metadata.sorted_tables:
            for index in table.indexes:
                index.create(conn, checkfirst=True)
        for statement in _APPEND_ONLY.get(engine.dialect.name, []):
            conn.execute(text(statement))
        # Months and evaluations stored before approval existed are approved here, once, and the audit log says so.
        month_states.adopt_stored_months(conn)
        evaluation_states.adopt_stored_evaluations(conn)


def _add_missing_columns(conn) -> None:
    """A warehouse made by an older version gets the nullable columns added since (create_all adds none)."""
    tables = inspect(conn)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in tables.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable and column.server_default is None:
                kind = column.type.compile(dialect=conn.dialect)
                conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))


def open_warehouse(settings: Settings | None = None) -> Engine:
    settings = settings or get_settings()
    engine = make_engine(settings.warehouse_url)
    for attempt in range(_OPEN_ATTEMPTS):
        try:
            init_warehouse(engine)
            return engine
        except OperationalError as error:
            # SQLite answers "database is locked" at once, without waiting out the busy timeout, where waiting
            # could deadlock: several processes creating a new file, one switching it to WAL as another reads
            # (seen once in CI among six at once). Initialising is idempotent: try again shortly.
            if engine.dialect.name != "sqlite" or "locked" not in str(error) or attempt == _OPEN_ATTEMPTS - 1:
                raise
            engine.dispose()
            time.sleep(0.1 * 2**attempt)
    return engine


_OPEN_ATTEMPTS = 6  # 0.1 + 0.2 + … + 1.6 s of waiting at most
