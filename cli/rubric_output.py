"""The plain-text report of `dibao rubric check`."""

from __future__ import annotations

from rubrics.check import EvaluationCheck
from warehouse.vocabulary import PROGRAM_WORDS


def _value(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def _totals(check: EvaluationCheck) -> str:
    """Reported, then on the report's own figures, then with readings and warehouse data as well."""
    reported = f"报告 {_value(check.reported_total)} {check.reported_grade or '—'}"
    if not check.totals:
        return reported
    proven = f"按报告数字重算 {_value(check.totals['report_basis'])} {check.grades['report_basis'] or '—'}"
    every = f"含解读与仓库数据 {_value(check.totals['all'])} {check.grades['all'] or '—'}"
    return f"{reported} · {proven} · {every}"


def check_text(checks: list[EvaluationCheck]) -> str:
    """Report each evaluation's check: its head line, then differences, problems and lines not recomputed."""
    blocks = []
    for check in checks:
        head = (
            f"{check.county_name}（{check.county}）{check.year} 年 {PROGRAM_WORDS.get(check.program, check.program)}"
            f" · {check.kind} · 指标体系 {check.rubric or '无'} · {_totals(check)}"
        )
        lines = [head]
        if check.grade_note:
            lines.append(f"  等级 {check.grade_note}")
        for difference in check.differences:
            values = f"报告 {_value(difference.reported)}，重算 {_value(difference.recomputed)}"
            if difference.reported == difference.recomputed:
                values += "（得分相同，报告的实际完成值与仓库数据的数字不同）"
            lines.append(f"  差异〔{difference.basis_words}〕{difference.indicator}：{values}")
            lines.append(f"      规则：{difference.rule}")
            if difference.inputs:
                lines.append("      依据：" + "；".join(f"{k} {_value(v)}" for k, v in difference.inputs.items()))
            if difference.reading:
                lines.append(f"      读法：{difference.reading}")
            for reading, score in difference.alternatives:
                lines.append(f"      其他读法「{reading}」：{_value(score)} 分")
        for reading in check.readings:
            matters = any(other["score"] != reading["score"] for other in reading["alternatives"])
            if matters and not any(d.indicator == reading["indicator"] for d in check.differences):
                others = "；".join(f"「{o['reading']}」{_value(o['score'])} 分" for o in reading["alternatives"])
                lines.append(f"  解读 {reading['indicator']}：按「{reading['reading']}」{_value(reading['score'])} 分")
                if others:
                    lines.append(f"      其他读法：{others}")
        for problem in check.problems:
            lines.append(f"  问题 {problem}")
        for line in check.unchecked:
            lines.append(f"  未重算 {line.path}：{line.reason}")
        if not (check.differences or check.problems):
            lines.append("  与指标体系一致")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
