"""Load test: many people in the app at once, as around the 25th of a month.

    python bench/load.py --sessions 20 --duration 60 [--uploads 2] [--json]
                         [--backend sqlite|postgres] [--processes 1] [--think 1 4] [--keep DIR]

The demo warehouse is built with `dibao demo` (or taken from `--keep DIR`), copied fresh for the run, given
one account per session, and served by `streamlit run app.py` on 127.0.0.1 (`--processes 2`: two app processes
behind nginx with sticky sessions, as docs/scale.md deploys them, over one PostgreSQL). Sessions speak the
app's own websocket protocol (tests/wire.py); what each does is bench/load_mix.py.

1. Warm-up: one session opens every page once in each app process (a server that has run since morning has its
   caches filled).
2. Single: one leadership session reads pages alone for `--single` seconds (a third of `--duration` by default).
3. Load: `--sessions` sessions start within the first few seconds and read for `--duration` seconds; `--uploads`
   of them are evaluators of 曲阜市 uploading the next month's roster and approving each other's months.

Reported: render times per page (median, p95, max) in both phases; `p95_s` and `single_p95_s` are over the
page reads (uploads and approvals are listed apart: they store thousands of rows). Errors are red boxes,
refused requests, broken connections, runs not finished within two minutes and uploads not stored;
exceptions are tracebacks on a page or in the server's log. Memory is the app processes' resident set.
With `--json` the figures go to stdout as JSON (keys: sessions, p95_s, single_p95_s, errors, exceptions,
rss_mib and more) and the tables to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():  # `python bench/load.py` from a fresh clone
    if not VENV_PYTHON.exists():
        import subprocess

        subprocess.run([str(ROOT / "scripts" / "setup")], check=True)
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from contextlib import ExitStack  # noqa: E402

sys.path.insert(0, str(ROOT))

from bench import load_mix  # noqa: E402
from bench.load_servers import AppProcesses, Warehouse  # noqa: E402
from tests.wire import Wire, WireError  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))] if ordered else 0.0


def figures(views: list[load_mix.View]) -> dict:
    seconds = [view.seconds for view in views]
    if not seconds:
        return {"views": 0, "median_s": 0.0, "p95_s": 0.0, "max_s": 0.0}
    return {
        "views": len(seconds),
        "median_s": round(statistics.median(seconds), 3),
        "p95_s": round(percentile(seconds, 0.95), 3),
        "max_s": round(max(seconds), 3),
    }


def by_page(views: list[load_mix.View]) -> dict[str, dict]:
    pages: dict[str, list[load_mix.View]] = {}
    for view in views:
        pages.setdefault(view.page.split(" · ")[0], []).append(view)
    return {page: figures(found) for page, found in sorted(pages.items(), key=lambda item: -len(item[1]))}


async def session(url: str, person: load_mix.Person, tally: load_mix.Tally, **how) -> None:
    """One person's session; what breaks it is an error of the run, not of the benchmark."""
    wire = Wire(url)
    try:
        if person.role == "uploader":
            await load_mix.uploader(wire, person, tally, **how)
        else:
            await load_mix.reader(wire, person, tally, until=how["until"], think=how["think"])
    except (WireError, OSError) as broken:
        tally.errors.append(f"session {person.index} ({person.username}): {type(broken).__name__}: {broken}")
    finally:
        await wire.close()


async def warm_up(url: str, person: load_mix.Person, tally: load_mix.Tally) -> None:
    wire = Wire(url)
    try:
        await load_mix.reader(wire, person, tally, until=0, think=(0, 0))
        for page in load_mix.TITLES:
            if page in wire.pages:
                await wire.rerun(page=page)
    finally:
        await wire.close()


async def phase(url: str, people: list[load_mix.Person], seconds: float, options, folder: Path) -> load_mix.Tally:
    """Every person's session at once, started over the first few seconds, until `seconds` have passed."""
    tally = load_mix.Tally()
    ramp = min(10.0, seconds / 4) if len(people) > 1 else 0.0
    until = time.monotonic() + seconds
    months = load_mix.Months()

    async def started(index: int, person: load_mix.Person) -> None:
        await asyncio.sleep(ramp * index / len(people))
        await session(url, person, tally, until=until, think=tuple(options.think), months=months, folder=folder)

    await asyncio.gather(*(started(index, person) for index, person in enumerate(people)))
    return tally


def people(sessions: int, uploads: int, counties: list[str]) -> list[load_mix.Person]:
    """Uploaders first (evaluators of 曲阜市, in pairs), then readers: every third an evaluator of a county."""
    found = [load_mix.Person(i, f"load-up{i}", "uploader", load_mix.UPLOAD_COUNTY) for i in range(uploads)]
    for i in range(uploads, sessions):
        if i % 3 == 2:
            found.append(load_mix.Person(i, f"load-ev{i}", "evaluator", counties[i % len(counties)]))
        else:
            found.append(load_mix.Person(i, f"load-lead{i}", "viewer"))
    return found


