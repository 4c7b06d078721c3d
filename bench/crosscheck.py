"""Benchmark: one county's upload into a national month on PostgreSQL, and its cross-county check.

    .venv/bin/python bench/crosscheck.py [--households 21000000] [--roster 7500] [--runs 3]

On a throwaway PostgreSQL server (tests/postgres.py): the seed registry plus 2,800 synthetic
counties, and one month (2024-06) of household_month filled with `--households` rows of those
counties (the country has about 21 million households a month), written by the server itself
(INSERT … SELECT generate_series), then ANALYZE. Then, median of `--runs`:

- the cross-county lookup as the loader makes it now: the roster's keys as one array parameter
  (`household_key = ANY(:keys)`), answered by the month partition's index on household_key;
- the shape it replaced: every other county's households of the month read into polars;
- `dibao ingest roster` of a `--roster`-row roster for that month, end to end: each run a
  county of its own with households of its own, so each is a first upload.

Prints Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import ID_KEY, write_roster  # noqa: E402
from tests import postgres  # noqa: E402
from warehouse import partitions  # noqa: E402
from warehouse.db import init_warehouse  # noqa: E402

COUNTIES = 2800
SYNTHETIC = text(
    "INSERT INTO county (code, name, short_names, province, prefecture, source, note) "
    "SELECT (800000 + n)::text, '演示县' || n, '', '演示省', '', 'synthetic', '' FROM generate_series(1, :counties) n"
)
# Every synthetic county gets its share of the month's households, keys spread like hashes.
HOUSEHOLDS = text(
    "INSERT INTO household_month (month, county_code, program, position, upload_id, sheet, row, township, village, "
    "household_key, id_masked, id_valid, persons, category, standard, amount_fen, paid_on) "
    "SELECT DATE '2024-06-01', (800001 + n % :counties)::text, 'rural', n / :counties, 0, '', n / :counties + 3, "
    "'某镇', '某村', md5(n::text), '800001********1234', true, 2, '', 745, 149000, DATE '2024-06-10' "
    "FROM generate_series(0, :households - 1) n"
)
NOW = text(
    "SELECT h.household_key, c.name AS county_name FROM household_month h JOIN county c ON c.code = h.county_code "
    "WHERE h.month = DATE '2024-06-01' AND h.county_code <> '370881' AND h.household_key = ANY(:keys)"
)
BEFORE = text(
    "SELECT h.household_key, c.name AS county_name FROM household_month h JOIN county c ON c.code = h.county_code "
    "WHERE h.month = DATE '2024-06-01' AND h.county_code <> '370881'"
)


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=21_000_000)
    parser.add_argument("--roster", type=int, default=7_500)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    server = postgres.Server()
    folder = Path(tempfile.mkdtemp(prefix="dibao-crosscheck-"))
    try:
        url = postgres.fresh_database(server.start())
        environment = os.environ | {"DIBAO_WAREHOUSE_URL": url, "DIBAO_ID_KEY": ID_KEY, "DIBAO_USER": "bench"}
        dibao = str(ROOT / ".venv/bin/dibao")
        seeds = str(ROOT / "demo" / "seeds" / "counties.csv")
        subprocess.run([dibao, "ingest", "counties", seeds], env=environment, check=True, capture_output=True)
        engine = create_engine(url)
        init_warehouse(engine)
        partitions.ensure_month(engine, dt.date(2024, 6, 1))
        filled, _ = timed(_fill, engine, arguments.households, arguments.runs)
        # As many keys as the roster has, one in a hundred also paid in another county this month.
        shared = [
            hashlib.md5(str(n * 7919 % arguments.households).encode()).hexdigest()
            for n in range(arguments.roster // 100)
        ]
        keys = shared + [secrets.token_hex(16) for _ in range(arguments.roster - len(shared))]
        now, before = [], []
        with engine.connect() as conn:
            for _ in range(arguments.runs):
                now.append(timed(lambda: pl.read_database(NOW, conn, execute_options={"parameters": {"keys": keys}})))
                before.append(timed(lambda: pl.read_database(BEFORE, conn)))
        ingests = []
        for run in range(arguments.runs):
            roster = folder / f"roster-{run}.csv"
            write_roster(roster, arguments.roster, year=2024, month=6, first=run * arguments.roster)
            county = str(800001 + COUNTIES + run)  # registered, no households yet
            command = [dibao, "ingest", "roster", str(roster), "--county", county, "--program", "rural"]
            ingests.append(timed(subprocess.run, command, env=environment, check=True, capture_output=True)[0])
        engine.dispose()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"PostgreSQL {postgres.binaries().parts[-2]}, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores; one month of {arguments.households:,} households in {COUNTIES:,} counties "
        f"(written in {filled:.0f} s); a roster of {arguments.roster:,} households; median of {arguments.runs} runs"
    )
    print()
    print("| step | median s | rows returned |")
    print("| --- | ---: | ---: |")
    for label, runs in (("keys as one array (now)", now), ("the whole month read (before)", before)):
        seconds = statistics.median(seconds for seconds, _ in runs)
        print(f"| cross-county lookup, {label} | {seconds:.3f} | {runs[0][1].height:,} |")
    print(f"| `dibao ingest roster`, end to end (now) | {statistics.median(ingests):.2f} | |")


def _fill(engine, households: int, spare: int) -> None:
    """The synthetic counties, `spare` more for the timed uploads, and the month's households."""
    with engine.begin() as conn:
        conn.execute(SYNTHETIC, {"counties": COUNTIES + spare})
        conn.execute(HOUSEHOLDS, {"counties": COUNTIES, "households": households})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


if __name__ == "__main__":
    main()
