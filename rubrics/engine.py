"""Add a rubric up: leaf scores into subtotals, the total and the grade, with what still waits.

One roll-up for every caller: the 评分 page adds up the computed leaves and the evaluator's
answers as they come, the re-check adds up its recomputed leaves. A leaf is given as a whole
(its key) or, for a parts rule, part by part ("key#1", "key#2", …); each such *item* is either
scored or waiting for an answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from rubrics.model import Indicator, Rubric
from rubrics.rules import rounded


@dataclass(frozen=True)
class Tally:
    """A rubric's scores as far as the leaf values go."""

    rubric: Rubric
    so_far: dict[str, float | None]  # a leaf: the sum of its scored items (None: none is); a group: of its children
    scores: dict[str, float | None]  # the same, but None while any item under the indicator waits
    scored: tuple[str, ...]  # the items with a score, in the rubric's order
    waiting: tuple[str, ...]  # the items still waiting for an answer, in the rubric's order

    @property
    def complete(self) -> bool:
        return not self.waiting

    @property
    def total(self) -> float:
        """The level-1 indicators' scores so far, added up."""
        return rounded(sum(self.so_far[i.key] or 0.0 for i in self.rubric.indicators if i.depth == 1))

    @property
    def on_100(self) -> float:
        """The total on the 100-point scale the grade bands are written in (a rubric of 90 points scales up)."""
        points = self.rubric.total_points
        return self.total if not points or math.isclose(points, 100) else self.total / points * 100

    @property
    def grade(self) -> str | None:
        return self.rubric.grade(self.on_100)


def items(leaf: Indicator) -> tuple[str, ...]:
    """The keys a leaf is answered under when given part by part: "key#1", … for a parts rule, else its key."""
    if leaf.rule is None or leaf.rule.kind != "parts":
        return (leaf.key,)
    return tuple(f"{leaf.key}#{index}" for index in range(1, len(leaf.rule.parts) + 1))


def tally(rubric: Rubric, values: Mapping[str, float | None]) -> Tally:
    """Roll leaf values up the tree; a leaf (or part) missing from `values`, or None there, waits.

    A leaf's own value is kept as given (a report's score may have more decimals); its parts are added up to the cent.
    """
    so_far: dict[str, float | None] = {}
    waits: dict[str, bool] = {}
    scored: list[str] = []
    waiting: list[str] = []
    for leaf in rubric.leaves:
        keys = (leaf.key,) if leaf.key in values else items(leaf)
        answered = [key for key in keys if values.get(key) is not None]
        scored += answered
        waiting += [key for key in keys if key not in answered]
        parts = [values[key] for key in answered]
        so_far[leaf.key] = values[leaf.key] if leaf.key in values else rounded(sum(parts)) if parts else None
        waits[leaf.key] = len(answered) < len(keys)
    for group in sorted(rubric.indicators, key=lambda indicator: -indicator.depth):
        if group.rule is None:
            children = rubric.children(group.path)
            so_far[group.key] = rounded(sum(so_far[child.key] or 0.0 for child in children))
            waits[group.key] = any(waits[child.key] for child in children)
    scores = {key: None if waits[key] else value for key, value in so_far.items()}
    return Tally(rubric, so_far, scores, tuple(scored), tuple(waiting))
