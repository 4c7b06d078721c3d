"""Two people of different counties in the app at the same moment: each sees only their own account, filters
and figures, however their script runs interleave (one process, one cache, many sessions: bench/load.py).

Spoken over the app's own websocket protocol (tests/wire.py) against `streamlit run`, both sessions open
together and their page runs are started in pairs, so they overlap on the server."""

from __future__ import annotations

import asyncio
import io
import urllib.parse

import polars as pl
import pytest

from tests.browser.server import running_app
from tests.conftest import copy_warehouse
from tests.wire import Run, Wire

PASSWORD = "sessions-apart-password"
QUFU, CHENGGONG = ("370881", "曲阜市"), ("530114", "呈贡区")


@pytest.fixture(scope="module")
def database(demo_database, tmp_path_factory) -> str:
    from access.accounts import add_user
    from warehouse.db import make_engine

    url = f"sqlite:///{copy_warehouse(demo_database, tmp_path_factory.mktemp('apart') / 'warehouse.db')}"
    engine = make_engine(url)
    add_user(engine, username="qufu-eval", role="evaluator", counties=[QUFU[0]], password=PASSWORD, by="test")
    add_user(engine, username="cg-eval", role="evaluator", counties=[CHENGGONG[0]], password=PASSWORD, by="test")
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def server(database):
    with running_app(database) as url:
        yield url


def signed_in_as(run: Run) -> str:
    return next(text for text in run.texts() if text.startswith("已登录"))


def county_table(run: Run) -> pl.DataFrame:
    """数据质量's table of finding counts per county."""
    for data in run.tables():
        table = pl.read_ipc_stream(io.BytesIO(data))
        if table.columns[:2] == ["县区", "身份证号无效"]:
            return table
    raise AssertionError(f"no county table: {run.texts()[:5]}")


async def both(first, second):
    return await asyncio.gather(first, second)


async def two_evaluators(url: str) -> list[str]:
    """What went wrong, if anything, while two evaluators read the same pages at the same time."""
    qufu, chenggong = Wire(url, timeout=90), Wire(url, timeout=90)
    wrong: list[str] = []
    try:
        await both(qufu.open(), chenggong.open())
        await both(qufu.log_in("qufu-eval", PASSWORD), chenggong.log_in("cg-eval", PASSWORD))
        await both(qufu.rerun(page="findings"), chenggong.rerun(page="findings"))
        await both(qufu.choose("年度", "2021年"), chenggong.choose("年度", "2023年"))
        await both(qufu.choose("县区", [QUFU[1]]), chenggong.choose("县区", [CHENGGONG[1]]))
        for page in ("findings", "recipients", "on_time", "findings", "", "findings"):
            runs = await both(qufu.rerun(page=page), chenggong.rerun(page=page))
            for wire, run, (code, name), year, user in (
                (qufu, runs[0], QUFU, "2021", "qufu-eval"),
                (chenggong, runs[1], CHENGGONG, "2023", "cg-eval"),
            ):
                seen = f"{user} on {page or 'overview'}"
                if run.exceptions:
                    wrong.append(f"{seen}: {run.exceptions}")
                if signed_in_as(run) != f"已登录：{user}（评价人员）":
                    wrong.append(f"{seen}: {signed_in_as(run)}")
                filters = urllib.parse.parse_qs(wire.query)
                if filters.get("county") != [code] or filters.get("year") != [year]:
                    wrong.append(f"{seen}: filters {wire.query}")
                if page == "findings":
                    table = county_table(run)
                    if table["县区"].to_list() != [name]:
                        wrong.append(f"{seen}: counties {table['县区'].to_list()}")
                    if "隐去" in table.row(0):  # the county's own evaluator reads its true counts
                        wrong.append(f"{seen}: own counts withheld {table.row(0)}")
    finally:
        await both(qufu.close(), chenggong.close())
    return wrong


def test_two_counties_evaluators_at_once_each_see_only_their_own(server):
    assert asyncio.run(two_evaluators(server)) == []


def test_each_reads_the_others_county_withheld(server):
    """The same table, both counties chosen: each reads its own county's small counts and not the other's."""

    async def read() -> list[pl.DataFrame]:
        qufu, chenggong = Wire(server, timeout=90), Wire(server, timeout=90)
        try:
            await both(qufu.open(query="year=2023"), chenggong.open(query="year=2023"))
            await both(qufu.log_in("qufu-eval", PASSWORD), chenggong.log_in("cg-eval", PASSWORD))
            await both(qufu.rerun(page="findings"), chenggong.rerun(page="findings"))
            names = [QUFU[1], CHENGGONG[1]]
            runs = await both(qufu.choose("县区", names), chenggong.choose("县区", names))
            return [county_table(run) for run in runs]
        finally:
            await both(qufu.close(), chenggong.close())

    qufu_reads, chenggong_reads = asyncio.run(read())
    by_county = {name: row for name, *row in qufu_reads.rows()}
    assert "隐去" not in by_county[QUFU[1]] and "隐去" in by_county[CHENGGONG[1]]
    by_county = {name: row for name, *row in chenggong_reads.rows()}
    assert "隐去" in by_county[QUFU[1]] and "隐去" not in by_county[CHENGGONG[1]]


def test_a_change_stored_elsewhere_shows_at_the_next_click(server, database, tmp_path):
    """Another app process behind the proxy, or the command line, stores something: a session of this process
    sees it at its next click, not when its cached reads expire ten minutes later (app_ui.data.catch_up)."""
    from loaders.counties import ingest_counties
    from warehouse.db import make_engine

    registry = tmp_path / "县区名录.csv"
    registry.write_text("县区代码,县区名称,省份,地市\n370882,演示新县,山东,济宁市\n", encoding="utf-8")

    async def before_and_after() -> tuple[list[str], list[str]]:
        leader = Wire(server, timeout=90)
        try:
            await leader.open()
            await leader.log_in("qufu-eval", PASSWORD)
            before = list(leader.widget("县区", "multiselect").options)
            engine = make_engine(database)
            ingest_counties(engine, registry, user="admin-at-the-console")
            engine.dispose()
            await leader.rerun(page="recipients")
            return before, list(leader.widget("县区", "multiselect").options)
        finally:
            await leader.close()

    before, after = asyncio.run(before_and_after())
    assert "演示新县" not in before and "演示新县" in after
