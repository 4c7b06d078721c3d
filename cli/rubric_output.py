"""The plain-text report of `dibao rubric check`."""

from __future__ import annotations

from rubrics.check import EvaluationCheck
from warehouse.vocabulary import PROGRAM_WORDS


def _value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def check_text(checks: list[EvaluationCheck]) -> str:
    """Report each evaluation's check: its head line, then differences, problems and lines not recomputed."""
    blocks = []
    for check in checks:
        head = (
            f"{check.county_name}（{check.county}）{check.year} 年 {PROGRAM_WORDS.get(check.program, check.program)}"
            f" · {check.kind} · 指标体系 {check.rubric or '无'}"
            f" · 报告 {_value(check.reported_total)} {check.reported_grade or '—'}"
            f" · 重算 {_value(check.recomputed_total)} {check.recomputed_grade or '—'}"
        )
        lines = [head]
        for difference in check.differences:
            values = f"报告 {_value(difference.reported)}，重算 {_value(difference.recomputed)}"
            lines.append(f"  差异 {difference.indicator}：{values}")
            lines.append(f"      规则：{difference.rule}")
            if difference.inputs:
                lines.append("      依据：" + "；".join(f"{k} {_value(v)}" for k, v in difference.inputs.items()))
        for problem in check.problems:
            lines.append(f"  问题 {problem}")
        for line in check.unchecked:
            lines.append(f"  未重算 {line.path}：{line.reason}")
        if not (check.differences or check.problems):
            lines.append("  与指标体系一致")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
