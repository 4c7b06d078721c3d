"""`dibao keys rotate`: every stored pseudonym rehashed under a new key, households still matched across months,
an old key alone no longer enough, and no roster hashed with the wrong chain ever stored.

On both backends: the embedded warehouse keeps its chain in a key file; PostgreSQL takes it from DIBAO_ID_KEY,
and a rotation there is given the new key (DIBAO_NEW_ID_KEY) and then DIBAO_ID_KEY lists it (`rotate_once`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from access.approval import approve
from cli import main
from loaders.roster_store import ingest_roster, prepare_roster, store_roster
from tests.access.test_backup import _id, household_rows, roster
from warehouse import audit, idkeys
from warehouse.models import HouseholdMonth, HouseholdReview, MonthlyFigure
from warehouse.month_change import month_change
from warehouse.month_states import Slot
from warehouse.settings import Settings, get_settings


def stored_keys(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(HouseholdMonth.household_key)).scalars())


def new_and_exited(engine, month: str) -> tuple[int, int]:
    first_day = dt.date.fromisoformat(f"{month}-01")
    with engine.connect() as conn:
        rows = conn.execute(
            select(MonthlyFigure.new_households, MonthlyFigure.exited_households).where(
                MonthlyFigure.month == first_day
            )
        ).all()
    return sum(new for new, _ in rows), sum(exited for _, exited in rows)


def next_key(settings: Settings) -> str:
    """A new key derived from the chain in settings (DIBAO_ID_KEY), for rotations in the tests."""
    return hashlib.sha256(settings.id_key.get_secret_value().encode()).hexdigest()[:32]


def rotate_once(engine, monkeypatch, by: str = "运维") -> idkeys.Rotation:
    """Rotate as an operator would: the key file rotates itself; keys from settings are given a new one,
    which DIBAO_ID_KEY then lists after the old ones."""
    settings = get_settings()
    if settings.id_key is None:
        return idkeys.rotate(engine, settings, by=by)
    new = next_key(settings)
    done = idkeys.rotate(engine, settings, by=by, new_key=new)
    monkeypatch.setenv("DIBAO_ID_KEY", f"{settings.id_key.get_secret_value()},{new}")
    get_settings.cache_clear()
    return done


def single_key_hash(key: bytes, number: str) -> str:
    return hashlib.blake2b(number.encode(), key=key[:64], digest_size=16).hexdigest()


def test_rotation_rehashes_every_row_and_households_still_match(tmp_path, warehouse, settings, monkeypatch):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 50), county="370881", user="运维")
    first_key = idkeys.configured_chain(settings).keys[0]
    before = stored_keys(warehouse)
    assert single_key_hash(first_key, _id(0)) in before

    done = rotate_once(warehouse, monkeypatch)

    assert (done.generation, done.households, done.rows) == (2, 50, 50)
    after = stored_keys(warehouse)
    assert len(after) == 50 and not after & before  # every pseudonym changed
    assert single_key_hash(first_key, _id(0)) not in after  # the old key alone finds nobody
    chain = idkeys.configured_chain(get_settings())
    assert chain.keys[0] == first_key and chain.generation == 2
    assert chain.hasher()(_id(0)) in after

    # February: 48 of January's households and 2 new ones, hashed through the whole chain.
    february = roster(tmp_path / "feb.csv", 52, "2023-02")
    report = ingest_roster(warehouse, february, county="370881", user="运维")
    assert report.rows_read == 52
    assert new_and_exited(warehouse, "2023-02") == (2, 0)
    events = audit.events(warehouse, action="key_rotate")
    assert events.height == 1 and "50 个住户标识" in events["detail"][0]


def test_a_replacement_waiting_for_approval_is_rehashed_too(tmp_path, warehouse, monkeypatch):
    """January approved with 5 households; a replacement with 6 waits in household_review through a rotation:
    approved after it, its households still match January's (one new, none exited)."""
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    january = Slot("370881", "rural", dt.date(2023, 1, 1))
    approve(warehouse, "审核员", [january])
    ingest_roster(warehouse, roster(tmp_path / "jan-corrected.csv", 6), county="370881", user="运维")
    with warehouse.connect() as conn:
        waiting_before = set(conn.execute(select(HouseholdReview.household_key)).scalars())

    done = rotate_once(warehouse, monkeypatch)

    assert done.rows == 5 + 6
    with warehouse.connect() as conn:
        waiting_after = set(conn.execute(select(HouseholdReview.household_key)).scalars())
    assert len(waiting_after) == 6 and not waiting_after & waiting_before
    assert waiting_after > stored_keys(warehouse)  # the approved five, under the same new pseudonyms
    change = month_change(warehouse, county="370881", program="rural", month=january.month).change
    assert change.counts == {"added": 1, "exited": 0, "changed": 0}


