"""Waiting for a `streamlit run` the browser tests started."""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest


def wait_until_healthy(process: subprocess.Popen, url: str, *, seconds: float = 60) -> None:
    """Return once the app answers /_stcore/health; fail the test (and stop the app) if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.5)
    process.kill()
    pytest.fail(f"streamlit did not answer /_stcore/health within {seconds:.0f} s")
