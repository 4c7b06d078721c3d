"""Which client for the load test: headless Chromium or the app's own websocket protocol (tests/wire.py)?

    .venv/bin/python bench/load_fidelity.py [--rounds 3] [--keep DIR]

One leadership session opens the same pages in the same order, first in Debian's Chromium (Playwright,
clicking the sidebar's links, a page done when Streamlit's running sign has gone and the page's title shows),
then over the websocket protocol. For each: the wall time per page view, the processor time the server spent
per view (the same work, if the protocol client is faithful), and the processor time the client spent per
view (what N such sessions cost a two-core machine that also runs the server).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench import load_mix  # noqa: E402
from bench.load_servers import AppProcesses, Warehouse  # noqa: E402
from tests.browser.server import chromium  # noqa: E402
from tests.wire import Wire  # noqa: E402

PAGES = ["recipients", "on_time", "standards", "scores", "grades", ""]  # url paths; "" is 总览


def browser_seconds() -> float:
    """Processor time of every Chromium process now running (the browser and its renderers)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0.0
    found = subprocess.run(["pgrep", "-f", "chromium"], capture_output=True, text=True).stdout.split()
    for pid in found:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def in_chromium(url: str, rounds: int, app: AppProcesses) -> dict:
    times: list[float] = []
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        tab = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        tab.goto(url)
        tab.get_by_label("用户名").fill("load-single")
        tab.get_by_label("密码").fill(load_mix.PASSWORD)
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("已登录").first.wait_for(timeout=60_000)
        running = tab.locator('[data-testid="stStatusWidget"]')
        server, client = app.cpu_seconds(), browser_seconds()
        for _ in range(rounds):
            for page in PAGES:
                title = load_mix.TITLES[page]
                started = time.monotonic()
                tab.get_by_role("link", name="总览" if page == "" else title, exact=True).first.click()
                tab.get_by_role("heading", name=title).first.wait_for(timeout=60_000)
                running.wait_for(state="hidden", timeout=60_000)
                times.append(time.monotonic() - started)
        server, client = app.cpu_seconds() - server, browser_seconds() - client
        browser.close()
    return {"times": times, "server_cpu": server / len(times), "client_cpu": client / len(times)}


async def over_the_wire(url: str, rounds: int, app: AppProcesses) -> dict:
    wire, times = Wire(url), []
    await wire.open()
    await wire.log_in("load-single", load_mix.PASSWORD)
    server, client = app.cpu_seconds(), time.process_time()
    for _ in range(rounds):
        for page in PAGES:
            times.append((await wire.rerun(page=page)).seconds)
    server, client = app.cpu_seconds() - server, time.process_time() - client
    await wire.close()
    return {"times": times, "server_cpu": server / len(times), "client_cpu": client / len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dibao-fidelity-") as folder:
        with Warehouse("sqlite", Path(folder), keep=options.keep) as warehouse:
            warehouse.add_accounts([load_mix.Person(-1, "load-single", "viewer")], load_mix.PASSWORD)
            with AppProcesses(warehouse, 1, Path(folder)) as app:
                asyncio.run(over_the_wire(app.url, 1, app))  # warm the caches for both
                browser = in_chromium(app.url, options.rounds, app)
                wire = asyncio.run(over_the_wire(app.url, options.rounds, app))
    print("| client | page views | median s | max s | server CPU s a view | client CPU s a view |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, found in (("Chromium (Playwright)", browser), ("websocket protocol (tests/wire.py)", wire)):
        print(
            f"| {name} | {len(found['times'])} | {statistics.median(found['times']):.3f} | {max(found['times']):.3f} "
            f"| {found['server_cpu']:.3f} | {found['client_cpu']:.3f} |"
        )


if __name__ == "__main__":
    main()
