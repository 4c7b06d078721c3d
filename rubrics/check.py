"""Re-check a reported evaluation against its rubric: every computable leaf, subtotal, total, grade.

The reported score sheet is matched to the rubric indicator by indicator (names or aliases,
level by level). Computable leaves are rescored (rubrics/leaf.py) from the figures the report
states, with the warehouse's rosters and standards where it states none and as a second opinion
where it does; the others keep the reported score, which is still checked against what its rule
can give. Every *difference* says what it rests on — the report's own figures, a reading of
ambiguous rubric words, or warehouse data (synthetic in the demo) — and the totals and grades are
given per basis (rubrics/recheck.py). A *problem* is a fault of the sheet or the rubric itself
(subtotals that do not add up, points not summing to 100, a grade word that is not a grade, a
band the report's words leave empty, a missed target scored in full).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.engine import Engine

from rubrics.load import library, rubric_for
from rubrics.metrics import Facts
from rubrics.outcome import Difference, EvaluationCheck, Line
from rubrics.recheck import GRADE, TOTAL, Recheck
from warehouse import read
from warehouse.vocabulary import KIND_WORDS


def check_evaluations(
    engine: Engine, *, county: str | None = None, year: int | None = None, program: str | None = None
) -> list[EvaluationCheck]:
    """Re-check every stored evaluation matching the filters, in county and year order."""
    evaluations = read.evaluations(engine, counties=[county] if county else None, year=year)
    if program:
        evaluations = evaluations.filter(pl.col("program") == program)
    names = dict(read.counties(engine).select("code", "name").iter_rows())
    return [
        check_evaluation(engine, row, county_name=names.get(row["county_code"], row["county_code"]))
        for row in evaluations.iter_rows(named=True)
    ]


def check_by_id(engine: Engine, evaluation_id: int) -> EvaluationCheck | None:
    """Re-check the stored evaluation with this id (None if there is none)."""
    evaluations = read.evaluations(engine, ids=[evaluation_id])
    if evaluations.is_empty():
        return None
    row = evaluations.row(0, named=True)
    county = read.counties(engine, codes=[row["county_code"]])
    return check_evaluation(engine, row, county_name=county["name"][0] if county.height else row["county_code"])


def check_evaluation(engine: Engine, evaluation: dict, *, county_name: str = "") -> EvaluationCheck:
    """Re-check one evaluation (a row of `read.evaluations`)."""
    result = EvaluationCheck(
        evaluation_id=evaluation["id"],
        county=evaluation["county_code"],
        county_name=county_name,
        year=evaluation["year"],
        program=evaluation["program"],
        kind=KIND_WORDS.get(evaluation["kind"], evaluation["kind"]),
        source=evaluation.get("source") or "",
        reported_total=evaluation["total_score"],
        reported_grade=evaluation["grade"] or "",
    )
    rubric = rubric_for(county=result.county, program=result.program, year=result.year)
    if rubric is None:
        result.problems.append("没有适用于此评价的指标体系（rubrics/ 中无对应文件），无法重算")
        return result
    result.rubric = rubric.id
    sheet = read.indicator_scores(engine, evaluation_ids=[result.evaluation_id])
    targets = read.performance_targets(engine, evaluation_ids=[result.evaluation_id])
    facts = Facts(engine, result.county, result.program, result.year, evaluation=dict(evaluation))
    return Recheck(rubric, sheet, targets, facts, result).run()


__all__ = [
    "GRADE",
    "TOTAL",
    "Difference",
    "EvaluationCheck",
    "Line",
    "check_by_id",
    "check_evaluation",
    "check_evaluations",
    "library",
]
