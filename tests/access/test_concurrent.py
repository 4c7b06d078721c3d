"""Two evaluators uploading at once, on both backends.

Same month: one complete version and an audit entry each. Different months: both stored.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text

from loaders.roster_store import ingest_roster
from tests.access.test_backup import roster
from warehouse import audit

ROOT = Path(__file__).parents[2]
WRITER = """
import sys, pathlib
from access.roles import Actor
from loaders.roster_store import ingest_roster
from warehouse.db import open_warehouse
who = Actor(sys.argv[2], "evaluator", frozenset({"370881"}))
ingest_roster(open_warehouse(), pathlib.Path(sys.argv[1]), county="370881", user=who)
"""


def upload_together(files: list[tuple[Path, str]]) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for path, who in files
    ]
    for writer in writers:
        assert writer.wait(timeout=180) == 0, writer.stderr.read()


@pytest.mark.parametrize("round_", range(3))
def test_same_month_at_once_ends_with_one_complete_version(tmp_path, warehouse, round_):
    sizes = {"a.csv": 12_000, "b.csv": 11_000}  # near enough in size to reach the write together
    people = ("wang", "zhao")
    files = [(roster(tmp_path / name, size), who) for (name, size), who in zip(sizes.items(), people, strict=True)]
    # December first: the warehouse has its ID-key fingerprint already, as every warehouse but a new one does.
    ingest_roster(warehouse, roster(tmp_path / "dec.csv", 100, "2022-12"), county="370881", user="运维")
    upload_together(files)
    january = "SELECT {} FROM {} WHERE month = '2023-01-01'"
    with warehouse.connect() as conn:
        active = conn.execute(text(january.format("file_name", "upload") + " AND status = 'active'")).scalars().all()
        rows = conn.execute(text(january.format("count(*)", "household_month"))).scalar_one()
        new = conn.execute(text(january.format("sum(new_households)", "monthly_figure"))).scalar_one()
    assert len(active) == 1 and rows == sizes[active[0]] and new == sizes[active[0]] - 100
    events = audit.events(warehouse).filter(pl.col("actor") != "运维")
    assert sorted(events["actor"]) == ["wang", "zhao"] and sorted(events["action"]) == ["replace", "upload"]


def test_different_months_at_once_both_succeed(tmp_path, warehouse):
    upload_together(
        [(roster(tmp_path / "jan.csv", 12_000), "wang"), (roster(tmp_path / "feb.csv", 8_000, "2023-02"), "zhao")]
    )
    with warehouse.connect() as conn:
        active = sorted(conn.execute(text("SELECT file_name FROM upload WHERE status = 'active'")).scalars())
        rows = conn.execute(text("SELECT count(*) FROM household_month")).scalar_one()
        february = conn.execute(
            text("SELECT new_households, exited_households FROM monthly_figure WHERE month = '2023-02-01'")
        ).one()
    assert active == ["feb.csv", "jan.csv"] and rows == 20_000
    # February's households are January's first 8,000, whichever month was stored first.
    assert tuple(february) == (0, 4_000)
    assert sorted(audit.events(warehouse)["action"]) == ["upload", "upload"]


OPENER = """
from warehouse.db import open_warehouse
open_warehouse().dispose()
"""


def test_processes_opening_a_new_warehouse_together_all_start(settings):
    openers = [
        subprocess.Popen([sys.executable, "-c", OPENER], cwd=ROOT, stderr=subprocess.PIPE, text=True) for _ in range(6)
    ]
    failures = [opener.stderr.read() for opener in openers if opener.wait(timeout=120) != 0]
    assert not failures, "\n\n".join(failures)  # each traceback whole (CI's summary cuts a list short)
