"""`dibao demo`: load the shipped seed data and synthetic rosters and evaluations through the real loaders.

Order: counties and standards, the synthetic rosters, the synthetic evaluations (scored by
their rubrics on those rosters and standards, demo/evaluations.py), the seed evaluations.
Idempotent: every file goes through the upload log, and the same warehouse gives the same
synthetic files byte for byte, so running it twice changes nothing. Synthetic records are
marked `synthetic` and never replace a seed figure (the synthetic evaluations skip each
seed's own year, and seed evaluations are loaded last).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from demo import SEEDS
from demo.evaluations import write_synthetic_evaluations
from demo.rosters import FIRST_YEAR, LAST_YEAR, write_rosters
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from loaders.roster_parse import file_hash
from loaders.roster_store import ingest_roster
from loaders.standards import ingest_standards
from warehouse import evaluation_states, month_states, read
from warehouse.settings import PROJECT_ROOT

WORK_DIR = PROJECT_ROOT / "data" / "demo"


def reported_at(slot: month_states.Slot) -> dt.datetime:
    """When the story has a county report a month (UTC): mostly between the 5th and the 24th of the month
    after, before the 25th it is due; about one month in sixteen a few days late."""
    rng = random.Random(f"{slot.county}-{slot.program}-{slot.month}-reported")
    following = dt.date(slot.month.year + slot.month.month // 12, slot.month.month % 12 + 1, 1)
    day = rng.randint(26, 35) if rng.random() < 1 / 16 else rng.randint(5, 24)
    beijing_ten = dt.datetime.combine(following, dt.time(2)) + dt.timedelta(days=day - 1)  # 10:00 Beijing
    return beijing_ten.replace(tzinfo=dt.UTC)


def roster_years(span: range) -> range:
    """The part of a span of years the synthetic rosters cover (2019–2024)."""
    return range(max(span.start, FIRST_YEAR), min(span.stop, LAST_YEAR + 1))


def load_demo(
    engine: Engine,
    *,
    user: str,
    years: range = range(2019, 2025),
    counties: list[str] | None = None,
    work_dir: Path = WORK_DIR,
    progress: Callable[[str], None] = lambda _: None,
) -> str:
    started = time.perf_counter()
    ingest_counties(engine, SEEDS / "counties.csv", user=user)
    ingest_standards(engine, SEEDS / "standards.csv", user=user)
    progress("县区和保障标准已导入")
    rosters = write_rosters(work_dir / "rosters", years=years, counties=counties)
    stored_hashes = set(read.uploads(engine, kind="roster").filter(status="active")["file_hash"])
    rows = stored = 0
    for number, roster in enumerate(rosters, start=1):
        if file_hash(roster.path) in stored_hashes:
            continue  # this very file is the stored version: nothing to read or write
        report = ingest_roster(
            engine,
            roster.path,
            county=roster.county,
            month=roster.month,
            program=roster.program,
            user=user,
            source="synthetic",
        )
        rows += report.rows_read
        stored += 0 if report.unchanged else 1
        if number % 60 == 0:
            progress(f"名册 {number}/{len(rosters)}（{roster.county} {roster.month}）")
    with engine.begin() as conn:  # nobody reviews synthetic months: they are marked so, in the audit log too
        month_states.approve_demo_months(conn, reported_at=reported_at)
    # The synthetic evaluations are scored by their rubrics on the rosters and standards just
    # stored, so they come after them; the seed evaluations come last and are never replaced.
    synthetic = write_synthetic_evaluations(SEEDS / "evaluations", work_dir / "evaluations", years=years, engine=engine)
    for path in sorted(synthetic):
        ingest_evaluation(engine, path, user=user)
    seeds = sorted((SEEDS / "evaluations").glob("*.csv"))
    for path in seeds:
        ingest_evaluation(engine, path, user=user)
    with engine.begin() as conn:  # nobody reviewed these either: approved as 「演示数据」, audited
        evaluation_states.approve_demo_evaluations(conn)
    progress(f"{len(seeds)} 份真实评价、{len(synthetic)} 份演示评价（按指标体系评分）已导入")
    seconds = time.perf_counter() - started
    return f"演示数据已就绪：{len(rosters)} 份名册（新入库 {stored} 份，共 {rows:,} 行），用时 {seconds:.0f} 秒"
