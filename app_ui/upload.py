"""The upload flow behind the 上传 page: check a file (nothing stored), then commit it on confirmation."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import streamlit as st

from access.roles import Actor, require_upload
from app_ui import data, session, upload_progress
from app_ui.charts.findings import kind_words
from app_ui.i18n import evaluation_kind_words, program_words, tr
from app_ui.tables import Column, problem_rows
from loaders.evaluation import parse_evaluation, store_evaluation
from loaders.limits import check_upload
from loaders.records import ParsedSheet
from loaders.roster_parse import RosterRows, content_hash
from loaders.roster_store import RosterReport, prepare_roster, store_roster
from loaders.standards import parse_standards, store_standards
from warehouse import audit
from warehouse.errors import Problem, Rejected

KINDS = ("roster", "evaluation", "standards")
FINDING_COLUMNS = ["kind_name", "sheet", "row", "id_masked", "detail"]
FIGURE_COLUMNS = [
    "township",
    "category",
    "households",
    "persons",
    "amount",
    Column("on_time_households", "on_time_households"),
    Column("late_households", "late_households"),
    Column("unpaid_households", "unpaid_households"),
    "new_households",
    "exited_households",
    Column("new_persons", ("新增人数", "New persons")),
    Column("exited_persons", ("退出人数", "Exited persons")),
]
SUMMARY_COLUMNS = {  # what a score sheet or a standards sheet stores, one row per item
    "evaluation": [
        "county",
        "program_label",
        "year",
        "kind_label",
        "total_score",
        "grade",
        "evaluator",
        Column("budget_wan", ("预算资金（万元）", "Budget (10k yuan)"), "%.2f"),
        Column("arrived_wan", ("到位资金（万元）", "Arrived (10k yuan)"), "%.2f"),
        Column("spent_wan", ("实际支出（万元）", "Spent (10k yuan)"), "%.2f"),
        Column("planned_persons", ("计划保障人数", "Planned persons"), "%d"),
        Column("indicators", ("指标行数", "Indicator rows"), "%d"),
        Column("targets", ("绩效目标行数", "Target rows"), "%d"),
        Column("replaces_id", ("替换的已入库评价（编号）", "Replaces stored evaluation #"), "%d"),
    ],
    "standards": [
        "county",
        "program_label",
        "category",
        "effective_from",
        Column("yuan_per_person_month", ("标准（元/人/月）", "Standard (yuan/person/month)"), "%.2f"),
        "document",
        "note",
    ],
}


@dataclass
class Checked:
    kind: str
    file_name: str
    problems: list[Problem] = field(default_factory=list)  # non-empty: the file is rejected
    roster: RosterRows | None = None
    report: RosterReport | None = None
    sheet: ParsedSheet | None = None

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    def problems_frame(self) -> pl.DataFrame:
        return problem_rows(self.problems)


def check(
    kind: str, name: str, content: bytes, *, county: str | None, month: str | None, program: str | None
) -> Checked:
    """Validate an uploaded file against the warehouse; nothing is written.

    The page reruns on every click while the file stays chosen: the last file checked is kept in
    the session (a roster's rows staged on disk), so confirming a million-row roster does not read
    it again. Storing checks it against the warehouse once more, inside its transaction.
    """
    key = (kind, name, content_hash(content), county, month, program, session.acting().name)
    kept = st.session_state.get(_CHECKED)
    if kept is not None and kept[0] == key:
        return kept[1]
    st.session_state.pop(_CHECKED, None)  # the previous file's staged rows go with it
    checked = _check(kind, name, content, county=county, month=month, program=program)
    st.session_state[_CHECKED] = (key, checked)
    return checked


_CHECKED = "_upload_checked"


def _check(
    kind: str, name: str, content: bytes, *, county: str | None, month: str | None, program: str | None
) -> Checked:
    with as_file(name, content) as path:
        try:
            check_upload(name, len(content))
            if kind == "roster":
                with upload_progress.shown() as progress:
                    roster, report = prepare_roster(
                        data.engine(),
                        path,
                        county=county,
                        month=month,
                        program=program,
                        display_name=name,
                        progress=progress,
                    )
                require_upload(session.acting(), [roster.county.code], file_name=name, what="名册")
                return Checked(kind, name, roster=roster, report=report)
            parse = parse_evaluation if kind == "evaluation" else parse_standards
            sheet = parse(data.engine(), path, display_name=name)
            counties = sheet.rows["county_code"].unique().to_list()
            require_upload(session.acting(), counties, file_name=name, what=KIND_LABELS_SHORT[kind])
            return Checked(kind, name, sheet=sheet)
        except Rejected as rejected:
            file_hash = content_hash(content)  # the upload log's fingerprint: a refused file reads as the same file
            # The page reruns on every click while the file stays chosen: one rejection, one entry.
            seen = st.session_state.setdefault("_audited_rejections", set())
            if (file_hash, kind, county, month, program) not in seen:
                audit.record(
                    data.engine(),
                    actor=session.acting().name,
                    action="reject",
                    file_name=name,
                    file_hash=file_hash,
                    detail=f"{len(rejected.problems)} 个问题：{rejected.problems[0].message[:200]}",
                )
                seen.add((file_hash, kind, county, month, program))
            return Checked(kind, name, problems=rejected.problems)


KIND_LABELS_SHORT = {"roster": "名册", "evaluation": "评分表", "standards": "保障标准"}


def commit(checked: Checked, *, user: Actor) -> RosterReport | int:
    """Store a checked file; clear the cached reads so every page shows it."""
    if checked.rejected:
        raise ValueError("a rejected file cannot be stored")
    if checked.kind == "roster":
        with upload_progress.shown(checked.roster.rows_read) as progress:
            result: RosterReport | int = store_roster(data.engine(), checked.roster, user=user, progress=progress)
        st.session_state.pop(_CHECKED, None)
    elif checked.kind == "evaluation":
        result = store_evaluation(data.engine(), checked.sheet, user=user)
    else:
        result = store_standards(data.engine(), checked.sheet, user=user)
    data.refresh()
    return result


def findings_rows(report: RosterReport) -> pl.DataFrame:
    """The roster's findings with each kind in words (the columns of FINDING_COLUMNS)."""
    return report.findings.with_columns(kind_name=pl.col("kind").replace_strict(kind_words(), default=pl.col("kind")))


def findings_count(report: RosterReport) -> str:
    """How many findings of each kind, the most common first: 「超标准发放 2，未发放 1」."""
    counts = report.findings.group_by("kind").len().sort("len", descending=True)
    words = kind_words()
    return tr("，", ", ").join(f"{words.get(kind, kind)} {n}" for kind, n in counts.iter_rows())


def figure_rows(report: RosterReport) -> pl.DataFrame:
    """The roster's figures by township and category, amounts in yuan (the columns of FIGURE_COLUMNS)."""
    return report.figures.with_columns(amount=pl.col("amount_fen") / 100)


def summary_rows(sheet: ParsedSheet) -> pl.DataFrame:
    """What a score sheet or standards sheet stores, counties, programmes and kinds in words."""
    named = {
        "county_code": ("county", data.county_names()),
        "program": ("program_label", program_words()),
        "kind": ("kind_label", evaluation_kind_words()),
    }
    return sheet.summary.with_columns(
        pl.col(code).replace_strict(words, default=pl.col(code), return_dtype=pl.String).alias(name)
        for code, (name, words) in named.items()
        if code in sheet.summary.columns
    )


@contextmanager
def as_file(name: str, content: bytes) -> Iterator[Path]:
    """The uploaded bytes as a temporary file with the upload's extension (the readers go by it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(content)
        yield path
