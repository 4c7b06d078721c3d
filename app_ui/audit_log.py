"""Read the audit log for its page: the filters, the counts, and the events in the interface's words."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import polars as pl

from app_ui import data
from app_ui.i18n import language
from app_ui.tables import DATETIME, Column
from warehouse import audit

COLUMNS = [
    Column("at", ("时间（北京时间）", "Time (Beijing)"), DATETIME),
    Column("actor", ("操作人", "Who")),
    Column("action", ("操作", "Action")),
    "county",
    "detail",
    Column("file_name", ("文件名", "File")),
    Column("file_hash", ("文件哈希", "File hash")),
]

_ACTIONS_EN = {
    "upload": "Upload stored",
    "replace": "Version replaced",
    "reject": "Upload rejected",
    "login": "Login",
    "login_failed": "Failed login",
    "locked": "Account locked",
    "logout": "Logout",
    "user_add": "Account created",
    "user_disable": "Account disabled",
    "user_reset": "Password reset",
    "user_enable": "Account re-enabled",
    "user_change": "Account changed",
    "key_rotate": "ID key rotated",
    "backup": "Backup",
    "restore": "Restore",
    "demo_scale": "Scale demo generated",
    "followup": "Follow-up register",
}


def action_words() -> dict[str, str]:
    """Audit actions as the interface names them (Chinese labels from warehouse.audit.ACTIONS)."""
    if language() == "en":
        return {key: _ACTIONS_EN.get(key, key) for key in audit.ACTIONS}
    return dict(audit.ACTIONS)


def today() -> dt.date:
    """Today on the bureau's calendar."""
    return dt.datetime.now(audit.ZONE).date()


def date_range(chosen) -> tuple[dt.date | None, dt.date | None]:
    """A date_input range as (since, until): one day while the second is being picked; none when cleared."""
    days = tuple(chosen) if isinstance(chosen, list | tuple) else (chosen,)
    days = tuple(day for day in days if day is not None)
    if not days:
        return None, None
    return days[0], days[-1]


@dataclass(frozen=True)
class AuditFilters:
    """What warehouse.audit.events and .counts narrow the log by; None: no limit."""

    since: dt.date | None = None
    until: dt.date | None = None
    actor: str | None = None
    action: str | None = None
    county: str | None = None
    text: str | None = None


def events(filters: AuditFilters, *, limit: int) -> pl.DataFrame:
    """Events newest first (not cached: the log grows with every click, logins included)."""
    return audit.events(data.engine(), limit=limit, **asdict(filters))


def counts(filters: AuditFilters) -> pl.DataFrame:
    return audit.counts(data.engine(), **asdict(filters))


def actors() -> list[str]:
    return audit.actors(data.engine())


def rows(events: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Events with local times, and action and county in words (the columns of COLUMNS)."""
    return events.select(
        audit.local_time("at").dt.truncate("1s"),
        "actor",
        pl.col("action").replace_strict(action_words(), default=pl.col("action")),
        pl.col("county_code").replace_strict(names, default=pl.col("county_code")).fill_null("").alias("county"),
        "detail",
        "file_name",
        "file_hash",
    )


def export_name(filters: AuditFilters) -> tuple[str, str]:
    """The downloads' file name, in both languages: the log and its dates."""
    dates = f"{filters.since or ''}_{filters.until or ''}"
    return f"审计日志_{dates}", f"audit-log_{dates}"
