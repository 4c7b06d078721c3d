"""Fixtures: a fresh warehouse per test, with a small county registry.

Tests under tests/loaders, tests/warehouse and tests/access that take `settings` (or a
warehouse built on it) run twice: on the embedded SQLite file and on PostgreSQL (a
throwaway server, tests/postgres.py). `@pytest.mark.sqlite_only` keeps a test to SQLite,
for what only SQLite has: its file, its WAL, its backup API, its key file.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from tests import postgres
from warehouse.db import open_warehouse
from warehouse.models import County, Standard, Township
from warehouse.settings import get_settings

TOWNSHIPS = {"370881": ["鲁城街道", "书院街道", "吴村镇"], "530427": ["桂山街道", "戛洒镇"], "440840": ["东山街道"]}


BOTH_BACKENDS = ("loaders", "warehouse", "access", "briefs")
TEST_ID_KEY = "test-key-0123456789abcdef0123456789"  # PostgreSQL has no key file: the key comes from settings


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    folder = metafunc.definition.path.parent.name
    if "backend" not in metafunc.fixturenames or folder not in BOTH_BACKENDS:
        return
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a PostgreSQL server for the session: DIBAO_TEST_POSTGRES_URL, else a throwaway one."""
    import os

    if url := os.environ.get("DIBAO_TEST_POSTGRES_URL"):
        yield url
        return
    if postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed (scripts/test installs Debian's postgresql when run as root)")
    server = postgres.Server()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def settings(backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    if backend == "postgres":
        url = postgres.fresh_database(request.getfixturevalue("postgres_server"))
        monkeypatch.setenv("DIBAO_WAREHOUSE_URL", url)
        monkeypatch.setenv("DIBAO_ID_KEY", TEST_ID_KEY)
    else:
        monkeypatch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'warehouse.db'}")
        monkeypatch.delenv("DIBAO_ID_KEY", raising=False)
    monkeypatch.setenv("DIBAO_USER", "测试员")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()
    if backend == "postgres":
        postgres.drop_database(url)


@pytest.fixture
def empty_warehouse(settings):
    return open_warehouse(settings)


@pytest.fixture
def warehouse(empty_warehouse):
    """Three counties (deadlines: month end, 30th, 20th) and Qufu's and Xinping's standards."""
    return register_counties(empty_warehouse)


def register_counties(engine):
    """Three counties (deadlines: month end, 30th, 20th), their townships, Qufu's and Xinping's standards."""
    with engine.begin() as conn:
        conn.execute(
            insert(County),
            [
                {"code": "370881", "name": "曲阜市", "short_names": "曲阜", "deadline_day": None},
                {"code": "530427", "name": "新平彝族傣族自治县", "short_names": "新平县;新平", "deadline_day": 30},
                {"code": "440840", "name": "湛江经济技术开发区", "short_names": "湛江开发区", "deadline_day": 20},
            ],
        )
        conn.execute(
            insert(Township),
            [{"county_code": code, "name": name} for code, names in TOWNSHIPS.items() for name in names],
        )
        conn.execute(
            insert(Standard),
            [
                {
                    "county_code": "370881",
                    "program": "rural",
                    "category": "",
                    "effective_from": dt.date(2022, 1, 1),
                    "yuan_per_person_month": 700.0,
                    "document": "",
                },
                {
                    "county_code": "370881",
                    "program": "rural",
                    "category": "",
                    "effective_from": dt.date(2023, 1, 1),
                    "yuan_per_person_month": 745.0,
                    "document": "济民字〔2023〕4号",
                },
                {
                    "county_code": "530427",
                    "program": "rural",
                    "category": "A类",
                    "effective_from": dt.date(2020, 1, 1),
                    "yuan_per_person_month": 375.0,
                    "document": "",
                },
                {
                    "county_code": "530427",
                    "program": "rural",
                    "category": "B类",
                    "effective_from": dt.date(2020, 1, 1),
                    "yuan_per_person_month": 310.0,
                    "document": "",
                },
                {
                    "county_code": "530427",
                    "program": "rural",
                    "category": "C类",
                    "effective_from": dt.date(2020, 1, 1),
                    "yuan_per_person_month": 270.0,
                    "document": "",
                },
            ],
        )
    return engine


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """The full demo warehouse (2019–2024), built once per test session through `dibao demo`'s code.

    Set DIBAO_TEST_DEMO_DB to an already built file to reuse it while developing; the tests
    that use it only read.
    """
    import os

    from demo.load import load_demo

    reuse = os.environ.get("DIBAO_TEST_DEMO_DB")
    if reuse and Path(reuse).exists():
        return Path(reuse)
    folder = tmp_path_factory.mktemp("demo")
    database = folder / "warehouse.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{database}")
        patch.delenv("DIBAO_ID_KEY", raising=False)
        get_settings.cache_clear()
        engine = open_warehouse()
        load_demo(engine, user="demo", work_dir=folder / "files")
        engine.dispose()
    get_settings.cache_clear()
    return database


def copy_warehouse(source: Path, target: Path) -> Path:
    """A copy of a SQLite warehouse file, with its ID key file where it has one."""
    shutil.copyfile(source, target)
    if (key := source.with_suffix(".idkey")).exists():
        shutil.copyfile(key, target.with_suffix(".idkey"))
    return target


def _opened(database: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """Settings pointing at a SQLite warehouse file for one test; its engine."""
    monkeypatch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{database}")
    get_settings.cache_clear()
    engine = open_warehouse()
    yield engine
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def demo_warehouse(demo_database, monkeypatch):
    """Settings pointing at the shared demo warehouse; its engine."""
    yield from _opened(demo_database, monkeypatch)


@pytest.fixture
def demo_copy(demo_database, tmp_path, monkeypatch):
    """A private copy of the demo warehouse, for tests that store an evaluation."""
    yield from _opened(copy_warehouse(demo_database, tmp_path / "warehouse.db"), monkeypatch)
