"""Read a rubric file, check it, and turn it into a `Rubric`; reject a bad one naming the indicator.

The file format is in docs/rubrics.md. A rubric is rejected when it cannot be scored as written
(children's points do not add up to a stated parent, a leaf without a rule, bands with a gap or
an overlap, an unknown metric, a band worth more than its indicator). What the *report* got
wrong but can still be read — a band whose words leave a gap, a total that is not 100 — is kept
as one of the rubric's `problems`, which `dibao rubric check` lists.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from rubrics.metrics import METRICS
from rubrics.model import Alternative, Applies, Band, GradeBand, Indicator, Rubric, Rule
from rubrics.ranges import coverage_faults, parse_range, parse_test

HERE = Path(__file__).parent
POINTS_TOLERANCE = 0.005


class RubricError(ValueError):
    """A rubric that cannot be used; `problems` name the file and the indicator."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _RuleSpec(_Strict):
    rule: Literal["bands", "ratio", "deduction", "yes_no", "manual", "parts"] | None = None
    metric: str | None = None
    params: dict[str, str] = {}
    bands: list[tuple[str, float] | tuple[str, float, str]] = []
    per_item: float | None = None
    test: str | None = None
    no: float = 0.0
    options: list[float] = []
    rounding: int | None = None


class _PartSpec(_RuleSpec):
    points: float
    text: str = ""


class _AlternativeSpec(_RuleSpec):
    reading: str
    parts: list[_PartSpec] = []


class _IndicatorSpec(_RuleSpec):
    path: str
    points: float | None = None
    aliases: list[str] = []
    explanation: str = ""
    scoring: str = ""
    parts: list[_PartSpec] = []
    reading: str = ""
    alternative: list[_AlternativeSpec] = []


class _GradeSpec(_Strict):
    grade: str
    range: str


class _AppliesSpec(_Strict):
    county: str
    program: Literal["rural", "urban", "all"]
    years: tuple[int, int] | None = None


class _RubricSpec(_Strict):
    name: str
    source: str = ""
    points: float | None = None
    grades: str | None = None
    grade: list[_GradeSpec] = []
    notes: list[str] = []
    applies: list[_AppliesSpec] = []
    indicator: list[_IndicatorSpec] = []
    framework: list[str] = []
    framework_indicators: list[str] = []


def load_rubric(path: Path) -> Rubric:
    """Load and check one rubric file; raise RubricError listing every problem found."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise RubricError([f"{path.name}：不是有效的 TOML（{error}）"]) from None
    try:
        spec = _RubricSpec.model_validate(data)
    except ValidationError as error:
        raise RubricError([_pydantic_problem(path.name, data, item) for item in error.errors()]) from None
    return _Builder(path, spec).build()


@cache
def library(folder: Path = HERE) -> dict[str, Rubric]:
    """Every rubric in a folder, by id (file name without .toml)."""
    return {path.stem: load_rubric(path) for path in sorted(folder.glob("*.toml"))}


def rubric_for(*, county: str, program: str, year: int, folder: Path = HERE) -> Rubric | None:
    """The rubric that scores this county's programme in this year, if one is shipped."""
    return next(
        (
            rubric
            for rubric in library(folder).values()
            if any(a.covers(county=county, program=program, year=year) for a in rubric.applies)
        ),
        None,
    )


def _pydantic_problem(file_name: str, data: dict, item) -> str:
    location = item["loc"]
    where = ".".join(str(part) for part in location)
    if len(location) >= 2 and location[0] == "indicator" and isinstance(location[1], int):
        rows = data.get("indicator", [])
        path = rows[location[1]].get("path", "?") if location[1] < len(rows) else "?"
        field = ".".join(str(part) for part in location[2:]) or "（整行）"
        where = f"指标「{path}」的 {field}"
    return f"{file_name}：{where}：{item['msg']}"


