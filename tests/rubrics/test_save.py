"""Saving a scoring stores the sheet it builds through the evaluation loader: no temporary file, no CSV
read back, and the same validation, upload log, audit event and scope check as the file would get."""

from __future__ import annotations

import hashlib
import tempfile

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from access.roles import EVALUATOR, Actor, OutOfScope
from loaders import evaluation
from loaders.evaluation import ingest_evaluation, parse_evaluation
from rubrics.load import library
from rubrics.metrics import Facts
from rubrics.score import SHEET_HEADER, draft, save, sheet_rows, write_sheet
from rubrics.targets import Target
from warehouse import audit, read
from warehouse.errors import Rejected

FIGURES = {"budget_wan": 7207.2, "arrived_wan": 6615.18, "spent_wan": 6615.24, "planned_persons": 13000}
NAME = "370881_2023_rural_评分.csv"
ON_TIME = "产出/产出时效/补助资金及时发放率"
TARGETS = (  # one missed, one met; the second stands under no indicator and has a score of its own
    Target(ON_TIME, "按时发放率", "≥90%", "60%"),
    Target("", "补助人数", "≥12000人", "12302人", score=2.0),
)


def scored_on(engine, county: str = "370881"):
    """Qufu's 2023 rubric scored with every question answered as well as it can be."""
    facts = Facts(engine, county, "rural", 2023, evaluation=FIGURES)
    drafted = draft(library()["qufu-2023"], facts)
    answers = {}
    for question in drafted.questions:
        if question.kind == "options":
            answers[question.key] = question.options[0]
        else:
            answers[question.key] = {"yes_no": True, "items": 0, "value": 0.9}.get(question.kind, question.points)
    return drafted.complete(answers), facts


