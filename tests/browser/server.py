"""The app under `streamlit run` and the headless Chromium that the browser tests drive."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(warehouse_url: str, *options: str, port: int | None = None) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1 (on `port`, else a free one) over the warehouse at `warehouse_url`,
    with more command-line `options`; its URL once it answers, and stopped afterwards."""
    port = port or free_port()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "streamlit"),
            "run",
            str(ROOT / "app.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            *options,
        ],
        cwd=ROOT,
        env=dict(os.environ, DIBAO_WAREHOUSE_URL=warehouse_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(process, url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def healthy(url: str, *, seconds: float) -> bool:
    """Whether the app (or a proxy in front of it) at `url` answers /_stcore/health within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return True
        except OSError:
            time.sleep(0.3)
    return False


def wait_until_healthy(process: subprocess.Popen, url: str, *, seconds: float = 60) -> None:
    """Return once the app answers /_stcore/health; fail the test (and stop the app) if it never does."""
    if not healthy(url, seconds=seconds):
        process.kill()
        pytest.fail(f"streamlit did not answer /_stcore/health within {seconds:.0f} s")


def chromium(playwright):
    """Debian's headless Chromium, launched through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
