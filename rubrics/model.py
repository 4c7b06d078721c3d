"""A rubric once loaded: the indicator tree, each leaf's rule, the grade bands, what it applies to."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from rubrics.ranges import Range, Test

RULE_KINDS = ("bands", "ratio", "deduction", "yes_no", "manual", "parts")
RULE_LABELS = {
    "bands": "分档",
    "ratio": "比率×分值",
    "deduction": "逐项扣分",
    "yes_no": "是否达到",
    "manual": "评价人员判断",
    "parts": "分项合计",
}


@dataclass(frozen=True)
class Band:
    range: Range
    points: float
    written: str = ""  # the report's own words where they cannot be read as they stand


@dataclass(frozen=True)
class Rule:
    kind: str
    points: float
    text: str = ""
    metric: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    bands: tuple[Band, ...] = ()
    per_item: float | None = None
    test: Test | None = None
    no: float = 0.0
    options: tuple[float, ...] = ()
    parts: tuple[Rule, ...] = ()
    rounding: int | None = None  # decimal places the metric's value is rounded to before scoring

    @property
    def computable(self) -> bool:
        """Recomputed from the warehouse: it names a metric (or every part does)."""
        if self.kind == "parts":
            return all(part.computable for part in self.parts)
        return self.metric is not None and self.kind != "manual"

    def describe(self) -> str:
        """One line a person can check against the report: 分档 funds_arrival_rate: [100%, 100%] → 3; …"""
        if self.kind == "parts":
            return "；".join(f"{part.text}（{part.points:g}分：{part.describe()}）" for part in self.parts)
        label = RULE_LABELS[self.kind]
        metric = f" {self.metric}" if self.metric else ""
        if self.kind == "bands":
            bands = "；".join(f"{band.range.text} → {band.points:g}" for band in self.bands)
            return f"{label}{metric}：{bands}"
        if self.kind == "ratio":
            return f"{label}{metric}：min({self.points:g}, 比率 × {self.points:g})"
        if self.kind == "deduction":
            return f"{label}{metric}：每项扣 {self.per_item:g} 分，扣完为止"
        if self.kind == "yes_no":
            condition = f"{self.metric} {self.test.text}" if self.test and self.metric else "评价人员判断"
            return f"{label}：{condition} → {self.points:g}，否则 {self.no:g}"
        options = f"（可给：{'、'.join(f'{option:g}' for option in self.options)}）" if self.options else ""
        return f"{label}{options}"


@dataclass(frozen=True)
class Alternative:
    """Another reading of words the rule rests on, and the rule they give when read that way."""

    reading: str
    rule: Rule


@dataclass(frozen=True)
class Indicator:
    path: tuple[str, ...]
    points: float
    aliases: tuple[str, ...] = ()
    explanation: str = ""
    scoring: str = ""
    rule: Rule | None = None  # None for a parent
    reading: str = ""  # how ambiguous words of the rule are read, where they are
    alternatives: tuple[Alternative, ...] = ()  # the rule under each other reading

    @property
    def key(self) -> str:
        return "/".join(self.path)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def depth(self) -> int:
        return len(self.path)


@dataclass(frozen=True)
class GradeBand:
    grade: str
    range: Range


@dataclass(frozen=True)
class Applies:
    county: str
    program: str
    first_year: int | None = None
    last_year: int | None = None

    def covers(self, *, county: str, program: str, year: int) -> bool:
        in_years = (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )
        return self.county == county and self.program == program and in_years


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    source: str = ""
    stated_points: float | None = None  # the total the report states, if any
    grades: tuple[GradeBand, ...] = ()
    grades_from: str = ""
    applies: tuple[Applies, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    notes: tuple[str, ...] = ()
    framework: tuple[str, ...] = ()
    framework_indicators: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())  # faults of the report's rubric, kept and reported

    @property
    def by_key(self) -> dict[str, Indicator]:
        return {indicator.key: indicator for indicator in self.indicators}

    @property
    def leaves(self) -> tuple[Indicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.rule is not None)

    @property
    def total_points(self) -> float:
        return sum(indicator.points for indicator in self.indicators if indicator.depth == 1)

    def children(self, path: tuple[str, ...]) -> tuple[Indicator, ...]:
        depth = len(path) + 1
        return tuple(i for i in self.indicators if i.depth == depth and i.path[: len(path)] == path)

    def find(self, path: tuple[str, ...]) -> Indicator | None:
        """The indicator a score sheet's path names, level by level, by name or alias.

        Names compare after NFKC without spaces, so a full-width comma or bracket still matches.
        """
        found: Indicator | None = None
        for name in path:
            wanted = _same(name)
            prefix = found.path if found else ()
            found = next((c for c in self.children(prefix) if wanted in {_same(n) for n in (c.name, *c.aliases)}), None)
            if found is None:
                return None
        return found

    def grade(self, total: float) -> str | None:
        return next((band.grade for band in self.grades if total in band.range), None)


def _same(name: str) -> str:
    return unicodedata.normalize("NFKC", name).replace(" ", "")
