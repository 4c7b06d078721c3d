"""What withholding small counts costs: the reads a restricted reader (a viewer) makes against the same reads for
the county's evaluator, on the embedded default and on any warehouse URL.

    python bench/small_counts.py [--url sqlite:///data/warehouse.db] [--runs 3] [--counties 20] [--json]

Each line is the median of `--runs` (after one warm-up) of one read through warehouse.small_counts (the read the
pages and `dibao brief` make): the county figures of a year, one month's townships and categories, finding
counts, and the monthly brief, for one county, for the first `--counties` and for every county.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefs.figures import gather  # noqa: E402
from warehouse import read, small_counts  # noqa: E402
from warehouse.db import make_engine  # noqa: E402


def median_seconds(read_once, runs: int) -> float:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        read_once()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=None, help="warehouse URL (DIBAO_WAREHOUSE_URL's default without it)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--every", action="store_true", help="also every county at once (slow at national scale)")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    engine = make_engine(options.url) if options.url else make_engine()
    codes = list(read.county_names(engine))
    latest = read.latest_month(engine)
    first = read.monthly_totals(engine, counties=codes[:1], year=latest.year)
    program = first["program"][0]
    views = {"one county": codes[:1], f"first {options.counties}": codes[: options.counties]}
    if options.every:
        views["every county"] = codes
    results = []
    for view, counties in views.items():
        for reader, restricted in (("evaluator", []), ("viewer", counties)):
            cases = {
                "county figures of a year": lambda c=counties, r=restricted: small_counts.monthly_totals(
                    engine, counties=c, year=latest.year, restricted=r
                ),
                "finding counts of a year": lambda c=counties, r=restricted: small_counts.finding_counts(
                    engine, counties=c, year=latest.year, restricted=r
                ),
                "monthly brief": lambda c=counties, r=restricted: gather(
                    engine, month=latest, counties=c, restricted=r
                ),
            }
            if view == "one county":
                cases["one month's townships and categories"] = lambda r=restricted: small_counts.month_split(
                    engine, by="category", county=codes[0], program=program, month=latest, min_cell=5 if r else 1
                )
            for case, read_once in cases.items():
                seconds = median_seconds(read_once, options.runs)
                results.append({"view": view, "reader": reader, "read": case, "median_s": round(seconds, 3)})
                if not options.json:
                    print(f"{view:>14} · {reader:<9} · {case:<38} {seconds:7.3f} s", flush=True)
    if options.json:
        print(json.dumps({"url": str(engine.url).split("@")[-1], "month": str(latest), "results": results}, indent=2))


if __name__ == "__main__":
    main()
