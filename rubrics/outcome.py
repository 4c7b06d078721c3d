"""What a re-check finds, shaped for the CLI, the 指标得分 page and JSON: differences with their basis,
lines of the side-by-side table, totals and grades per basis, readings and missed targets."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from rubrics.leaf import BASES, BASIS_WORDS, differs

ALL_BASES = frozenset(BASES)
# The totals a check gives: as reported, then with the differences of each basis taken.
TOTALS: dict[str, frozenset[str]] = {
    "report_basis": frozenset({"report"}),
    "report_and_readings": frozenset({"report", "reading"}),
    "report_and_warehouse": frozenset({"report", "warehouse"}),
    "all": ALL_BASES,
}


@dataclass(frozen=True)
class Difference:
    indicator: str
    reported: float | str | None
    recomputed: float | str | None
    rule: str
    inputs: dict[str, object]
    scoring: str = ""  # the rubric's 评分规则 as written
    basis: str = "report"  # report | reading | warehouse
    synthetic: bool = False  # a warehouse difference resting on synthetic demo data
    reading: str = ""  # the reading the rubric uses, where the leaf names one
    alternatives: tuple[tuple[str, float | None], ...] = ()  # (other reading, its score)

    def as_json(self) -> dict[str, object]:
        found = {"indicator": self.indicator, "reported": self.reported, "recomputed": self.recomputed}
        found |= {"basis": self.basis}
        if self.basis == "warehouse":
            found |= {"synthetic": self.synthetic}
        if self.reading:
            found |= {"reading": self.reading, "alternatives": _alternatives_json(self.alternatives)}
        return found | {"rule": self.rule, "scoring": self.scoring, "inputs": self.inputs}

    @property
    def basis_words(self) -> str:
        """The basis as a person reads it: 报告数字 / 解读 / 仓库数据（合成演示数据）."""
        if self.basis == "warehouse" and self.synthetic:
            return "仓库数据（合成演示数据）"
        return BASIS_WORDS[self.basis]


def _alternatives_json(alternatives: tuple[tuple[str, float | None], ...]) -> list[dict[str, object]]:
    return [{"reading": reading, "score": got} for reading, got in alternatives]


@dataclass(frozen=True)
class Line:
    """One indicator of the side-by-side table: reported, re-scored on the report's figures and on all, and how."""

    path: str
    depth: int
    points: float
    reported: float | None
    recomputed: float | None  # every difference taken (report, readings, warehouse)
    how: str  # 重算 | 保留报告值 | 无法重算 | 下级合计
    rule: str = ""
    inputs: dict[str, object] = field(default_factory=dict)
    reason: str = ""
    report_basis: float | None = None  # only the differences the report's own figures prove
    basis: str = ""  # what the leaf's difference rests on (report | reading | warehouse)
    other: str = ""  # the other readings and the warehouse's figure, in words
    synthetic: bool = False  # the warehouse data it rests on is synthetic demo data

    @property
    def basis_words(self) -> str:
        if self.basis == "warehouse" and self.synthetic:
            return "仓库数据（合成演示数据）"
        return BASIS_WORDS.get(self.basis, "")

    @property
    def differs(self) -> bool:
        return differs(self.reported, self.recomputed) or differs(self.reported, self.report_basis)


