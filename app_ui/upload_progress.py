"""How far a large upload has got, on the 上传 page while it is read, checked and stored.

A file done within half a second shows nothing; a larger one shows the step and its rows,
with a bar once the number of rows is known (checking and storing), so a person waiting
for a million-row roster sees it move rather than a page that looks stuck.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from app_ui.i18n import tr
from loaders.progress import READ, STEP_WORDS, Progress

QUIET_SECONDS = 0.5


@contextmanager
def shown(total_rows: int | None = None) -> Iterator[Progress]:
    """A progress listener for the loaders, drawing in one place on the page, cleared on leaving."""
    place = st.empty()
    started = time.monotonic()
    known = {"rows": total_rows}

    def progress(step: str, rows: int) -> None:
        if step != READ and known["rows"] is None:
            known["rows"] = rows  # once read, every later step counts the same rows
        if time.monotonic() - started < QUIET_SECONDS:
            return
        chinese, english = STEP_WORDS[step]
        words = tr(f"{chinese}：{rows:,} 行", f"{english}: {rows:,} rows")
        total = known["rows"]
        if step == READ or not total:
            place.info(words, icon=":material/hourglass_top:")
        else:
            place.progress(min(rows / total, 1.0), text=words)

    try:
        yield progress
    finally:
        place.empty()
