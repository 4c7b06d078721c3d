"""Benchmark: how well `dibao anomalies` finds anomalies injected into the demo's roster files, and how
often it flags what is not there.

    .venv/bin/python bench/anomalies.py [--seed 1] [--each 5] [--json]                  # SQLite, a temp file
    .venv/bin/python bench/anomalies.py --postgres                                      # a throwaway PostgreSQL
    .venv/bin/python bench/anomalies.py --url postgresql+psycopg://postgres@HOST:PORT/postgres
    .venv/bin/python bench/anomalies.py --in-memory [--grid]                            # the series only, for tuning

By default, what a user would meet: `--each` anomalies of every kind (25 by default) are written into
copies of the demo's roster files (bench/anomaly_rosters.py: a typo ×10, a drop of 30 % of a township's
households, a month's file left out, an intake spike, a jump of the one-person share by 25 points),
at seeded sites (bench/anomaly_sites.py: at least 13 months of history, townships of at least 40
households, no two in the same county × programme × year or township). Counties, standards and every
roster are loaded through the real loaders into a fresh warehouse (a temporary SQLite file; with
`--url`, a new database on that PostgreSQL server, dropped afterwards), the months approved as `dibao
demo` approves them, and `dibao anomalies --json` is run as a user runs it. An anomaly is found when a
flag with a sentence names its county, programme, township ("" for a missing month), month and a
fitting measure (typo: amount per person; drop: households or persons; intake: new households;
one-person: one-person share; missing: the missing method). False flags are the flags in county ×
programme × years with nothing injected, not accounted for by an injection (its series in its month
or the month after: a typo's return). The flags on the clean demo (`--demo-url`) are counted too.

`--in-memory` injects the same kinds into the demo warehouse's township series in memory and runs the
detector on it directly (seconds, not minutes); `--grid` then tries the main thresholds.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import itertools
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import anomaly_rosters  # noqa: E402
from bench.anomaly_sites import (  # noqa: E402
    DROP,
    INTAKE_LEAST,
    INTAKE_TIMES,
    JUMP,
    KINDS,
    MIN_HOUSEHOLDS,
    Site,
    pick_sites,
    score,
    year_of,
)
from bench.ingest import ID_KEY  # noqa: E402
from demo import SEEDS  # noqa: E402
from demo.load import reported_at  # noqa: E402
from loaders.counties import ingest_counties  # noqa: E402
from loaders.roster_store import ingest_roster  # noqa: E402
from loaders.standards import ingest_standards  # noqa: E402
from tests import postgres  # noqa: E402
from warehouse import month_states, read  # noqa: E402
from warehouse.db import make_engine, open_warehouse  # noqa: E402
from warehouse.frames.anomalies import KEYS, Tuning, detect, words  # noqa: E402
from warehouse.settings import get_settings, sqlite_path  # noqa: E402
from warehouse.vocabulary import PROGRAM_WORDS  # noqa: E402

DIBAO = str(ROOT / ".venv" / "bin" / "dibao")
DEMO_URL = f"sqlite:///{ROOT / 'data' / 'warehouse.db'}"
USER = "bench"


# --- the real files, loaded and judged by the command ------------------------------------------


def environment(url: str) -> dict[str, str]:
    """The settings a `dibao` process gets: the warehouse, a user, and a key where no key file can be kept."""
    settings = {"DIBAO_WAREHOUSE_URL": url, "DIBAO_USER": USER}
    return settings if url.startswith("sqlite") else settings | {"DIBAO_ID_KEY": ID_KEY}


def load(url: str, files: list, *, progress=lambda _: None) -> None:
    """Counties, standards and the rosters into the warehouse at `url`, the months approved as `dibao demo`
    approves its synthetic months (demo/load.py)."""
    os.environ.pop("DIBAO_ID_KEY", None)  # the loaders take the warehouse, key and user from the settings
    os.environ.update(environment(url))
    get_settings.cache_clear()
    engine = open_warehouse()
    try:
        ingest_counties(engine, SEEDS / "counties.csv", user=USER)
        ingest_standards(engine, SEEDS / "standards.csv", user=USER)
        for number, roster in enumerate(files, start=1):
            ingest_roster(
                engine, roster.path, county=roster.county, month=roster.month, program=roster.program,
                user=USER, source="synthetic",
            )  # fmt: skip
            if number % 72 == 0:
                progress(f"  {number}/{len(files)} rosters loaded")
        with engine.begin() as conn:
            month_states.approve_demo_months(conn, reported_at=reported_at)
    finally:
        engine.dispose()
        get_settings.cache_clear()


def require_demo(url: str) -> None:
    """Stop early when the demo warehouse is not built: opening it would make an empty one."""
    if (database := sqlite_path(url)) and not database.exists():
        raise SystemExit(f"no warehouse at {database}: run `dibao demo` first, or give --demo-url")


def run_anomalies(url: str) -> tuple[list[dict], float]:
    """`dibao anomalies --json` in its own process, as a user runs it: its flags (months as dates), and seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [DIBAO, "anomalies", "--json"], env=os.environ | environment(url), capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"`dibao anomalies --json` failed on {url}:\n{done.stderr}")
    flags = json.loads(done.stdout)["flags"]
    return [flag | {"month": dt.date.fromisoformat(f"{flag['month']}-01")} for flag in flags], seconds


