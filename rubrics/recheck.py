"""The re-check of one evaluation against its rubric, level by level, with the basis of every difference.

Leaves are re-scored by rubrics/leaf.py. The tree is then added up once per basis (rubrics/engine.py):
taking only the differences the report's own figures prove, then those and the readings, then those
and the warehouse, then all — so a total, a subtotal or a grade that changes says what it changes on.
"""

from __future__ import annotations

import polars as pl

from rubrics.engine import Tally, tally
from rubrics.leaf import TOLERANCE, LeafCheck, Scored, check_leaf, differs, same
from rubrics.metrics import Facts
from rubrics.model import RULE_LABELS, Indicator, Rubric
from rubrics.outcome import TOTALS, Difference, EvaluationCheck, Line
from rubrics.rules import possible_scores, rounded
from rubrics.targets import Target

TOTAL = "合计"
GRADE = "等级"
ORDER = ("report_basis", "report_and_readings", "report_and_warehouse", "all")


class Recheck:
    def __init__(self, rubric: Rubric, sheet: pl.DataFrame, targets: pl.DataFrame, facts: Facts, result):
        self.rubric, self.facts, self.result = rubric, facts, result
        self.rows = {row["path"]: row for row in sheet.iter_rows(named=True)}
        self.target_rows = list(targets.iter_rows(named=True))
        self.matched: dict[str, dict] = {}  # rubric key → sheet row
        self.tallies: dict[str, Tally] = {}

    def run(self) -> EvaluationCheck:
        self._match()
        self.facts.sheet = self.matched
        self.facts.targets = self._targets()
        leaves = {leaf.key: check_leaf(leaf, self.matched.get(leaf.key, {}), self.facts) for leaf in self.rubric.leaves}
        self.tallies = {
            name: tally(self.rubric, {key: leaf.value(bases) for key, leaf in leaves.items()})
            for name, bases in TOTALS.items()
        }
        # Deepest first: the problems of a sheet are listed from its leaves up to its level-1 subtotals.
        for indicator in sorted(self.rubric.indicators, key=lambda i: -i.depth):
            if indicator.rule is None:
                self._subtotal(indicator)
            else:
                self._leaf(indicator, leaves[indicator.key])
        order = {indicator.key: position for position, indicator in enumerate(self.rubric.indicators)}
        self.result.lines.sort(key=lambda line: order[line.path])
        self.result.differences.sort(key=lambda d: order.get(d.indicator, len(order)))
        self._total()
        self._missed_targets()
        self.result.problems.extend(f"指标体系：{problem}" for problem in self.rubric.problems)
        return self.result

    # matching ---------------------------------------------------------------------------------
    def _match(self) -> None:
        for path, row in self.rows.items():
            indicator = self.rubric.find(tuple(path.split("/")))
            if indicator is None:
                if row["points"] is not None or row["score"] is not None:
                    self.result.problems.append(f"得分表中的「{path}」不在指标体系「{self.rubric.name}」中")
                continue
            self.matched[indicator.key] = row
            if row["points"] is not None and abs(row["points"] - indicator.points) > TOLERANCE:
                self.result.problems.append(
                    f"「{indicator.key}」得分表分值 {row['points']:g}，指标体系分值 {indicator.points:g}"
                )
        for indicator in self.rubric.leaves:
            if indicator.key not in self.matched and indicator.points > 0:
                self.result.problems.append(f"指标体系中的「{indicator.key}」在得分表中没有得分")

    def _targets(self) -> tuple[Target, ...]:
        """The target rows, then each indicator row that states its own target (one per target and actual)."""
        found = []
        for row in self.target_rows:
            holder = self.rubric.find(tuple(row["path"].split("/"))) if row["path"] else None
            path = holder.key if holder else row["path"]
            found.append(Target(path, row["name"], row["target"], row["actual"], row["score"]))
        written = {(target.path, target.target, target.actual) for target in found}
        for key, row in self.matched.items():
            if row.get("target") and (key, row["target"], row.get("actual") or "") not in written:
                name = key.rsplit("/", 1)[-1]
                found.append(Target(key, name, row["target"], row.get("actual") or "", row.get("score"), own_row=True))
        return tuple(found)

    # leaves -----------------------------------------------------------------------------------
    def _leaf(self, indicator: Indicator, leaf: LeafCheck) -> None:
        self._check_reported(indicator, leaf.reported)
        line = self._line(indicator, leaf)
        scored = leaf.scored
        if scored is not None and scored.score is not None and not same(scored.score, leaf.reported):
            if leaf.reported is not None:
                self._difference(indicator, leaf, scored, leaf.basis)
        if leaf.second is not None and leaf.reported is not None:
            self._difference(indicator, leaf, leaf.second, "warehouse")
        if indicator.reading:
            self.result.readings.append(
                {
                    "indicator": indicator.key,
                    "reading": indicator.reading,
                    "score": leaf.recomputed,
                    "reported": leaf.reported,
                    "alternatives": [{"reading": name, "score": other.score} for name, other in leaf.alternatives],
                }
            )
        self.result.lines.append(line)

    def _line(self, indicator: Indicator, leaf: LeafCheck) -> Line:
        rule = indicator.rule
        assert rule is not None
        common = {
            "path": indicator.key,
            "depth": indicator.depth,
            "points": indicator.points,
            "reported": leaf.reported,
            "rule": rule.describe(),
            "recomputed": self.tallies["all"].so_far[indicator.key],
            "report_basis": self.tallies["report_basis"].so_far[indicator.key],
            "other": _other_words(leaf),
        }
        scored = leaf.scored
        if scored is not None and scored.score is None:
            return Line(**common, how="无法重算", inputs=scored.inputs, reason=scored.reason)
        if scored is not None:
            basis = leaf.basis if not same(scored.score, leaf.reported) else "warehouse" if leaf.second else ""
            synthetic = basis == "warehouse" and (scored.synthetic or bool(leaf.second and leaf.second.synthetic))
            return Line(**common, how="重算", inputs=scored.inputs, basis=basis, synthetic=synthetic)
        if leaf.reported is None and indicator.points == 0:
            return Line(**common, how="保留报告值", reason="0 分的指标（报告只列目标与完成值）")
        if leaf.reported is None:
            return Line(**common, how="无法重算", reason="评价人员判断的指标，报告未给得分")
        return Line(**common, how="保留报告值", reason=f"{RULE_LABELS[rule.kind]}，不重算")

    def _difference(self, indicator: Indicator, leaf: LeafCheck, scored: Scored, basis: str) -> None:
        rule = indicator.rule
        assert rule is not None
        alternatives = tuple((name, other.score) for name, other in leaf.alternatives)
        self.result.differences.append(
            Difference(
                indicator.key,
                leaf.reported,
                scored.score,
                rule.describe(),
                dict(scored.inputs),
                indicator.scoring,
                basis=basis,
                synthetic=scored.synthetic if basis == "warehouse" else False,
                reading=indicator.reading,
                alternatives=alternatives,
            )
        )

    def _check_reported(self, indicator: Indicator, reported: float | None) -> None:
        rule = indicator.rule
        if reported is None or rule is None:
            return
        if reported < -TOLERANCE or reported > indicator.points + TOLERANCE:
            self.result.problems.append(f"「{indicator.key}」得分 {reported:g} 超出分值 0–{indicator.points:g}")
            return
        allowed = possible_scores(rule)
        if allowed is not None and not any(abs(reported - option) <= TOLERANCE for option in allowed):
            options = "、".join(f"{option:g}" for option in sorted(allowed))
            self.result.problems.append(
                f"「{indicator.key}」得分 {reported:g} 不是评分规则能给出的分数（可能的得分：{options}）"
            )

    # groups, total, grade ---------------------------------------------------------------------
    def _subtotal(self, indicator: Indicator) -> None:
        children = self.rubric.children(indicator.path)
        reported = self.matched.get(indicator.key, {}).get("score")
        reported_children = [self._reported_sum(child) for child in children]
        if reported is not None and all(value is not None for value in reported_children):
            total = rounded(sum(reported_children))
            if abs(total - reported) > TOLERANCE:
                self.result.problems.append(f"「{indicator.key}」报告小计 {reported:g}，但下级报告得分合计 {total:g}")
        rule = "下级指标重算得分之和"
        every = self.tallies["all"].so_far
        self.result.lines.append(
            Line(
                indicator.key,
                indicator.depth,
                indicator.points,
                reported,
                every[indicator.key],
                "下级合计",
                rule,
                {child.name: every[child.key] for child in children},
                report_basis=self.tallies["report_basis"].so_far[indicator.key],
            )
        )
        by_basis = {name: found.so_far[indicator.key] for name, found in self.tallies.items()}
        self._group_difference(indicator.key, reported, by_basis, rule, children)

    def _group_difference(self, key: str, reported, by_basis: dict, rule: str, children) -> None:
        """A subtotal or total that differs, resting on the first basis under which it differs."""
        changed = next((name for name in ORDER if differs(reported, by_basis[name])), None)
        if changed is None:
            return
        basis = {"report_basis": "report", "report_and_readings": "reading"}.get(changed, "warehouse")
        if changed == "all" and not differs(reported, by_basis["report_and_warehouse"]):
            basis = "reading"  # only readings and warehouse together move it: the reading is the weaker claim named
        inputs = {child.name: self.tallies[changed].so_far[child.key] for child in children}
        synthetic = basis == "warehouse" and self.facts.synthetic_rosters
        self.result.differences.append(
            Difference(key, reported, by_basis[changed], rule, inputs, basis=basis, synthetic=synthetic)
        )

    def _reported_sum(self, indicator: Indicator) -> float | None:
        """The reported score, or for a group the report left blank, the sum of what it reports below."""
        reported = self.matched.get(indicator.key, {}).get("score")
        if reported is not None or indicator.rule is not None:
            return reported
        below = [self._reported_sum(child) for child in self.rubric.children(indicator.path)]
        return None if any(value is None for value in below) else rounded(sum(below))

    def _total(self) -> None:
        result, rubric = self.result, self.rubric
        level1 = [i for i in rubric.indicators if i.depth == 1]
        result.totals = {name: found.total for name, found in self.tallies.items()}
        result.grades = {name: found.grade for name, found in self.tallies.items()}
        reported_level1 = [self._reported_sum(i) for i in level1]
        if result.reported_total is None:
            result.problems.append(
                f"报告没有总分（只按报告数字重算为 {result.totals['report_basis']:g}，"
                f"全部计入为 {result.totals['all']:g}）"
            )
        else:
            if all(value is not None for value in reported_level1):
                total = rounded(sum(reported_level1))
                if abs(total - result.reported_total) > TOLERANCE:
                    result.problems.append(f"报告总分 {result.reported_total:g}，但一级指标报告得分合计 {total:g}")
            self._group_difference(TOTAL, result.reported_total, result.totals, "一级指标重算得分之和", level1)
        self._grade()

    def _grade(self) -> None:
        result, rubric = self.result, self.rubric
        every = self.tallies["all"]
        words = [band.grade for band in rubric.grades]
        bands = "、".join(f"{band.grade} {band.range.text}" for band in rubric.grades)
        on_100 = "" if every.on_100 == every.total else f"（按得分率折算为百分制：{every.on_100:.2f}）"
        rule = f"等级区间：{bands}{on_100}"
        reported = result.reported_grade
        if not reported:
            result.problems.append("报告没有等级")
            return
        if reported not in words:
            result.problems.append(f"报告等级「{reported}」不是等级（{'、'.join(words)}）")
        else:
            changed = next((name for name in ORDER if result.grades[name] != reported), None)
            if changed is not None:
                basis = {"report_basis": "report", "report_and_readings": "reading"}.get(changed, "warehouse")
                inputs = {"重算总分": result.totals[changed]}
                synthetic = basis == "warehouse" and self.facts.synthetic_rosters
                result.differences.append(
                    Difference(GRADE, reported, result.grades[changed], rule, inputs, basis=basis, synthetic=synthetic)
                )
        if result.reported_total is not None and reported in words:
            by_reported = rubric.grade(result.reported_total)
            if by_reported != reported:
                total = f"{result.reported_total:g}"
                result.problems.append(f"报告总分 {total} 按等级区间应为「{by_reported}」，报告写作「{reported}」")

    # targets ----------------------------------------------------------------------------------
    def _missed_targets(self) -> None:
        """Every target its own actual misses while the indicator (or the group) holding it got full marks."""
        for target in self.facts.targets:
            if target.met is not False:
                continue
            holder = self._holder(target.path)
            if holder is None:
                continue
            got = self._reported_marks(holder)
            if got is None or abs(got - holder.points) > TOLERANCE:
                continue
            self.result.missed_targets.append(
                {
                    "target": target.name,
                    "indicator": holder.key,
                    "written": target.target,
                    "actual": target.actual,
                    "score": got,
                    "points": holder.points,
                    "basis": "report",
                }
            )
            self.result.problems.append(
                f"绩效目标「{target.name}」年度指标值 {target.target}、实际完成值 {target.actual}，"
                "按其自身的比较未达到；"
                f"而{'它' if target.own_row else '所在的'}「{holder.key}」得满分 {got:g}/{holder.points:g}"
            )

    def _reported_marks(self, indicator: Indicator) -> float | None:
        """The reported score, or the sum of the leaves below where the report scores only those
        (a row of 0 points left blank, such as a target listed under its group, counts 0)."""
        reported = self.matched.get(indicator.key, {}).get("score")
        if reported is not None or indicator.rule is not None:
            return 0.0 if reported is None and indicator.points == 0 else reported
        below = [self._reported_marks(child) for child in self.rubric.children(indicator.path)]
        return None if any(value is None for value in below) else rounded(sum(below))

    def _holder(self, path: str) -> Indicator | None:
        """The indicator holding a target: its own, or the first group above it that has points."""
        found = self.rubric.by_key.get(path)
        while found is not None and found.points <= 0:
            parent = found.path[:-1]
            found = self.rubric.by_key.get("/".join(parent)) if parent else None
        return found


def _other_words(leaf: LeafCheck) -> str:
    """The other readings' scores and the warehouse's figure, as the table's last column says them."""
    words = [f"其他读法「{name}」：{_score_text(other.score)}" for name, other in leaf.alternatives]
    if leaf.second is not None:
        source = "合成演示数据" if leaf.second.synthetic else "仓库数据"
        words.append(f"{source}：{_score_text(leaf.second.score)}")
    return "；".join(words)


def _score_text(got: float | None) -> str:
    return "—" if got is None else f"{got:g} 分"


__all__ = ["GRADE", "TOTAL", "Recheck", "EvaluationCheck"]
