"""List the shipped rubric library: one row per rubric, and the report errata the rubrics keep."""

from __future__ import annotations

import polars as pl

from app_ui.i18n import program_words, tr
from app_ui.tables import Column, retitled
from rubrics.load import RubricError, library
from rubrics.model import Rubric

RUBRIC_COLUMNS = [
    "file",
    Column("name", ("名称", "Name"), width=280),
    Column("applies", ("适用于", "Applies to")),
    retitled("points", ("总分值", "Points"), format="%g"),
    Column("leaves", ("末级指标", "Scored leaves")),
    Column("computable", ("可重算", "Recomputable")),
    Column("problems", ("原文问题", "Errata")),
]
ERRATA_COLUMNS = ["file", Column("problem", ("报告原文问题", "Report erratum"))]


def rubrics() -> tuple[dict[str, Rubric], list[str]]:
    """The shipped rubrics by id, or the problems that stop the library loading."""
    try:
        return library(), []
    except RubricError as error:
        return {}, error.problems


def rubric_rows(found: dict[str, Rubric], names: dict[str, str]) -> pl.DataFrame:
    """One row per rubric: file, name, what it applies to, points, leaves, and how many report errata it keeps."""
    programs = program_words()
    rows = []
    for rubric_id, rubric in found.items():
        applies = [
            f"{names.get(a.county, a.county)} {programs.get(a.program, a.program)} {_years(a.first_year, a.last_year)}"
            for a in rubric.applies
        ]
        rows.append(
            {
                "file": f"{rubric_id}.toml",
                "name": rubric.name,
                "applies": "；".join(applies) or tr("（框架：供其他指标体系借用等级）", "(framework: grade bands)"),
                "points": rubric.total_points if rubric.indicators else None,
                "leaves": len(rubric.leaves),
                "computable": sum(1 for leaf in rubric.leaves if leaf.rule and leaf.rule.computable),
                "problems": len(rubric.problems),
            }
        )
    schema = {
        "file": pl.String,
        "name": pl.String,
        "applies": pl.String,
        "points": pl.Float64,
        "leaves": pl.Int64,
        "computable": pl.Int64,
        "problems": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def errata_rows(found: dict[str, Rubric]) -> pl.DataFrame:
    """Every rubric's report errata (what the report's own rubric gets wrong, kept and flagged), one per row."""
    rows = [(f"{rubric_id}.toml", problem) for rubric_id, rubric in found.items() for problem in rubric.problems]
    return pl.DataFrame(rows, schema={"file": pl.String, "problem": pl.String}, orient="row")


def _years(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return tr("各年度", "every year")
    if first == last:
        return tr(f"{first}年", str(first))
    return tr(f"{first or ''}–{last or ''}年", f"{first or ''}–{last or ''}")
