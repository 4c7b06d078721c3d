"""The follow-up register's items: every flag the pages and the brief raise (anomalies, a month's findings of
one kind, re-check differences), each with a subject that names it the same way whenever the same data is
read, the figure that must stay the same for a closed flag to stay closed, and what it rests on. Joined with
what people decided (warehouse.followup.register)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Engine

from briefs.words import month_words
from loaders.values import month_label
from rubrics.check import check_evaluation
from warehouse import anomalies, followup, read
from warehouse.audit import ZONE
from warehouse.settings import get_settings
from warehouse.vocabulary import FINDING_WORDS, KIND_WORDS, PROGRAM_WORDS

KINDS = ("anomaly", "finding", "recheck")


def follow_up(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    year: int | None = None,
    pending: bool = False,
    kinds: tuple[str, ...] = KINDS,
    today: dt.date | None = None,
    restricted: Iterable[str] = (),
) -> pl.DataFrame:
    """The register of a view: its flags with their status, owner, due date and note, open ones first.

    Items of the `restricted` counties (whose small counts the reader may not see) are said as such a reader
    may read them, and carry no figure; their standing is judged on the true figures all the same."""
    raise_items = {"anomaly": anomaly_items, "finding": finding_items, "recheck": recheck_items}
    view = {"counties": counties, "program": program, "year": year, "pending": pending}
    found = [raise_items[kind](engine, **view) for kind in kinds]
    today = today or dt.datetime.now(ZONE).date()
    shown = followup.register(pl.concat(found), followup.stored(engine, counties=counties), today=today)
    names = read.county_names(engine)
    mine = pl.col("county_code").is_in(sorted(restricted))
    return (
        shown.with_columns(
            county=pl.col("county_code").replace_strict(names, default=pl.col("county_code")),
            words=pl.when(mine).then(pl.coalesce("words_withheld", "words")).otherwise(pl.col("words")),
            figure=pl.when(mine).then(None).otherwise(pl.col("figure")),
            figure_set=pl.when(mine).then(None).otherwise(pl.col("figure_set")),
        )
        .drop("words_withheld")
        .sort(pl.col("status") != followup.OPEN, "county_code", "month", "kind", "subject")
    )


def anomaly_items(engine: Engine, **view) -> pl.DataFrame:
    flags = anomalies.find(engine, **view)
    return followup.items(
        [
            {
                "subject": "|".join(
                    ("anomaly", row["county_code"], row["program"], row["township"], month_label(row["month"]))
                    + (row["measure"], row["method"])
                ),
                "kind": "anomaly",
                "county_code": row["county_code"],
                "program": row["program"],
                "month": row["month"],
                "words": row["words"],
                "words_withheld": row["words_withheld"],
                "figure": "" if row["value"] is None else f"{row['value']:.6g}",
                "basis": row["source"] or "upload",
            }
            for row in flags.iter_rows(named=True)
        ]
    )


def finding_items(engine: Engine, *, counties, program, year, pending) -> pl.DataFrame:
    """One item a county × programme × month × kind of finding: the unit a county corrects and reports on."""
    counts = read.finding_counts(engine, counties=counties, year=year, pending=pending)
    if program:
        counts = counts.filter(program=program)
    sources = read.monthly_totals(engine, counties=counties, program=program, year=year, pending=pending)
    slot = ["county_code", "program", "month"]
    counts = counts.join(sources.select(*slot, "source"), on=slot, how="left")
    min_cell = get_settings().min_cell
    rows = []
    for row in counts.iter_rows(named=True):
        kind = FINDING_WORDS.get(row["kind"], row["kind"])
        said = f"{month_words(row['month'])} {PROGRAM_WORDS[row['program']]}低保名册 {kind}"
        withheld = f"<{min_cell}" if 0 < row["findings"] < min_cell else f"{row['findings']:,}"
        rows.append(
            {
                "subject": f"finding|{row['county_code']}|{row['program']}|{month_label(row['month'])}|{row['kind']}",
                "kind": "finding",
                "county_code": row["county_code"],
                "program": row["program"],
                "month": row["month"],
                "words": f"{said} {row['findings']:,} 条",
                "words_withheld": f"{said} {withheld} 条",
                "figure": str(row["findings"]),
                "basis": row["source"] or "upload",
            }
        )
    return followup.items(rows)


def recheck_items(engine: Engine, *, counties, program, year, pending) -> pl.DataFrame:
    """One item an indicator whose recomputed score differs from the report's, said with its basis (the
    report's own figures, a reading of the rubric, or warehouse data, synthetic in the demo)."""
    evaluations = read.evaluations(engine, counties=counties, program=program, year=year, pending=pending)
    names = read.county_names(engine)
    rows = []
    for evaluation in evaluations.iter_rows(named=True):
        # the row is in hand: check it as it is (check_by_id would read it, and its county, again)
        county = evaluation["county_code"]
        check = check_evaluation(engine, evaluation, county_name=names.get(county, county))
        for difference in check.differences:
            kind = KIND_WORDS.get(evaluation["kind"], evaluation["kind"])
            subject = "|".join(
                ("recheck", evaluation["county_code"], evaluation["program"], str(evaluation["year"]))
                + (evaluation["kind"], difference.indicator)
            )
            rows.append(
                {
                    "subject": subject,
                    "kind": "recheck",
                    "county_code": evaluation["county_code"],
                    "program": evaluation["program"],
                    "month": dt.date(evaluation["year"], 12, 1),
                    "words": f"{evaluation['year']}年{kind} {difference.indicator}："
                    f"报告 {_score(difference.reported)}，重算 {_score(difference.recomputed)}"
                    f"（依据：{difference.basis_words}）",
                    "words_withheld": None,  # scores, not counts: said the same to every reader
                    "figure": f"{difference.reported}→{difference.recomputed}",
                    "basis": "synthetic" if difference.synthetic else difference.basis,
                }
            )
    return followup.items(rows)


def _score(value) -> str:
    return f"{value:g}" if isinstance(value, float | int) else str(value or "—")
