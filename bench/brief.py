"""Benchmark: the monthly brief at county and national scale, on the embedded warehouse and on PostgreSQL.

    .venv/bin/python bench/brief.py [--backend sqlite|postgres] [--counties 2800] [--years 10] [--runs 5]
                                    [--cron 40] [--keep DIR] [--json]

The warehouses are bench/pages.py's: the demo (five places, 2019–2024) and the demo plus 2,800
synthetic counties over 10 years. In one process, medians of `runs` after one discarded:

- gather: the figures of a brief (briefs.figures.gather: the reads and the re-check), for one county
  (曲阜市, the same question at both scales) and for the view 总览 opens with (every county of the
  small registry; the first 20 of the national one);
- pdf and xlsx: that brief made into each file (vl-convert and Typst; xlsxwriter);
- the command a person types first, `dibao brief --month 2023-12 --county 370881 --out brief.pdf`, as a
  fresh process (wall time, start-up included);
- cron: `dibao brief --month 2023-12 --county … --out DIR/{county}.pdf` for `--cron` counties in one
  process, and that time per county times the registry: what the README's cron line costs a month.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import ID_KEY  # noqa: E402
from bench.pages import warehouses  # noqa: E402
from briefs.figures import gather  # noqa: E402
from briefs.pdf import brief_pdf  # noqa: E402
from briefs.workbook import brief_workbook  # noqa: E402
from warehouse import read  # noqa: E402
from warehouse.db import make_engine  # noqa: E402

MONTH = dt.date(2023, 12, 1)
QUFU = "370881"
OPENING_VIEW = 20  # the counties 总览 opens with in a large registry (app_ui.filters.MANY_COUNTIES)


def median_seconds(work, runs: int) -> float:
    work()  # discarded: first imports, vl-convert's start-up, cold caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def dibao_seconds(url: str, *arguments: str) -> float:
    environment = os.environ | {"DIBAO_WAREHOUSE_URL": url, "DIBAO_ID_KEY": ID_KEY, "DIBAO_USER": "bench"}
    if url.startswith("sqlite"):
        environment.pop("DIBAO_ID_KEY")
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv/bin/dibao"), *arguments], env=environment, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(url: str, runs: int, cron: int) -> dict:
    engine = make_engine(url)
    codes = list(read.county_names(engine))
    views = {"one county": [QUFU], "opening view": codes[:OPENING_VIEW]}
    found = {"counties": len(codes)}
    for view, counties in views.items():
        brief = gather(engine, month=MONTH, counties=counties)
        found[view] = {
            "counties": len(counties),
            "gather_s": median_seconds(lambda c=counties: gather(engine, month=MONTH, counties=c), runs),
            "pdf_s": median_seconds(lambda b=brief: brief_pdf(b), runs),
            "xlsx_s": median_seconds(lambda b=brief: brief_workbook(b), runs),
            "pdf_kib": len(brief_pdf(brief)) / 1024,
        }
    engine.dispose()
    with tempfile.TemporaryDirectory(prefix="dibao-brief-") as folder:
        out = Path(folder)
        first = [dibao_seconds(url, "brief", "--month", "2023-12", "--county", QUFU, "--out", str(out / "b.pdf"))]
        first += [dibao_seconds(url, "brief", "--month", "2023-12", "--county", QUFU, "--out", str(out / "b.pdf"))]
        chosen = [argument for code in codes[:cron] for argument in ("--county", code)]
        batch = dibao_seconds(url, "brief", "--month", "2023-12", *chosen, "--out", str(out / "{county}.pdf"))
    per_county = batch / min(cron, len(codes))
    found["first_command_s"] = statistics.median(first)
    found["cron"] = {"counties": min(cron, len(codes)), "seconds": batch, "per_county_s": per_county}
    found["cron"]["whole_registry_min"] = per_county * len(codes) / 60
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--counties", type=int, default=2800)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cron", type=int, default=40, help="counties the cron line is timed on")
    parser.add_argument("--keep", type=Path, help="keep the SQLite warehouses here and reuse them")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    with warehouses(arguments.backend, arguments.counties, arguments.years, arguments.keep) as (urls, build):
        results = {scale: measure(url, arguments.runs, arguments.cron) for scale, url in urls.items()}
    if arguments.json:
        print(json.dumps({"backend": arguments.backend, "build_s": build, "results": results}, ensure_ascii=False))
        return
    report(arguments, results, build)


def report(arguments, results: dict, build: dict[str, float]) -> None:
    print(
        f"{arguments.backend}, {platform.machine()}, {os.cpu_count()} cores, {dt.date.today()}, "
        f"medians of {arguments.runs}; built in " + ", ".join(f"{k} {v:.0f} s" for k, v in build.items())
    )
    print()
    print("| scale | view | counties | gather s | PDF s | XLSX s | PDF KiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for scale, found in results.items():
        for view in ("one county", "opening view"):
            row = found[view]
            print(
                f"| {scale} ({found['counties']:,}) | {view} | {row['counties']} | {row['gather_s']:.2f} | "
                f"{row['pdf_s']:.2f} | {row['xlsx_s']:.3f} | {row['pdf_kib']:.0f} |"
            )
    print()
    print(
        "| scale | `dibao brief` one county, fresh process s | cron: counties timed | s a county | whole registry min |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for scale, found in results.items():
        cron = found["cron"]
        print(
            f"| {scale} | {found['first_command_s']:.2f} | {cron['counties']} | {cron['per_county_s']:.2f} | "
            f"{cron['whole_registry_min']:.1f} |"
        )


if __name__ == "__main__":
    main()