class _Builder:
    def __init__(self, path: Path, spec: _RubricSpec):
        self.path, self.spec = path, spec
        self.errors: list[str] = []
        self.problems: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{self.path.name}：指标「{where}」：{message}" if where else f"{self.path.name}：{message}")

    def build(self) -> Rubric:
        indicators = self._indicators()
        grades = self._grades()
        applies = tuple(Applies(a.county, a.program, *(a.years or (None, None))) for a in self.spec.applies)
        if not indicators and not self.spec.framework:
            self.error("", "没有任何指标（[[indicator]]），也不是框架（framework）")
        if self.errors:
            raise RubricError(self.errors)
        rubric = Rubric(
            id=self.path.stem,
            name=self.spec.name,
            source=self.spec.source,
            stated_points=self.spec.points,
            grades=grades,
            grades_from=self.spec.grades or "",
            applies=applies,
            indicators=indicators,
            notes=tuple(self.spec.notes),
            framework=tuple(self.spec.framework),
            framework_indicators=tuple(self.spec.framework_indicators),
        )
        self._total(rubric)
        return Rubric(**{**rubric.__dict__, "problems": tuple(self.problems)})

    def _indicators(self) -> tuple[Indicator, ...]:
        specs = self.spec.indicator
        paths = [tuple(part.strip() for part in s.path.split("/")) for s in specs]
        seen: set[tuple[str, ...]] = set()
        for spec, path in zip(specs, paths, strict=True):
            if any(not part for part in path):
                self.error(spec.path, "路径中有空的层级名称")
            if path in seen:
                self.error(spec.path, "重复出现")
            if len(path) > 1 and path[:-1] not in seen:
                self.error(spec.path, f"上级指标「{'/'.join(path[:-1])}」须在它之前列出")
            seen.add(path)
        is_parent = {path[:-1] for path in paths if len(path) > 1}
        points = self._points(specs, paths, is_parent)
        built = []
        for spec, path in zip(specs, paths, strict=True):
            rule, alternatives = None, ()
            if path in is_parent:
                if spec.rule is not None:
                    self.error(spec.path, "有下级指标，不能再有评分规则（rule）")
            elif spec.rule is None:
                self.error(spec.path, "末级指标缺少评分规则（rule）")
            else:
                rule = self._rule(spec.path, spec, points.get(path, 0.0), spec.parts)
                alternatives = self._alternatives(spec, points.get(path, 0.0))
            built.append(
                Indicator(
                    path=path,
                    points=points.get(path, 0.0),
                    aliases=tuple(spec.aliases),
                    explanation=spec.explanation,
                    scoring=spec.scoring,
                    rule=rule,
                    reading=spec.reading,
                    alternatives=alternatives,
                )
            )
        return tuple(built)

    def _alternatives(self, spec: _IndicatorSpec, points: float) -> tuple[Alternative, ...]:
        """The rule under each other reading; a reading names itself and is named by the leaf."""
        if spec.alternative and not spec.reading:
            self.error(spec.path, "列出了其他读法（[[indicator.alternative]]），但没有写明所用的读法（reading）")
        built = []
        for index, other in enumerate(spec.alternative, start=1):
            where = f"{spec.path}（第 {index} 种其他读法）"
            if other.rule is None:
                self.error(where, "缺少评分规则（rule）")
                continue
            built.append(Alternative(other.reading, self._rule(where, other, points, other.parts)))
        return tuple(built)

    def _points(self, specs, paths, is_parent) -> dict[tuple[str, ...], float]:
        """Stated points, parents without them taken as the sum; a stated parent must equal the sum."""
        points: dict[tuple[str, ...], float] = {}
        for spec, path in sorted(zip(specs, paths, strict=True), key=lambda pair: -len(pair[1])):
            children = [points[p] for p in points if len(p) == len(path) + 1 and p[: len(path)] == path]
            if path not in is_parent:
                if spec.points is None:
                    self.error(spec.path, "末级指标缺少分值（points）")
                points[path] = spec.points or 0.0
                continue
            total = sum(children)
            if spec.points is not None and abs(spec.points - total) > POINTS_TOLERANCE:
                self.error(spec.path, f"分值 {spec.points:g}，但下级指标合计 {total:g}")
            points[path] = spec.points if spec.points is not None else total
        return points

    def _rule(self, where: str, spec: _RuleSpec, points: float, parts: list[_PartSpec], text: str = "") -> Rule:
        kind = spec.rule
        if kind == "parts":
            if not parts:
                self.error(where, 'rule = "parts" 但没有 parts')
            built = tuple(self._part(where, index, part) for index, part in enumerate(parts, start=1))
            total = sum(part.points for part in built)
            if parts and abs(total - points) > POINTS_TOLERANCE:
                self.error(where, f"分值 {points:g}，但各分项合计 {total:g}")
            return Rule("parts", points, text=text, parts=built)
        if parts:
            self.error(where, f'rule = "{kind}" 不能带 parts（分项请用 rule = "parts"）')
        if spec.metric is not None and spec.metric not in METRICS:
            self.error(where, f'未知指标数据 metric = "{spec.metric}"（可用：{"、".join(METRICS)}）')
        if kind in ("bands", "ratio") and spec.metric is None:
            self.error(where, f'rule = "{kind}" 须指明 metric')
        if kind == "deduction" and spec.per_item is None:
            self.error(where, 'rule = "deduction" 须给出每项扣分 per_item')
        test = None
        if spec.test is not None:
            if kind != "yes_no" or spec.metric is None:
                self.error(where, "test 只用于带 metric 的 yes_no 规则")
            try:
                test = parse_test(spec.test)
            except ValueError as error:
                self.error(where, str(error))
        elif kind == "yes_no" and spec.metric is not None:
            self.error(where, 'yes_no 规则带 metric 时须给出 test（如 ">= 100%"）')
        for option in spec.options:
            if option < 0 or option > points + POINTS_TOLERANCE:
                self.error(where, f"可给分值 {option:g} 超出 0–{points:g}")
        return Rule(
            kind=kind or "manual",
            points=points,
            text=text,
            metric=spec.metric if kind != "manual" else None,
            params=tuple(sorted(spec.params.items())),
            bands=self._bands(where, spec, points) if kind == "bands" else (),
            per_item=spec.per_item,
            test=test,
            no=spec.no,
            options=tuple(spec.options),
            rounding=spec.rounding,
        )

    def _part(self, where: str, index: int, part: _PartSpec) -> Rule:
        if part.rule in (None, "parts"):
            self.error(where, f"第 {index} 个分项须有 rule（bands、ratio、deduction、yes_no 或 manual）")
        return self._rule(f"{where}（第 {index} 分项）", part, part.points, [], text=part.text)

    def _bands(self, where: str, spec: _RuleSpec, points: float) -> tuple[Band, ...]:
        bands = []
        for entry in spec.bands:
            text, band_points, *written = entry
            try:
                band_range = parse_range(text)
            except ValueError as error:
                self.error(where, str(error))
                continue
            if band_points > points + POINTS_TOLERANCE or band_points < 0:
                self.error(where, f"分档 {text} 给 {band_points:g} 分，超出 0–{points:g}")
            if band_range.empty:
                self.error(where, f"分档 {text} 是空区间")
            bands.append(Band(band_range, band_points, written[0] if written else ""))
            if written:
                self.problems.append(
                    f"「{where}」评分规则原文「{written[0]}」无法照字面使用，按 {text} → {band_points:g} 分计"
                )
        if not bands:
            self.error(where, 'rule = "bands" 须列出分档 bands')
        for fault in coverage_faults(band.range for band in bands):
            self.error(where, f"分档在 {fault.describe()}（0–100% 须恰好覆盖一次）")
        return tuple(bands)

    def _grades(self) -> tuple[GradeBand, ...]:
        if self.spec.grade and self.spec.grades:
            self.error("", "grades 与 [[grade]] 只能二选一")
        if self.spec.grades:
            other = self.path.with_name(f"{self.spec.grades}.toml")
            if not other.exists():
                self.error("", f'grades = "{self.spec.grades}"：找不到 {other.name}')
                return ()
            return load_rubric(other).grades
        bands = []
        for row in self.spec.grade:
            try:
                bands.append(GradeBand(row.grade, parse_range(row.range)))
            except ValueError as error:
                self.error("", f"等级「{row.grade}」：{error}")
        for fault in coverage_faults((band.range for band in bands), low=0, high=100):
            word = "空档" if fault.kind == "gap" else "重叠"
            self.error("", f"等级区间在 {fault.low:g}–{fault.high:g} 分{word}")  # points, not a rate
        if not bands:
            self.error("", '没有等级：写 [[grade]]，或 grades = "mof-2020" 借用财政部框架的等级')
        return tuple(bands)

    def _total(self, rubric: Rubric) -> None:
        if not rubric.indicators:
            return
        total = rubric.total_points
        if self.spec.points is not None and abs(self.spec.points - total) > POINTS_TOLERANCE:
            self.error("", f"总分值写作 {self.spec.points:g}，但一级指标合计 {total:g}")
            raise RubricError(self.errors)
        if abs(total - 100) > POINTS_TOLERANCE:
            stated = "" if self.spec.points is not None else "（报告未写总分值）"
            self.problems.append(f"指标分值合计 {total:g} 分，不是 100 分{stated}")


__all__ = ["RubricError", "library", "load_rubric", "rubric_for"]
