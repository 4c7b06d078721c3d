"""The upload flow behind the 上传 page: check a file (nothing stored), then commit it on confirmation."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from app_ui import data
from loaders.evaluation import parse_evaluation, store_evaluation
from loaders.findings import KIND_LABELS  # noqa: F401  (the page names finding kinds)
from loaders.ingest import RosterReport, prepare_roster, store_roster
from loaders.problems import Problem, Rejected
from loaders.records import ParsedSheet
from loaders.roster import RosterRows
from loaders.standards import parse_standards, store_standards

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
            if kind == "roster":
                roster, report = prepare_roster(
                    data.engine(), path, county=county, month=month, program=program, display_name=name
                )
                return Checked(kind, name, roster=roster, report=report)
            parse = parse_evaluation if kind == "evaluation" else parse_standards
            return Checked(kind, name, sheet=parse(data.engine(), path, display_name=name))
        except Rejected as rejected:
            return Checked(kind, name, problems=rejected.problems)


def commit(checked: Checked, *, user: str) -> RosterReport | int:
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
