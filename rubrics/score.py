"""Score a new evaluation with a rubric: computable leaves from the warehouse, the rest answered.

`draft()` fills in every leaf (or part of a leaf) whose metric the warehouse can compute and
lists the questions left for the evaluator — a score, a yes/no, a number of items. Once they
are answered, `Draft.complete()` adds the tree up, grades it, and `write_sheet()` writes the
result as an ordinary score sheet (docs/formats.md) so it is stored through the same loader
as an uploaded one.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from access.roles import Actor
from rubrics.metrics import Facts, measure
from rubrics.model import Rubric, Rule
from rubrics.rules import rounded, score
from warehouse.vocabulary import KIND_WORDS, PROGRAM_WORDS

SHEET_HEADER = (
    "县区代码", "项目", "年度", "评价类型", "评价机构", "总分", "等级",
    "预算安排（万元）", "实际到位（万元）", "实际支出（万元）", "计划保障人数", "数据来源",
    "一级指标", "二级指标", "三级指标", "四级指标",
    "分值", "得分", "年度指标值", "实际完成值", "说明",
)  # fmt: skip


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


@dataclass
class Scored:
    rubric: Rubric
    scores: dict[str, float]  # every indicator key → score
    notes: dict[str, str]  # leaf key → how it was scored
    actuals: dict[str, str]  # leaf key → the reported figure an answer gave (survey rates)
    total: float
    grade: str | None


@dataclass
class Draft:
    rubric: Rubric
    facts: Facts
    computed: dict[str, Computed] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)

    def complete(self, answers: dict[str, object]) -> Scored:
        """Add up computed and answered scores; AnswerError for a missing or impossible answer."""
        part_scores: dict[str, float] = {key: c.score for key, c in self.computed.items()}
        actuals: dict[str, str] = {}
        for question in self.questions:
            if question.key not in answers:
                raise AnswerError(f"「{question.indicator}」{question.text}：尚未填写")
            part_scores[question.key] = question.score(answers[question.key])
            if question.kind == "value":
                actuals[question.indicator] = question.shown(answers[question.key])
        scores: dict[str, float] = {}
        notes: dict[str, str] = {}
        for leaf in self.rubric.leaves:
            keys = [key for key in part_scores if key == leaf.key or key.startswith(f"{leaf.key}#")]
            scores[leaf.key] = rounded(sum(part_scores[key] for key in keys))
            notes[leaf.key] = _note(self, keys)
        for indicator in sorted(self.rubric.indicators, key=lambda i: -i.depth):
            if indicator.rule is None:
                scores[indicator.key] = rounded(sum(scores[c.key] for c in self.rubric.children(indicator.path)))
        total = rounded(sum(scores[i.key] for i in self.rubric.indicators if i.depth == 1))
        points = self.rubric.total_points
        on_100 = total if abs(points - 100) < 1e-9 or not points else total / points * 100
        return Scored(self.rubric, scores, notes, actuals, total, self.rubric.grade(on_100))


def _note(draft: Draft, keys: list[str]) -> str:
    parts = []
    for key in keys:
        if key in draft.computed:
            inputs = "，".join(f"{name} {value}" for name, value in draft.computed[key].inputs.items())
            parts.append(f"由数据计算：{inputs}")
        else:
            parts.append("评价人员评定")
    return "；".join(parts)


def draft(rubric: Rubric, facts: Facts) -> Draft:
    """Compute what the warehouse can; ask the rest."""
    result = Draft(rubric, facts)
    for leaf in rubric.leaves:
        assert leaf.rule is not None
        rules = leaf.rule.parts if leaf.rule.kind == "parts" else (leaf.rule,)
        for index, rule in enumerate(rules, start=1):
            key = f"{leaf.key}#{index}" if leaf.rule.kind == "parts" else leaf.key
            text = rule.text or leaf.name
            reason = "评价人员判断"
            if rule.computable:
                value = measure(rule, facts)
                got = score(rule, value.value) if value.value is not None else None
                if got is not None:
                    result.computed[key] = Computed(key, got, dict(value.inputs))
                    continue
                reason = value.reason or "数值不在任何分档内"
            result.questions.append(_question(key, leaf.key, text, rule, reason))
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


def write_sheet(
    path: Path,
    scored: Scored,
    *,
    facts: Facts,
    kind: str,
    evaluator: str,
    source: str = "upload",
) -> Path:
    """Write the scored evaluation as a score sheet the evaluation loader reads (UTF-8 with BOM)."""
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
    rows = []
    for indicator in scored.rubric.indicators:
        levels = [*indicator.path, "", "", "", ""][:4]
        leading = first if not rows else [""] * len(first)
        note = scored.notes.get(indicator.key, "")
        actual = scored.actuals.get(indicator.key, "")
        rows.append([*leading, *levels, f"{indicator.points:g}", f"{scored.scores[indicator.key]:g}", "", actual, note])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SHEET_HEADER)
        writer.writerows(rows)
    return path


def _figure(value: object) -> str:
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def save(engine, scored: Scored, *, facts: Facts, kind: str, evaluator: str, user: Actor | str) -> int:
    """Store a scored evaluation through the evaluation loader (validation, upload log, replacing the
    same county, programme, year and kind); returns the number of evaluations stored (0: unchanged)."""
    from loaders.evaluation import ingest_evaluation

    with tempfile.TemporaryDirectory() as folder:
        name = f"{facts.county}_{facts.year}_{facts.program}_评分.csv"
        path = write_sheet(Path(folder) / name, scored, facts=facts, kind=kind, evaluator=evaluator)
        return ingest_evaluation(engine, path, user=user, display_name=name)
