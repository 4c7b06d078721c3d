"""The `dibao` group, its one friendly-error handler, and what every command needs."""

from __future__ import annotations

import sys

import click
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from access.accounts import account_actor
from access.roles import VIEWER, Actor
from warehouse import audit, read
from warehouse.db import open_warehouse
from warehouse.errors import Refused, Rejected
from warehouse.settings import current_user, get_settings
from warehouse.small_counts import restricted_among


class FriendlyGroup(click.Group):
    """A group whose commands end in a plain message and a non-zero exit on expected failures, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Rejected as rejected:
            _audit_rejection(rejected)
            click.echo(rejected.report(), err=True)
            sys.exit(1)
        except Refused as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        except OperationalError as error:
            click.echo(f"无法访问数据仓库（{where()}）：{error.orig}", err=True)
            sys.exit(2)


@click.group(cls=FriendlyGroup, help="低保绩效驾驶舱：数据仓库、导入与查询。")
def main() -> None:
    pass


def where() -> str:
    """Name the warehouse without its password."""
    return get_settings().warehouse_url.split("@")[-1]


def operator() -> str:
    """Name the person at the keyboard, as the audit log records them."""
    return current_user(get_settings())


def acting(engine: Engine) -> Actor:
    """Who a command acts as: the account DIBAO_USER (or the OS user) names, with its role and counties;
    else the operator at the server, who holds the warehouse and acts as an admin."""
    name = operator()
    return account_actor(engine, name) or Actor.operator(name)


def known_counties(engine: Engine, codes) -> dict[str, str]:
    """The registry's names (code → name); a plain message and exit status 1 when any of `codes` is not in it."""
    names = read.county_names(engine)
    unknown = [code for code in dict.fromkeys(codes) if code not in names]
    if unknown:
        click.echo(
            f"县区代码 {'、'.join(unknown)} 不在县区名录中（先运行 dibao demo 或 dibao ingest counties）", err=True
        )
        sys.exit(1)
    return names


def _audit_rejection(rejected: Rejected) -> None:
    """Record a refused file too: who tried what."""
    files = sorted({problem.file for problem in rejected.problems})
    audit.record(
        open_warehouse(),
        actor=operator(),
        action="reject",
        file_name="、".join(files)[:500],
        detail=f"{len(rejected.problems)} 个问题：{rejected.problems[0].message[:200]}" if rejected.problems else "",
    )


AS_VIEWER = click.option(
    "--as-role",
    "as_role",
    type=click.Choice([VIEWER]),
    help="viewer: what leadership may see, small counts withheld (for a copy to pass on). Without it, what the "
    "account running the command (DIBAO_USER) may see: every true figure for the operator and admins.",
)


def withheld_from(engine: Engine, counties, as_role: str | None) -> list[str]:
    """The counties whose small counts a command's output withholds: every one for `--as-role viewer`, else those
    the acting account may not act for (warehouse.small_counts)."""
    codes = list(counties) or list(read.county_names(engine))
    reader = Actor("--as-role viewer", VIEWER) if as_role == VIEWER else acting(engine)
    return restricted_among(reader, codes)
