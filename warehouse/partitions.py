"""Monthly partitions of household_month on PostgreSQL.

A partition is made in its own short transaction before the upload that needs it: creating
one locks the parent table, and holding that lock through a long upload would stall every
page reading households. An empty partition left by an upload that then fails is harmless.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, text

from warehouse.locks import advisory_lock

PARENT = "household_month"


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_{month:%Y_%m}"


def ensure_month(engine: Engine, month: dt.date) -> None:
    """Make the month's partition of household_month if it is missing (PostgreSQL; nothing on SQLite)."""
    if engine.dialect.name != "postgresql":
        return
    name = partition_name(month)
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar() is not None:
            return
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    with engine.begin() as conn:
        # Two uploads of a new month at once: the second waits here, then finds the partition made.
        advisory_lock(conn, f"partition:{name}")
        conn.execute(
            text(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{PARENT}" '
                f"FOR VALUES FROM ('{month.replace(day=1):%Y-%m-%d}') TO ('{following:%Y-%m-%d}')"
            )
        )


def months(engine: Engine) -> list[str]:
    """The partitions household_month has, oldest first (PostgreSQL); empty on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    query = text(
        "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
        "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent WHERE parent.relname = :parent ORDER BY 1"
    )
    with engine.connect() as conn:
        return list(conn.execute(query, {"parent": PARENT}).scalars())
