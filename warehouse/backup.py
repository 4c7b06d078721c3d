"""Backup and restore of the embedded (SQLite) warehouse, through SQLite's online backup API.

A backup is a consistent snapshot even while the app is writing (the API copies pages under
SQLite's own locks, WAL included). A restore first checks the file (integrity check, the
warehouse's tables) and then copies it over the live database in one step, so readers see
either the old warehouse or the restored one. PostgreSQL warehouses use pg_dump / pg_restore.
The key that hashes ID numbers is not in a backup: keep data/warehouse.idkey (or DIBAO_ID_KEY)
with it, or households of the restored months will not match new uploads.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from warehouse.errors import Refused
from warehouse.settings import Settings, sqlite_path

REQUIRED_TABLES = {"county", "upload", "household_month", "monthly_figure", "evaluation", "audit_event"}


class BackupError(Refused):
    """A backup or restore that cannot be done, in words a person can act on."""


def _live(settings: Settings) -> Path:
    database = sqlite_path(settings.warehouse_url)
    if database is None:
        raise BackupError("备份和恢复命令只用于内置 SQLite 数据仓库；PostgreSQL 请用 pg_dump / pg_restore")
    return database


def backup(settings: Settings, target: Path) -> int:
    """Write a consistent copy of the warehouse to `target` (which must not exist); returns its size in bytes."""
    database = _live(settings)
    if not database.exists():
        raise BackupError(f"数据仓库 {database} 不存在")
    if target.exists():
        raise BackupError(f"{target} 已存在，不会覆盖")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target.stat().st_size


def check_backup(path: Path) -> None:
    """Refuse a file that is not an intact warehouse backup."""
    if not path.exists():
        raise BackupError(f"备份文件 {path} 不存在")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path.name} 不是 SQLite 数据库（{error}）") from None
    if verdict != "ok":
        raise BackupError(f"{path.name} 已损坏（integrity_check：{verdict}）")
    if missing := REQUIRED_TABLES - tables:
        raise BackupError(f"{path.name} 不是本系统的数据仓库备份（缺少表：{'、'.join(sorted(missing))}）")


def restore(settings: Settings, source_path: Path) -> None:
    """Replace the warehouse with a checked backup, in one step under SQLite's lock."""
    check_backup(source_path)
    database = _live(settings)
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    live = sqlite3.connect(database, timeout=30)
    try:
        source.backup(live)
    finally:
        live.close()
        source.close()
