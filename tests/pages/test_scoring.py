"""The 评分 page on the demo warehouse: computed leaves with their inputs, questions for the rest,
a live total, saving through the evaluation loader (on a copy of the demo), and plain messages; the
performance targets on a warehouse holding one scored evaluation."""

from __future__ import annotations

import math

import pandas as pd
import polars as pl
import pytest

from app_ui.scoring import edited_targets
from rubrics.load import rubric_for
from rubrics.metrics import Facts
from rubrics.score import draft
from rubrics.score import save as save_scoring
from rubrics.targets import Target
from tests.pages.apptest import metrics, open_with, table
from warehouse import read

PAGE = "app_pages/performance/scoring.py"
SCOPE = "370881:rural:2023"
FIGURES = ("budget_wan", "arrived_wan", "spent_wan", "planned_persons")


def qufu_questions(engine):
    """The questions the page asks for 曲阜市 rural 2023, from the stored finance evaluation's figures."""
    stored = read.evaluations(engine, counties=["370881"], program="rural", year=2023).row(0, named=True)
    facts = Facts(engine, "370881", "rural", 2023, evaluation={name: stored[name] for name in FIGURES})
    return draft(rubric_for(county="370881", program="rural", year=2023), facts).questions


NAMES = ("indicator", "points", "score", "how", "basis")
TITLES = {  # the tree table's column titles → the names above
    "zh": dict(zip(("指标", "分值", "得分", "评分方式", "计算依据"), NAMES, strict=True)),
    "en": dict(zip(("Indicator", "Points", "Score", "Scored by", "Computed from"), NAMES, strict=True)),
}


def row(app, path_end: str, *, language: str = "zh") -> dict:
    """The tree table's row of the indicator whose name ends so, by column name whatever the language."""
    titles = TITLES[language]
    tree = table(app, next(iter(titles))).rename(columns=titles)
    assert tuple(tree.columns) == NAMES
    found = tree[tree["indicator"].str.strip().str.endswith(path_end)]
    assert len(found) == 1, path_end
    return found.iloc[0].to_dict()


def answer(app, question, *, top: bool = True) -> None:
    """Answer one question with the best score (no deductions; 90 % for a survey rate); `top=False`: the worst."""
    key = f"scoring-answer:{SCOPE}:{question.key}"
    if question.kind == "options":
        app.radio(key=key).set_value(question.options[0] if top else question.options[-1])
    elif question.kind == "yes_no":
        app.radio(key=key).set_value(top)
    elif question.kind == "items":
        app.number_input(key=key).set_value(0 if top else 1)
    elif question.kind == "value":  # 应保未保比率 0 % is best; the survey rates 90 %
        app.number_input(key=key).set_value(0.0 if "应保未保" in question.indicator and top else 90.0)
    else:
        app.number_input(key=key).set_value(float(question.points) if top else 0.0)