@contextmanager
def fresh_warehouse(url: str | None, start_postgres: bool, folder: Path):
    """The URL of an empty warehouse: a SQLite file in `folder`, or a new database on a PostgreSQL server
    (`url`, or a throwaway one), dropped afterwards."""
    if url is None and not start_postgres:
        yield f"sqlite:///{folder / 'warehouse.db'}"
        return
    server = postgres.Server() if start_postgres else None
    database = postgres.fresh_database(server.start() if server else url)
    try:
        yield database
    finally:
        postgres.drop_database(database)
        if server:
            server.stop()


def files_run(arguments) -> dict:
    """Inject into real files, load them, run the command, score."""
    model = anomaly_rosters.streams()
    sites = pick_sites(anomaly_rosters.township_months(model), each=arguments.each, seed=arguments.seed)
    folder = arguments.keep or Path(tempfile.mkdtemp(prefix="dibao-anomalies-"))
    folder.mkdir(parents=True, exist_ok=True)
    timings = {}
    try:
        started = time.perf_counter()
        files, done, rewritten = anomaly_rosters.write_injected(model, sites, folder / "rosters", seed=arguments.seed)
        timings["writing the roster files"] = time.perf_counter() - started
        with fresh_warehouse(arguments.url, arguments.postgres, folder) as url:
            started = time.perf_counter()
            load(url, files, progress=lambda said: print(said, file=sys.stderr))
            timings["loading counties, standards and rosters, approving"] = time.perf_counter() - started
            flags, timings["`dibao anomalies --json`"] = run_anomalies(url)
            backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        clean_flags, timings["`dibao anomalies --json` on the clean demo"] = run_anomalies(arguments.demo_url)
    finally:
        if arguments.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    years = {(roster.county, roster.program, int(roster.month[:4])) for roster in files} | {
        (site.county_code, site.program, site.month.year) for site in sites
    }
    result = score(flags, sites, years)
    demo_years = Counter(map(year_of, clean_flags))
    return {
        "mode": "files",
        "backend": backend,
        "seed": arguments.seed,
        "each": arguments.each,
        "files": len(files),
        "files_rewritten": rewritten,
        "done": done,
        "flags": flags,
        "flag_count": len(flags),
        "clean_demo_flags": len(clean_flags),
        "clean_demo_most_in_a_year": max(demo_years.items(), key=lambda item: item[1], default=(None, 0)),
        "county_years": len(years),
        "timings": timings,
        **result,
    }


# --- the series, in memory ----------------------------------------------------------------------


def inject_in_memory(series: pl.DataFrame, sites: list[Site]) -> pl.DataFrame:
    """The township series with the sites' anomalies, approximately as the files would carry them."""
    frame = series.clone()
    for site in sites:
        frame = _apply(frame, site)
    return frame


def _apply(frame: pl.DataFrame, site: Site) -> pl.DataFrame:
    if site.kind == "missing":
        slot = (pl.col("county_code") == site.county_code) & (pl.col("program") == site.program)
        return frame.filter(~(slot & (pl.col("month") == site.month)))
    same_series = pl.all_horizontal(pl.col(key) == getattr(site, key) for key in KEYS)
    at = same_series & (pl.col("month") == site.month)
    later = same_series & (pl.col("month") >= site.month)
    if site.kind == "typo":
        return frame.with_columns(amount=pl.when(at).then(pl.col("amount") * 10).otherwise(pl.col("amount")))
    if site.kind == "drop":
        return frame.with_columns(
            pl.when(later).then((pl.col(name) * (1 - DROP)).round(0).cast(dtype)).otherwise(pl.col(name))
            for name, dtype in (("households", pl.Int64), ("persons", pl.Int64), ("amount", pl.Float64))
        )
    if site.kind == "one_person":
        # ceil(JUMP × households) households of the township's average multi-person size become one person
        row = frame.filter(at).row(0, named=True)
        moved = math.ceil(JUMP * row["households"])
        lost = moved * (
            (row["persons"] - row["one_person_households"]) / (row["households"] - row["one_person_households"]) - 1
        )
        return frame.with_columns(
            one_person_households=pl.when(later)
            .then(pl.col("one_person_households") + moved)
            .otherwise(pl.col("one_person_households")),
            persons=pl.when(later)
            .then((pl.col("persons") - lost).round(0).cast(pl.Int64))
            .otherwise(pl.col("persons")),
            amount=pl.when(later).then(pl.col("amount") * (1 - lost / pl.col("persons"))).otherwise(pl.col("amount")),
        )
    before = frame.filter(same_series & (pl.col("month") < site.month)).sort("month").tail(12)
    extra = max(INTAKE_LEAST, math.ceil(INTAKE_TIMES * (before["new_households"].median() or 0)))
    return frame.with_columns(
        households=pl.when(later).then(pl.col("households") + extra).otherwise(pl.col("households")),
        persons=pl.when(later).then(pl.col("persons") + 2 * extra).otherwise(pl.col("persons")),
        new_households=pl.when(at).then(pl.col("new_households") + extra).otherwise(pl.col("new_households")),
    )


