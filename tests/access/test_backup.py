"""`dibao backup` / `dibao restore`: consistent snapshots (also while a roster is being written), checked restores."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from warehouse import audit
from warehouse.backup import BackupError, backup, check_backup, restore
from warehouse.models import HouseholdMonth
from warehouse.settings import Settings

pytestmark = pytest.mark.sqlite_only  # the embedded warehouse's backup (PostgreSQL has pg_dump)

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]


def roster(path: Path, households: int, month: str = "2023-01") -> Path:
    year, number = month.split("-")
    rows = [["鲁城街道", _id(n), "1", "700", f"{month}-10"] for n in range(households)]
    return write_csv(path, rows, header=HEADER, title=[[f"{year}年{int(number)}月农村低保发放明细"]])


def _id(n: int) -> str:
    """Distinct valid ID numbers: 1,000 sequence numbers for each birth date."""
    born = f"19{40 + n // 1000 % 60:02d}{1 + n // 60000:02d}01"
    return make_id(born=born, sequence=n % 1000)


def household_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar_one()


def test_backup_then_restore_brings_the_warehouse_back(tmp_path, warehouse, settings):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 3), county="370881", user="运维")
    size = backup(settings, tmp_path / "copy.db")
    assert size > 0
    check_backup(tmp_path / "copy.db")
    ingest_roster(warehouse, roster(tmp_path / "feb.csv", 4, "2023-02"), county="370881", user="运维")
    assert household_rows(warehouse) == 7
    restore(settings, tmp_path / "copy.db")
    assert household_rows(warehouse) == 3


def test_the_commands_ask_check_and_audit(tmp_path, warehouse):
    runner = CliRunner()
    made = runner.invoke(main, ["backup", str(tmp_path / "b.db")])
    assert made.exit_code == 0 and "身份证号密钥不在备份中" in made.output
    again = runner.invoke(main, ["backup", str(tmp_path / "b.db")])
    assert again.exit_code == 1 and "已存在，不会覆盖" in again.output
    declined = runner.invoke(main, ["restore", str(tmp_path / "b.db")], input="n\n")
    assert declined.exit_code == 1
    assert runner.invoke(main, ["restore", str(tmp_path / "b.db"), "--yes"]).exit_code == 0
    # the audit log is the backup's (taken before its own "backup" event), with the restore appended
    assert audit.events(warehouse)["action"].to_list() == ["restore"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a database at all" * 100, "不是 SQLite 数据库"), (None, "不是本系统的数据仓库备份")],
)
def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(tmp_path, warehouse, settings, content, message):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 3), county="370881", user="运维")
    bad = tmp_path / "bad.db"
    if content is None:
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE something (x)")
    else:
        bad.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore(settings, bad)
    assert household_rows(warehouse) == 3


def test_postgresql_warehouses_are_pointed_to_pg_dump(tmp_path):
    with pytest.raises(BackupError, match="pg_dump"):
        backup(Settings(warehouse_url="postgresql+psycopg://u@127.0.0.1/db"), tmp_path / "x.db")


WRITER = """
import sys
from loaders.roster_store import ingest_roster
from warehouse.db import open_warehouse
ingest_roster(open_warehouse(), __import__("pathlib").Path(sys.argv[1]), county="370881", user="运维")
"""


def test_backups_taken_while_a_roster_is_written_hold_all_of_it_or_none(tmp_path, warehouse, settings):
    households = 20_000
    big = roster(tmp_path / "big.csv", households)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(big)], cwd=Path(__file__).parents[2])
    seen, number = set(), 0
    deadline = time.monotonic() + 120
    while writer.poll() is None and time.monotonic() < deadline:
        number += 1
        target = tmp_path / f"snap{number}.db"
        backup(settings, target)
        check_backup(target)
        with sqlite3.connect(target) as conn:
            seen.add(conn.execute("SELECT count(*) FROM household_month").fetchone()[0])
        time.sleep(0.05)
    assert writer.wait(timeout=120) == 0
    print(f"{number} snapshots while writing, row counts seen: {sorted(seen)}")
    assert number >= 1 and seen <= {0, households}, seen
    assert household_rows(warehouse) == households
