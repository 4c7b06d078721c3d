"""A report's performance targets (绩效指标) read against their actuals, each by its own comparator.

A target is written as the report writes it — 「≥90%」, 「＝400元」, 「不低于8321人」, 「＞4次」 — and so is
its actual — 「60%」, 「400」, 「8210人」. `goal()` reads the comparator and the figure; a target in
words (「应保尽保」, 「有所提升」) has none and cannot be tested. A bare figure (「100%」) is read as a
level to reach (≥), the way target tables use it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rubrics.ranges import Test

_WORDS = (  # comparators written in words, longest first so 不低于 is not read as 低于
    ("不低于", ">="),
    ("不少于", ">="),
    ("不小于", ">="),
    ("至少", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不多于", "<="),
    ("不大于", "<="),
    ("至多", "<="),
    ("高于", ">"),
    ("大于", ">"),
    ("多于", ">"),
    ("超过", ">"),
    ("低于", "<"),
    ("小于", "<"),
    ("少于", "<"),
)
_SIGNS = {"≥": ">=", "≤": "<=", ">=": ">=", "<=": "<=", ">": ">", "<": "<", "=": "="}
_GOAL = re.compile(r"^(≥|≤|>=|<=|>|<|=)?\s*(-?\d[\d,]*(?:\.\d+)?)\s*(%)?(.*)$")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?\s*%?")


@dataclass(frozen=True)
class Target:
    """One target row: `path` is the scored indicator that holds it ("" where none does)."""

    path: str
    name: str
    target: str
    actual: str
    score: float | None = None  # what the report gave the target row itself
    own_row: bool = False  # an indicator row that is its own target (its score is the indicator's)

    @property
    def goal(self) -> Test | None:
        return goal(self.target)

    @property
    def actual_value(self) -> float | None:
        test = self.goal
        return actual_value(self.actual, percent=bool(test and test.is_percent))

    @property
    def met(self) -> bool | None:
        """Whether the actual meets the target by its own comparator; None where either is not a figure."""
        test, value = self.goal, self.actual_value
        return None if test is None or value is None else test(value)

    @property
    def attainment(self) -> float | None:
        """How much of the target the actual reaches: actual ÷ target (target ÷ actual for a ceiling)."""
        test, value = self.goal, self.actual_value
        if test is None or value is None:
            return None
        numerator, denominator = (test.threshold, value) if test.symbol in ("<=", "<") else (value, test.threshold)
        return None if denominator == 0 else numerator / denominator


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").replace(" ", "").replace("　", "")


def goal(text: str) -> Test | None:
    """The comparator and figure of a target as written: 「≥90%」 → >= 0.9; words alone → None."""
    plain = _plain(text)
    symbol = ""
    for word, sign in _WORDS:
        if plain.startswith(word):
            plain, symbol = plain[len(word) :], sign
            break
    match = _GOAL.match(plain)
    if not match:
        return None
    sign, figure, is_percent, rest = match.groups()
    symbol = symbol or _SIGNS.get(sign or "", "")
    if not symbol:
        symbol = "<=" if rest.endswith(("以下", "以内")) else ">="  # 「5人以下」; 「100%」 and 「12000人以上」 are ≥
    value = float(figure.replace(",", ""))
    return Test(symbol, value / 100 if is_percent else value, bool(is_percent), text)


def actual_value(text: str, *, percent: bool = False) -> float | None:
    """The figure an actual states: a percent where the target is one (a bare 95 is 95 %), else the first number."""
    figures = [found.replace(" ", "") for found in _NUMBER.findall(_plain(text))]
    if not figures:
        return None
    rates = [figure for figure in figures if figure.endswith("%")]
    chosen = (rates or figures)[0] if percent else figures[0]
    value = float(chosen.rstrip("%").replace(",", ""))
    return value / 100 if chosen.endswith("%") or percent else value


def decimals(text: str) -> int:
    """Digits after the point of the first figure written: 「94.63%」 → 2, 「400」 → 0."""
    found = _NUMBER.search(_plain(text))
    if not found:
        return 0
    figure = found.group().rstrip("%").strip()
    return len(figure.partition(".")[2])
