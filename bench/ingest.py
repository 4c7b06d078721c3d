"""Benchmark: `dibao ingest roster` end to end against the obvious alternative and the floor.

    .venv/bin/python bench/ingest.py [--backend postgres|sqlite] [--rows 1000000 4000000] [--runs 3]

For each size, three contenders load the same roster CSV, each in its own process (so peak
memory is its own) into a fresh database, median of the runs, all in one run of this script:

- ours: `dibao ingest roster` (read, validate, hash ID numbers, findings, figures, store);
- pandas: `pandas.read_csv` + `DataFrame.to_sql`, what a team would write first (no validation);
- floor: polars reading the file plus one ADBC bulk write of its rows (no validation either).

PostgreSQL runs on a throwaway server on 127.0.0.1 (tests/postgres.py). Prints Markdown.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.idcard import check_digit  # noqa: E402
from tests import postgres  # noqa: E402

TOWNSHIPS = ["鲁城街道", "书院街道", "时庄街道", "小雪街道", "吴村镇", "姚村镇", "陵城镇", "尼山镇", "王庄镇", "息陬镇"]


def write_roster(path: Path, rows: int, *, year: int = 2023, month: int = 1, first: int = 0) -> None:
    """A county's rural roster of one month, one household a row, every ID number valid and distinct
    (households number `first` onwards: rosters with different `first` share no one)."""
    rng = random.Random(20231)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{year}年{month}月农村低保发放明细"])
        writer.writerow(
            ["乡镇（街道）", "村（社区）", "户主姓名", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]
        )
        for number in range(first, first + rows):
            first17 = f"370881{1940 + number % 60:04d}{1 + number % 12:02d}{1 + number % 28:02d}{number % 1000:03d}"
            first17 = first17[:6] + f"{(number // 1000) % 10**8:08d}" + first17[14:]  # unique per row
            persons = rng.randint(1, 4)
            writer.writerow(
                [
                    TOWNSHIPS[number % len(TOWNSHIPS)],
                    f"{number % 400}村",
                    "某某",
                    first17 + check_digit(first17),
                    persons,
                    745,
                    f"{rng.randint(200, 745) * persons:,}",
                    f"{year}-{month:02d}-{rng.randint(5, 28):02d}",
                ]
            )


PANDAS = """
import sys, pandas as pd, sqlalchemy as sa
frame = pd.read_csv(sys.argv[1], skiprows=1, dtype={"身份证号码": str}, thousands=",")
frame.to_sql("roster", sa.create_engine(sys.argv[2]), index=False, chunksize=50_000)
"""
FLOOR = """
import sys, polars as pl
frame = pl.read_csv(sys.argv[1], skip_rows=1, schema_overrides={"身份证号码": pl.String})
frame.write_database("roster", sys.argv[2], engine="adbc")
"""
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DIBAO = str(ROOT / ".venv" / "bin" / "dibao")
ID_KEY = "bench-key-not-a-secret-0123456789"


@dataclass
class Backend:
    name: str
    new_database: Callable[[Path], str]  # a fresh, empty database → its SQLAlchemy URL

    def adbc_uri(self, url: str) -> str:
        return url.replace("postgresql+psycopg://", "postgresql://")  # sqlite:///… as it is


@dataclass
class Result:
    seconds: float
    peak_mib: float


def run(command: list[str], env: dict[str, str]) -> Result:
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{done.stderr[-3000:]}")
    return Result(seconds, int(done.stderr.strip().splitlines()[-1]) / 1024)


def contenders(roster: Path, backend: Backend) -> dict[str, Callable[[str, dict[str, str]], list[str]]]:
    def ours(url: str, env: dict[str, str]) -> list[str]:
        # The county registry is part of the warehouse, not of the timed upload.
        subprocess.run(
            [DIBAO, "ingest", "counties", str(ROOT / "demo" / "seeds" / "counties.csv")],
            env=env,
            check=True,
            capture_output=True,
        )
        return [DIBAO, "ingest", "roster", str(roster), "--county", "370881", "--program", "rural"]

    return {
        "ours": ours,
        "pandas": lambda url, env: [PYTHON, "-c", PANDAS, str(roster), url],
        "floor": lambda url, env: [PYTHON, "-c", FLOOR, str(roster), backend.adbc_uri(url)],
    }


def measure(roster: Path, backend: Backend, runs: int, workdir: Path) -> dict[str, Result]:
    results: dict[str, list[Result]] = {}
    for _ in range(runs):  # interleaved, so a noisy minute hurts every contender alike
        for name, command_for in contenders(roster, backend).items():
            url = backend.new_database(workdir)
            env = dict(os.environ, DIBAO_WAREHOUSE_URL=url, DIBAO_ID_KEY=ID_KEY)
            results.setdefault(name, []).append(run(command_for(url, env), env))
    return {
        name: Result(statistics.median(r.seconds for r in found), max(r.peak_mib for r in found))
        for name, found in results.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    server = None
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        if options.backend == "postgres":
            server = postgres.Server()
            server_url = server.start()
            backend = Backend("postgres", lambda _: postgres.fresh_database(server_url))
        else:
            backend = Backend("sqlite", lambda where: f"sqlite:///{where / f'w{time.monotonic_ns()}.db'}")
        try:
            measured = {}
            for rows in options.rows:
                roster = workdir / f"roster-{rows}.csv"
                write_roster(roster, rows)
                measured[rows] = measure(roster, backend, options.runs, workdir)
                roster.unlink()
        finally:
            if server:
                server.stop()
    report(measured, options)


def report(measured: dict[int, dict[str, Result]], options: argparse.Namespace) -> None:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}, backend {options.backend}; median of {options.runs} runs\n"
    )
    print("| rows | contender | median s | peak MiB | pandas ÷ ours | ours ÷ floor |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for rows, results in measured.items():
        ours, pandas, floor = results["ours"], results["pandas"], results["floor"]
        for name, result in results.items():
            ratios = " | "
            if name == "ours":
                ratios = f"{pandas.seconds / ours.seconds:.2f}× | {ours.seconds / floor.seconds:.2f}×"
            print(f"| {rows:,} | {name} | {result.seconds:.2f} | {result.peak_mib:,.0f} | {ratios} |")
    if len(measured) > 1:
        (small, first), (large, last) = list(measured.items())[0], list(measured.items())[-1]
        print(
            f"\n{large:,} rows against {small:,}: ours takes {last['ours'].seconds / first['ours'].seconds:.2f}× the "
            f"time and {last['ours'].peak_mib / first['ours'].peak_mib:.2f}× the peak memory."
        )


if __name__ == "__main__":
    main()
