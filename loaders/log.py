"""The upload log, and the transaction every loader stores a file in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select

from warehouse import audit
from warehouse.locks import lock_counties
from warehouse.models import Upload


def seen(engine: Engine, *, kind: str, file_hash: str) -> bool:
    """True when this very file was stored before, so storing it again is a no-op."""
    with engine.connect() as conn:
        query = select(Upload.id).where(Upload.kind == kind, Upload.file_hash == file_hash, Upload.status == "active")
        return conn.execute(query.limit(1)).first() is not None


def log_upload(
    conn: Connection,
    *,
    kind: str,
    file_name: str,
    file_hash: str,
    user: str,
    rows: int,
    county_code: str | None = None,
    program: str | None = None,
    month: dt.date | None = None,
    source: str = "upload",
    status: str = "active",
) -> int:
    """Add an upload-log row and return its id."""
    return conn.execute(
        insert(Upload)
        .values(
            kind=kind,
            county_code=county_code,
            program=program,
            month=month,
            file_name=file_name,
            file_hash=file_hash,
            rows_read=rows,
            rows_stored=rows,
            uploaded_at=dt.datetime.now(dt.UTC),
            uploaded_by=user,
            status=status,
            source=source,
        )
        .returning(Upload.id)
    ).scalar_one()


@dataclass(frozen=True)
class StoringFile:
    """One file being stored by one person, inside its transaction (`conn`): its upload-log row and audit events."""

    conn: Connection
    file_name: str
    file_hash: str
    user: str

    def log_upload(self, *, kind: str, rows: int, **slot) -> int:
        """Add the file's upload-log row (`slot`: county_code, program, month, source, status) and return its id."""
        return log_upload(
            self.conn, kind=kind, file_name=self.file_name, file_hash=self.file_hash, user=self.user, rows=rows, **slot
        )

    def record(self, *, detail: str, county: str | None = None, action: str = "upload") -> None:
        """Add an audit event about the file; it commits (or not) with what was stored."""
        audit.record(
            self.conn,
            actor=self.user,
            action=action,
            county=county,
            file_name=self.file_name,
            file_hash=self.file_hash,
            detail=detail,
        )


@contextmanager
def storing_file(
    engine: Engine,
    *,
    file_name: str,
    file_hash: str,
    user: str,
    counties: Iterable[str] = (),
    attach: Path | None = None,
) -> Iterator[StoringFile]:
    """One transaction storing one file: the counties it writes are locked first (PostgreSQL), before
    anything is read, so that two uploads of the same county never interleave; all of it commits or none.

    `attach` (SQLite): a database file the transaction reads from as `staged`, attached before it begins.
    """
    with engine.connect() as conn:
        if attach is not None:
            conn.exec_driver_sql("ATTACH DATABASE ? AS staged", (str(attach),))
            conn.commit()  # SQLite attaches outside a transaction only
        try:
            with conn.begin():
                lock_counties(conn, counties)
                yield StoringFile(conn, file_name=file_name, file_hash=file_hash, user=user)
        finally:
            if attach is not None:
                conn.exec_driver_sql("DETACH DATABASE staged")
                conn.commit()
