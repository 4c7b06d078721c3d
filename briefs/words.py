"""Figures in the words a 民政局 reads: 2023年1月, 万元 with two decimals, 93.5%, +1.2%."""

from __future__ import annotations

import datetime as dt

from warehouse.frames.on_time import percent
from warehouse.vocabulary import KIND_WORDS, PROGRAM_WORDS

WAN = 10_000  # 元 in a 万元


def month_words(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def count_words(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{int(value):,}{unit}"


def wan_words(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f} 万元"


def rate_words(value: float | None, *, at_least: bool = False) -> str:
    """97.5%; with `at_least` a least value, rounded down and marked: 「≥99.9%」, never 「≥100.0%」."""
    if value is None:
        return "—"
    return f"≥{percent(value)}" if at_least else f"{value:.1%}"


def change_words(value: float | None) -> str:
    """A relative change with its sign; a minus sign, not a hyphen."""
    if value is None:
        return "—"
    return f"{value:+.1%}".replace("-", "−")


def program_words(program: str | None) -> str:
    return "农村、城市低保" if program is None else f"{PROGRAM_WORDS[program]}低保"


def kind_words(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def made_words(made_at: dt.datetime) -> str:
    return f"{made_at.year}年{made_at.month}月{made_at.day}日 {made_at:%H:%M}"


def source_words(source: str | None) -> str:
    """What a figure rests on, by the source of the rows it comes from."""
    return {
        "synthetic": "演示合成数据",
        "seed": "评价报告原文",
        "upload": "上传的名册或评分表",
    }.get(source or "", "—")
