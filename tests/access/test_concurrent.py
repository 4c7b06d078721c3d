"""Two evaluators uploading at once.

Same month: one complete version and an audit entry each. Different months: both stored.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from access import audit
from tests.access.test_backup import roster

ROOT = Path(__file__).parents[2]
WRITER = """
import sys, pathlib
from access.roles import Actor
from loaders.ingest import ingest_roster
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
def test_same_month_at_once_ends_with_one_complete_version(tmp_path, warehouse, settings, round_):
    sizes = {"a.csv": 15_000, "b.csv": 9_000}
    people = ("wang", "zhao")
    files = [(roster(tmp_path / name, size), who) for (name, size), who in zip(sizes.items(), people, strict=True)]
    upload_together(files)
    with sqlite3.connect(settings.warehouse_url.removeprefix("sqlite:///")) as conn:
        active = conn.execute("SELECT file_name FROM upload WHERE status = 'active'").fetchall()
        rows = conn.execute("SELECT count(*) FROM household_month").fetchone()[0]
    assert len(active) == 1 and rows == sizes[active[0][0]]
    events = audit.events(warehouse)
    assert sorted(events["actor"]) == ["wang", "zhao"] and sorted(events["action"]) == ["replace", "upload"]


def test_different_months_at_once_both_succeed(tmp_path, warehouse, settings):
    upload_together(
        [(roster(tmp_path / "jan.csv", 12_000), "wang"), (roster(tmp_path / "feb.csv", 8_000, "2023-02"), "zhao")]
    )
    with sqlite3.connect(settings.warehouse_url.removeprefix("sqlite:///")) as conn:
        active = sorted(row[0] for row in conn.execute("SELECT file_name FROM upload WHERE status = 'active'"))
        rows = conn.execute("SELECT count(*) FROM household_month").fetchone()[0]
    assert active == ["feb.csv", "jan.csv"] and rows == 20_000
    assert sorted(audit.events(warehouse)["action"]) == ["upload", "upload"]
