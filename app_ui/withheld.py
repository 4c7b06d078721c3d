"""The line a page shows where small counts are withheld from the reader (warehouse.small_counts)."""

from __future__ import annotations

import polars as pl
import streamlit as st

from app_ui.i18n import tr
from warehouse.frames.withheld import HIDDEN, any_withheld
from warehouse.settings import get_settings

__all__ = ["HIDDEN", "note"]


def note(frame: pl.DataFrame | bool) -> None:
    """Say how withheld figures read, once, where `frame` has one (or where told so)."""
    if not (frame if isinstance(frame, bool) else any_withheld(frame)):
        return
    k = get_settings().min_cell
    st.caption(
        tr(
            f"🔒 小数保护：少于 {k} 户的数字显示为「<{k}」（可能为 0），为防止由合计推算而一并隐去的显示为「≥{k}」或"
            f"「{HIDDEN}」，含隐去部分的合计显示为「≥」下限。本县区评价人员和管理员可见真实数字。",
            f"🔒 Small counts: counts under {k} households show as «<{k}» (possibly none); counts hidden so that no "
            f"total gives them away show as «≥{k}» or «{HIDDEN}», and a total over a hidden part shows as «≥» its "
            "least. The county's evaluators and administrators see the true figures.",
        )
    )
