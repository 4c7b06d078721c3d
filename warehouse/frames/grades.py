"""等级趋势 frames: every evaluation with its words, the scored ones for the trend, the unscored ones, grade bands.

Every function takes the frame of `warehouse.read.evaluations`; grades stay as the report
wrote them (优秀, 好 …), and `band` is the grade the total score falls in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from warehouse.frames import marks
from warehouse.vocabulary import KIND_WORDS, PROGRAM_WORDS

BANDS = (("优", 90.0, 100.0), ("良", 80.0, 90.0), ("中", 60.0, 80.0), ("差", 0.0, 60.0))  # grade, from, below


@dataclass(frozen=True)
class Words:
    """The words written into the frames (Chinese unless the page passes others)."""

    programs: Mapping[str, str] = field(default_factory=lambda: PROGRAM_WORDS)
    kinds: Mapping[str, str] = field(default_factory=lambda: KIND_WORDS)
    sources: Mapping[str, str] = field(
        default_factory=lambda: {"seed": "评价报告", "upload": "上传", "synthetic": "演示数据"}
    )
    band_labels: Mapping[str, str] = field(
        default_factory=lambda: {"优": "优 ≥ 90", "良": "良 80–90", "中": "中 60–80", "差": "差 < 60"}
    )
    year_suffix: str = "年"
    no_score: str = "无总分"  # the band of an evaluation that reports a conclusion word only
    unnamed: str = "报告未署名"  # an evaluator the report does not name
    pending: str = marks.PENDING_MARK  # an evaluation waiting for approval, shown only when asked for


def band(score: pl.Expr) -> pl.Expr:
    """The grade a total score falls in: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60 (null without a score)."""
    grade = pl.when(score.is_null()).then(pl.lit(None, pl.String))
    for name, low, _ in BANDS:
        grade = grade.when(score >= low).then(pl.lit(name))
    return grade.otherwise(pl.lit(BANDS[-1][0]))


def _words(column: str, words: Mapping[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(dict(words), default=pl.col(column))


def every_evaluation(
    evaluations: pl.DataFrame, *, names: Mapping[str, str] | None = None, words: Words | None = None
) -> pl.DataFrame:
    """Every evaluation, year by year, with county name, programme, kind and source in words and its score band."""
    words = words or Words()
    waiting = pl.when(pl.col("pending") == 1).then(pl.lit(words.pending)).otherwise(pl.lit(""))
    labelled = (
        marks.with_pending(evaluations)
        .with_columns(
            county=_words("county_code", names or {}),
            program_label=_words("program", words.programs),
            kind_label=_words("kind", words.kinds),
            band=band(pl.col("total_score")).fill_null(pl.lit(words.no_score)),
            evaluator=pl.when(pl.col("evaluator") == "").then(pl.lit(words.unnamed)).otherwise(pl.col("evaluator")),
            source_label=pl.concat_str(_words("source", words.sources), waiting),
        )
        .with_columns(
            series=pl.concat_str("county", "program_label", "kind_label", separator=" · "),
            title=pl.concat_str(
                pl.col("year").cast(pl.String) + words.year_suffix,
                "county",
                "program_label",
                "kind_label",
                pl.coalesce(
                    pl.col("total_score").round(2).cast(pl.String).str.replace(r"\.0$", "") + " " + pl.col("grade"),
                    pl.col("grade"),
                ),
                separator=" · ",
            )
            + waiting,
        )
    )
    return labelled.sort("year", "county_code", "program", "kind").select(
        "id",
        "title",
        "year",
        "county_code",
        "county",
        "program",
        "program_label",
        "kind",
        "kind_label",
        "series",
        "total_score",
        "grade",
        "band",
        "evaluator",
        "budget_wan",
        "arrived_wan",
        "spent_wan",
        "planned_persons",
        "source",
        "source_label",
        "pending",
    )


def scored(
    evaluations: pl.DataFrame, *, names: Mapping[str, str] | None = None, words: Words | None = None
) -> pl.DataFrame:
    """The evaluations with a total score: the points of the trend chart."""
    return every_evaluation(evaluations, names=names, words=words).filter(pl.col("total_score").is_not_null())


def unscored(
    evaluations: pl.DataFrame, *, names: Mapping[str, str] | None = None, words: Words | None = None
) -> pl.DataFrame:
    """The evaluations without a total score, with the conclusion word they gave instead (e.g. 「好」)."""
    return every_evaluation(evaluations, names=names, words=words).filter(pl.col("total_score").is_null())


def grade_bands(*, lowest: float = 0.0, words: Words | None = None) -> pl.DataFrame:
    """The four grade bands as rectangles from `low` to `high`, cut at `lowest` (the chart's bottom)."""
    words = words or Words()
    rows = [(name, max(low, lowest), high) for name, low, high in BANDS if high > lowest]
    return pl.DataFrame(
        {
            "grade": [name for name, _, _ in rows],
            "label": [words.band_labels.get(name, name) for name, _, _ in rows],
            "low": [low for _, low, _ in rows],
            "high": [high for _, _, high in rows],
        },
        schema={"grade": pl.String, "label": pl.String, "low": pl.Float64, "high": pl.Float64},
    )
