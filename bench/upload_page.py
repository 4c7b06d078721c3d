"""A million-row roster through the 上传 page, in headless Chromium: how long until its report, how long to store.

    .venv/bin/python bench/upload_page.py [--rows 1000000] [--shots DIR]

A fresh embedded warehouse with the county registry and one administrator; the app under
`streamlit run` (tests/browser/server.py); a messy roster CSV (bench/rosters.py) whose title names
the county, month and programme. The browser picks the file, waits for the validation report,
confirms and waits for 「已入库」, screenshotting the progress on the way (upload_progress.png, taken
while the page runs, by design) and the finished report (upload_report.png).
Prints the seconds of each step; exits non-zero if the page shows an exception or never finishes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access.accounts import add_user  # noqa: E402
from bench.rosters import households, write_messy  # noqa: E402
from loaders.counties import ingest_counties  # noqa: E402
from tests.browser.server import chromium, running_app  # noqa: E402
from warehouse.db import open_warehouse  # noqa: E402

PASSWORD = "upload-bench-password"
WAIT_MS = 600_000


def write_roster(path: Path, rows: int) -> None:
    """Qufu's rural roster of 2023-01, its title naming all three."""
    write_messy(path, households(rows), county="曲阜市")


def prepare(folder: Path) -> str:
    os.environ["DIBAO_WAREHOUSE_URL"] = url = f"sqlite:///{folder / 'warehouse.db'}"
    os.environ.setdefault("DIBAO_ID_KEY", "bench-key-not-a-secret-0123456789")
    engine = open_warehouse()
    ingest_counties(engine, ROOT / "demo" / "seeds" / "counties.csv", user="bench")
    add_user(engine, username="bench", role="admin", password=PASSWORD, by="bench")
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shots", type=Path, default=ROOT / "docs" / "screenshots")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "曲阜市2023年1月农村低保发放明细.csv"
        write_roster(roster, options.rows)
        megabytes = roster.stat().st_size / 2**20
        with running_app(prepare(Path(folder))) as url, sync_playwright() as playwright:
            browser = chromium(playwright)
            page = browser.new_page(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
            page.goto(f"{url}/upload")
            page.get_by_label("用户名").fill("bench")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_text("月度发放名册").first.wait_for(timeout=WAIT_MS)
            started = time.perf_counter()
            page.locator("input[type=file]").set_input_files(str(roster))
            page.get_by_text("读取并校验").first.wait_for(timeout=WAIT_MS)
            page.screenshot(path=str(options.shots / "upload_progress.png"))
            page.get_by_role("button", name="确认入库").wait_for(timeout=WAIT_MS)
            checked = time.perf_counter()
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT_MS)
            page.screenshot(path=str(options.shots / "upload_report.png"), full_page=True)
            page.get_by_role("button", name="确认入库").click()
            page.get_by_text("已入库").first.wait_for(timeout=WAIT_MS)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=WAIT_MS)
            stored = time.perf_counter()
            if page.locator('[data-testid="stException"]').count():
                raise SystemExit(page.locator("body").inner_text()[:2000])
            browser.close()
    print(
        f"{options.rows:,} rows ({megabytes:.0f} MB): chosen → report {checked - started:.1f} s, "
        f"confirm → 已入库 {stored - checked:.1f} s"
    )


if __name__ == "__main__":
    main()
