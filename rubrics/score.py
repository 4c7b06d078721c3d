"""Score a new evaluation with a rubric: computable leaves from the warehouse, the rest answered.

`draft()` fills in every leaf (or part of a leaf) whose metric the warehouse can compute and
lists the questions left for the evaluator — a score, a yes/no, a number of items. As they are
answered, `Draft.progress()` adds the tree up (rubrics/engine.py); once all are, `Draft.complete()`
gives the scored evaluation, which `save()` stores through the evaluation loader as the score
sheet (docs/formats.md) `write_sheet()` would write, with the report's performance targets (绩效指标)
as target rows after the indicators.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from access.roles import Actor
from loaders.evaluation import SCORE_SHEET, evaluation_records, store_evaluation, validate_evaluation
from loaders.roster_parse import content_hash
from rubrics.engine import Tally, items, tally
from rubrics.metrics import Facts, measure
from rubrics.model import Indicator, Rubric, Rule
from rubrics.rules import rounded, score
from rubrics.targets import Target
from warehouse.vocabulary import KIND_WORDS, PROGRAM_WORDS

SHEET_HEADER = tuple(column.label for column in SCORE_SHEET.fields)


class AnswerError(ValueError):
    """An answer that does not fit its question; names the indicator."""


@dataclass(frozen=True)
class Question:
    """One thing the evaluator decides: `key` is the indicator path, with "#n" for a part."""

    key: str
    indicator: str
    text: str
    kind: str  # options | score | yes_no | items | value (a reported figure such as a survey rate)
    points: float
    options: tuple[float, ...] = ()
    per_item: float | None = None
    no: float = 0.0  # for yes_no: the points when the answer is no
    reason: str = ""  # why the warehouse cannot decide it
    rule: Rule | None = None  # for `value`: the rule that scores the figure
    percent: bool = False  # for `value`: the figure is a rate, answered as a fraction

    def score(self, answer: object) -> float:
        """The points this answer gives; AnswerError if it is not a possible answer."""
        if self.kind == "value":
            return self._score_value(answer)
        try:
            if self.kind == "yes_no":
                if not isinstance(answer, bool):
                    raise TypeError
                return self.points if answer else self.no
            value = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise AnswerError(f"「{self.indicator}」{self.text}：答案「{answer}」无法使用") from None
        if self.kind == "items":
            if value < 0 or value != int(value):
                raise AnswerError(f"「{self.indicator}」{self.text}：扣分项数须为 0 或正整数")
            return rounded(max(0.0, self.points - (self.per_item or 0.0) * value))
        if self.kind == "options" and not any(abs(value - option) < 1e-9 for option in self.options):
            raise AnswerError(f"「{self.indicator}」{self.text}：只能给 {'、'.join(f'{o:g}' for o in self.options)} 分")
        if not 0 <= value <= self.points + 1e-9:
            raise AnswerError(f"「{self.indicator}」{self.text}：得分须在 0–{self.points:g} 之间")
        return rounded(value)

    def _score_value(self, answer: object) -> float:
        assert self.rule is not None
        try:
            value = float(answer)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise AnswerError(f"「{self.indicator}」{self.text}：请填写数值") from None
        if self.percent and not 0 <= value <= 1:
            raise AnswerError(f"「{self.indicator}」{self.text}：比率须在 0–100% 之间")
        got = score(self.rule, value)
        if got is None:
            raise AnswerError(f"「{self.indicator}」{self.text}：{value:g} 不在任何分档内")
        return got

    def shown(self, answer: object) -> str:
        """The figure as the score sheet's 实际完成值 writes it."""
        if self.kind != "value":
            return ""
        value = float(answer)  # type: ignore[arg-type]
        return f"{round(value * 100, 2):g}%" if self.percent else f"{value:g}"


@dataclass(frozen=True)
class Computed:
    key: str
    score: float
    inputs: dict[str, object]


@dataclass(frozen=True)
class Progress:
    """A draft as far as the answers go: the tally, and why an answer given cannot be used (by question key)."""

    tally: Tally
    problems: dict[str, str]

    @property
    def done(self) -> bool:
        """Every question answered, every answer usable."""
        return self.tally.complete and not self.problems


@dataclass(frozen=True)
class Scored:
    """A completed draft: every indicator scored, and how each leaf was."""

    tally: Tally
    notes: dict[str, str]  # leaf key → how it was scored
    actuals: dict[str, str]  # leaf key → the reported figure an answer gave (survey rates)

    @property
    def rubric(self) -> Rubric:
        return self.tally.rubric

    @property
    def total(self) -> float:
        return self.tally.total

    @property
    def grade(self) -> str | None:
        return self.tally.grade


@dataclass
class Draft:
    """What the warehouse computed of a county's year under a rubric, and the questions left for the evaluator."""

    rubric: Rubric
    facts: Facts
    computed: dict[str, Computed] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)

    def parts(self, leaf: Indicator) -> list[Computed | Question]:
        """A leaf's computed parts and questions, in the rubric's order."""
        asked = {question.key: question for question in self.questions}
        return [self.computed.get(key) or asked[key] for key in items(leaf)]

    def progress(self, answers: dict[str, object]) -> Progress:
        """Add up the computed scores and the usable answers; an unanswered or unusable question waits."""
        values = {key: computed.score for key, computed in self.computed.items()}
        problems: dict[str, str] = {}
        for question in self.questions:
            if question.key in answers:
                try:
                    values[question.key] = question.score(answers[question.key])
                except AnswerError as error:
                    problems[question.key] = str(error)
        return Progress(tally(self.rubric, values), problems)

    def complete(self, answers: dict[str, object]) -> Scored:
        """The scored evaluation; AnswerError for the first question unanswered or answered impossibly."""
        progress = self.progress(answers)
        for question in self.questions:
            if question.key in progress.problems:
                raise AnswerError(progress.problems[question.key])
            if question.key in progress.tally.waiting:
                raise AnswerError(f"「{question.indicator}」{question.text}：尚未填写")
        actuals = {
            question.indicator: question.shown(answers[question.key])
            for question in self.questions
            if question.kind == "value"
        }
        notes = {leaf.key: self._note(leaf) for leaf in self.rubric.leaves}
        return Scored(progress.tally, notes, actuals)

    def _note(self, leaf: Indicator) -> str:
        """How a leaf was scored: each computed part with its inputs, then each part the evaluator answered."""
        keys = items(leaf)
        computed = [
            "由数据计算：" + "，".join(f"{name} {value}" for name, value in part.inputs.items())
            for key, part in self.computed.items()
            if key in keys
        ]
        answered = ["评价人员评定" for question in self.questions if question.key in keys]
        return "；".join([*computed, *answered])


