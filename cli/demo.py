"""`dibao init` and `dibao demo`: an empty warehouse, or one filled with the demo data."""

from __future__ import annotations

import re

import click

from access.accounts import demo_accounts
from cli.base import main, operator, where
from demo.load import load_demo, roster_years
from demo.scale import build_scale
from warehouse.db import open_warehouse

LAST_DEMO_YEAR = 2024  # the synthetic rosters and the scale data end with the seeds' latest year


@main.command(help="Create the warehouse tables (safe to run again).")
def init() -> None:
    open_warehouse()
    click.echo(f"数据仓库已就绪：{where()}")


def year_span(_context, _parameter, value: str) -> range:
    """Read `2019-2024` or `2023` as a span, a bare count such as `10` as that many years up to LAST_DEMO_YEAR."""
    if count := re.fullmatch(r"[1-9]\d?", value):
        return range(LAST_DEMO_YEAR - int(count[0]) + 1, LAST_DEMO_YEAR + 1)
    span = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value)
    if not span:
        raise click.BadParameter(f"「{value}」不是年份范围：请写 2019-2024、2023 或年数（如 10）")
    first = int(span[1])
    years = range(first, int(span[2] or first) + 1)
    if not years:
        raise click.BadParameter(f"「{value}」：起始年份晚于结束年份")
    return years


@main.command(help="Load the shipped seed data and the synthetic demo rosters (idempotent).")
@click.option(
    "--years",
    "span",
    default="2019-2024",
    show_default=True,
    callback=year_span,
    help="Years: a span such as 2022-2023, or a count such as 10 (the last ten years to 2024).",
)
@click.option(
    "--counties",
    type=click.IntRange(0, 99_999),
    default=0,
    show_default=True,
    help="Also add this many synthetic counties (monthly figures, findings, evaluations) for scale tests.",
)
def demo(span: range, counties: int) -> None:
    engine = open_warehouse()
    click.echo(load_demo(engine, user=operator(), years=roster_years(span), progress=click.echo))
    if counties:
        click.echo(build_scale(engine, counties=counties, years=span, user=operator(), progress=click.echo))
    made = demo_accounts(engine, by=operator())
    if made:
        click.echo("已创建演示账户（密码只显示这一次，请妥善保存）：")
        for username, (role, password) in made.items():
            click.echo(f"  {username:<8} {role:<10} {password}")
