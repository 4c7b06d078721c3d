"""Benchmark: how well the anomaly checks find what is injected into the demo history, and how often they
flag what is not.

    .venv/bin/python bench/anomalies.py [--url sqlite:///data/warehouse.db] [--seed 7] [--each 6] [--grid] [--json]

The demo's township series (warehouse.read.township_months, 2019–2024, 53 townships) are read once; a
known set of anomalies is injected into a copy in memory, `--each` of every kind at random township-months
with at least 13 months of history before them (seeded, none in the same county-year):

- typo: one month's amount typed ten times over;
- drop: households, persons and amount 30 % lower from that month on (a township losing a third);
- missing: a county × programme month with no roster at all;
- intake: new households five times their usual (at least 20 more), added to households and persons.

(One-person-household share is not stored yet, so its jump is not injected.) A flag finds an injected
anomaly when it names the same series and month, or for a one-month typo the month after (the return);
false flags are the flags in county × programme × years with nothing injected, per such year. `--grid`
tries the main thresholds and prints recall and false flags for each.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import random
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warehouse import read  # noqa: E402
from warehouse.db import make_engine  # noqa: E402
from warehouse.frames.anomalies import KEYS, Tuning, detect  # noqa: E402

KINDS = ("typo", "drop", "missing", "intake")
MEASURED = {"typo": {"amount_per_person"}, "drop": {"households", "persons"}, "intake": {"new_households"}}


def inject(series: pl.DataFrame, *, each: int, seed: int) -> tuple[pl.DataFrame, list[dict]]:
    """The series with `each` anomalies of every kind injected, and what was injected where."""
    chooser = random.Random(seed)
    first = series.group_by(*KEYS).agg(pl.col("month").min().alias("first"))
    candidates = (
        series.join(first, on=list(KEYS))
        .filter(pl.col("month") >= pl.col("first").dt.offset_by("13mo"))
        .select(*KEYS, "month")
        .rows(named=True)
    )
    chooser.shuffle(candidates)
    used, injected = set(), []
    for kind in KINDS:
        taken = 0
        for place in candidates:
            year_slot = (place["county_code"], place["program"], place["month"].year)
            if taken == each or year_slot in used:
                continue
            used.add(year_slot)
            injected.append({"kind": kind, **place})
            taken += 1
    frame = series.clone()
    for item in injected:
        frame = _apply(frame, item)
    return frame, injected


def _apply(frame: pl.DataFrame, item: dict) -> pl.DataFrame:
    same_series = (
        (pl.col("county_code") == item["county_code"])
        & (pl.col("program") == item["program"])
        & (pl.col("township") == item["township"])
    )
    at = same_series & (pl.col("month") == item["month"])
    kind = item["kind"]
    if kind == "missing":
        slot = (pl.col("county_code") == item["county_code"]) & (pl.col("program") == item["program"])
        return frame.filter(~(slot & (pl.col("month") == item["month"])))
    if kind == "typo":
        return frame.with_columns(amount=pl.when(at).then(pl.col("amount") * 10).otherwise(pl.col("amount")))
    if kind == "drop":
        later = same_series & (pl.col("month") >= item["month"])
        return frame.with_columns(
            [
                pl.when(later).then((pl.col(name) * 0.7).round(0).cast(dtype)).otherwise(pl.col(name))
                for name, dtype in (("households", pl.Int64), ("persons", pl.Int64), ("amount", pl.Float64))
            ]
        )
    usual = frame.filter(same_series & (pl.col("month") < item["month"]))["new_households"].median() or 0
    extra = max(20, int(5 * usual))
    return frame.with_columns(
        [
            pl.when(same_series & (pl.col("month") >= item["month"]))
            .then(pl.col(name) + (extra if name != "persons" else extra * 2))
            .otherwise(pl.col(name))
            for name in ("households", "persons")
        ]
        + [pl.when(at).then(pl.col("new_households") + extra).otherwise(pl.col("new_households"))]
    )


def score(flags: pl.DataFrame, injected: list[dict], series: pl.DataFrame) -> dict:
    """Recall over the injected set and false flags per clean county × programme × year."""
    rows = flags.rows(named=True)
    found = [any(_matches(flag, item) for flag in rows) for item in injected]
    pairs = list(zip(injected, found, strict=True))
    dirty = {(i["county_code"], i["program"], i["month"].year) for i in injected}
    years = {(c, p, m.year) for c, p, m in series.select("county_code", "program", "month").unique().rows()}
    clean = years - dirty
    false = [f for f in rows if (f["county_code"], f["program"], f["month"].year) in clean]
    return {
        "injected": len(injected),
        "found": sum(found),
        "recall": sum(found) / len(injected),
        "missed": [f"{i['kind']} {i['county_code']} {i['township']} {i['month']}" for i, ok in pairs if not ok],
        "clean_years": len(clean),
        "false_flags": len(false),
        "false_per_clean_year": len(false) / len(clean),
        "by_kind": {kind: sum(ok for i, ok in pairs if i["kind"] == kind) for kind in KINDS},
    }


def _matches(flag: dict, item: dict) -> bool:
    if (flag["county_code"], flag["program"]) != (item["county_code"], item["program"]):
        return False
    if item["kind"] == "missing":
        return flag["method"] == "missing" and flag["month"] == item["month"]
    if flag["township"] != item["township"] or flag["measure"] not in MEASURED[item["kind"]]:
        return False
    return flag["month"] == item["month"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=f"sqlite:///{ROOT / 'data' / 'warehouse.db'}")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--each", type=int, default=6)
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    series = read.township_months(make_engine(arguments.url))
    injected_series, injected = inject(series, each=arguments.each, seed=arguments.seed)
    tunings = [Tuning()]
    if arguments.grid:
        grid = itertools.product((4.0, 6.0, 8.0), (0.02, 0.03), (0.10, 0.15), (3, 5, 10), (4.0, 5.0, 6.0))
        tunings += [
            dataclasses.replace(Tuning(), z=z, spread_floor=f, least_change=c, least_count=n, intake_z=i)
            for z, f, c, n, i in grid
        ]
    results = []
    for tuning in tunings:
        result = score(detect(injected_series, tuning), injected, series)
        clean_run = detect(series, tuning)
        results.append({"tuning": dataclasses.asdict(tuning), "clean_demo_flags": clean_run.height, **result})
    if arguments.json:
        print(json.dumps(results, ensure_ascii=False, default=str))
        return
    print(f"{len(injected)} injected ({arguments.each} of each of {', '.join(KINDS)}), seed {arguments.seed}")
    print("| z | floor | least change | least count | intake z | recall | missed | false | per clean year | demo |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for r in results:
        t = r["tuning"]
        print(
            f"| {t['z']} | {t['spread_floor']} | {t['least_change']} | {t['least_count']} | {t['intake_z']} | "
            f"{r['recall']:.0%} | {', '.join(r['missed'][:3])} | {r['false_flags']} | "
            f"{r['false_per_clean_year']:.2f} | {r['clean_demo_flags']} |"
        )


if __name__ == "__main__":
    main()