def report(title: str, tally: load_mix.Tally) -> str:
    reads = [view for view in tally.views if not view.uploading]
    rows = [f"**{title}**", "", "| page | views | median s | p95 s | max s |", "| --- | ---: | ---: | ---: | ---: |"]

    def row(page: str, shown: dict) -> str:
        return f"| {page} | {shown['views']} | {shown['median_s']} | {shown['p95_s']} | {shown['max_s']} |"

    rows += [row(page, shown) for page, shown in by_page(reads).items()]
    rows.append(row("**every page read**", figures(reads)))
    storing = by_page([view for view in tally.views if view.uploading])
    rows += [row(f"{step} (storing)", shown) for step, shown in storing.items()]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds of the load phase")
    parser.add_argument("--uploads", type=int, default=0, help="how many of the sessions upload and approve")
    parser.add_argument("--single", type=float, default=None, help="seconds of the single session (duration/3)")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0), help="pause between steps, seconds")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, default=1, help="app processes (more than 1: behind nginx)")
    parser.add_argument("--keep", type=Path, help="keep the demo warehouse built here and reuse it next time")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout, tables on stderr")
    options = parser.parse_args()
    if options.uploads > options.sessions:
        parser.error("--uploads counts sessions: it cannot exceed --sessions")
    out = sys.stderr if options.json else sys.stdout

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="dibao-load-")))
        warehouse = stack.enter_context(Warehouse(options.backend, folder, keep=options.keep))
        cast = people(options.sessions, options.uploads, warehouse.counties)
        warehouse.add_accounts([*cast, load_mix.Person(-1, "load-single", "viewer")], load_mix.PASSWORD)
        app = stack.enter_context(AppProcesses(warehouse, options.processes, folder))
        print(f"warehouse: {options.backend}, built in {warehouse.build_seconds:.0f} s; app at {app.url}", file=out)

        warm = load_mix.Tally()
        for url in app.direct:  # every process: behind the proxy a session stays on the one it first reached
            asyncio.run(warm_up(url, load_mix.Person(-1, "load-single", "viewer"), warm))
        baseline = app.memory.now()
        single_seconds = options.single if options.single is not None else options.duration / 3
        app.memory.reset()
        alone = [load_mix.Person(-1, "load-single", "viewer")]
        single = asyncio.run(phase(app.url, alone, single_seconds, options, folder))
        single_rss = app.memory.peak
        app.memory.reset()
        cpu_before = app.cpu_seconds()
        loaded = asyncio.run(phase(app.url, cast, options.duration, options, folder))
        server_cpu = app.cpu_seconds() - cpu_before
        load_rss = app.memory.peak
        tracebacks = app.tracebacks()
        if options.keep:
            for log in app.logs:
                shutil.copyfile(log, options.keep / log.name)

    reads, single_reads = [v for v in loaded.views if not v.uploading], single.views
    many, alone = figures(reads), figures(single_reads)
    result = {
        "sessions": options.sessions,
        "uploads": options.uploads,
        "backend": options.backend,
        "processes": options.processes,
        "duration_s": options.duration,
        "think_s": list(options.think),
        "p95_s": many["p95_s"],
        "single_p95_s": alone["p95_s"],
        "median_s": many["median_s"],
        "single_median_s": alone["median_s"],
        "max_s": many["max_s"],
        "views": many["views"],
        "single_views": alone["views"],
        "errors": len(loaded.errors) + len(single.errors) + len(warm.errors),
        "exceptions": len(loaded.exceptions) + len(single.exceptions) + len(warm.exceptions) + len(tracebacks),
        "rss_mib": round(load_rss, 1),
        "single_rss_mib": round(single_rss, 1),
        "baseline_rss_mib": round(baseline, 1),
        "rss_per_session_mib": round((load_rss - baseline) / max(options.sessions, 1), 2),
        "server_cpu_share": round(server_cpu / options.duration / (os.cpu_count() or 1), 2),
        "stored_uploads": loaded.uploads,
        "approved_months": loaded.approvals,
        "approvals_retried": loaded.approvals_retried,
        "pages": by_page(reads),
        "single_pages": by_page(single_reads),
        "storing": by_page([view for view in loaded.views if view.uploading]),
    }
    print(report(f"one session alone ({single_seconds:.0f} s)", single), file=out)
    print("", file=out)
    heading = f"{options.sessions} sessions, {options.uploads} uploading ({options.duration:.0f} s)"
    print(report(heading, loaded), file=out)
    print(
        f"\np95 {result['p95_s']} s against {result['single_p95_s']} s alone "
        f"({result['p95_s'] / max(result['single_p95_s'], 1e-9):.1f}×); errors {result['errors']}, exceptions "
        f"{result['exceptions']}; memory {baseline:.0f} MiB idle, {single_rss:.0f} MiB with one session, "
        f"{load_rss:.0f} MiB with {options.sessions} ({result['rss_per_session_mib']} MiB a session); "
        f"{loaded.uploads} rosters stored, {loaded.approvals} months approved; app processes used "
        f"{result['server_cpu_share']:.0%} of the machine's cores",
        file=out,
    )
    errors = loaded.errors + single.errors + warm.errors
    for line in errors[:10] + (loaded.exceptions + single.exceptions + warm.exceptions + tracebacks)[:10]:
        print(f"  ! {line}", file=out)
    if options.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