def memory_run(arguments) -> list[dict]:
    """Inject into the demo warehouse's series in memory and judge them with each tuning."""
    series = read.township_months(make_engine(arguments.demo_url))
    sites = pick_sites(series, each=arguments.each, seed=arguments.seed)
    injected = inject_in_memory(series, sites)
    years = {(c, p, m.year) for c, p, m in series.select("county_code", "program", "month").unique().rows()}
    tunings = [Tuning()]
    if arguments.grid:
        grid = itertools.product((4.0, 6.0, 8.0), (0.02, 0.03), (0.10, 0.15), (3, 5, 10), (4.0, 5.0, 6.0))
        tunings += [
            dataclasses.replace(Tuning(), z=z, spread_floor=f, least_change=c, least_count=n, spike_z=s)
            for z, f, c, n, s in grid
        ]
    results = []
    for tuning in tunings:
        flags = words(detect(injected, tuning), county_names={}, program_words=PROGRAM_WORDS).rows(named=True)
        result = score(flags, sites, years)
        results.append(
            {"tuning": dataclasses.asdict(tuning), "clean_demo_flags": detect(series, tuning).height, **result}
        )
    return results


# --- reporting ----------------------------------------------------------------------------------


def files_markdown(run: dict) -> str:
    lines = [
        f"Seed {run['seed']}, {run['backend']}: {run['injected']} anomalies injected ({run['each']} of each of "
        f"{', '.join(KINDS)}) into {run['files']} roster files ({run['files_rewritten']} written anew); sites in "
        f"townships of at least {MIN_HOUSEHOLDS} households with 13 months of history before them; "
        f"{run['flag_count']} flags.",
        "",
        "| kind | injected | found | recall |",
        "| --- | ---: | ---: | ---: |",
        *(
            f"| {kind} | {total} | {found} | {found / total:.0%} |"
            for kind, (found, total) in run["by_kind"].items()
            if total
        ),
        f"| **all** | {run['injected']} | {run['found']} | {run['found'] / run['injected']:.0%} |",
        "",
        "| clean county × programme × years (first years) | false flags | per clean year | most in one | "
        "other flags in injected years |",
        "| ---: | ---: | ---: | ---: | ---: |",
        f"| {run['clean_years']} ({run['clean_first_years']}) | {len(run['false_flags'])} | {_per_year(run)} | "
        f"{run['most_false_in_a_clean_year']} | {len(run['other_in_injected_years'])} |",
        "",
        f"The clean demo: {run['clean_demo_flags']} flags in {run['county_years']} county × programme × years "
        f"({run['clean_demo_flags'] / run['county_years']:.2f} a year; most in one: {_most(run)}).",
        "",
        "| step | s |",
        "| --- | ---: |",
        *(f"| {step} | {seconds:.1f} |" for step, seconds in run["timings"].items()),
        "",
        "| kind | county | programme | township | month | what was done | found | the flag's sentence |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for outcome in run["outcomes"]:
        site = outcome["site"]
        found = "yes" if outcome["found"] else ("**no** (a flag without words)" if outcome["wordless"] else "**no**")
        lines.append(
            f"| {site.kind} | {site.county_code} | {site.program} | {site.township or '—'} | {site.month:%Y-%m} | "
            f"{run['done'][site]} | {found} | {outcome['words'] or ''} |"
        )
    misses = [outcome["site"] for outcome in run["outcomes"] if not outcome["found"]]
    for site in misses:
        near = [flag for flag in run["flags"] if _near(flag, site)]
        lines += ["", f"Missed {site.label()}: flags of that series within a month:"]
        lines += [f"- {flag['month']:%Y-%m} {flag['measure']} {flag['method']}: {flag['words']}" for flag in near] or [
            "- none"
        ]
    if run["false_flags"]:
        lines += ["", "False flags (clean county × programme × years):"]
        lines += [
            f"- {flag['county_code']} {flag['program']} {flag['measure']} {flag['method']}: {flag['words']}"
            for flag in run["false_flags"]
        ]
    return "\n".join(lines)


def _near(flag: dict, site: Site) -> bool:
    if (flag["county_code"], flag["program"]) != (site.county_code, site.program):
        return False
    months = abs((flag["month"].year - site.month.year) * 12 + flag["month"].month - site.month.month)
    return months <= 1 and (site.kind == "missing" or flag["township"] == site.township)


def _most(run: dict) -> str:
    where, count = run["clean_demo_most_in_a_year"]
    return f"{count}, {' '.join(map(str, where))}" if where else "0"


def _per_year(run: dict) -> str:
    return "—" if run["false_per_clean_year"] is None else f"{run['false_per_clean_year']:.2f}"


def files_json(run: dict) -> dict:
    def site_json(site: Site) -> dict:
        return dataclasses.asdict(site) | {"month": f"{site.month:%Y-%m}", "done": run["done"][site]}

    def flag_json(flag: dict) -> dict:
        return flag | {"month": f"{flag['month']:%Y-%m}"}

    return {
        "mode": "files",
        "backend": run["backend"],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "seed": run["seed"],
        "injected": run["injected"],
        "found": run["found"],
        "recall": {kind: {"found": found, "injected": total} for kind, (found, total) in run["by_kind"].items()},
        "sites": [
            site_json(o["site"]) | {"found": o["found"], "words": o["words"], "wordless": o["wordless"]}
            for o in run["outcomes"]
        ],
        "clean_years": run["clean_years"],
        "clean_first_years": run["clean_first_years"],
        "false_flags": [flag_json(flag) for flag in run["false_flags"]],
        "false_per_clean_year": run["false_per_clean_year"],
        "most_false_in_a_clean_year": run["most_false_in_a_clean_year"],
        "other_in_injected_years": [flag_json(flag) for flag in run["other_in_injected_years"]],
        "flag_count": run["flag_count"],
        "clean_demo_flags": run["clean_demo_flags"],
        "clean_demo_most_in_a_year": run["clean_demo_most_in_a_year"],
        "county_years": run["county_years"],
        "files": run["files"],
        "files_rewritten": run["files_rewritten"],
        "seconds": run["timings"],
    }


def memory_markdown(results: list[dict], arguments) -> str:
    lines = [
        f"In memory, seed {arguments.seed}: {results[0]['injected']} injected "
        f"({arguments.each} of each of {', '.join(KINDS)})",
        "| z | floor | least change | least count | spike z | recall | missed | false | per clean year | demo |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in results:
        t = r["tuning"]
        missed = [o["site"].label() for o in r["outcomes"] if not o["found"]]
        lines.append(
            f"| {t['z']} | {t['spread_floor']} | {t['least_change']} | {t['least_count']} | {t['spike_z']} | "
            f"{r['found'] / r['injected']:.0%} | {', '.join(missed[:3])} | {len(r['false_flags'])} | "
            f"{_per_year(r)} | {r['clean_demo_flags']} |"
        )
    return "\n".join(lines)


def memory_json(results: list[dict]) -> list[dict]:
    return [
        {
            "tuning": r["tuning"],
            "recall": r["found"] / r["injected"],
            "missed": [o["site"].label() for o in r["outcomes"] if not o["found"]],
            "false_flags": len(r["false_flags"]),
            "false_per_clean_year": r["false_per_clean_year"],
            "clean_demo_flags": r["clean_demo_flags"],
        }
        for r in results
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--each", type=int, default=5, help="anomalies of every kind (5 kinds)")
    parser.add_argument("--url", help="a PostgreSQL server: the warehouse is a new database on it, dropped after")
    parser.add_argument(
        "--postgres", action="store_true", help="start a throwaway PostgreSQL server (tests/postgres.py)"
    )
    parser.add_argument("--demo-url", default=DEMO_URL, help="the clean demo warehouse (default data/warehouse.db)")
    parser.add_argument("--keep", type=Path, help="write the files and the SQLite warehouse here, and keep them")
    parser.add_argument("--in-memory", action="store_true", help="inject into the series in memory instead of files")
    parser.add_argument("--grid", action="store_true", help="with --in-memory: try the main thresholds")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args()
    if arguments.grid and not arguments.in_memory:
        parser.error("--grid needs --in-memory")
    require_demo(arguments.demo_url)
    if arguments.in_memory:
        results = memory_run(arguments)
        print(
            json.dumps(memory_json(results), ensure_ascii=False)
            if arguments.json
            else memory_markdown(results, arguments)
        )
        return
    run = files_run(arguments)
    print(json.dumps(files_json(run), ensure_ascii=False, indent=2) if arguments.json else files_markdown(run))


if __name__ == "__main__":
    main()
