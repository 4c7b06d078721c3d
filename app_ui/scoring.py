"""The 评分 page's calls: the rubric that applies, the draft the warehouse can fill in, the evaluator's
answers (kept across page switches), the tree as far as they go, the report's performance targets with
their actuals, and saving through the evaluation loader.

All the adding up is rubrics' (rubrics/score.py, rubrics/engine.py); this module holds the widgets and their state."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
import streamlit as st

from app_ui import data, session
from app_ui.i18n import evaluation_kind_words, tr
from app_ui.tables import Column
from rubrics.load import RubricError, library
from rubrics.load import rubric_for as _rubric_for
from rubrics.metrics import Facts
from rubrics.model import Indicator, Rubric
from rubrics.score import AnswerError, Computed, Draft, Progress, Question, Scored
from rubrics.score import draft as _draft
from rubrics.score import save as _save
from rubrics.targets import Target
from warehouse.errors import Rejected
from warehouse.settings import get_settings

PROGRAMS = ("rural", "urban", "all")
KINDS = ("self", "department", "finance")
FIGURES = ("budget_wan", "arrived_wan", "spent_wan", "planned_persons")
KEPT = "scoring-kept"  # widget key → value, so answers survive a visit to another page
TARGETS_KEPT = "scoring-targets-kept"  # target editor key → KeptTargets, so edits survive a page switch


@dataclass(frozen=True)
class Chosen:
    """The evaluation being scored, and by whom."""

    county: str
    place: str  # the county's name
    program: str
    year: int
    kind: str
    evaluator: str

    @property
    def scope(self) -> str:
        """What the kept figures and answers belong to: a county's programme in a year."""
        return f"{self.county}:{self.program}:{self.year}"


def figure_labels() -> dict[str, str]:
    return {
        "budget_wan": tr("预算安排（万元）", "Budget (10k yuan)"),
        "arrived_wan": tr("实际到位（万元）", "Funds arrived (10k yuan)"),
        "spent_wan": tr("实际支出（万元）", "Spent (10k yuan)"),
        "planned_persons": tr("计划保障人数", "Planned recipients"),
    }


# ── the rubric ────────────────────────────────────────────────────────────────
def _library() -> dict[str, Rubric]:
    try:
        return library()
    except RubricError as error:  # a broken rubric file: say which, draw nothing more
        st.error(tr("指标体系文件有误，无法评分：", "A rubric file is faulty; nothing can be scored:"))
        st.code("\n".join(error.problems), language=None)
        st.stop()


def rubric_for(county: str, program: str, year: int) -> Rubric | None:
    _library()
    return _rubric_for(county=county, program=program, year=year)


def covered(county: str) -> list[tuple[str, str, int | None, int | None]]:
    """What the shipped rubrics score for this county: (rubric name, programme, first year, last year)."""
    return [
        (rubric.name, applies.program, applies.first_year, applies.last_year)
        for rubric in _library().values()
        for applies in rubric.applies
        if applies.county == county
    ]


def default_program(county: str, year: int, chosen: str | None) -> str:
    """The sidebar's programme if a rubric scores it, else the first programme one does."""
    scored = [p for p in PROGRAMS if rubric_for(county, p, year) is not None]
    if chosen in scored or (chosen and not scored):
        return chosen
    return scored[0] if scored else "rural"


# ── what is stored ────────────────────────────────────────────────────────────
def _stored(county: str, program: str, year: int) -> pl.DataFrame:
    return data.evaluations((county,), program, year, pending=True).filter(pl.col("program") == program)


def stored_figures(county: str, program: str, year: int, kind: str) -> tuple[dict[str, float | None], str]:
    """The evaluation figures of a stored evaluation (the same kind first) and which one they come from."""
    stored = _stored(county, program, year).filter(pl.any_horizontal(pl.col(*FIGURES).is_not_null()))
    if stored.is_empty():
        return dict.fromkeys(FIGURES), ""
    row = stored.sort(pl.col("kind") != kind).row(0, named=True)
    return {name: row[name] for name in FIGURES}, evaluation_kind_words()[row["kind"]]


def existing(county: str, program: str, year: int, kind: str) -> dict | None:
    """The stored evaluation a save would replace."""
    stored = _stored(county, program, year).filter(pl.col("kind") == kind)
    return None if stored.is_empty() else stored.row(0, named=True)


# ── the draft ─────────────────────────────────────────────────────────────────
@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _drafted(
    url: str, rubric_id: str, county: str, program: str, year: int, figures: tuple
) -> tuple[dict[str, Computed], list[Question]]:
    facts = Facts(data.engine(), county, program, year, evaluation=dict(figures))
    made = _draft(library()[rubric_id], facts)
    return made.computed, made.questions


