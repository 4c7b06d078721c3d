"""The upload flow behind the 上传 page: check a file (nothing stored), then commit it on confirmation."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import streamlit as st

from access.roles import Actor, require_upload
from app_ui import data, session
from loaders.evaluation import parse_evaluation, store_evaluation
from loaders.findings import KIND_LABELS  # noqa: F401  (the page names finding kinds)
from loaders.limits import check_upload
from loaders.records import ParsedSheet
from loaders.roster_parse import RosterRows
from loaders.roster_store import RosterReport, prepare_roster, store_roster
from loaders.standards import parse_standards, store_standards
from warehouse import audit
from warehouse.errors import Problem, Rejected

KINDS = ("roster", "evaluation", "standards")


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
        return pl.DataFrame(
            [problem.as_dict() for problem in self.problems],
            schema={"file": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String, "message": pl.String},
        )


def check(
    kind: str, name: str, content: bytes, *, county: str | None, month: str | None, program: str | None
) -> Checked:
    """Validate an uploaded file against the warehouse; nothing is written."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(content)
        try:
            check_upload(name, len(content))
            if kind == "roster":
                roster, report = prepare_roster(
                    data.engine(), path, county=county, month=month, program=program, display_name=name
                )
                require_upload(session.acting(), [roster.county.code], file_name=name, what="名册")
                return Checked(kind, name, roster=roster, report=report)
            parse = parse_evaluation if kind == "evaluation" else parse_standards
            sheet = parse(data.engine(), path, display_name=name)
            counties = sheet.rows["county_code"].unique().to_list()
            require_upload(session.acting(), counties, file_name=name, what=KIND_LABELS_SHORT[kind])
            return Checked(kind, name, sheet=sheet)
        except Rejected as rejected:
            file_hash = hashlib.blake2b(content, digest_size=16).hexdigest()
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
        result: RosterReport | int = store_roster(data.engine(), checked.roster, user=user)
    elif checked.kind == "evaluation":
        result = store_evaluation(data.engine(), checked.sheet, user=user)
    else:
        result = store_standards(data.engine(), checked.sheet, user=user)
    data.refresh()
    return result
