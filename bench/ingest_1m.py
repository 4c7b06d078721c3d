"""Benchmark: `dibao ingest roster` on a 1,000,000-row CSV against pandas.read_csv + to_sql.

    .venv/bin/python bench/ingest_1m.py [--rows 1000000] [--runs 3]

Each contender runs in its own process on a fresh SQLite file (so peak memory is its
own); medians of the runs, measured in one run of this script, are printed as Markdown.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.idcard import check_digit  # noqa: E402

TOWNSHIPS = ["鲁城街道", "书院街道", "时庄街道", "小雪街道", "吴村镇", "姚村镇", "陵城镇", "尼山镇", "王庄镇", "息陬镇"]


def write_roster(path: Path, rows: int) -> None:
    rng = random.Random(20231)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["2023年1月农村低保发放明细"])
        writer.writerow(
            ["乡镇（街道）", "村（社区）", "户主姓名", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]
        )
        for number in range(rows):
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
                    f"2023-01-{rng.randint(5, 28):02d}",
                ]
            )


PANDAS = """
import sys, pandas as pd, sqlalchemy as sa
frame = pd.read_csv(sys.argv[1], skiprows=1, dtype={"身份证号码": str}, thousands=",")
engine = sa.create_engine("sqlite:///" + sys.argv[2])
frame.to_sql("roster", engine, index=False, chunksize=50_000)
"""


def measure(command_for, runs: int, workdir: Path, env: dict[str, str]) -> tuple[float, float]:
    times, peaks = [], []
    for attempt in range(runs):
        database = workdir / f"w{attempt}-{time.monotonic_ns()}.db"
        command = ["/usr/bin/time", "-f", "%M", *command_for(database)]
        started = time.perf_counter()
        result = subprocess.run(
            command, env=env | {"DIBAO_WAREHOUSE_URL": f"sqlite:///{database}"}, capture_output=True, text=True
        )
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{command[3:6]} failed:\n{result.stderr[-2000:]}")
        peaks.append(int(result.stderr.strip().splitlines()[-1]) / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    python = str(ROOT / ".venv" / "bin" / "python")
    dibao = str(ROOT / ".venv" / "bin" / "dibao")
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        roster = workdir / "roster.csv"
        write_roster(roster, options.rows)
        env = dict(os.environ) | {"DIBAO_ID_KEY": "bench-key-not-a-secret-0123456789"}

        def ours(database: Path) -> list[str]:
            subprocess.run(
                [dibao, "ingest", "counties", str(ROOT / "demo" / "seeds" / "counties.csv")],
                env=env | {"DIBAO_WAREHOUSE_URL": f"sqlite:///{database}"},
                check=True,
                capture_output=True,
            )
            return [dibao, "ingest", "roster", str(roster), "--county", "370881", "--program", "rural"]

        def pandas(database: Path) -> list[str]:
            return [python, "-c", PANDAS, str(roster), str(database)]

        ours_time, ours_peak = measure(ours, options.runs, workdir, env)
        pandas_time, pandas_peak = measure(pandas, options.runs, workdir, env)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{options.rows:,} rows, median of {options.runs} runs, {time.strftime('%Y-%m-%d')}\n"
    )
    print("| path | median seconds | peak memory (MiB) |")
    print("| --- | ---: | ---: |")
    print(f"| `dibao ingest roster` (validate, hash, findings, figures, store) | {ours_time:.1f} | {ours_peak:.0f} |")
    print(f"| `pandas.read_csv` + `DataFrame.to_sql` (no validation) | {pandas_time:.1f} | {pandas_peak:.0f} |")
    print(f"\nRatio pandas / dibao: {pandas_time / ours_time:.2f}×")


if __name__ == "__main__":
    main()