def test_qufu_2023_shows_the_computed_leaves_and_asks_the_rest(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    assert not app.exception
    assert app.selectbox(key="scoring-county").value == "370881"
    assert app.number_input(key="scoring-year").value == 2023
    assert app.radio(key="scoring-program:370881").value == "rural"
    page_text = " ".join(markdown.value for markdown in app.markdown)
    assert "曲阜市农村居民最低生活保障项目绩效评价指标体系" in page_text
    assert "001 附件1" in page_text and "qufu-2023.toml" in page_text
    # the figures, prefilled from the stored 财政评价
    figures = {name: app.number_input(key=f"scoring-figure:{SCOPE}:{name}").value for name in FIGURES}
    assert figures["spent_wan"] == pytest.approx(6615.24) and figures["arrived_wan"] == pytest.approx(6615.18)
    assert figures["planned_persons"] == 13000
    assert "财政评价预填" in " ".join(caption.value for caption in app.caption)

    execution = row(app, "预算执行率")
    assert execution["score"] == 2 and execution["how"] == "数据计算"
    assert "实际支出（万元） 6,615.24" in execution["basis"] and "实际到位（万元） 6,615.18" in execution["basis"]
    on_time = row(app, "补助资金及时发放率")
    assert on_time["score"] == 10 and "按时月份 12" in on_time["basis"]
    standard = row(app, "农村低保标准提高")
    assert standard["score"] == 3 and "700" in standard["basis"] and "745" in standard["basis"]
    assert "预算执行率" in page_text and "由数据计算：**2 分**" in page_text

    # every judgement leaf has an input, keyed by the question, nothing answered yet
    questions = qufu_questions(demo_warehouse)
    assert questions and {q.indicator for q in questions} >= {
        "决策/项目立项/立项依据充分性",
        "过程/资金管理/资金使用合规性",
        "效益/项目效益/可持续影响",
        "效益/项目效益/服务对象满意度",
    }
    widgets = [*app.radio, *app.number_input]
    keys = {widget.key for widget in widgets if widget.key.startswith("scoring-answer:")}
    assert keys == {f"scoring-answer:{SCOPE}:{q.key}" for q in questions}
    assert all(widget.label for widget in widgets)
    assert row(app, "可持续影响")["how"] == "待评定"
    assert pd.isna(row(app, "决策")["score"])  # a parent's score waits for all of its leaves
    shown = metrics(app)
    assert shown["待评定"] == str(len(questions)) and shown["等级"] == "—"
    assert not app.error


def test_answering_everything_and_saving_stores_the_evaluation_the_page_showed(demo_copy):
    app = open_with(PAGE, ["370881"], 2023)
    assert app.radio(key="scoring-kind").value == "self"
    assert not app.warning  # no 自评 of 曲阜市 2023 is stored: nothing to replace
    app.text_input(key="scoring-evaluator").input("曲阜市民政局")
    questions = qufu_questions(demo_copy)
    for question in questions:
        answer(app, question)
    app.run()
    assert not app.exception
    shown = metrics(app)
    assert shown["待评定"] == "0"
    total, grade = shown["总分"], shown["等级"]
    # 决策 20 + 过程 17 (到位率 1, 执行率 2) + 产出 33 (发放率 8) + 效益 23.9 (survey rates 90 % of 3 and 8)
    assert (total, grade) == ("93.90", "优")
    assert row(app, "决策")["score"] == 20  # every judgement answered with the best score

    before = read.evaluations(demo_copy, counties=["370881"], year=2023, pending=True).height
    app.button(key="scoring-save").click().run()
    assert not app.exception
    assert f"总分 {total}" in app.success[0].value and "等级 优" in app.success[0].value
    stored = read.evaluations(demo_copy, counties=["370881"], program="rural", year=2023, pending=True)
    assert stored.height == before + 1
    self_evaluation = stored.filter(kind="self").row(0, named=True)
    assert f"{self_evaluation['total_score']:.2f}" == total
    assert self_evaluation["grade"] == "优" and self_evaluation["evaluator"] == "曲阜市民政局"
    assert self_evaluation["spent_wan"] == pytest.approx(6615.24)
    indicators = read.indicator_scores(demo_copy, evaluation_ids=[self_evaluation["id"]])
    assert indicators.filter(path="过程/资金管理/预算执行率")["score"].item() == 2
    assert read.uploads(demo_copy, kind="evaluation")["uploaded_by"].to_list()[-1] == "测试管理员"
    assert stored.filter(kind="finance")["total_score"].item() == 92.46  # the report's own, untouched

    # saved now: choosing 自评 again warns that a save would replace it
    assert "保存将替换" in app.warning[0].value
    assert app.button(key="scoring-save").disabled


def test_a_missing_answer_stores_nothing_and_names_the_indicator(demo_copy):
    app = open_with(PAGE, ["370881"], 2023)
    app.text_input(key="scoring-evaluator").input("曲阜市民政局")
    questions = qufu_questions(demo_copy)
    left_out = next(q for q in questions if q.indicator == "效益/项目效益/可持续影响")
    for question in questions:
        if question is not left_out:
            answer(app, question, top=False)
    app.run()
    assert metrics(app)["待评定"] == "1"
    assert "已得分（未完成）" in metrics(app)
    before = read.evaluations(demo_copy, counties=["370881"], year=2023, pending=True)
    app.button(key="scoring-save").click().run()
    assert not app.exception
    assert "未保存" in app.error[0].value and "可持续影响" in app.error[0].value and "尚未填写" in app.error[0].value
    assert not app.success
    assert read.evaluations(demo_copy, counties=["370881"], year=2023, pending=True).equals(before)


def test_no_evaluator_stores_nothing(demo_copy):
    app = open_with(PAGE, ["370881"], 2023)
    for question in qufu_questions(demo_copy):
        answer(app, question)
    app.run()
    app.button(key="scoring-save").click().run()
    assert "评价机构" in app.error[0].value
    assert read.evaluations(demo_copy, counties=["370881"], year=2023, pending=True).filter(kind="self").is_empty()


def test_replacing_a_stored_evaluation_asks_for_confirmation(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    app.radio(key="scoring-kind").set_value("finance").run()
    assert not app.exception
    assert "已有曲阜市 2023年农村的财政评价" in app.warning[0].value and "总分 92.46" in app.warning[0].value
    assert app.button(key="scoring-save").disabled
    app.checkbox(key=f"scoring-replace:{SCOPE}:finance").check().run()
    assert not app.button(key="scoring-save").disabled


def test_answers_survive_a_visit_to_another_page(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    question = qufu_questions(demo_warehouse)[0]
    key = f"scoring-answer:{SCOPE}:{question.key}"
    answer(app, question)
    app.run()
    value = (app.radio(key=key) if question.kind in ("options", "yes_no") else app.number_input(key=key)).value
    app.switch_page("app_pages/performance/scores.py").run()
    app.switch_page(PAGE).run()
    assert not app.exception
    assert (app.radio(key=key) if question.kind in ("options", "yes_no") else app.number_input(key=key)).value == value


def test_without_a_rubric_the_page_says_so_plainly(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    app.number_input(key="scoring-year").set_value(2018).run()
    assert not app.exception
    assert "曲阜市 2018年（农村）没有适用的指标体系" in app.info[0].value
    assert "农村 2019–2024年" in app.info[0].value
    assert not [button for button in app.button if button.key == "scoring-save"]

    app.number_input(key="scoring-year").set_value(2023).run()
    app.radio(key="scoring-program:370881").set_value("urban").run()
    assert not app.exception and "没有适用的指标体系" in app.info[0].value


def test_english(demo_warehouse):
    app = open_with(PAGE, ["370881"], 2023)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Score an evaluation"
    assert app.number_input(key=f"scoring-figure:{SCOPE}:budget_wan").label == "Budget (10k yuan)"
    assert app.radio(key="scoring-kind").label == "Kind"
    assert {"Score so far (incomplete)", "Grade", "Still to answer"} <= set(metrics(app))
    assert row(app, "预算执行率", language="en")["how"] == "computed"
    assert "Evaluation figures" in [header.value for header in app.subheader]


# ── performance targets ───────────────────────────────────────────────────────
ON_TIME = "产出/产出时效/补助资金及时发放率"
TARGETS = (  # as the stored self-evaluation holds them: the first missed, the second met
    Target(ON_TIME, "按时发放率", "≥90%", "60%"),
    Target("", "补助人数", "≥12000人", "12302人", score=2.0),
)
EDITOR = f"scoring-targets:{SCOPE}:self"
STORED_FIGURES = {"budget_wan": 7207.2, "arrived_wan": 6615.18, "spent_wan": 6615.24, "planned_persons": 13000}


def drafted_on(engine):
    """曲阜市 rural 2023 as the page drafts it on `engine`, with the stored figures."""
    facts = Facts(engine, "370881", "rural", 2023, evaluation=STORED_FIGURES)
    return draft(rubric_for(county="370881", program="rural", year=2023), facts)


@pytest.fixture
def with_targets(warehouse):
    """A warehouse (counties, no rosters) holding 曲阜市's 2023 rural self-evaluation with TARGETS."""
    drafted = drafted_on(warehouse)
    given = {}
    for question in drafted.questions:  # every answer the best (a reported rate 90 %)
        if question.kind == "options":
            given[question.key] = question.options[0]
        else:
            given[question.key] = {"yes_no": True, "items": 0, "value": 0.9}.get(question.kind, question.points)
    scored = drafted.complete(given)
    save_scoring(
        warehouse, scored, facts=drafted.facts, kind="self", evaluator="曲阜市民政局", user="测试员", targets=TARGETS
    )
    return warehouse


def editor(app):
    return next(element for element in app.data_editor if element.key == EDITOR)


def checks(app) -> list[tuple[str, str]]:
    """The check table under the editor: (绩效指标, 是否达到) a row."""
    shown = table(app, "是否达到")
    return list(zip(shown["绩效指标"], shown["是否达到"], strict=True))


def test_editor_rows_become_targets_blank_names_left_out_words_kept():
    rows = pl.DataFrame(
        {
            "name": [" 按时发放率 ", None, "  ", "低保对象人数", "补助人数"],
            "path": [ON_TIME, ON_TIME, "", None, ""],
            "target": ["≥90%", "≥95%", "≥1", "应保尽保", "不低于12000人"],
            "actual": ["60%", "99%", "2", "应保尽保", None],
            "score": [math.nan, 3.0, None, None, 2.0],
        }
    )
    assert edited_targets(rows) == [
        Target(ON_TIME, "按时发放率", "≥90%", "60%"),
        Target("", "低保对象人数", "应保尽保", "应保尽保"),
        Target("", "补助人数", "不低于12000人", "", 2.0),
    ]
    assert [target.met for target in edited_targets(rows)] == [False, None, None]


def test_the_stored_targets_are_prefilled_and_a_missed_one_is_marked(with_targets):
    app = open_with(PAGE, ["370881"], 2023)
    assert not app.exception
    assert "绩效目标与实际完成值" in [header.value for header in app.subheader]
    prefilled = editor(app)
    assert prefilled.editing_mode == "dynamic"
    shown = prefilled.value
    assert shown["name"].tolist() == ["按时发放率", "补助人数"]
    assert shown["path"].tolist() == [ON_TIME, ""] and shown["target"].tolist() == ["≥90%", "≥12000人"]
    assert shown["actual"].tolist() == ["60%", "12302人"] and shown["score"].iloc[1] == 2.0
    assert checks(app) == [("按时发放率", "未达到"), ("补助人数", "达到")]


def test_edited_targets_are_checked_on_the_rerun_and_saved(with_targets):
    app = open_with(PAGE, ["370881"], 2023)
    app.session_state[EDITOR] = {  # what the browser sends after these edits
        "edited_rows": {"1": {"actual": "11800人"}},
        "added_rows": [
            {"name": "低保对象人数", "path": "", "target": "应保尽保", "actual": "应保尽保"},
            {"name": "", "path": ON_TIME, "target": "≥1", "actual": "2"},  # no name: not a target
        ],
        "deleted_rows": [],
    }

    app.run()
    assert not app.exception
    assert checks(app) == [("按时发放率", "未达到"), ("补助人数", "未达到"), ("低保对象人数", "无法判断")]

    app.text_input(key="scoring-evaluator").input("曲阜市民政局")
    for question in drafted_on(with_targets).questions:
        answer(app, question)
    app.checkbox(key=f"scoring-replace:{SCOPE}:self").check().run()
    app.button(key="scoring-save").click().run()
    assert not app.exception and not app.error
    (stored,) = read.evaluations(with_targets, counties=["370881"], year=2023, pending=True).iter_rows(named=True)
    saved = read.performance_targets(with_targets, evaluation_ids=[stored["id"]])
    assert saved["name"].to_list() == ["按时发放率", "补助人数", "低保对象人数"]
    assert saved["actual"].to_list() == ["60%", "11800人", "应保尽保"]
    assert saved["score"].to_list() == [None, 2.0, None]


def test_edited_targets_survive_a_visit_to_another_page_and_a_language_switch(with_targets):
    app = open_with(PAGE, ["370881"], 2023)
    app.session_state[EDITOR] = {"edited_rows": {0: {"actual": "95%"}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert checks(app) == [("按时发放率", "达到"), ("补助人数", "达到")]
    app.switch_page("app_pages/performance/scores.py").run()
    app.switch_page(PAGE).run()
    assert not app.exception
    assert editor(app).value["actual"].tolist() == ["95%", "12302人"]  # drawn afresh from the rows as edited
    assert checks(app) == [("按时发放率", "达到"), ("补助人数", "达到")]

    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    shown = table(app, "Met?")
    assert list(zip(shown["Performance target"], shown["Met?"], strict=True)) == [
        ("按时发放率", "met"),
        ("补助人数", "met"),
    ]