def test_a_roster_checked_before_a_rotation_is_refused_at_storing(tmp_path, warehouse, monkeypatch):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    prepared, _report = prepare_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881")
    rotate_once(warehouse, monkeypatch, by="管理员")
    with pytest.raises(idkeys.IdKeyError, match="另一代身份证号密钥"):
        store_roster(warehouse, prepared, user="运维")
    assert household_rows(warehouse) == 5  # nothing of February written
    ingest_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881", user="运维")
    assert new_and_exited(warehouse, "2023-02") == (0, 0)


@pytest.mark.sqlite_only
def test_the_rotated_key_file_stays_private_and_no_pending_file_is_left(tmp_path, warehouse, settings):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 3), county="370881", user="运维")
    idkeys.rotate(warehouse, settings, by="运维")
    key_file = tmp_path / "warehouse.idkey"
    assert key_file.stat().st_mode & 0o777 == 0o600 and len(key_file.read_text().split()) == 2
    assert not list(tmp_path.glob("*.idkey-next*"))


@pytest.mark.sqlite_only
def test_a_different_key_file_is_refused_before_anything_is_stored(tmp_path, warehouse, settings):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    (tmp_path / "warehouse.idkey").write_text("0123456789abcdef0123456789abcdef\n")  # e.g. a restored backup's
    with pytest.raises(idkeys.IdKeyError, match="不一致"):
        ingest_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881", user="运维")
    assert household_rows(warehouse) == 5


def test_keys_from_settings_rotate_with_the_new_key_given(tmp_path, warehouse, monkeypatch):
    old, new = "old-key-0123456789abcdef", "new-key-fedcba9876543210"
    monkeypatch.setenv("DIBAO_ID_KEY", old)
    get_settings.cache_clear()
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    with pytest.raises(idkeys.IdKeyError, match="DIBAO_NEW_ID_KEY"):
        idkeys.rotate(warehouse, get_settings(), by="运维")
    idkeys.rotate(warehouse, get_settings(), by="运维", new_key=new)
    with pytest.raises(idkeys.IdKeyError, match="DIBAO_ID_KEY"):  # not yet told about the new key
        ingest_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881", user="运维")
    monkeypatch.setenv("DIBAO_ID_KEY", f"{old},{new}")
    get_settings.cache_clear()
    ingest_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881", user="运维")
    assert new_and_exited(warehouse, "2023-02") == (0, 0)
    with pytest.raises(idkeys.IdKeyError, match="太短"):
        idkeys.configured_chain(Settings(id_key=f"{old},short"))


def test_a_rotation_that_fails_before_committing_changes_nothing(tmp_path, warehouse, monkeypatch):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    before = stored_keys(warehouse)

    def broken(*_args):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(idkeys, "_rehash", broken)
    settings = get_settings()
    with pytest.raises(RuntimeError):
        idkeys.rotate(warehouse, settings, by="运维", new_key=next_key(settings) if settings.id_key else None)
    assert stored_keys(warehouse) == before
    assert idkeys.current_chain(warehouse, settings).generation == 1  # the pending key file is not taken up
    assert audit.events(warehouse, action="key_rotate").is_empty()


@pytest.mark.sqlite_only
def test_a_rotation_interrupted_after_committing_is_finished_at_the_next_start(tmp_path, warehouse, settings):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 5), county="370881", user="运维")
    original = idkeys._promote
    idkeys._promote = lambda _path: None  # the process dies between the commit and moving the key file
    try:
        idkeys.rotate(warehouse, settings, by="运维")
    finally:
        idkeys._promote = original
    assert (tmp_path / "warehouse.idkey-next").exists()
    assert idkeys.current_chain(warehouse, settings).generation == 2
    assert not (tmp_path / "warehouse.idkey-next").exists()
    ingest_roster(warehouse, roster(tmp_path / "feb.csv", 5, "2023-02"), county="370881", user="运维")
    assert new_and_exited(warehouse, "2023-02") == (0, 0)


