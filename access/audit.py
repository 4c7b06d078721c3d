"""The audit log: who did what, when, to which county and file. Rows are only ever added."""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Connection, Engine, insert, select

from warehouse import read
from warehouse.models import AuditEvent

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
    "key_rotate": "更换身份证号密钥",
    "backup": "备份",
    "restore": "恢复",
}


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


def events(
    engine: Engine,
    *,
    actor: str | None = None,
    action: str | None = None,
    county: str | None = None,
    since: dt.date | None = None,
    limit: int = 5000,
) -> pl.DataFrame:
    """Events newest first, filtered."""
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
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if action:
        query = query.where(AuditEvent.action == action)
    if county:
        query = query.where(AuditEvent.county_code == county)
    if since:
        query = query.where(AuditEvent.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    return read.frame(engine, query.order_by(AuditEvent.id.desc()).limit(limit))
