"""The 评分 page's calls: the rubric that applies, the draft the warehouse can fill in, the evaluator's
answers (kept across page switches), the tree as far as they go, and saving through the evaluation loader.

All the adding up is rubrics' (rubrics/score.py, rubrics/engine.py); this module holds the widgets and their state."""

from __future__ import annotations

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
from warehouse.errors import Rejected
from warehouse.settings import get_settings

PROGRAMS = ("rural", "urban", "all")
KINDS = ("self", "department", "finance")
FIGURES = ("budget_wan", "arrived_wan", "spent_wan", "planned_persons")
KEPT = "scoring-kept"  # widget key → value, so answers survive a visit to another page


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
    return data.evaluations((county,), program, year).filter(pl.col("program") == program)


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


# ── saving ────────────────────────────────────────────────────────────────────
@dataclass
class Saved:
    scored: Scored | None = None
    stored: int = 0  # 0: the very same evaluation was stored before
    error: str = ""


def save(draft: Draft, given: dict[str, object], *, kind: str, evaluator: str) -> Saved:
    """Complete and store the evaluation; nothing is stored when an answer is missing or impossible."""
    try:
        scored = draft.complete(given)
    except AnswerError as error:
        return Saved(error=str(error))
    try:
        stored = _save(
            data.engine(), scored, facts=draft.facts, kind=kind, evaluator=evaluator.strip(), user=session.acting()
        )
    except Rejected as rejected:
        return Saved(scored, error="；".join(str(problem) for problem in rejected.problems))
    data.refresh()
    return Saved(scored, stored)
