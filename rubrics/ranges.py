"""Ranges as rubrics write them — "[95%, 100%)" — and the tests of yes/no rules — ">= 100%"."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)%?|-?inf"
_RANGE = re.compile(rf"^\s*([\[(])\s*({_NUMBER})\s*,\s*({_NUMBER})\s*([\])])\s*$")
_TEST = re.compile(rf"^\s*(>=|<=|!=|==|=|>|<)\s*({_NUMBER})\s*$")
_SYMBOLS = str.maketrans({"≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "％": "%", "，": ","})
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": math.isclose,
    "==": math.isclose,
    "!=": lambda a, b: not math.isclose(a, b),
}
EPSILON = 1e-9  # rates computed from money in 万元 are not exact binary fractions


def number(text: str) -> float:
    """95% → 0.95, 3 → 3.0, inf → ∞."""
    text = text.strip().translate(_SYMBOLS)
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def percent(value: float) -> str:
    """0.95 → 95%, 1.000009 → 100.0009%: as many digits as the value needs, no more."""
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value * 100:.4f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    low_included: bool
    high_included: bool
    text: str

    def __contains__(self, value: float) -> bool:
        above = value > self.low + EPSILON or (self.low_included and abs(value - self.low) <= EPSILON)
        below = value < self.high - EPSILON or (self.high_included and abs(value - self.high) <= EPSILON)
        return above and below

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and not (self.low_included and self.high_included))


def parse_range(text: str) -> Range:
    """Parse "[a, b)"; raises ValueError with the text when it is not a range."""
    match = _RANGE.match(text.translate(_SYMBOLS))
    if not match:
        raise ValueError(f"「{text}」不是区间（应写作 [90%, 95%) 这样的形式）")
    opening, low, high, closing = match.groups()
    return Range(number(low), number(high), opening == "[", closing == "]", text)


@dataclass(frozen=True)
class Test:
    symbol: str
    threshold: float
    is_percent: bool
    text: str

    def __call__(self, value: float) -> bool:
        if self.symbol in (">=", "<="):
            return _OPERATORS[self.symbol](value + (EPSILON if self.symbol == ">=" else -EPSILON), self.threshold)
        if self.symbol in (">", "<"):
            return _OPERATORS[self.symbol](value - (EPSILON if self.symbol == ">" else -EPSILON), self.threshold)
        return _OPERATORS[self.symbol](value, self.threshold)


def parse_test(text: str) -> Test:
    match = _TEST.match(text.translate(_SYMBOLS))
    if not match:
        raise ValueError(f"「{text}」不是条件（应写作 >= 100%、> 0、= 825 这样的形式）")
    symbol, threshold = match.groups()
    return Test(symbol, number(threshold), threshold.endswith("%"), text)


@dataclass(frozen=True)
class Gap:
    """Part of 0–100 % that no range covers, or that two ranges both cover."""

    kind: str  # "gap" | "overlap"
    low: float
    high: float

    def describe(self) -> str:
        word = "空档" if self.kind == "gap" else "重叠"
        return f"{percent(self.low)}–{percent(self.high)} {word}"


def coverage_faults(ranges: Iterable[Range], *, low: float = 0.0, high: float = 1.0) -> list[Gap]:
    """Gaps in [low, high] and overlaps anywhere, walking the ranges from the bottom up."""
    ordered = sorted((r for r in ranges if not r.empty), key=lambda r: (r.low, not r.low_included))
    faults: list[Gap] = []
    reached, reached_included = low, False  # covered up to `reached` (itself covered if included)
    started = False
    for current in ordered:
        if not started:
            if current.low > low or (current.low == low and not current.low_included):
                faults.append(Gap("gap", low, current.low))
            started = True
        elif current.low > reached or (current.low == reached and not current.low_included and not reached_included):
            if reached < high:
                faults.append(Gap("gap", reached, min(current.low, high)))
        elif current.low < reached or (current.low == reached and current.low_included and reached_included):
            faults.append(Gap("overlap", current.low, min(reached, current.high)))
        if (current.high, current.high_included) > (reached, reached_included):
            reached, reached_included = current.high, current.high_included
    if not ordered:
        faults.append(Gap("gap", low, high))
    elif reached < high or (reached == high and not reached_included):
        faults.append(Gap("gap", reached, high))
    return faults