def draft(rubric: Rubric, facts: Facts) -> Draft:
    """Compute what the warehouse can; ask the rest."""
    result = Draft(rubric, facts)
    for leaf in rubric.leaves:
        assert leaf.rule is not None
        rules = leaf.rule.parts if leaf.rule.kind == "parts" else (leaf.rule,)
        for key, rule in zip(items(leaf), rules, strict=True):
            reason = "评价人员判断"
            if rule.computable:
                value = measure(rule, facts)
                got = score(rule, value.value) if value.value is not None else None
                if got is not None:
                    result.computed[key] = Computed(key, got, dict(value.inputs))
                    continue
                reason = value.reason or "数值不在任何分档内"
            result.questions.append(_question(key, leaf.key, rule.text or leaf.name, rule, reason))
    return result


REPORTED_METRICS = ("satisfaction_rate", "awareness_rate", "reported_actual")


def _question(key: str, indicator: str, text: str, rule: Rule, reason: str) -> Question:
    if rule.metric in REPORTED_METRICS:
        in_percent = bool(rule.test and rule.test.is_percent) or any("%" in band.range.text for band in rule.bands)
        is_percent = rule.metric != "reported_actual" or in_percent
        reason = "评价报告的调查或实际完成值，由评价人员填写"
        return Question(key, indicator, text, "value", rule.points, reason=reason, rule=rule, percent=is_percent)
    if rule.kind == "yes_no":
        return Question(key, indicator, text, "yes_no", rule.points, no=rule.no, reason=reason)
    if rule.kind == "deduction" and rule.per_item:
        return Question(key, indicator, text, "items", rule.points, per_item=rule.per_item, reason=reason)
    options = rule.options or tuple(sorted({band.points for band in rule.bands}, reverse=True))
    return Question(key, indicator, text, "options" if options else "score", rule.points, options, reason=reason)


def sheet_rows(
    scored: Scored,
    *,
    facts: Facts,
    kind: str,
    evaluator: str,
    source: str = "upload",
    targets: Sequence[Target] = (),
) -> list[list[str]]:
    """The scored evaluation as a score sheet's rows (docs/formats.md), without the header: one per
    indicator, then one per performance target (绩效指标 filled, under the indicator that holds it)."""
    figures = facts.evaluation
    first = [
        facts.county,
        PROGRAM_WORDS[facts.program],
        str(facts.year),
        KIND_WORDS[kind],
        evaluator,
        f"{scored.total:g}",
        scored.grade or "",
        *(_figure(figures.get(name)) for name in ("budget_wan", "arrived_wan", "spent_wan", "planned_persons")),
        source,
    ]
    blank = [""] * len(first)
    rows = []
    for indicator in scored.rubric.indicators:
        levels = [*indicator.path, "", "", "", ""][:4]
        leading = first if not rows else blank
        note = scored.notes.get(indicator.key, "")
        actual = scored.actuals.get(indicator.key, "")
        got = scored.tally.scores[indicator.key]
        rows.append([*leading, *levels, "", f"{indicator.points:g}", f"{got:g}", "", actual, note])
    for target in targets:
        levels = [*target.path.split("/"), "", "", ""][:4]  # "" (held by no indicator): four blanks
        got = "" if target.score is None else f"{target.score:g}"
        rows.append([*blank, *levels, target.name, "", got, target.target, target.actual, ""])
    return rows


def sheet_bytes(rows: list[list[str]]) -> bytes:
    """The rows under SHEET_HEADER as a CSV file in UTF-8 with a BOM."""
    text = io.StringIO()
    csv.writer(text).writerows([SHEET_HEADER, *rows])
    return text.getvalue().encode("utf-8-sig")


def write_sheet(path: Path, rows: list[list[str]]) -> Path:
    """Write a scored evaluation's rows (`sheet_rows`) as the score-sheet file the evaluation loader reads."""
    path.write_bytes(sheet_bytes(rows))
    return path


def _figure(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def save(
    engine: Engine,
    scored: Scored,
    *,
    facts: Facts,
    kind: str,
    evaluator: str,
    user: Actor | str,
    targets: Sequence[Target] = (),
) -> int:
    """Store a scored evaluation and its performance targets through the evaluation loader (validation,
    upload log, replacing the same county, programme, year and kind); returns the number of evaluations
    stored (0: unchanged)."""
    rows = sheet_rows(scored, facts=facts, kind=kind, evaluator=evaluator, targets=targets)
    name = f"{facts.county}_{facts.year}_{facts.program}_评分.csv"
    # Fingerprinted as the file write_sheet writes, so saving a scoring and uploading that file are one upload.
    digest = content_hash(sheet_bytes(rows))
    parsed = validate_evaluation(engine, evaluation_records(name, rows), digest=digest)
    return store_evaluation(engine, parsed, user=user)