@dataclass
class EvaluationCheck:
    evaluation_id: int
    county: str
    county_name: str
    year: int
    program: str
    kind: str
    source: str
    rubric: str = ""
    reported_total: float | None = None
    reported_grade: str = ""
    totals: dict[str, float | None] = field(default_factory=dict)  # by TOTALS key
    grades: dict[str, str | None] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    readings: list[dict[str, object]] = field(default_factory=list)
    missed_targets: list[dict[str, object]] = field(default_factory=list)

    @property
    def recomputed_total(self) -> float | None:
        return self.totals.get("all")

    @property
    def recomputed_grade(self) -> str | None:
        return self.grades.get("all")

    @property
    def unchecked(self) -> list[Line]:
        return [line for line in self.lines if line.how == "无法重算"]

    @property
    def grade_note(self) -> str:
        """Says in words when the grade changes only on a reading or only on (synthetic) warehouse data."""
        if not self.grades:
            return ""
        proven = self.grades.get("report_basis")
        on_readings = self.grades.get("report_and_readings")
        on_warehouse = self.grades.get("report_and_warehouse")
        synthetic = any(d.synthetic for d in self.differences if d.basis == "warehouse")
        data = "合成演示数据（名册）" if synthetic else "仓库数据（名册、标准）"
        notes = []
        if on_readings != proven:
            read = [d.indicator.rsplit("/", 1)[-1] for d in self.differences if d.basis == "reading" and d.reading]
            which = f"（{'、'.join(read[:2])}{f' 等 {len(read)} 项' if len(read) > 2 else ''}）" if read else ""
            notes.append(f"按解读{which}重算，等级由「{proven}」变为「{on_readings}」")
        if on_warehouse != proven:
            notes.append(f"按{data}重算，等级由「{proven}」变为「{on_warehouse}」")
        if not notes and self.grades.get("all") != proven:
            notes.append(f"解读与{data}一并计入时，等级由「{proven}」变为「{self.grades.get('all')}」")
        if not notes:
            return ""
        return "；".join(notes) + f"。只按报告自身的数字重算，等级为「{proven}」。"

    def as_json(self) -> dict[str, object]:
        return {
            "county": self.county,
            "county_name": self.county_name,
            "year": self.year,
            "program": self.program,
            "kind": self.kind,
            "source": self.source,
            "rubric": self.rubric,
            "reported_total": self.reported_total,
            "recomputed_total": self.recomputed_total,
            "reported_grade": self.reported_grade,
            "recomputed_grade": self.recomputed_grade,
            "totals": {"reported": self.reported_total} | self.totals,
            "grades": {"reported": self.reported_grade or None} | self.grades,
            "grade_note": self.grade_note,
            "differences": [difference.as_json() for difference in self.differences],
            "readings": self.readings,
            "missed_targets": self.missed_targets,
            "problems": self.problems,
            "unchecked": [{"indicator": line.path, "reason": line.reason} for line in self.unchecked],
        }

    def lines_frame(self) -> pl.DataFrame:
        """The side-by-side table of the 指标得分 page."""
        columns = {
            "path": pl.String,
            "depth": pl.Int64,
            "points": pl.Float64,
            "reported": pl.Float64,
            "report_basis": pl.Float64,
            "recomputed": pl.Float64,
            "differs": pl.Boolean,
            "basis": pl.String,
            "how": pl.String,
            "rule": pl.String,
            "inputs": pl.String,
            "other": pl.String,
            "reason": pl.String,
        }
        rows = [
            {
                **{name: getattr(line, name) for name in columns if name not in ("differs", "inputs", "basis")},
                "differs": line.differs,
                "basis": line.basis_words,
                "inputs": _inputs_text(line.inputs),
            }
            for line in self.lines
        ]
        return pl.DataFrame(rows, schema=columns)

    def differences_frame(self) -> pl.DataFrame:
        """One row per difference, with its basis in words, the reading used and the others' scores."""
        columns = {
            "indicator": pl.String,
            "reported": pl.String,
            "recomputed": pl.String,
            "basis": pl.String,
            "basis_words": pl.String,
            "reading": pl.String,
            "alternatives": pl.String,
            "inputs": pl.String,
        }
        rows = [
            {
                "indicator": d.indicator,
                "reported": _shown(d.reported),
                "recomputed": _shown(d.recomputed),
                "basis": d.basis,
                "basis_words": d.basis_words,
                "reading": d.reading,
                "alternatives": "；".join(f"「{name}」{_shown(got)} 分" for name, got in d.alternatives),
                "inputs": _inputs_text(d.inputs),
            }
            for d in self.differences
        ]
        return pl.DataFrame(rows, schema=columns)

    def missed_targets_frame(self) -> pl.DataFrame:
        """The targets missed by their own comparator while the indicator holding them got full marks."""
        columns = {
            "target": pl.String,
            "written": pl.String,
            "actual": pl.String,
            "indicator": pl.String,
            "score": pl.Float64,
            "points": pl.Float64,
        }
        return pl.DataFrame([{name: found[name] for name in columns} for found in self.missed_targets], schema=columns)


def _inputs_text(inputs: dict[str, object]) -> str:
    return "；".join(f"{key}：{_show(value)}" for key, value in inputs.items())


def _shown(value: object) -> str:
    """A score or grade as a person reads it: 92.46, 88, 良, —."""
    if value is None:
        return "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)