def draft(rubric: Rubric, county: str, program: str, year: int, figures: dict[str, float | None]) -> Draft:
    """Computed leaves and the questions left; cached like the other reads, cleared by data.refresh()."""
    shown = {name: value for name, value in figures.items() if value is not None}
    key = tuple(sorted(shown.items()))
    computed, questions = _drafted(get_settings().warehouse_url, rubric.id, county, program, year, key)
    facts = Facts(data.engine(), county, program, year, evaluation=shown)
    return Draft(rubric, facts, dict(computed), list(questions))


# ── inputs ────────────────────────────────────────────────────────────────────
def _keep(key: str) -> None:
    st.session_state.setdefault(KEPT, {})[key] = st.session_state[key]


def _seed(key: str, default: object) -> None:
    """Give a widget its kept value (or the default) when it is drawn afresh, e.g. after a page switch."""
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(KEPT, {}).get(key, default)


def figure_input(column, name: str, scope: str, stored: float | None) -> float | None:
    """One evaluation figure, prefilled with the stored one."""
    key = f"scoring-figure:{scope}:{name}"
    persons = name == "planned_persons"
    _seed(key, None if stored is None else int(stored) if persons else float(stored))
    return column.number_input(
        figure_labels()[name],
        min_value=0 if persons else 0.0,
        step=1 if persons else 1.0,
        format="%d" if persons else "%.2f",
        placeholder=tr("未填", "blank"),
        key=key,
        on_change=_keep,
        args=(key,),
    )


