"""The one roll-up: leaf scores into subtotals, total and grade, with what waits; and a draft's progress on it."""

from __future__ import annotations

import pytest

from rubrics.engine import items, tally
from rubrics.load import library
from rubrics.metrics import Facts
from rubrics.model import GradeBand, Indicator, Rubric, Rule
from rubrics.ranges import parse_range
from rubrics.score import AnswerError, draft

MANUAL = Rule("manual", 0)
SPENDING = Rule("parts", 20, parts=(Rule("yes_no", 10, text="按时"), Rule("yes_no", 10, text="足额")))
# 90 points, so the grade bands (written out of 100) read the total as a share of 90
SMALL = Rubric(
    id="small",
    name="a rubric of 90 points",
    grades=tuple(
        GradeBand(grade, parse_range(text))
        for grade, text in (("优", "[90, 100]"), ("良", "[80, 90)"), ("中", "[60, 80)"), ("差", "[0, 60)"))
    ),
    indicators=(
        Indicator(("决策",), 30),
        Indicator(("决策", "立项"), 30, rule=MANUAL),
        Indicator(("过程",), 60),
        Indicator(("过程", "资金"), 40),
        Indicator(("过程", "资金", "到位率"), 20, rule=MANUAL),
        Indicator(("过程", "资金", "执行率"), 20, rule=SPENDING),
        Indicator(("过程", "管理"), 20, rule=MANUAL),
    ),
)
EVERY_LEAF = {
    "决策/立项": 28,
    "过程/资金/到位率": 19.5,
    "过程/资金/执行率#1": 10,
    "过程/资金/执行率#2": 0,
    "过程/管理": 15,
}


def test_a_parts_leaf_is_answered_part_by_part():
    by_key = SMALL.by_key
    assert items(by_key["过程/资金/执行率"]) == ("过程/资金/执行率#1", "过程/资金/执行率#2")
    assert items(by_key["过程/管理"]) == ("过程/管理",)


def test_every_leaf_scored_rolls_up_to_the_total_and_grade():
    scored = tally(SMALL, EVERY_LEAF)
    assert scored.complete and scored.waiting == ()
    assert scored.scored == tuple(EVERY_LEAF)
    assert scored.scores == {
        "决策/立项": 28,
        "过程/资金/到位率": 19.5,
        "过程/资金/执行率": 10,
        "过程/管理": 15,
        "过程/资金": 29.5,
        "过程": 44.5,
        "决策": 28,
    }
    assert scored.scores == scored.so_far
    assert scored.total == 72.5
    assert scored.on_100 == pytest.approx(72.5 / 90 * 100)  # 80.56: 良, where 72.5 out of 100 would be 中
    assert scored.grade == "良"


def test_waiting_leaves_leave_their_groups_blank_but_count_so_far():
    given = {key: value for key, value in EVERY_LEAF.items() if key not in ("过程/资金/执行率#2", "过程/管理")}
    scored = tally(SMALL, given)
    assert not scored.complete
    assert scored.waiting == ("过程/资金/执行率#2", "过程/管理")  # in the rubric's order
    assert len(scored.scored) == 3
    assert scored.scores["过程/资金/执行率"] is None and scored.so_far["过程/资金/执行率"] == 10
    assert scored.scores["过程/管理"] is None and scored.so_far["过程/管理"] is None
    assert scored.scores["过程/资金"] is None and scored.so_far["过程/资金"] == 29.5
    assert scored.scores["过程"] is None and scored.so_far["过程"] == 29.5
    assert scored.scores["决策"] == 28  # nothing under it waits
    assert scored.total == 57.5
    assert scored.grade == "中"  # of the total so far; the 评分 page shows it only once complete


def test_a_leaf_given_whole_keeps_its_value_and_groups_round_half_up():
    # the re-check gives a parts leaf as a whole, a report's score with three decimals kept as written
    scored = tally(SMALL, {**EVERY_LEAF, "过程/资金/执行率": 12.345})
    assert scored.so_far["过程/资金/执行率"] == 12.345
    assert "过程/资金/执行率#1" not in scored.scored
    assert scored.so_far["过程/资金"] == 31.85  # 31.845 half-up, as the reports write it (round() gives 31.84)


def test_a_none_value_waits():
    scored = tally(SMALL, {**EVERY_LEAF, "过程/管理": None})
    assert scored.waiting == ("过程/管理",)
    assert scored.so_far["过程"] == 29.5 and scored.scores["过程"] is None


def test_a_rubric_of_100_points_is_graded_on_its_total():
    qufu = library()["qufu-2023"]
    full = tally(qufu, {leaf.key: leaf.points for leaf in qufu.leaves})
    assert full.complete and full.total == 100 and full.on_100 == 100 and full.grade == "优"
    nothing = tally(qufu, {})
    assert nothing.waiting == tuple(key for leaf in qufu.leaves for key in items(leaf))
    assert nothing.total == 0 and all(nothing.scores[i.key] is None for i in qufu.indicators)


@pytest.fixture
def qufu_draft(warehouse):
    """Qufu 2023 drafted on a warehouse without rosters: the roster metrics become questions too."""
    figures = {"budget_wan": 7207.2, "arrived_wan": 6615.18, "spent_wan": 6615.24, "planned_persons": 13000}
    facts = Facts(warehouse, "370881", "rural", 2023, evaluation=figures)
    return draft(library()["qufu-2023"], facts)


def best(question) -> object:
    """A usable answer: the top option, yes, no deductions, a 90 % rate, full points."""
    if question.kind == "options":
        return question.options[0]
    return {"yes_no": True, "items": 0, "value": 0.9}.get(question.kind, question.points)


def test_a_draft_waits_for_every_question_in_order(qufu_draft):
    progress = qufu_draft.progress({})
    assert progress.tally.waiting == tuple(question.key for question in qufu_draft.questions)
    assert set(progress.tally.scored) == set(qufu_draft.computed)
    assert not progress.done and progress.problems == {}
    assert progress.tally.total == round(sum(c.score for c in qufu_draft.computed.values()), 2)


def test_an_unusable_answer_waits_and_says_why(qufu_draft):
    answers = {question.key: best(question) for question in qufu_draft.questions}
    spoiled = next(question for question in qufu_draft.questions if question.kind == "options")
    answers[spoiled.key] = 0.25  # not one of its options
    progress = qufu_draft.progress(answers)
    assert progress.tally.waiting == (spoiled.key,)
    assert list(progress.problems) == [spoiled.key] and "只能给" in progress.problems[spoiled.key]
    assert not progress.done
    with pytest.raises(AnswerError, match="只能给"):
        qufu_draft.complete(answers)


def test_the_first_missing_answer_is_named(qufu_draft):
    answers = {question.key: best(question) for question in qufu_draft.questions[1:]}
    first = qufu_draft.questions[0]
    with pytest.raises(AnswerError, match=f"「{first.indicator}」.*尚未填写"):
        qufu_draft.complete(answers)


def test_a_complete_draft_is_the_tally_of_its_answers(qufu_draft):
    answers = {question.key: best(question) for question in qufu_draft.questions}
    progress = qufu_draft.progress(answers)
    assert progress.done
    scored = qufu_draft.complete(answers)
    assert scored.tally == progress.tally
    assert (scored.total, scored.grade) == (progress.tally.total, progress.tally.grade)
    assert all(scored.tally.scores[indicator.key] is not None for indicator in scored.rubric.indicators)
    # a leaf's parts in the rubric's order, each computed or asked
    for leaf in scored.rubric.leaves:
        assert [part.key for part in qufu_draft.parts(leaf)] == list(items(leaf))
