"""The change a month's waiting version makes to its approved one, read and compared: the one function
the 审核 page and `dibao changes` share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from warehouse import read
from warehouse.frames import changes
from warehouse.month_states import Slot


@dataclass(frozen=True)
class MonthChange:
    slot: Slot
    versions: dict | None  # read.month_versions
    change: changes.VersionChange | None  # None when there is nothing to compare
    why_not: str = ""  # why there is nothing to compare, in words

    @property
    def waiting_file(self) -> str:
        return self.versions["waiting"]["file_name"] if self.versions and self.versions["waiting"] else ""


def month_change(engine: Engine, *, county: str, program: str, month: dt.date) -> MonthChange:
    """What the version waiting for approval adds, removes and changes against the approved version."""
    slot = Slot(county, program, month)
    versions = read.month_versions(engine, county=county, program=program, month=month)
    if why_not := _nothing_to_compare(slot, versions):
        return MonthChange(slot, versions, None, why_not)
    approved, waiting = versions["approved"]["upload_id"], versions["waiting"]["upload_id"]
    where = {"county": county, "program": program, "month": month}
    change = changes.compare(
        read.version_rows(engine, **where, upload_id=approved),
        read.version_rows(engine, **where, upload_id=waiting, waiting=True),  # it waits in household_review
        approved_figures=read.version_figures(engine, upload_id=approved),
        waiting_figures=read.version_figures(engine, upload_id=waiting),
    )
    return MonthChange(slot, versions, change)


def _nothing_to_compare(slot: Slot, versions: dict | None) -> str:
    """Why there is no change to show, or "" when a replacement waits beside an approved version."""
    if versions is None:
        return f"{slot} 尚未上报名册"
    approved, waiting = versions["approved"], versions["waiting"]
    if waiting is not None and approved is None:
        return f"{slot} 为首次上报，没有已审核的版本可比较（全部住户均为新增）：{waiting['file_name']}"
    if waiting is None:
        shown = f"已审核版本：{approved['file_name']}" if approved else "没有已审核的版本"
        return f"{slot} 没有待审核的新版本，无可比较（{shown}）"
    return ""
