"""`dibao summary` and `dibao findings`: what the warehouse holds for a county, as text or JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click

from cli.base import AS_VIEWER, acting, main, withheld_from
from cli.output import county_summary, findings_json
from cli.report_text import findings_text, summary_text
from loaders.values import parse_month
from warehouse import read
from warehouse.db import open_warehouse

PENDING_OPTION = click.option(
    "--pending",
    is_flag=True,
    help="Show the versions waiting for approval (marked 待审核) where there are; approved data only without it.",
)


@main.command(help="A county's approved months, standards and evaluations.")
@click.option("--county", required=True)
@click.option("--program", type=click.Choice(["rural", "urban"]))
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
@PENDING_OPTION
@AS_VIEWER
def summary(county: str, program: str | None, year: int | None, as_json: bool, pending: bool, as_role) -> None:
    engine = open_warehouse()
    restricted = county in withheld_from(engine, [county], as_role)
    data = county_summary(engine, county=county, program=program, year=year, pending=pending, restricted=restricted)
    if data is None:
        click.echo(f"县区代码 {county} 不在县区名录中（先运行 dibao demo 或 dibao ingest counties）", err=True)
        sys.exit(1)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else summary_text(data))


@main.command(help="Findings of a county (IDs masked).")
@click.option("--county", required=True)
@click.option("--month", help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
@PENDING_OPTION
def findings(county: str, month: str | None, as_json: bool, pending: bool) -> None:
    month_date: dt.date | None = None
    if month:
        month_date = parse_month(month)
        if month_date is None:
            click.echo(f"月份「{month}」无法识别，应写作 YYYY-MM", err=True)
            sys.exit(1)
    engine = open_warehouse()
    if withheld_from(engine, [county], None):  # one row a household: for those who may act for the county
        actor = acting(engine)
        click.echo(
            f"账户「{actor.name}」不能查看县区 {county} 的逐条问题（每条指向一户，仅本县区评价人员和管理员可见）",
            err=True,
        )
        sys.exit(1)
    frame = read.findings(engine, counties=[county], month=month_date, pending=pending)
    if as_json:
        click.echo(json.dumps(findings_json(frame), ensure_ascii=False, indent=2))
    else:
        click.echo(findings_text(frame, county=county, month=month_date))
