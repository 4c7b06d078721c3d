"""Accounts: create, list, change, disable, enable, reset, and log in with a lock after repeated failures.

Every change and every login attempt is written to the audit log. Passwords are hashed with
argon2id and never stored, printed by these functions, or logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select, update

from access.passwords import hash_password, needs_rehash, new_password, verify, weak
from access.roles import ADMIN, EVALUATOR, ROLES, Actor
from warehouse import audit, read
from warehouse.errors import Refused
from warehouse.models import Account, County

MAX_FAILURES = 5  # failed logins in a row before the account is locked
LOCK_MINUTES = 15


class AccountError(Refused):
    """A refused account change, with a plain message."""


@dataclass(frozen=True)
class Login:
    actor: Actor | None
    message: str = ""  # why not, in words a person can act on


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def any_accounts(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Account)).scalar_one() > 0


def add_user(
    engine: Engine,
    *,
    username: str,
    role: str,
    counties: list[str] | None = None,
    display_name: str = "",
    password: str | None = None,
    by: str,
) -> str:
    """Create an account; returns its password (generated unless given) so the caller can hand it over once."""
    username = username.strip()
    if not username:
        raise AccountError("用户名不能为空")
    counties = _scope(role, counties)
    if password is not None and (reason := weak(password)):
        raise AccountError(reason)
    password = password or new_password()
    with engine.begin() as conn:
        _known_counties(conn, counties)
        if conn.execute(select(Account.id).where(Account.username == username)).first():
            raise AccountError(f"用户名「{username}」已存在")
        now = _now()
        conn.execute(
            insert(Account).values(
                username=username,
                display_name=display_name,
                role=role,
                counties=",".join(counties),
                password_hash=hash_password(password),
                created_at=now,
                changed_at=now,
            )
        )
        audit.record(conn, actor=by, action="user_add", detail=f"{username}：{role} {','.join(counties)}".strip())
    return password


def list_users(engine: Engine) -> pl.DataFrame:
    query = select(
        Account.username, Account.display_name, Account.role, Account.counties, Account.disabled, Account.locked_until
    )
    return read.frame(engine, query.order_by(Account.username))


def _scope(role: str, counties: list[str] | None) -> list[str]:
    """The counties an account of this role keeps: an evaluator's (at least one), nobody else's."""
    if role not in ROLES:
        raise AccountError(f"角色「{role}」不存在（可用：{'、'.join(ROLES)}）")
    if role != EVALUATOR:
        return []
    counties = sorted(set(counties or []))
    if not counties:
        raise AccountError("评价人员须指定至少一个可上传的县区（--county）")
    return counties


def _known_counties(conn: Connection, counties: list[str]) -> None:
    known = set(conn.execute(select(County.code)).scalars())
    if unknown := [code for code in counties if code not in known]:
        raise AccountError(f"县区代码 {'、'.join(unknown)} 不在县区名录中")


def _change(
    engine: Engine, username: str, values: dict, *, by: str, action: str, detail: str = "", keeps_admin: bool = True
) -> None:
    """Change one account and audit it; `keeps_admin=False` refuses when no other enabled administrator would remain."""
    with engine.begin() as conn:
        if not keeps_admin and not _other_admins(conn, username):
            raise AccountError(f"「{username}」是唯一可用的管理员账户：请先另设一位管理员")
        changed = conn.execute(
            update(Account).where(Account.username == username).values(**values, changed_at=_now())
        ).rowcount
        if not changed:
            raise AccountError(f"用户名「{username}」不存在")
        audit.record(conn, actor=by, action=action, detail=detail or username)


def _other_admins(conn: Connection, username: str) -> int:
    """Enabled administrator accounts other than this one (whether this one is an administrator or not)."""
    target = conn.execute(select(Account.role, Account.disabled).where(Account.username == username)).first()
    if target is None or target.role != ADMIN or target.disabled:
        return 1  # changing this account cannot leave the bureau without an administrator
    query = select(func.count()).where(Account.role == ADMIN, ~Account.disabled, Account.username != username)
    return conn.execute(query).scalar_one()


def disable_user(engine: Engine, username: str, *, by: str) -> None:
    """Stop an account from logging in; refused for one's own account and for the last administrator."""
    if username == by:
        raise AccountError("不能停用自己的账户（请另一位管理员操作）")
    _change(engine, username, {"disabled": True}, by=by, action="user_disable", keeps_admin=False)


def enable_user(engine: Engine, username: str, *, by: str) -> None:
    """Let a disabled account log in again with its old password (reset_password gives it a new one)."""
    _change(engine, username, {"disabled": False}, by=by, action="user_enable")


