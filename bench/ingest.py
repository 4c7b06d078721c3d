"""Benchmark: `dibao ingest roster` end to end against the obvious alternative and the floor.

    .venv/bin/python bench/ingest.py [--backend sqlite postgres] [--rows 1000000 4000000]
        [--rosters plain messy] [--runs 3] [--json FILE] [--profile]

    smoke test: .venv/bin/python bench/ingest.py --rows 20000 --runs 1

Two rosters of the same households (bench/rosters.py), written to a temporary folder:

- plain: what a new user tries first: a UTF-8 CSV, header row only, 7 columns, plain numbers;
- messy: a title row, 8 columns, amounts with thousands separators.

Three contenders load each into a fresh database (a new SQLite file, or a new database on a
throwaway PostgreSQL server on 127.0.0.1, tests/postgres.py), each in its own process so its
peak memory (/usr/bin/time %M) is its own:

- ours: `dibao ingest roster` (read, validate, hash ID numbers, findings, figures, store); the
  county registry is loaded first by another, untimed command, as it is part of the warehouse;
- pandas: `pandas.read_csv` + `DataFrame.to_sql`, what a team would write first (no validation);
- floor: polars reading the file plus one ADBC bulk write of its rows (no validation either).

Runs are interleaved (for each run, every size × roster × backend × contender), so a noisy minute
hurts every contender alike; the tables give the median time and the largest peak memory. Prints
Markdown: one table per backend × roster, the largest size against the smallest, and the targets
(the speed ones at the smallest size, set for 1M rows; the time bound for scaling is 4.2× for 4× the
rows, scaled to the sizes given). `--profile` runs ours once more with `--progress` and prints its
stage timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rosters import COUNTY, households, write_messy, write_plain  # noqa: E402
from bench.rosters import write_roster as write_roster  # noqa: E402  (re-exported: bench/crosscheck.py uses it)
from tests import postgres  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DIBAO = str(ROOT / ".venv" / "bin" / "dibao")
ID_KEY = "bench-key-not-a-secret-0123456789"
MONTH = "2023-01"  # the month bench/rosters.py writes by default

PANDAS = """
import sys, pandas as pd, sqlalchemy as sa
path, url, skip, id_column, thousands = sys.argv[1:]
frame = pd.read_csv(path, skiprows=int(skip), dtype={id_column: str}, thousands=thousands or None)
frame.to_sql("roster", sa.create_engine(url), index=False, chunksize=50_000)
"""
FLOOR = """
import sys, polars as pl
path, uri, skip, id_column = sys.argv[1:]
frame = pl.read_csv(path, skip_rows=int(skip), schema_overrides={id_column: pl.String})
frame.write_database("roster", uri, engine="adbc")
"""


@dataclass(frozen=True)
class RosterKind:
    name: str
    write: Callable[[Path, pl.DataFrame], None]
    title_rows: int  # rows above the header, for pandas and polars to skip
    id_column: str  # read as text, or the leading zeros and the X go
    thousands: str  # pandas' thousands separator, "" for none
    ingest_options: tuple[str, ...]  # what `dibao ingest roster` cannot read from the file


COUNTY_AND_PROGRAM = ("--county", COUNTY, "--program", "rural")  # no roster names its county; the plain, nothing
ROSTER_KINDS = {
    "plain": RosterKind("plain", write_plain, 0, "身份证号", "", (*COUNTY_AND_PROGRAM, "--month", MONTH)),
    "messy": RosterKind("messy", write_messy, 1, "身份证号码", ",", COUNTY_AND_PROGRAM),
}


@dataclass
class Backend:
    name: str
    new_database: Callable[[], str]  # a fresh, empty database → its SQLAlchemy URL
    drop_database: Callable[[str], None]  # so a long run does not fill the disk


def adbc_uri(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")  # sqlite:///… as it is


def sqlite_backend(workdir: Path) -> Backend:
    def new_database() -> str:
        folder = workdir / f"sqlite-{uuid.uuid4().hex[:12]}"  # its own folder: WAL and journal files go with it
        folder.mkdir()
        return f"sqlite:///{folder / 'warehouse.db'}"

    return Backend("sqlite", new_database, lambda url: shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent))


def postgres_backend(stack: ExitStack) -> Backend:
    server = postgres.Server()
    stack.callback(server.stop)
    server_url = server.start()
    return Backend("postgres", lambda: postgres.fresh_database(server_url), postgres.drop_database)


@contextmanager
def open_backends(names: list[str], workdir: Path) -> Iterator[list[Backend]]:
    with ExitStack() as stack:
        yield [sqlite_backend(workdir) if name == "sqlite" else postgres_backend(stack) for name in names]


def environment(url: str) -> dict[str, str]:
    return dict(os.environ, DIBAO_WAREHOUSE_URL=url, DIBAO_ID_KEY=ID_KEY)


def failed(command: list[str], done: subprocess.CompletedProcess[str]) -> SystemExit:
    return SystemExit(f"{' '.join(command[:4])} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def load_county_registry(env: dict[str, str]) -> None:
    command = [DIBAO, "ingest", "counties", str(ROOT / "demo" / "seeds" / "counties.csv")]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise failed(command, done)


def ours(roster: Path, kind: RosterKind, url: str, env: dict[str, str]) -> list[str]:
    load_county_registry(env)  # part of the warehouse, not of the timed upload
    return [DIBAO, "ingest", "roster", str(roster), *kind.ingest_options]


def pandas(roster: Path, kind: RosterKind, url: str, env: dict[str, str]) -> list[str]:
    return [PYTHON, "-c", PANDAS, str(roster), url, str(kind.title_rows), kind.id_column, kind.thousands]


def floor(roster: Path, kind: RosterKind, url: str, env: dict[str, str]) -> list[str]:
    return [PYTHON, "-c", FLOOR, str(roster), adbc_uri(url), str(kind.title_rows), kind.id_column]


CONTENDERS = {"ours": ours, "pandas": pandas, "floor": floor}


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    peaks_mib: list[float] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mib(self) -> float:
        return max(self.peaks_mib)


Case = tuple[str, str, int]  # backend, roster kind, rows


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak MiB of one command."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise failed(command, done)
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


def measure_once(contender: str, roster: Path, kind: RosterKind, backend: Backend) -> tuple[float, float]:
    url = backend.new_database()
    try:
        env = environment(url)
        return timed(CONTENDERS[contender](roster, kind, url, env), env)
    finally:
        backend.drop_database(url)


def profile(roster: Path, kind: RosterKind, backend: Backend) -> str:
    """Ours once more with `--progress`: its stage timings on stderr, if the flag is there yet."""
    url = backend.new_database()
    try:
        env = environment(url)
        load_county_registry(env)
        command = [DIBAO, "ingest", "roster", str(roster), *kind.ingest_options, "--progress"]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    finally:
        backend.drop_database(url)
    if done.returncode == 0:
        return done.stderr.strip() or "(nothing on stderr)"
    if "no such option" in done.stderr.lower():
        return "(no --progress flag)"
    return f"(failed, exit {done.returncode})\n{done.stderr[-2000:].strip()}"


def write_rosters(rows: int, kinds: list[RosterKind], workdir: Path) -> dict[str, Path]:
    """Every kind from the same households, so every contender stores the same people."""
    started = time.perf_counter()
    frame = households(rows)
    paths = {kind.name: workdir / f"roster-{kind.name}-{rows}.csv" for kind in kinds}
    for kind in kinds:
        kind.write(paths[kind.name], frame)
    log(f"wrote {rows:,}-row rosters in {time.perf_counter() - started:.1f} s")
    return paths


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure(
    options: argparse.Namespace, kinds: list[RosterKind], backends: list[Backend], workdir: Path
) -> tuple[dict[Case, dict[str, Samples]], dict[Case, str]]:
    rosters = {rows: write_rosters(rows, kinds, workdir) for rows in options.rows}
    measured = {  # in the order of the report: backend, roster, rows
        (backend.name, kind.name, rows): {contender: Samples() for contender in CONTENDERS}
        for backend in backends
        for kind in kinds
        for rows in options.rows
    }
    profiles: dict[Case, str] = {}
    for run in range(1, options.runs + 1):
        last = run == options.runs
        for rows in options.rows:
            for kind in kinds:
                roster = rosters[rows][kind.name]
                for backend in backends:
                    case = (backend.name, kind.name, rows)
                    for contender in CONTENDERS:
                        seconds, peak = measure_once(contender, roster, kind, backend)
                        measured[case][contender].seconds.append(seconds)
                        measured[case][contender].peaks_mib.append(peak)
                        log(f"run {run}/{options.runs} {' '.join(map(str, case))} {contender}: {seconds:.2f} s")
                    if last and options.profile:
                        profiles[case] = profile(roster, kind, backend)
                if last:
                    roster.unlink()  # this size is done: free the disk for the next
    return measured, profiles


SPEED_TARGETS = {"sqlite": [("pandas", 0.5)], "postgres": [("pandas", 0.33), ("floor", 3)]}  # set for 1M rows


@dataclass
class Target:
    backend: str
    roster: str
    what: str
    measured: float
    bound: float

    @property
    def verdict(self) -> str:
        over = self.measured / self.bound
        if over <= 1:
            return "met"
        return f"**missed** by {100 * (over - 1):.1f} %" if over < 2 else f"**missed**: {over:.1f}× the bound"


def speed_ratios(measured: dict[Case, dict[str, Samples]]) -> dict[Case, dict[str, float]]:
    return {
        case: {
            "ours_over_pandas": found["ours"].median_s / found["pandas"].median_s,
            "ours_over_floor": found["ours"].median_s / found["floor"].median_s,
        }
        for case, found in measured.items()
    }


def scaling(measured: dict[Case, dict[str, Samples]], sizes: list[int]) -> dict[tuple[str, str], dict[str, float]]:
    """Ours at the largest size against the smallest, per backend × roster."""
    small, large = min(sizes), max(sizes)
    if small == large:
        return {}
    pairs = dict.fromkeys((backend, roster) for backend, roster, _ in measured)
    return {
        pair: {
            "small_rows": small,
            "large_rows": large,
            "time_ratio": measured[(*pair, large)]["ours"].median_s / measured[(*pair, small)]["ours"].median_s,
            "peak_ratio": measured[(*pair, large)]["ours"].peak_mib / measured[(*pair, small)]["ours"].peak_mib,
        }
        for pair in pairs
    }


def targets(measured: dict[Case, dict[str, Samples]], sizes: list[int]) -> list[Target]:
    ratios, scaled = speed_ratios(measured), scaling(measured, sizes)
    small, large = min(sizes), max(sizes)
    time_bound = 4.2 / 4 * large / small  # 4.2× for 1M → 4M rows
    found = []
    for backend, roster, rows in measured:
        if rows != small:
            continue
        for other, bound in SPEED_TARGETS[backend]:
            measured_ratio = ratios[(backend, roster, rows)][f"ours_over_{other}"]
            found.append(Target(backend, roster, f"{rows:,} rows: ours ≤ {bound}× {other}", measured_ratio, bound))
        if (backend, roster) in scaled:
            growth, against = scaled[(backend, roster)], f"{large:,} rows against {small:,}"
            found += [
                Target(backend, roster, f"{against}: time ≤ {time_bound:.2f}×", growth["time_ratio"], time_bound),
                Target(backend, roster, f"{against}: peak memory ≤ 1.3×", growth["peak_ratio"], 1.3),
            ]
    return found


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, "
        f"Python {platform.python_version()}"
    )


def report(measured: dict[Case, dict[str, Samples]], profiles: dict[Case, str], options: argparse.Namespace) -> None:
    print(f"{machine()}; median of {options.runs} runs, interleaved\n")
    ratios = speed_ratios(measured)
    for backend in options.backend:
        for roster in options.rosters:
            print(f"### {backend}, {roster} roster\n")
            print("| rows | contender | median s | peak MiB | ours ÷ pandas | ours ÷ floor |")
            print("| ---: | --- | ---: | ---: | ---: | ---: |")
            for rows in options.rows:
                case = (backend, roster, rows)
                for name, found in measured[case].items():
                    cells = " | "
                    if name == "ours":
                        cells = f"{ratios[case]['ours_over_pandas']:.2f}× | {ratios[case]['ours_over_floor']:.2f}×"
                    print(f"| {rows:,} | {name} | {found.median_s:.2f} | {found.peak_mib:,.0f} | {cells} |")
            print()
    scaled = scaling(measured, options.rows)
    for (backend, roster), growth in scaled.items():
        print(
            f"- {backend}, {roster}: {growth['large_rows']:,} rows against {growth['small_rows']:,}: ours takes "
            f"{growth['time_ratio']:.2f}× the time and {growth['peak_ratio']:.2f}× the peak memory."
        )
    print("\n### Targets\n" if scaled else "### Targets\n")
    print("| backend | roster | target | measured | |")
    print("| --- | --- | --- | ---: | --- |")
    for target in targets(measured, options.rows):
        print(f"| {target.backend} | {target.roster} | {target.what} | {target.measured:.2f}× | {target.verdict} |")
    if profiles:
        print("\n### Profile (ours, `--progress`)")
        for (backend, roster, rows), text in profiles.items():
            print(f"\n{backend}, {roster}, {rows:,} rows:\n\n```\n{text}\n```")


def as_json(measured: dict[Case, dict[str, Samples]], profiles: dict[Case, str], options: argparse.Namespace) -> dict:
    ratios = speed_ratios(measured)
    return {
        "machine": machine(),
        "runs": options.runs,
        "results": [
            {
                "backend": backend,
                "roster": roster,
                "rows": rows,
                "contender": name,
                "median_s": found.median_s,
                "peak_mib": found.peak_mib,
                "seconds": found.seconds,
                "peaks_mib": found.peaks_mib,
            }
            for (backend, roster, rows), contenders in measured.items()
            for name, found in contenders.items()
        ],
        "ratios": [
            {"backend": backend, "roster": roster, "rows": rows, **found}
            for (backend, roster, rows), found in ratios.items()
        ],
        "scaling": [
            {"backend": backend, "roster": roster, **growth}
            for (backend, roster), growth in scaling(measured, options.rows).items()
        ],
        "targets": [
            {**vars(target), "met": target.measured <= target.bound} for target in targets(measured, options.rows)
        ],
        "profiles": [
            {"backend": backend, "roster": roster, "rows": rows, "stderr": text}
            for (backend, roster, rows), text in profiles.items()
        ],
    }


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 4_000_000])
    parser.add_argument("--rosters", nargs="+", choices=list(ROSTER_KINDS), default=list(ROSTER_KINDS))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write every median and ratio here")
    parser.add_argument("--profile", action="store_true", help="run ours once more with --progress, print stderr")
    options = parser.parse_args()
    for name in ("backend", "rows", "rosters"):  # each once, in the order given
        setattr(options, name, list(dict.fromkeys(getattr(options, name))))
    return options


def main() -> None:
    options = parse_options()
    kinds = [ROSTER_KINDS[name] for name in options.rosters]
    with tempfile.TemporaryDirectory(prefix="dibao-bench-") as folder:
        with open_backends(options.backend, Path(folder)) as backends:
            measured, profiles = measure(options, kinds, backends, Path(folder))
    report(measured, profiles, options)
    if options.json:
        options.json.write_text(json.dumps(as_json(measured, profiles, options), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