def _escaped(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_")


def answer_key(scope: str, question: Question) -> str:
    return f"scoring-answer:{scope}:{question.key}"


def answer_input(question: Question, scope: str, help_text: str = "") -> None:
    """The input for one question; `answers()` reads what it holds."""
    key = answer_key(scope, question)
    _seed(key, None)
    common = {"key": key, "on_change": _keep, "args": (key,), "help": help_text or None}
    text = _escaped(question.text)
    if question.kind == "options":
        st.radio(
            f"{text} · {tr('得分', 'score')}",
            question.options,
            format_func=lambda o: f"{o:g}",
            horizontal=True,
            **common,
        )
    elif question.kind == "yes_no":
        st.radio(
            f"{text} · {tr(f'是否达到（是：{question.points:g} 分）', f'met? (yes: {question.points:g})')}",
            (True, False),
            format_func=lambda met: tr("是", "Yes") if met else tr("否", "No"),
            horizontal=True,
            **common,
        )
    elif question.kind == "items":
        per = question.per_item or 0
        st.number_input(
            f"{text} · {tr(f'扣分项数（每项扣 {per:g} 分）', f'items found ({per:g} off each)')}",
            min_value=0,
            step=1,
            placeholder=tr("填写项数", "number of items"),
            **common,
        )
    elif question.kind == "value" and question.percent:  # a rate, or bands written in % (应保未保率)
        st.number_input(
            f"{text} · {tr('实际完成值（%）', 'reported value (%)')}",
            min_value=0.0,
            max_value=100.0,
            step=0.01,
            format="%.2f",
            placeholder=tr("填写百分比", "a percentage"),
            **common,
        )
    elif question.kind == "value":
        st.number_input(
            f"{text} · {tr('实际完成值', 'reported value')}", step=1.0, placeholder=tr("填写数值", "a number"), **common
        )
    else:
        st.number_input(
            f"{text} · {tr(f'得分（0–{question.points:g}）', f'score (0–{question.points:g})')}",
            min_value=0.0,
            max_value=float(question.points),
            step=0.5,
            format="%.2f",
            placeholder=tr("填写得分", "a score"),
            **common,
        )


def answers(draft: Draft, scope: str) -> dict[str, object]:
    """The answers given so far, as Question.score takes them (a % typed in, as a fraction); unanswered left out."""
    given = {}
    for question in draft.questions:
        value = st.session_state.get(answer_key(scope, question))
        if value is not None:
            given[question.key] = round(value / 100, 6) if question.kind == "value" and question.percent else value
    return given


# ── shown scores ──────────────────────────────────────────────────────────────
def shown_number(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return tr("是", "yes") if value else tr("否", "no")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def inputs_text(computed: Computed) -> str:
    """ "实际支出（万元） 6,615.24；实际到位（万元） 6,615.18": what a computed score came from."""
    return "；".join(f"{name} {shown_number(value)}" for name, value in computed.inputs.items())


def part_text(leaf: Indicator, key: str) -> str:
    """The rubric's words for part "#n" of a leaf ("" for a leaf scored as a whole)."""
    index = key.partition("#")[2]
    if not index or leaf.rule is None:
        return ""
    return _escaped(leaf.rule.parts[int(index) - 1].text)


def sections(draft: Draft) -> list[tuple[Indicator, list[tuple[Indicator, list[Computed | Question]]]]]:
    """Level-1 indicators, each with its leaves and their computed parts and questions."""
    rubric = draft.rubric
    return [
        (top, [(leaf, draft.parts(leaf)) for leaf in rubric.leaves if leaf.path[0] == top.name])
        for top in rubric.indicators
        if top.depth == 1
    ]


TREE_COLUMNS = [
    Column("indicator", "col_indicator", width="medium"),
    "points",
    "score",
    Column("how", ("评分方式", "Scored by")),
    Column("basis", ("计算依据", "Computed from"), width="large"),
]


def tree_table(draft: Draft, progress: Progress) -> pl.DataFrame:
    """Every indicator with its points, its score so far (blank until every part is scored) and how."""
    words = {
        "computed": tr("数据计算", "computed"),
        "answered": tr("评价人员评定", "evaluator"),
        "waiting": tr("待评定", "to answer"),
        "mixed": tr("计算＋评定", "computed + evaluator"),
    }
    scores = progress.tally.scores
    about: dict[str, tuple[str, str]] = {}
    for leaf in draft.rubric.leaves:
        parts = draft.parts(leaf)
        kinds = {isinstance(part, Computed) for part in parts}
        how = "computed" if kinds == {True} else "mixed" if kinds == {True, False} else "answered"
        basis = "；".join(inputs_text(part) for part in parts if isinstance(part, Computed))
        about[leaf.key] = (words["waiting" if scores[leaf.key] is None else how], basis)
    return pl.DataFrame(
        [
            {
                "indicator": "　" * (indicator.depth - 1) + indicator.name,
                "points": indicator.points,
                "score": scores[indicator.key],
                "how": about.get(indicator.key, ("", ""))[0],
                "basis": about.get(indicator.key, ("", ""))[1],
            }
            for indicator in draft.rubric.indicators
        ],
        schema={
            "indicator": pl.String,
            "points": pl.Float64,
            "score": pl.Float64,
            "how": pl.String,
            "basis": pl.String,
        },
    )


# ── performance targets ───────────────────────────────────────────────────────
TARGET_SCHEMA = {"name": pl.String, "path": pl.String, "target": pl.String, "actual": pl.String, "score": pl.Float64}

TARGET_CHECK_COLUMNS = [
    Column("name", ("绩效指标", "Performance target"), width="medium"),
    Column("target", ("年度指标值", "Annual target")),
    Column("actual", ("实际完成值", "Actual")),
    Column("met", ("是否达到", "Met?")),
]


def stored_targets(chosen: Chosen) -> list[Target]:
    """The performance targets of the stored evaluation a save would replace (none if there is none)."""
    old = existing(chosen.county, chosen.program, chosen.year, chosen.kind)
    if old is None:
        return []
    rows = data.targets((old["id"],)).iter_rows(named=True)
    return [Target(row["path"], row["name"], row["target"], row["actual"], row["score"]) for row in rows]


def target_frame(targets: Sequence[Target]) -> pl.DataFrame:
    """Targets as the editor's rows."""
    rows = [{"name": t.name, "path": t.path, "target": t.target, "actual": t.actual, "score": t.score} for t in targets]
    return pl.DataFrame(rows, schema=TARGET_SCHEMA)


def edited_targets(frame: pl.DataFrame) -> list[Target]:
    """The editor's rows as targets, text trimmed: a row without a 绩效指标 is left out; a 年度指标值 in
    words (「应保尽保」) is kept, and cannot be tested."""
    targets = []
    for row in frame.iter_rows(named=True):
        if name := _text(row.get("name")):
            score = row.get("score")
            got = None if score is None or math.isnan(score) else float(score)
            path, target, actual = (_text(row.get(column)) for column in ("path", "target", "actual"))
            targets.append(Target(path, name, target, actual, got))
    return targets


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def met_word(target: Target) -> str:
    """达到 / 未达到 by the target's own comparator; 无法判断 where the target or the actual is not a figure."""
    met = target.met
    if met is None:
        return tr("无法判断", "cannot tell")
    return tr("达到", "met") if met else tr("未达到", "not met")


def target_checks(targets: Sequence[Target]) -> pl.DataFrame:
    """Each target with whether its actual meets it (column `met`), and `missed` for the rows to shade."""
    return pl.DataFrame(
        [
            {
                "name": target.name,
                "target": target.target,
                "actual": target.actual,
                "met": met_word(target),
                "missed": target.met is False,
            }
            for target in targets
        ],
        schema=dict.fromkeys(("name", "target", "actual", "met"), pl.String) | {"missed": pl.Boolean},
    )


def target_paths(rubric: Rubric, stored: Sequence[Target]) -> list[str]:
    """What 所属指标 offers: none (""), every indicator of the rubric, groups too, and any stored path it lacks."""
    paths = [indicator.key for indicator in rubric.indicators]
    return ["", *paths, *sorted({target.path for target in stored if target.path and target.path not in paths})]


def target_columns(paths: Sequence[str]) -> dict[str, object]:
    """The editor's columns, titled in the language chosen."""
    return {
        "name": st.column_config.TextColumn(tr("绩效指标", "Performance target"), width="medium"),
        "path": st.column_config.SelectboxColumn(
            tr("所属指标", "Held by indicator"),
            options=list(paths),
            default="",
            format_func=lambda path: path.replace("/", " › ") if path else tr("（无）", "(none)"),
            width="large",
            help=tr(
                "该绩效指标所在的评分指标；不属于任何指标则留空",
                "The scored indicator holding the target; blank if none",
            ),
        ),
        "target": st.column_config.TextColumn(
            tr("年度指标值", "Annual target"),
            help=tr(
                "连同比较符号照报告填写，如 ≥90%、＝400元、不低于8321人", "As the report writes it: ≥90%, ＝400元 …"
            ),
        ),
        "actual": st.column_config.TextColumn(tr("实际完成值", "Actual")),
        "score": st.column_config.NumberColumn(
            tr("得分", "Score"),
            min_value=0.0,
            format="%.2f",
            help=tr(
                "报告给该绩效指标行的得分；只给所属指标打分时留空", "The report's score for the target row, if any"
            ),
        ),
    }


@dataclass
class KeptTargets:
    """What a target editor was drawn from, with which columns, and its rows as edited on the last run."""

    start: pl.DataFrame
    columns: tuple[str, ...]
    rows: pl.DataFrame


def targets_input(rubric: Rubric, chosen: Chosen) -> list[Target]:
    """An editor of the report's targets, prefilled from the stored evaluation; the targets as edited.

    st.data_editor keeps its edits as changes to the frame it was drawn from, so that frame stays the same
    while the editor lives. When the editor is drawn afresh (after a visit to another page, or with new
    columns: the language switched), it starts from the rows as last edited, so no edit is lost."""
    key = f"scoring-targets:{chosen.scope}:{chosen.kind}"
    stored = stored_targets(chosen)
    paths = target_paths(rubric, stored)
    signature = (tr("zh", "en"), *paths)
    kept = st.session_state.setdefault(TARGETS_KEPT, {})
    before: KeptTargets | None = kept.get(key)
    if before is None:
        start = target_frame(stored)
    elif key not in st.session_state or before.columns != signature:
        start = before.rows
    else:
        start = before.start
    edited = st.data_editor(
        start,
        key=key,
        num_rows="dynamic",
        column_config=target_columns(paths),
        column_order=list(TARGET_SCHEMA),
        hide_index=True,
        width="stretch",
        placeholder="",  # a blank score is blank, not "None"
    )
    kept[key] = KeptTargets(start, signature, edited)
    return edited_targets(edited)


# ── saving ────────────────────────────────────────────────────────────────────
@dataclass
class Saved:
    scored: Scored | None = None
    stored: int = 0  # 0: the very same evaluation was stored before
    error: str = ""


def save(draft: Draft, given: dict[str, object], *, kind: str, evaluator: str, targets: Sequence[Target] = ()) -> Saved:
    """Complete and store the evaluation with its performance targets; nothing is stored when an answer
    is missing or impossible."""
    try:
        scored = draft.complete(given)
    except AnswerError as error:
        return Saved(error=str(error))
    try:
        stored = _save(
            data.engine(),
            scored,
            facts=draft.facts,
            kind=kind,
            evaluator=evaluator.strip(),
            user=session.acting(),
            targets=targets,
        )
    except Rejected as rejected:
        return Saved(scored, error="；".join(str(problem) for problem in rejected.problems))
    data.refresh()
    return Saved(scored, stored)
