"""Benchmark: bytes per row of each warehouse table on PostgreSQL, the basis of docs/scale.md.

    .venv/bin/python bench/sizes.py [--counties 200] [--years 2]

Builds a warehouse on a throwaway PostgreSQL server (tests/postgres.py) with `dibao demo`
(the five seed places' real rosters through the loaders: household months) plus `--counties N
--years Y` synthetic counties (figures, uploads, findings, evaluations through the bulk path),
runs ANALYZE, and prints per table its rows, its size on disk with indexes and TOAST (summed
over the partitions of a partitioned table) and the bytes per row. Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import ID_KEY  # noqa: E402
from tests import postgres  # noqa: E402

TABLES = ("household_month", "monthly_figure", "finding", "upload", "evaluation", "indicator_score", "audit_event")
# A partitioned parent holds nothing itself: its size is the sum over its partitions.
SIZE = text(
    "SELECT pg_total_relation_size(CAST(:table AS regclass)) + coalesce((SELECT sum(pg_total_relation_size(relid)) "
    "FROM pg_partition_tree(CAST(:table AS regclass)) WHERE relid <> CAST(:table AS regclass)), 0)"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counties", type=int, default=200)
    parser.add_argument("--years", type=int, default=2)
    arguments = parser.parse_args()
    server = postgres.Server()
    try:
        url = postgres.fresh_database(server.start())
        environment = os.environ | {"DIBAO_WAREHOUSE_URL": url, "DIBAO_ID_KEY": ID_KEY, "DIBAO_USER": "bench"}
        started = time.perf_counter()
        scale = ["--counties", str(arguments.counties), "--years", str(arguments.years)]
        for demo in (["demo"], ["demo", *scale]):
            subprocess.run([str(ROOT / ".venv/bin/dibao"), *demo], env=environment, check=True, capture_output=True)
        built = time.perf_counter() - started
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            measured = {
                table: (
                    conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one(),
                    conn.execute(SIZE, {"table": table}).scalar_one(),
                )
                for table in TABLES
            }
        engine.dispose()
    finally:
        server.stop()
    print(
        f"PostgreSQL {postgres.binaries().parts[-2]}, {time.strftime('%Y-%m-%d')}, {platform.machine()}; "
        f"`dibao demo` + {arguments.counties} synthetic counties × {arguments.years} years, built in {built:.0f} s"
    )
    print()
    print("| table | rows | MiB with indexes | bytes per row |")
    print("| --- | ---: | ---: | ---: |")
    for table, (rows, size) in measured.items():
        per_row = f"{size / rows:,.0f}" if rows else "–"
        print(f"| {table} | {rows:,} | {size / 2**20:,.1f} | {per_row} |")


if __name__ == "__main__":
    main()
