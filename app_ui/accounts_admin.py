"""Manage accounts as the logged-in administrator: list them in the interface's words and change them, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl
import streamlit as st

from access.accounts import AccountError, add_user, change_user, disable_user, enable_user, list_users, reset_password
from access.roles import ADMIN, EVALUATOR, ROLES, VIEWER
from app_ui import after_change, data, session
from app_ui.i18n import tr
from app_ui.tables import Column
from warehouse import audit

NEW_ACCOUNT = "new-account"  # the form that starts empty after each account it creates

ACCOUNT_COLUMNS = [
    Column("username", ("用户名", "Username")),
    Column("display_name", ("显示名称", "Display name")),
    Column("role", ("角色", "Role")),
    Column("counties", ("可上传县区", "Counties")),
    Column("state", ("状态", "State")),
    Column("locked_until", ("锁定至", "Locked until")),
]


def role_words() -> dict[str, str]:
    """Roles as the interface names them (Chinese labels from access.roles.ROLES)."""
    english = {
        VIEWER: "Leadership (view only)",
        EVALUATOR: "Evaluator (uploads for their counties)",
        ADMIN: "Administrator",
    }
    return {key: tr(label, english[key]) for key, label in ROLES.items()}


def takes_counties(role: str) -> bool:
    """Only evaluators upload, so only they are given counties."""
    return role == EVALUATOR


def accounts() -> pl.DataFrame:
    """Every account (never a password hash): username, display name, role, counties, disabled, locked until.

    Not cached: an account changed at the command line shows at once.
    """
    return list_users(data.engine())


def account_rows(users: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """The account list as the page shows it: role and counties in words, local lock time, a state column."""
    now = dt.datetime.now(audit.ZONE).replace(tzinfo=None)
    return users.with_columns(audit.local_time("locked_until")).select(
        "username",
        "display_name",
        pl.col("role").replace_strict(role_words(), default=pl.col("role")),
        pl.when(pl.col("role") == ADMIN)
        .then(pl.lit(tr("全部县区", "all")))
        .otherwise(
            pl.col("counties")
            .str.split(",")
            .list.eval(pl.element().filter(pl.element() != "").replace(names))
            .list.join("、")
            .replace("", "—")
        )
        .alias("counties"),
        pl.when(pl.col("disabled"))
        .then(pl.lit(tr("已停用", "Disabled")))
        .when(pl.col("locked_until") > now)
        .then(pl.lit(tr("锁定中", "Locked")))
        .otherwise(pl.lit(tr("正常", "Active")))
        .alias("state"),
        pl.when(pl.col("locked_until") > now)
        .then(pl.col("locked_until").dt.strftime("%Y-%m-%d %H:%M"))
        .otherwise(pl.lit(""))
        .alias("locked_until"),
    )


def account(users: pl.DataFrame, username: str) -> dict:
    """One account's row of `accounts()`, with its counties as a list."""
    row = users.filter(pl.col("username") == username).row(0, named=True)
    return row | {"counties": [code for code in row["counties"].split(",") if code]}


def add_account(*, username: str, role: str, counties: list[str], display_name: str) -> None:
    """Create an account; its generated password is shown once."""
    _change(
        tr(f"已新建账户「{username.strip()}」，初始密码：", f"Account “{username.strip()}” created. Its password:"),
        add_user,
        username=username,
        role=role,
        counties=counties,
        display_name=display_name.strip(),
        fresh_form=NEW_ACCOUNT,
    )


def save_account(username: str, *, role: str, counties: list[str], display_name: str) -> None:
    _change(
        tr(f"已修改账户「{username}」。", f"Account “{username}” changed."),
        change_user,
        username,
        role=role,
        counties=counties,
        display_name=display_name,
    )


def disable_account(username: str) -> None:
    _change(tr(f"已停用账户「{username}」。", f"Account “{username}” disabled."), disable_user, username)


def enable_account(username: str) -> None:
    _change(tr(f"已重新启用账户「{username}」。", f"Account “{username}” re-enabled."), enable_user, username)


def reset_account_password(username: str) -> None:
    """A new password, shown once; it also lifts a lock and re-enables the account."""
    _change(
        tr(f"已重置账户「{username}」的密码，新密码：", f"Password of “{username}” reset. The new password:"),
        reset_password,
        username,
    )


def _change(
    notice: str, function: Callable[..., str | None], *args, fresh_form: str | None = None, **arguments
) -> None:
    """Run one access.accounts change as the logged-in administrator, so the audit log names them.

    A refusal is shown where the button is; a change is shown after the page is drawn again.
    """
    admin = session.require_admin()
    try:
        password = function(data.engine(), *args, by=admin.name, **arguments)
    except AccountError as error:
        st.error(str(error))
        return
    after_change.done(notice, password=password if isinstance(password, str) else None, fresh_form=fresh_form)
