"""The audit log: who did what, when, to which county and file. Rows are only ever added."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict, Unpack
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import Connection, Engine, func, insert, or_, select

from warehouse import read
from warehouse.models import AuditEvent, Upload

ACTIONS = {
    "upload": "上传入库",
    "replace": "替换已有版本",
    "reject": "上传被拒",
    "login": "登录",
    "login_failed": "登录失败",
    "locked": "账户锁定",
    "logout": "退出",
    "user_add": "新建账户",
    "user_disable": "停用账户",
    "user_reset": "重置密码",
    "user_enable": "重新启用账户",
    "user_change": "修改账户",
    "key_rotate": "更换身份证号密钥",
    "backup": "备份",
    "restore": "恢复",
    "demo_scale": "生成规模演示数据",
    "followup": "整改台账",
}

SESSION_ONLY = ("login", "login_failed", "locked", "logout")  # change no figure a page shows

ZONE = ZoneInfo("Asia/Shanghai")  # the bureau's clock: dates in the filters and times on screen


def record(
    target: Engine | Connection,
    *,
    actor: str,
    action: str,
    county: str | None = None,
    file_name: str = "",
    file_hash: str = "",
    detail: str = "",
) -> None:
    """Add one event; inside the caller's transaction when given a connection (so it commits with the change)."""
    row = {
        "at": dt.datetime.now(dt.UTC),
        "actor": actor,
        "action": action,
        "county_code": county,
        "file_name": file_name,
        "file_hash": file_hash,
        "detail": detail,
    }
    if isinstance(target, Engine):
        with target.begin() as conn:
            conn.execute(insert(AuditEvent).values(**row))
    else:
        target.execute(insert(AuditEvent).values(**row))


class Filters(TypedDict, total=False):
    """What `events` and `counts` narrow the log to; a filter left out or empty keeps every event."""

    actor: str | None
    action: str | None
    county: str | None
    since: dt.date | None  # days of the bureau's calendar (ZONE), both included
    until: dt.date | None
    text: str | None  # in the file name, the file hash or the detail, any case


def data_version(engine: Engine) -> tuple[int, int]:
    """Where the warehouse's data stands: the last audit event that changed it (any but a login) and the last
    upload. An app process whose cached reads are older than either has missed a change made elsewhere (another
    app process behind the proxy, the command line). Two lookups from the end of primary keys."""
    last_change = (
        select(AuditEvent.id).where(AuditEvent.action.not_in(SESSION_ONLY)).order_by(AuditEvent.id.desc()).limit(1)
    )
    with engine.connect() as conn:
        change = conn.execute(last_change).scalar() or 0
        upload = conn.execute(select(func.max(Upload.id))).scalar() or 0
    return change, upload


def events(engine: Engine, *, limit: int = 5000, **filters: Unpack[Filters]) -> pl.DataFrame:
    """Events newest first, narrowed by `filters`."""
    query = select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.county_code,
        AuditEvent.file_name,
        AuditEvent.file_hash,
        AuditEvent.detail,
    )
    return read.frame(engine, _filtered(query, filters).order_by(AuditEvent.id.desc()).limit(limit))


def counts(engine: Engine, **filters: Unpack[Filters]) -> pl.DataFrame:
    """How many events of each action the same filters find (however many `events` would list), most first."""
    query = select(AuditEvent.action, func.count().label("events")).group_by(AuditEvent.action)
    found = read.frame(engine, _filtered(query, filters), {"events": pl.Int64})
    return found.sort(["events", "action"], descending=[True, False])


def actors(engine: Engine) -> list[str]:
    """Everyone who appears in the log (accounts, failed login names, command-line users), for a filter."""
    with engine.connect() as conn:
        return list(conn.execute(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor)).scalars())


def _filtered(query, filters: Filters):
    if unknown := filters.keys() - Filters.__optional_keys__:
        raise TypeError(f"no such audit filter: {', '.join(sorted(unknown))}")
    if actor := filters.get("actor"):
        query = query.where(AuditEvent.actor == actor)
    if action := filters.get("action"):
        query = query.where(AuditEvent.action == action)
    if county := filters.get("county"):
        query = query.where(AuditEvent.county_code == county)
    if since := filters.get("since"):
        query = query.where(AuditEvent.at >= _start_of(since))
    if until := filters.get("until"):
        query = query.where(AuditEvent.at < _start_of(until + dt.timedelta(days=1)))
    if words := (filters.get("text") or "").strip():
        query = query.where(
            or_(
                *(
                    column.icontains(words, autoescape=True)
                    for column in (AuditEvent.file_name, AuditEvent.file_hash, AuditEvent.detail)
                )
            )
        )
    return query


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a local day, in UTC as the events are stored."""
    return dt.datetime.combine(day, dt.time(), ZONE).astimezone(dt.UTC)


def local_time(column: str = "at") -> pl.Expr:
    """Stored UTC times as the bureau's wall clock (naive, so that CSV and Excel show them as written)."""
    return pl.col(column).dt.replace_time_zone("UTC").dt.convert_time_zone(str(ZONE)).dt.replace_time_zone(None)


def transition(
    conn: Connection,
    *,
    actor: str,
    action: str,
    county: str,
    what: str,
    upload_id: int | None,
    change: str,
    reason: str,
) -> None:
    """One approval event: who moved what (「名册 …」 or 「评价 …」) from which state to which, why, and the
    file and hash of the version it is about."""
    upload = conn.execute(select(Upload.file_name, Upload.file_hash).where(Upload.id == upload_id)).first()
    record(
        conn,
        actor=actor,
        action=action,
        county=county,
        file_name=upload.file_name if upload else "",
        file_hash=upload.file_hash if upload else "",
        detail=f"{what}：{change}" + (f"；理由：{reason.strip()}" if reason.strip() else ""),
    )