ROTATOR = """
import time
from warehouse.db import open_warehouse
from warehouse.idkeys import rotate
from warehouse.settings import get_settings
engine, settings = open_warehouse(), get_settings()
print("start", flush=True)
started = time.perf_counter()
rotate(engine, settings, by="运维", new_key=settings.new_id_key and settings.new_id_key.get_secret_value())
print(f"done {time.perf_counter() - started:.3f}", flush=True)
"""
# seconds into the rotation (0.25–0.6 s for 30,000 rows): dense while it runs, then a few after it has committed
KILL_POINTS = (*(step / 40 for step in range(12)), 0.4, 0.7, 1.0, 1.2)


def test_killing_a_rotation_at_any_point_keeps_households_matching(tmp_path, warehouse, monkeypatch):
    january = roster(tmp_path / "jan.csv", 30_000)
    ingest_roster(warehouse, january, county="370881", user="运维")
    root = Path(__file__).parents[2]
    generations, durations = [], []
    for delay in KILL_POINTS:
        settings = get_settings()
        environment = dict(os.environ)
        if settings.id_key is not None:
            environment["DIBAO_NEW_ID_KEY"] = next_key(settings)
        rotator = subprocess.Popen(
            [sys.executable, "-c", ROTATOR], cwd=root, stdout=subprocess.PIPE, text=True, env=environment
        )
        assert rotator.stdout.readline().strip() == "start"
        time.sleep(delay)
        rotator.send_signal(signal.SIGKILL)
        assert rotator.wait(timeout=60) in (0, -signal.SIGKILL)
        durations += [float(line.split()[1]) for line in rotator.stdout if line.startswith("done")]
        if settings.id_key is not None:
            # The operator's next step: list the new key if the warehouse took it (its fingerprint says).
            longer = f"{settings.id_key.get_secret_value()},{environment['DIBAO_NEW_ID_KEY']}"
            if idkeys.status(warehouse, Settings(id_key=longer, warehouse_url=settings.warehouse_url))["matches"]:
                monkeypatch.setenv("DIBAO_ID_KEY", longer)
                get_settings.cache_clear()
        chain = idkeys.current_chain(warehouse, get_settings())  # raises if the keys and the warehouse disagree
        assert chain.hasher()(_id(0)) in stored_keys(warehouse)
        generations.append(chain.generation)
    interrupted = sum(1 for before, after in zip([1, *generations], generations, strict=False) if before == after)
    print(
        f"{len(KILL_POINTS)} kills, {interrupted} before a rotation committed; generations {generations}; "
        f"uninterrupted rotations took {durations}"
    )
    assert interrupted >= 5 and generations[-1] > 1  # kills landed both before and after commits
    ingest_roster(warehouse, roster(tmp_path / "feb.csv", 30_000, "2023-02"), county="370881", user="运维")
    assert new_and_exited(warehouse, "2023-02") == (0, 0)


@pytest.mark.sqlite_only
def test_the_command_line_rotates_and_reports(tmp_path, warehouse, settings):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 3), county="370881", user="运维")
    runner = CliRunner()
    status = runner.invoke(main, ["keys", "status"])
    assert status.exit_code == 0 and "第 1 代" in status.output and "一致" in status.output
    rotated = runner.invoke(main, ["keys", "rotate", "--yes"])
    assert rotated.exit_code == 0, rotated.output
    assert "第 2 代" in rotated.output and "3 行已重新哈希" in rotated.output
    declined = runner.invoke(main, ["keys", "rotate"], input="n\n")
    assert declined.exit_code != 0 and idkeys.configured_chain(settings).generation == 2


FIRST_KEY = """
import sys
from warehouse.idkeys import configured_chain
from warehouse.settings import Settings
print(configured_chain(Settings(warehouse_url=sys.argv[1])).fingerprint())
"""


def test_processes_creating_the_first_key_at_once_all_get_the_same_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    root = Path(__file__).parents[2]
    starters = [
        subprocess.Popen([sys.executable, "-c", FIRST_KEY, url], cwd=root, stdout=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    fingerprints = {starter.communicate(timeout=60)[0].strip() for starter in starters}
    assert len(fingerprints) == 1 and "" not in fingerprints
    assert [path.name for path in tmp_path.iterdir()] == ["fresh.idkey"]  # no partial file left behind
