"""The JSON shapes of `dibao summary` and `dibao findings`, and the report of an ingested roster."""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import Engine

from loaders.roster_store import RosterReport
from loaders.values import month_label
from warehouse import read, small_counts
from warehouse.frames.withheld import HIDDEN
from warehouse.vocabulary import FINDING_WORDS, PROGRAM_WORDS

_MONTH_FIELDS = (
    "households",
    "persons",
    "amount",
    "on_time_households",
    "late_households",
    "unpaid_households",
    "new_households",
    "exited_households",
)


def county_summary(
    engine: Engine,
    *,
    county: str,
    program: str | None,
    year: int | None,
    pending: bool = False,
    restricted: bool = False,
) -> dict | None:
    """Gather a county's months (approved, or with `pending` those waiting for approval too), standards and
    evaluations; None for a county not in the registry. `restricted`: for a reader who may not see the county's
    small counts, each withheld figure is its mark (「<5」, 「隐去」: warehouse.small_counts) instead of a number."""
    registry = read.counties(engine, codes=[county])
    if registry.is_empty():
        return None
    months = small_counts.monthly_totals(
        engine,
        counties=[county],
        program=program,
        year=year,
        pending=pending,
        restricted=[county] if restricted else (),
    )
    standards = read.standards(engine, counties=[county], program=program)
    evaluations = read.evaluations(engine, counties=[county], program=program, year=year, pending=pending)
    level1 = read.indicator_scores(engine, evaluation_ids=evaluations["id"].to_list(), depth=1)
    return {
        "county": {"code": county, "name": registry["name"][0]},
        "months": [
            {"month": month_label(row["month"]), "program": row["program"]}
            | {name: _as_read(row, name) for name in _MONTH_FIELDS}
            | {"source": row["source"], "pending": bool(row["pending"])}
            for row in months.iter_rows(named=True)
        ],
        "standards": [
            {
                "program": row["program"],
                "category": row["category"],
                "effective_from": row["effective_from"].isoformat(),
                "yuan_per_person_month": row["yuan_per_person_month"],
                "document": row["document"],
                "source": row["source"],
            }
            for row in standards.iter_rows(named=True)
        ],
        "evaluations": [
            {
                "year": row["year"],
                "program": row["program"],
                "kind": row["kind"],
                "score": row["total_score"],
                "grade": row["grade"],
                "level1": dict(level1.filter(evaluation_id=row["id"]).select("level1", "score").iter_rows()),
                "source": row["source"],
                "pending": bool(row["pending"]),
            }
            for row in evaluations.iter_rows(named=True)
        ],
    }


# where each month figure is withheld, and the mark it then reads as (warehouse.small_counts.monthly_totals)
_WITHHELD_BY = {
    "households": ("hidden", "shown_as"),
    "persons": ("hidden", None),
    "amount": ("hidden", None),
    "on_time_households": ("payment_hidden", None),
    "late_households": ("payment_hidden", "late_shown_as"),
    "unpaid_households": ("payment_hidden", "unpaid_shown_as"),
    "new_households": ("flows_hidden", None),
    "exited_households": ("flows_hidden", None),
}


def _as_read(row: dict, name: str):
    flag, mark = _WITHHELD_BY[name]
    if row[name] is None and row[flag]:
        return (row[mark] if mark else None) or HIDDEN
    return round(row[name], 2) if name == "amount" and row[name] is not None else row[name]


def findings_json(frame: pl.DataFrame) -> list[dict]:
    """Shape findings as `dibao findings --json` prints them, naming the sheet only when there is one."""
    return [
        {
            "kind": row["kind"],
            "county": row["county_code"],
            "month": month_label(row["month"]),
            "row": row["row"],
            "detail": row["detail"],
            "pending": bool(row["pending"]),
        }
        | ({"sheet": row["sheet"]} if row["sheet"] else {})
        for row in frame.iter_rows(named=True)
    ]


def roster_report(report: RosterReport, *, as_json: bool) -> str:
    """Report an ingested roster as one line of JSON or one sentence."""
    by_kind = report.findings.group_by("kind").len().sort("kind").iter_rows()
    data = {
        "file": report.file_name,
        "county": report.county_code,
        "program": report.program,
        "month": month_label(report.month),
        "rows": report.rows_read,
        "households": report.households,
        "persons": report.persons,
        "amount": report.amount_fen / 100,
        "findings": dict(by_kind),
        "replaced_upload": report.replaced,
        "kept_until_approved": report.kept_until_approved,
        "unchanged": report.unchanged,
        "upload_id": report.upload_id,
    }
    if as_json:
        return json.dumps(data, ensure_ascii=False)
    if report.unchanged:
        return f"{report.file_name}：与已入库版本相同，未作改动"
    replaced = f"，替换了第 {report.replaced} 号上传" if report.replaced else ""
    if report.kept_until_approved:
        replaced += f"，待审核：审核通过前仍显示第 {report.kept_until_approved} 号上传"
    found = "，".join(f"{FINDING_WORDS.get(kind, kind)} {count}" for kind, count in data["findings"].items()) or "无"
    program = PROGRAM_WORDS[report.program]
    figures = f"{report.rows_read} 行，{report.households} 户 {report.persons} 人，{report.amount_fen / 100:,.2f} 元"
    return f"{report.file_name}：{report.county_name} {data['month']} {program}低保，{figures}{replaced}；发现：{found}"
