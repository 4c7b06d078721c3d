"""The plain-text reports of `dibao summary` and `dibao findings`, in aligned columns."""

from __future__ import annotations

import datetime as dt
import unicodedata

import polars as pl

from loaders.values import month_label
from warehouse.vocabulary import FINDING_WORDS, KIND_WORDS, PROGRAM_WORDS


def _said(value, spec: str = ",") -> str:
    """A figure with thousands separators, or the mark it reads as where it is withheld."""
    return value if isinstance(value, str) else format(value, spec)


def summary_text(summary: dict) -> str:
    """Report a county's months, standards and evaluations, as `county_summary` gathers them."""
    county = summary["county"]
    lines = [f"{county['name']}（{county['code']}）", ""]
    months = [("月份", "项目", "户数", "人数", "金额（元）", "按时发放户数", "按时率")]
    for month in summary["months"]:
        households, on_time = month["households"], month["on_time_households"]
        exact = isinstance(households, int) and isinstance(on_time, int)  # not a withheld mark (「<5」, 「隐去」)
        share = f"{on_time / households:.1%}" if exact and households else "—"
        figures = (_said(households), _said(month["persons"]), _said(month["amount"], ",.2f"), _said(on_time), share)
        label = month["month"] + ("（待审核）" if month["pending"] else "")
        months.append((label, _program(month["program"]), *figures))
    lines += _table(months, align="llrrrrr") if summary["months"] else ["没有已审核的月度数据"]
    if summary["standards"]:
        standards = [("执行日期", "项目", "类别", "元/人·月", "文件")]
        for standard in summary["standards"]:
            amount = f"{standard['yuan_per_person_month']:g}"
            category = standard["category"] or "—"
            standards.append(
                (standard["effective_from"], _program(standard["program"]), category, amount, standard["document"])
            )
        lines += ["", "保障标准", *_table(standards, align="lllrl")]
    if summary["evaluations"]:
        evaluations = [("年度", "项目", "评价", "得分", "等级", "一级指标")]
        for evaluation in summary["evaluations"]:
            kind = KIND_WORDS.get(evaluation["kind"], evaluation["kind"])
            score = "—" if evaluation["score"] is None else f"{evaluation['score']:g}"
            level1 = "，".join(f"{name} {points:g}" for name, points in evaluation["level1"].items())
            program = _program(evaluation["program"])
            year = str(evaluation["year"]) + ("（待审核）" if evaluation["pending"] else "")
            evaluations.append((year, program, kind, score, evaluation["grade"] or "—", level1))
        lines += ["", "绩效评价", *_table(evaluations, align="lllrll")]
    return "\n".join(lines)


def findings_text(findings: pl.DataFrame, *, county: str, month: dt.date | None) -> str:
    """Report findings one a line: kind, month, row in the file, masked ID and what is wrong."""
    scope = f"县区 {county}" + (f" {month_label(month)}" if month else "")
    if findings.is_empty():
        return f"{scope} 没有发现问题"
    rows = [("类型", "月份", "行号", "身份证号", "说明")]
    for finding in findings.iter_rows(named=True):
        row = str(finding["row"])
        if finding["sheet"]:  # a workbook numbers its rows afresh on each sheet
            row = f"{finding['sheet']} {row}"
        masked = finding["id_masked"] or "—"
        kind = FINDING_WORDS.get(finding["kind"], finding["kind"])
        month = month_label(finding["month"]) + ("（待审核）" if finding["pending"] else "")
        rows.append((kind, month, row, masked, finding["detail"]))
    return "\n".join([f"{scope} 共 {findings.height:,} 条发现", "", *_table(rows, align="llrll")])


def _program(key: str) -> str:
    return PROGRAM_WORDS.get(key, key)


def _table(rows: list[tuple[str, ...]], *, align: str) -> list[str]:
    """Pad each column to its widest cell ('l'eft or 'r'ight), a CJK character taking two columns as in a terminal."""
    widths = [max(_width(row[column]) for row in rows) for column in range(len(align))]
    lines = []
    for row in rows:
        cells = [
            " " * (width - _width(cell)) + cell if side == "r" else cell + " " * (width - _width(cell))
            for cell, width, side in zip(row, widths, align, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(character) in "WF" else 1 for character in text)
