"""An ingest killed at any point leaves the previous version of its month intact and the warehouse consistent,
on both backends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select, text

from loaders.roster_store import ingest_roster
from tests.access.test_backup import roster
from warehouse.models import Upload

ROOT = Path(__file__).parents[2]
WRITER = """
import sys, pathlib
from loaders.roster_store import ingest_roster
from warehouse.db import open_warehouse
print("start", flush=True)
ingest_roster(open_warehouse(), pathlib.Path(sys.argv[1]), county="370881", user="运维")
print("done", flush=True)
"""
KILL_POINTS = tuple(step / 10 for step in range(60))  # seconds after the writer starts, until one finishes


def state(engine) -> tuple[int, list[tuple[str, str]]]:
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        rows = conn.execute(text("SELECT count(*) FROM household_month")).scalar_one()
        uploads = conn.execute(text("SELECT file_name, status FROM upload WHERE kind = 'roster' ORDER BY id")).all()
    return rows, [tuple(upload) for upload in uploads]


def test_killing_an_ingest_at_any_point_loses_nothing(tmp_path, warehouse):
    ingest_roster(warehouse, roster(tmp_path / "v1.csv", 3), county="370881", user="运维")
    big = roster(tmp_path / "v2.csv", 60_000)
    outcomes = []
    for delay in KILL_POINTS:
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(big)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "start"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
        # Killed, or finished before the kill; a writer that failed by itself would prove nothing.
        assert writer.wait(timeout=60) in (0, -signal.SIGKILL)
        rows, uploads = state(warehouse)
        active = [name for name, status in uploads if status == "active"]
        assert active in (["v1.csv"], ["v2.csv"]), uploads  # exactly one version of the month
        assert rows == (3 if active == ["v1.csv"] else 60_000)
        assert not [status for _, status in uploads if status == "pending"]  # a killed write leaves no trace
        outcomes.append(active[0])
        if active == ["v2.csv"]:
            break  # the write finished before the kill: later points would find it stored already
    killed = outcomes.count("v1.csv")
    print(f"{killed} kills before the write completed; outcomes {outcomes}")
    assert killed >= 5 and outcomes[0] == "v1.csv"  # the old version stood through every kill
    with warehouse.connect() as conn:
        assert conn.execute(select(Upload.file_name).where(Upload.status == "active")).scalars().all() == [outcomes[-1]]