def change_user(
    engine: Engine, username: str, *, role: str, counties: list[str] | None = None, display_name: str, by: str
) -> None:
    """Set an account's role, county scope and display name; nobody can take their own administrator role away."""
    counties = _scope(role, counties)
    if username == by and role != ADMIN:
        raise AccountError("不能取消自己的管理员角色（请另一位管理员操作）")
    values = {"role": role, "counties": ",".join(counties), "display_name": display_name.strip()}
    with engine.connect() as conn:
        _known_counties(conn, counties)
    detail = f"{username}：{role} {','.join(counties)}".strip()
    _change(engine, username, values, by=by, action="user_change", detail=detail, keeps_admin=role == ADMIN)


def reset_password(engine: Engine, username: str, *, by: str, password: str | None = None) -> str:
    """A new password (generated unless given); also lifts a lock and re-enables the account."""
    if password is not None and (reason := weak(password)):
        raise AccountError(reason)
    password = password or new_password()
    values = {"password_hash": hash_password(password), "failed_logins": 0, "locked_until": None, "disabled": False}
    _change(engine, username, values, by=by, action="user_reset")
    return password


def authenticate(engine: Engine, username: str, password: str) -> Login:
    """Check a password; count failures and lock the account after MAX_FAILURES in a row.

    The message never says whether the username exists.
    """
    refused = Login(None, "用户名或密码不正确")
    now = _now()
    with engine.begin() as conn:
        account = conn.execute(select(Account).where(Account.username == username.strip())).first()
        if account is None:
            audit.record(conn, actor=username.strip()[:64], action="login_failed", detail="无此账户")
            return refused
        locked_until = _aware(account.locked_until)
        if account.disabled:
            audit.record(conn, actor=account.username, action="login_failed", detail="账户已停用")
            return Login(None, "此账户已停用，请联系管理员")
        if locked_until and locked_until > now:
            audit.record(conn, actor=account.username, action="login_failed", detail="账户锁定中")
            return Login(None, f"连续登录失败次数过多，账户已锁定至 {locked_until.astimezone():%H:%M}")
        if not verify(account.password_hash, password):
            failures = account.failed_logins + 1
            values: dict = {"failed_logins": failures}
            audit.record(conn, actor=account.username, action="login_failed", detail=f"第 {failures} 次")
            if failures >= MAX_FAILURES:
                values |= {"failed_logins": 0, "locked_until": now + dt.timedelta(minutes=LOCK_MINUTES)}
                audit.record(conn, actor=account.username, action="locked", detail=f"{LOCK_MINUTES} 分钟")
            conn.execute(update(Account).where(Account.id == account.id).values(**values))
            return refused
        values = {"failed_logins": 0, "locked_until": None}
        if needs_rehash(account.password_hash):
            values["password_hash"] = hash_password(password)
        conn.execute(update(Account).where(Account.id == account.id).values(**values))
        audit.record(conn, actor=account.username, action="login")
    counties = frozenset(code for code in account.counties.split(",") if code)
    return Login(Actor(account.username, account.role, counties))


def account_actor(engine: Engine, username: str) -> Actor | None:
    """The account a command-line user names, with its role and counties; None when no account has the name.

    A disabled account is refused rather than ignored: its holder must not act as the server's operator.
    """
    with engine.connect() as conn:
        query = select(Account.role, Account.counties, Account.disabled).where(Account.username == username)
        account = conn.execute(query).first()
    if account is None:
        return None
    if account.disabled:
        raise AccountError(f"账户「{username}」已停用，不能操作")
    return Actor(username, account.role, frozenset(code for code in account.counties.split(",") if code))


def current_actor(engine: Engine, username: str) -> Actor | None:
    """The account's role and counties as they are now; None once it is disabled or gone.

    A session keeps the Actor of its login; checking this on each page run makes a disable or a
    role change take effect at once rather than at the next login.
    """
    with engine.connect() as conn:
        query = select(Account.role, Account.counties).where(Account.username == username, ~Account.disabled)
        account = conn.execute(query).first()
    if account is None:
        return None
    return Actor(username, account.role, frozenset(code for code in account.counties.split(",") if code))


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back without a zone; they were written in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def demo_accounts(engine: Engine, *, by: str) -> dict[str, tuple[str, str]]:
    """Three demo accounts when there are none yet: username → (role, password). Empty if any account exists."""
    if any_accounts(engine):
        return {}
    made = {}
    for username, role, counties, name in (
        ("admin", ADMIN, [], "演示管理员"),
        ("leader", "viewer", [], "演示领导"),
        ("qufu", EVALUATOR, ["370881"], "曲阜市评价人员（演示）"),
    ):
        password = add_user(engine, username=username, role=role, counties=counties, display_name=name, by=by)
        made[username] = (role, password)
    return made
