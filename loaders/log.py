"""The upload log for files that are not monthly rosters (counties, standards, score sheets)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, insert, select

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
