"""The cached reads (app_ui.data): one cache per warehouse and per read, cleared by refresh()."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from app_ui import data
from warehouse.db import open_warehouse
from warehouse.models import County
from warehouse.settings import get_settings

QUFU, XINPING, ZHANJIANG = "370881", "530427", "440840"


@pytest.fixture(autouse=True)
def empty_cache():
    data.refresh()
    yield
    data.refresh()


def point_at(monkeypatch: pytest.MonkeyPatch, path: Path) -> Engine:
    """Switch the settings to the warehouse in `path` (made if new), as another test would."""
    monkeypatch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    return open_warehouse()


def test_two_warehouses_never_share_a_cached_read(warehouse, tmp_path, monkeypatch):
    first = get_settings().warehouse_url
    assert set(data.county_names()) == {QUFU, XINPING, ZHANJIANG}
    other = point_at(monkeypatch, tmp_path / "other.db")
    assert data.county_names() == {}
    with other.begin() as conn:
        conn.execute(insert(County).values(code="900001", name="演示县"))
    assert data.county_names() == {}  # cached: the other warehouse's read, not the first's
    monkeypatch.setenv("DIBAO_WAREHOUSE_URL", first)
    get_settings.cache_clear()
    assert set(data.county_names()) == {QUFU, XINPING, ZHANJIANG}
    other.dispose()


def test_refresh_forgets_every_cached_read(warehouse):
    assert len(data.county_names()) == 3 and data.counties((QUFU,))["name"].to_list() == ["曲阜市"]
    with warehouse.begin() as conn:
        conn.execute(insert(County).values(code="900001", name="演示县"))
    assert len(data.county_names()) == 3  # still the cached read
    data.refresh()
    assert len(data.county_names()) == 4 and "900001" in data.county_names()


def test_each_read_has_its_own_cache_and_lists_key_like_tuples(warehouse):
    # county_names() and years() take no arguments: only the read itself tells their results apart
    assert set(data.county_names()) == {QUFU, XINPING, ZHANJIANG}
    assert data.years() == []
    by_tuple = data.counties((XINPING, QUFU))
    assert data.counties([XINPING, QUFU]).equals(by_tuple)  # a list is hashed as the same tuple
    assert sorted(by_tuple["code"].to_list()) == [QUFU, XINPING]
    assert data.monthly((QUFU,), "rural", 2023).is_empty()  # pages' positional arguments still map


def test_a_page_passing_too_many_arguments_is_told_so(warehouse):
    with pytest.raises(TypeError, match="positional"):
        data.counties((QUFU,), "rural")


def test_a_change_stored_by_another_process_is_seen_at_the_next_run(warehouse):
    """Several app processes behind a proxy each cache reads: a change logged in the audit log by any of them (or
    the command line) makes every other forget its cached reads at its next run; a login does not."""
    from warehouse import audit

    data.catch_up()
    assert len(data.county_names()) == 3
    with warehouse.begin() as conn:  # as another process stores: its rows, then its audit event
        conn.execute(insert(County).values(code="900001", name="演示县"))
        audit.record(conn, actor="wang", action="login")
    data.catch_up()
    assert len(data.county_names()) == 3  # a login changes no figure: the cache stays
    with warehouse.begin() as conn:
        audit.record(conn, actor="wang", action="upload", county="900001", file_name="演示县.csv")
    data.catch_up()
    assert "900001" in data.county_names()
