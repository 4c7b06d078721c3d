"""Errors a person can act on, shared by every layer: no imports from the project, so any module may raise them.

`Problem` is one thing wrong with an input file; `Rejected` carries every problem of a file
(nothing was stored); `Refused` is an operation that cannot be done, with a plain message.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, located the way a person opening the file would see it."""

    file: str
    sheet: str = ""
    row: int | None = None  # 1-based row number in the file (or sheet)
    column: str = ""  # the column's header text, with its letter for spreadsheets
    message: str = ""

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"「{self.column}」列")
        return " ".join(where) + "：" + self.message

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


class Rejected(Exception):
    """The file cannot be stored; every problem found is listed and nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.sheet, p.row or 0, p.column, p.message))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [f"文件未入库，共发现 {len(self.problems)} 个问题："]
        lines += [f"  - {problem}" for problem in self.problems]
        return "\n".join(lines)


class Refused(Exception):
    """An account change, backup or restore that cannot be done; the message says why."""
