"""Score a rule: bands, ratio, deduction, yes/no, manual, and parts made of those.

Scores are rounded to 2 decimals half-up, as the reports write them.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

from rubrics.model import Rule

MAX_COMBINATIONS = 4096  # beyond this a parts rule's possible scores are not enumerated


def rounded(score: float) -> float:
    return float(Decimal(repr(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score(rule: Rule, value: float | bool | None) -> float | None:
    """The score one (non-parts) rule gives for a metric value, a yes/no answer or a count of items.

    bands / ratio / yes_no with a metric take the metric's value; yes_no without one takes the
    evaluator's True/False; deduction takes the number of items; manual takes the score itself.
    None where the value is missing or falls in no band.
    """
    if value is None:
        return None
    if rule.kind == "bands":
        band = next((band for band in rule.bands if float(value) in band.range), None)
        return None if band is None else band.points
    if rule.kind == "ratio":
        return rounded(min(rule.points, max(0.0, float(value) * rule.points)))
    if rule.kind == "deduction":
        return rounded(max(0.0, rule.points - (rule.per_item or 0.0) * float(value)))
    if rule.kind == "yes_no":
        met = rule.test(float(value)) if rule.test is not None and rule.metric else bool(value)
        return rule.points if met else rule.no
    return rounded(min(rule.points, max(0.0, float(value))))


def possible_scores(rule: Rule) -> frozenset[float] | None:
    """Every score the rule can give, or None where it is continuous (ratio, free judgement)."""
    if rule.kind == "parts":
        choices = [possible_scores(part) for part in rule.parts]
        if any(choice is None for choice in choices):
            return None
        sizes = 1
        for choice in choices:
            sizes *= len(choice)
        if sizes > MAX_COMBINATIONS:
            return None
        return frozenset(rounded(sum(combination)) for combination in itertools.product(*choices))
    if rule.kind == "bands":
        return frozenset(band.points for band in rule.bands)
    if rule.kind == "yes_no":
        return frozenset({rule.points, rule.no})
    if rule.kind == "deduction" and rule.per_item:
        steps = int(rule.points / rule.per_item + 1e-9)
        return frozenset({rounded(max(0.0, rule.points - rule.per_item * n)) for n in range(steps + 2)})
    if rule.kind == "manual" and rule.options:
        return frozenset(rule.options)
    return None
