"""How far a long upload has got, told to the 上传 page's progress bar and to `dibao ingest --progress`.

Loaders call `progress(step, rows)` after each chunk; they never know who listens.
"""

from __future__ import annotations

from collections.abc import Callable

READ = "read"  # rows read from the file and checked, value by value
CHECKED = "checked"  # rows through the findings and figures that need the month
STORED = "stored"  # rows written into the warehouse

Progress = Callable[[str, int], None]

STEP_WORDS = {  # (Chinese, English)
    READ: ("读取并校验", "Read and checked"),
    CHECKED: ("核对发现与汇总", "Findings and figures"),
    STORED: ("写入", "Written"),
}


def silent(step: str, rows: int) -> None:
    """The listener when nobody listens."""
