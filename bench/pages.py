"""Benchmark: every page at county scale and at national scale, its warehouse reads and its AppTest render.

    .venv/bin/python bench/pages.py [--backend sqlite|postgres] [--counties 2800] [--years 10] [--runs 5]

Two warehouses are built with `dibao demo`: county scale is the normal demo (the five seed
places, 2019–2024, rosters through the real loaders); national scale is the same plus
`--counties 2800 --years 10` (2,800 synthetic counties, 2015–2024, demo/scale.py). Each page
is then opened with Streamlit's AppTest, logged in as an administrator, with its caches
cleared (a cold page, as after an upload), in two views:

- one county: the link `?county=370881&year=2023` (曲阜 in 2023), the same question at both
  scales, which the target is about (a page's reads must not grow with the warehouse);
- default: no link, the sidebar's own choice of counties, the view a person opening the app gets.

For each page and view: the median time spent in the read API (`warehouse.read`, outermost
calls only, timed by wrapping its functions), of which in the reads of the registry and of the
span of years (`county_names`, `years`: the sidebar of every page), and the median wall time of the
AppTest run. The default view differs between the scales (the five seed counties; of 2,805,
the first 20): it is there to show what a person opening the app waits for, not to compare.
Prints Markdown. `--keep DIR` keeps the SQLite warehouses in DIR and reuses them next time.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # AppTest resolves page paths from the working folder
os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"  # AppTest outside `streamlit run` warns on every cached call

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.ingest import ID_KEY  # noqa: E402
from tests import postgres  # noqa: E402
from tests.pages.apptest import ADMIN, seat  # noqa: E402
from warehouse import read  # noqa: E402
from warehouse.settings import get_settings  # noqa: E402

PAGES = {
    "总览 overview": "app_pages/dashboard/overview.py",
    "保障人数 recipients": "app_pages/dashboard/recipients.py",
    "保障标准 standards": "app_pages/dashboard/standards.py",
    "按时发放 on time": "app_pages/dashboard/on_time.py",
    "指标得分 scores": "app_pages/performance/scores.py",
    "等级趋势 grades": "app_pages/performance/grades.py",
    "评分 scoring": "app_pages/performance/scoring.py",
    "上传 upload": "app_pages/data/upload.py",
    "数据问题 findings": "app_pages/data/findings.py",
    "账户 users": "app_pages/admin/users.py",
    "审计 audit": "app_pages/admin/audit.py",
    "县区 registry": "app_pages/admin/registry.py",
}
VIEWS = {"one county": {"county": "370881", "year": "2023"}, "default": {}}
SIDEBAR = {"county_names", "years"}  # what the sidebar of every page reads: the registry and the span of years


class ReadClock:
    """Wraps every public function of warehouse.read; adds up the time of the outermost calls, and
    separately the part of it spent in the sidebar's reads."""

    def __init__(self) -> None:
        self.seconds = self.sidebar = 0.0
        self._depth = 0
        for name, function in inspect.getmembers(read, inspect.isfunction):
            if function.__module__ == read.__name__ and not name.startswith("_"):
                setattr(read, name, self._timed(function))

    def _timed(self, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    elapsed = time.perf_counter() - started
                    self.seconds += elapsed
                    if function.__name__ in SIDEBAR:
                        self.sidebar += elapsed

        return timed


def dibao(url: str, *arguments: str) -> float:
    started = time.perf_counter()
    environment = os.environ | {"DIBAO_WAREHOUSE_URL": url, "DIBAO_ID_KEY": ID_KEY, "DIBAO_USER": "bench"}
    if url.startswith("sqlite"):
        environment.pop("DIBAO_ID_KEY")  # the embedded warehouse keeps its key beside the file
    subprocess.run([str(ROOT / ".venv/bin/dibao"), *arguments], env=environment, check=True, capture_output=True)
    return time.perf_counter() - started


@contextmanager
def warehouses(backend: str, counties: int, years: int, keep: Path | None):
    """The URLs of the county-scale and national-scale warehouses, built unless kept from an earlier run."""
    server = None
    scale = ["demo", "--counties", str(counties), "--years", str(years)]
    try:
        if backend == "postgres":
            server = postgres.Server()
            admin = server.start()
            county, national = postgres.fresh_database(admin), postgres.fresh_database(admin)
            build = {"county": dibao(county, "demo"), "national": dibao(national, *scale)}
        else:
            folder = keep or Path(tempfile.mkdtemp(prefix="dibao-pages-"))
            folder.mkdir(parents=True, exist_ok=True)
            county, national = f"sqlite:///{folder / 'county.db'}", f"sqlite:///{folder / 'national.db'}"
            build = {}
            if not (folder / "county.db").exists():
                build["county"] = dibao(county, "demo")
            if not (folder / "national.db").exists():
                shutil.copyfile(folder / "county.db", folder / "national.db")
                shutil.copyfile(folder / "county.idkey", folder / "national.idkey")
                build["national"] = dibao(national, *scale)
        yield {"county": county, "national": national}, build
    finally:
        if server is not None:
            server.stop()
        elif keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def open_page(url: str, page: str, query: dict[str, str], clock: ReadClock) -> tuple[float, float, float]:
    """(seconds in the read API, of which in the sidebar's, seconds of the AppTest run) for one cold opening."""
    os.environ["DIBAO_WAREHOUSE_URL"] = url
    if url.startswith("sqlite"):
        os.environ.pop("DIBAO_ID_KEY", None)  # beside the file
    else:
        os.environ["DIBAO_ID_KEY"] = ID_KEY
    get_settings.cache_clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state["account"] = seat(ADMIN)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()  # the landing page, so that the timed run below is the page alone
    st.cache_data.clear()
    clock.seconds = clock.sidebar = 0.0
    started = time.perf_counter()
    app.switch_page(page).run()
    seconds = time.perf_counter() - started
    if app.exception:
        raise RuntimeError(f"{page} failed: {app.exception[0].message}")
    return clock.seconds, clock.sidebar, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--counties", type=int, default=2800)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="SQLite only: keep (and reuse) the warehouses in this folder")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), help="page names (default: every page)")
    arguments = parser.parse_args()
    clock = ReadClock()
    with warehouses(arguments.backend, arguments.counties, arguments.years, arguments.keep) as (urls, build):
        results = {}
        for page in arguments.pages:
            for view, query in VIEWS.items():
                for scale, url in urls.items():
                    open_page(url, PAGES[page], query, clock)  # not counted: the first opening imports and compiles
                    runs = [open_page(url, PAGES[page], query, clock) for _ in range(arguments.runs)]
                    results[page, view, scale] = tuple(statistics.median(times) for times in zip(*runs, strict=True))
                    print(f"{page} · {view} · {scale}: {results[page, view, scale]}", file=sys.stderr)
    report(arguments, results, build)


def report(arguments, results: dict, build: dict[str, float]) -> None:
    print(
        f"{arguments.backend}, {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; median of {arguments.runs} cold openings; national = county scale + "
        f"{arguments.counties:,} synthetic counties × {arguments.years} years"
    )
    for scale, seconds in build.items():
        print(f"built the {scale}-scale warehouse in {seconds:.0f} s")
    print()
    print(
        "| page | view | reads ms, county | national | ratio | of which sidebar ms, county | national "
        "| the page's own ratio | AppTest s, county | national |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for page in arguments.pages:
        for view in VIEWS:
            county_reads, county_sidebar, county_run = results[page, view, "county"]
            national_reads, national_sidebar, national_run = results[page, view, "national"]
            own_county, own_national = county_reads - county_sidebar, national_reads - national_sidebar
            own = f"{own_national / own_county:.2f}×" if own_county >= 0.001 else "– (none)"  # under 1 ms: noise
            print(
                f"| {page} | {view} | {county_reads * 1000:,.1f} | {national_reads * 1000:,.1f} "
                f"| {national_reads / county_reads:.2f}× "
                f"| {county_sidebar * 1000:,.1f} | {national_sidebar * 1000:,.1f} "
                f"| {own} | {county_run:.2f} | {national_run:.2f} |"
            )


if __name__ == "__main__":
    main()
