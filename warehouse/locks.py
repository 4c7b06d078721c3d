"""One writer per county at a time on PostgreSQL.

On SQLite every write transaction holds the whole warehouse's write lock, so two uploads never
interleave. PostgreSQL lets them: two versions of the same county-month would both see no
earlier version and collide on its rows, and a month stored beside its neighbour would compute
new and exited households against a state about to change. A transaction-scoped advisory lock
per county serialises exactly the writers that could interfere.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text


def advisory_lock(conn: Connection, name: str) -> None:
    """PostgreSQL: wait for the lock called `name`, held until this transaction ends."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"dibao:{name}"})


def lock_counties(conn: Connection, counties: Iterable[str]) -> None:
    """Wait until no other transaction writes these counties; held until this transaction ends."""
    if conn.dialect.name != "postgresql":
        return
    # Sorted, so two writers of overlapping counties never wait for each other in a circle.
    for county in sorted(set(counties)):
        advisory_lock(conn, f"county:{county}")
