"""`dibao user`: add, list, disable and reset accounts."""

from __future__ import annotations

import click

from access.accounts import add_user, disable_user, list_users, reset_password
from cli.base import main, operator
from warehouse.db import open_warehouse


@main.group(help="Accounts: add, list, disable, reset a password.")
def user() -> None:
    pass


@user.command("add", help="Create an account and print its password once.")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "evaluator", "admin"]), required=True)
@click.option("--county", "counties", multiple=True, help="County an evaluator may upload for (repeat).")
@click.option("--name", "display_name", default="", help="Display name.")
def user_add(username: str, role: str, counties: tuple[str, ...], display_name: str) -> None:
    password = add_user(
        open_warehouse(),
        username=username,
        role=role,
        counties=list(counties),
        display_name=display_name,
        by=operator(),
    )
    click.echo(f"已创建账户 {username}（{role}）。初始密码（只显示这一次）：{password}")


@user.command("list", help="Every account with its role and counties (no passwords).")
def user_list() -> None:
    users = list_users(open_warehouse())
    if users.is_empty():
        click.echo("还没有账户（dibao user add 新建，或 dibao demo 建演示账户）")
        return
    for row in users.iter_rows(named=True):
        state = "停用" if row["disabled"] else ("锁定" if row["locked_until"] else "正常")
        counties = row["counties"] or "—"
        click.echo(f"{row['username']:<12} {row['role']:<10} {counties:<20} {state} {row['display_name']}")


@user.command("disable", help="Disable an account (it can no longer log in).")
@click.argument("username")
def user_disable(username: str) -> None:
    disable_user(open_warehouse(), username, by=operator())
    click.echo(f"已停用账户 {username}")


@user.command("reset", help="Give an account a new password (printed once); lifts a lock and re-enables it.")
@click.argument("username")
def user_reset(username: str) -> None:
    password = reset_password(open_warehouse(), username, by=operator())
    click.echo(f"已重置账户 {username} 的密码。新密码（只显示这一次）：{password}")
