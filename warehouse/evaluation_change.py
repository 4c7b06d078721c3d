"""What a score sheet waiting for approval changes in an approved evaluation: the total, the grade and each
indicator's score, side by side (the 审核 page shows it before the approver decides)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from warehouse import evaluation_states, read
from warehouse.evaluation_states import LEVELS, EvaluationKey


@dataclass(frozen=True)
class EvaluationChange:
    total_old: float | None
    total_new: float | None
    grade_old: str
    grade_new: str
    indicators: pl.DataFrame  # path, points, score_old, score_new, difference: the indicators whose score moved


def evaluation_change(engine: Engine, *, county: str, program: str, year: int, kind: str) -> EvaluationChange | None:
    """The change a waiting replacement makes to the approved evaluation; None when none waits."""
    key = EvaluationKey(county, program, year, kind)
    with engine.connect() as conn:
        waiting = evaluation_states.waiting_rows(conn, key)
    approved = read.evaluations(engine, counties=[county], program=program, year=year).filter(
        pl.col("program") == program, pl.col("kind") == kind
    )
    if waiting is None or approved.is_empty():
        return None
    _, rows = waiting
    old = approved.row(0, named=True)
    new = rows.row(0, named=True)
    scores = read.indicator_scores(engine, evaluation_ids=[old["id"]]).select("path", "points", score_old="score")
    return EvaluationChange(
        total_old=old["total_score"],
        total_new=new["total_score"],
        grade_old=old["grade"],
        grade_new=new["grade"],
        indicators=_moved(scores, _scores(rows)),
    )


def _scores(rows: pl.DataFrame) -> pl.DataFrame:
    """The indicator rows of a score sheet (not its 绩效指标 rows), by path."""
    path = pl.concat_list([pl.col(level) for level in LEVELS]).list.eval(pl.element().filter(pl.element() != ""))
    return rows.filter(pl.col("target_name") == "").select(
        path.list.join("/").alias("path"), pl.col("points").alias("points_new"), pl.col("score").alias("score_new")
    )


def _moved(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    joined = old.join(new, on="path", how="full", coalesce=True)
    return (
        joined.with_columns(
            points=pl.coalesce("points", "points_new"),
            difference=(pl.col("score_new").fill_null(0) - pl.col("score_old").fill_null(0)).round(2),
        )
        .filter(pl.col("score_old").ne_missing(pl.col("score_new")))  # a score changed, came or went
        .select("path", "points", "score_old", "score_new", "difference")
    )