@pytest.fixture
def no_file(monkeypatch):
    """Any temporary file, or any score sheet read from a file, fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("saving a scoring made or read a file")

    for name in ("TemporaryDirectory", "NamedTemporaryFile", "SpooledTemporaryFile", "mkdtemp", "mkstemp"):
        monkeypatch.setattr(tempfile, name, refuse)
    monkeypatch.setattr(evaluation, "read_records", refuse)


def test_saving_stores_the_evaluation_its_upload_and_audit_event(warehouse, no_file, tmp_path):
    scored, facts = scored_on(warehouse)
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="曲阜市民政局", user="测试员") == 1

    (stored,) = read.evaluations(warehouse, counties=["370881"], year=2023, pending=True).iter_rows(named=True)
    assert (stored["kind"], stored["evaluator"], stored["source"]) == ("self", "曲阜市民政局", "upload")
    assert (stored["total_score"], stored["grade"]) == (scored.total, scored.grade)
    assert stored["spent_wan"] == 6615.24 and stored["planned_persons"] == 13000
    indicators = read.indicator_scores(warehouse, evaluation_ids=[stored["id"]])
    assert dict(zip(indicators["path"], indicators["score"], strict=True)) == scored.tally.scores

    (upload,) = read.uploads(warehouse, kind="evaluation").iter_rows(named=True)
    assert (upload["file_name"], upload["uploaded_by"], upload["county_code"]) == (NAME, "测试员", "370881")
    assert upload["rows_read"] == len(scored.rubric.indicators)
    (event,) = audit.events(warehouse, text=upload["file_hash"]).iter_rows(named=True)
    assert (event["actor"], event["action"], event["county_code"]) == ("测试员", "upload", "370881")
    assert (event["file_name"], event["detail"]) == (NAME, "评分表 rural 2023 self（待审核）")

    # fingerprinted as the sheet write_sheet writes: uploading that file is the same upload, stored once
    path = write_sheet(tmp_path / NAME, sheet_rows(scored, facts=facts, kind="self", evaluator="曲阜市民政局"))
    assert upload["file_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="曲阜市民政局", user="测试员") == 0


def test_saving_is_validated_as_the_file_would_be(warehouse, tmp_path):
    scored, facts = scored_on(warehouse, county="999999")  # not in the county registry
    rows = sheet_rows(scored, facts=facts, kind="self", evaluator="某所")
    path = write_sheet(tmp_path / "999999_2023_rural_评分.csv", rows)
    with pytest.raises(Rejected) as from_file:
        parse_evaluation(warehouse, path)
    with pytest.raises(Rejected) as saved:
        save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user="测试员")
    assert saved.value.problems == from_file.value.problems
    assert "县区代码 999999 不在县区名录中" in str(saved.value.problems[0])
    assert (
        read.evaluations(warehouse, pending=True).is_empty() and read.uploads(warehouse, kind="evaluation").is_empty()
    )


def test_saving_for_a_county_outside_ones_scope_is_refused(warehouse, no_file):
    scored, facts = scored_on(warehouse)
    xinping = Actor("新平评价员", EVALUATOR, frozenset({"530427"}))
    with pytest.raises(OutOfScope, match="无权上传县区 370881"):
        save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user=xinping)
    assert read.evaluations(warehouse, pending=True).is_empty()
    assert audit.events(warehouse).is_empty()
    qufu = Actor("曲阜评价员", EVALUATOR, frozenset({"370881"}))
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user=qufu) == 1


def stored_targets(engine, evaluation_id: int) -> list[Target]:
    rows = read.performance_targets(engine, evaluation_ids=[evaluation_id]).iter_rows(named=True)
    return [Target(row["path"], row["name"], row["target"], row["actual"], row["score"]) for row in rows]


def test_target_rows_follow_the_indicator_rows_in_the_score_sheet_columns(warehouse):
    scored, facts = scored_on(warehouse)
    rows = sheet_rows(scored, facts=facts, kind="self", evaluator="某所", targets=TARGETS)
    assert len(rows) == len(scored.rubric.indicators) + 2
    assert all(row[SHEET_HEADER.index("绩效指标")] == "" for row in rows[:-2])  # indicator rows name no target
    on_time, persons = (dict(zip(SHEET_HEADER, row, strict=True)) for row in rows[-2:])
    assert [on_time[level] for level in ("一级指标", "二级指标", "三级指标", "四级指标")] == ON_TIME.split("/") + [""]
    assert (on_time["绩效指标"], on_time["年度指标值"], on_time["实际完成值"]) == ("按时发放率", "≥90%", "60%")
    assert (on_time["分值"], on_time["得分"], on_time["县区代码"]) == ("", "", "")  # the row above says the county
    assert (persons["一级指标"], persons["绩效指标"], persons["得分"]) == ("", "补助人数", "2")


def test_saving_stores_the_performance_targets(warehouse, no_file):
    scored, facts = scored_on(warehouse)
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user="测试员", targets=TARGETS) == 1

    (stored,) = read.evaluations(warehouse, counties=["370881"], year=2023, pending=True).iter_rows(named=True)
    expected = pl.DataFrame(
        {
            "evaluation_id": [stored["id"]] * 2,
            "position": [0, 1],
            "path": [ON_TIME, ""],
            "name": ["按时发放率", "补助人数"],
            "target": ["≥90%", "≥12000人"],
            "actual": ["60%", "12302人"],
            "score": [None, 2.0],
            "note": ["", ""],
        }
    )
    got = read.performance_targets(warehouse, evaluation_ids=[stored["id"]])
    assert_frame_equal(got, expected, check_dtypes=False)
    assert [target.met for target in stored_targets(warehouse, stored["id"])] == [False, True]
    # the target rows are not indicators: the indicator scores are the tally's, no more
    indicators = read.indicator_scores(warehouse, evaluation_ids=[stored["id"]])
    assert dict(zip(indicators["path"], indicators["score"], strict=True)) == scored.tally.scores
    (upload,) = read.uploads(warehouse, kind="evaluation").iter_rows(named=True)
    assert upload["rows_read"] == len(scored.rubric.indicators) + 2


def test_written_sheet_read_back_by_the_loader_gives_the_same_targets(warehouse, tmp_path):
    scored, facts = scored_on(warehouse)
    targets = (*TARGETS, Target("", "低保对象人数", "应保尽保", "应保尽保"))  # a target in words is kept as written
    path = write_sheet(tmp_path / NAME, sheet_rows(scored, facts=facts, kind="self", evaluator="某所", targets=targets))
    assert ingest_evaluation(warehouse, path, user="测试员") == 1

    (stored,) = read.evaluations(warehouse, counties=["370881"], year=2023, pending=True).iter_rows(named=True)
    assert stored_targets(warehouse, stored["id"]) == list(targets)
    # saving the same scoring with the same targets is the upload that file was: stored once
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user="测试员", targets=targets) == 0
    # with a target changed it is another scoring, and it replaces the stored one
    changed = (Target(ON_TIME, "按时发放率", "≥90%", "95%"), *targets[1:])
    assert save(warehouse, scored, facts=facts, kind="self", evaluator="某所", user="测试员", targets=changed) == 1
    (replaced,) = read.evaluations(warehouse, counties=["370881"], year=2023, pending=True).iter_rows(named=True)
    assert [target.met for target in stored_targets(warehouse, replaced["id"])] == [True, True, None]
