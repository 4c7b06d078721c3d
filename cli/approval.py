"""`dibao approve | return | lock | unlock | status`: a month's approval, as the account the user names.

DIBAO_USER (or the OS user) naming an account acts as that account — `DIBAO_USER=wang dibao approve …`
is wang approving, refused if wang uploaded the month; anyone else is the operator at the server.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from access import approval
from cli.base import acting, main
from loaders.values import parse_month
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.frames import reporting
from warehouse.month_states import STATE_WORDS, Slot
from warehouse.vocabulary import PROGRAM_WORDS

PROGRAM = click.option("--program", type=click.Choice(["rural", "urban"]), default="rural", show_default=True)
COUNTY = click.option("--county", required=True)


def _slot(county: str, program: str, month: str) -> Slot:
    parsed = parse_month(month)
    if parsed is None:
        raise click.BadParameter(f"「{month}」不是月份（应写作 YYYY-MM）", param_hint="--month")
    return Slot(county, program, parsed)


def _in_state(county: str, program: str, state: str) -> list[Slot]:
    states = read.month_states(open_warehouse(), counties=[county])
    chosen = states.filter(program=program, state=state)
    return [Slot(county, program, month) for month in chosen["month"].to_list()]


def _done(verb: str, slots: list[Slot]) -> None:
    click.echo(f"{verb} {len(slots)} 个月：" + "、".join(str(slot) for slot in slots))


@main.command(help="Approve a pending month (待审核 → 已审核); never by its uploader.")
@COUNTY
@PROGRAM
@click.option("--month", help="YYYY-MM")
@click.option("--all-pending", is_flag=True, help="Every pending month of the county and programme at once.")
def approve(county: str, program: str, month: str | None, all_pending: bool) -> None:
    if all_pending == bool(month):
        raise click.UsageError("请给出 --month YYYY-MM，或 --all-pending（二选一）")
    slots = _in_state(county, program, "pending") if all_pending else [_slot(county, program, month or "")]
    engine = open_warehouse()
    _done("已审核", approval.approve(engine, acting(engine), slots))


@main.command("return", help="Send a pending month back to its uploader (已退回), with the reason.")
@COUNTY
@PROGRAM
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--reason", required=True)
def return_month(county: str, program: str, month: str, reason: str) -> None:
    engine = open_warehouse()
    _done("已退回", approval.return_to_uploader(engine, acting(engine), _slot(county, program, month), reason=reason))


@main.command(help="Lock an approved month: no upload is taken until an admin unlocks it.")
@COUNTY
@PROGRAM
@click.option("--month", help="YYYY-MM")
@click.option("--all-approved", is_flag=True, help="Every approved month of the county and programme at once.")
def lock(county: str, program: str, month: str | None, all_approved: bool) -> None:
    if all_approved == bool(month):
        raise click.UsageError("请给出 --month YYYY-MM，或 --all-approved（二选一）")
    slots = _in_state(county, program, "approved") if all_approved else [_slot(county, program, month or "")]
    engine = open_warehouse()
    _done("已锁定", approval.lock(engine, acting(engine), slots))


@main.command(help="Unlock a locked month (admins only), with the reason.")
@COUNTY
@PROGRAM
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--reason", required=True)
def unlock(county: str, program: str, month: str, reason: str) -> None:
    engine = open_warehouse()
    _done("已解锁", approval.unlock(engine, acting(engine), _slot(county, program, month), reason=reason))


@main.command(help="Each month's approval state, uploader, approver and reporting timeliness (due the 25th).")
@click.option("--county")
@click.option("--year", type=int, help="Default: the latest year any chosen county reported.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
def status(county: str | None, year: int | None, as_json: bool) -> None:
    engine = open_warehouse()
    states = read.month_states(engine, counties=[county] if county else None)
    if states.is_empty():
        raise click.ClickException("没有已上传的名册月份")
    year = year or max(states["month"]).year
    months = reporting.reporting(states, today=dt.date.today(), year=year, days=read.report_days(engine))
    counties = reporting.summary(months, names=read.county_names(engine))
    if as_json:
        click.echo(json.dumps(_as_json(year, months, counties), ensure_ascii=False, indent=2))
    else:
        click.echo(_as_text(year, months, counties))


def _as_json(year: int, months, counties) -> dict:
    def shown(value):
        return value.isoformat() if isinstance(value, dt.date) else value

    return {
        "year": year,
        "due_day": reporting.REPORT_DAY,  # a county's own day, where the registry gives one, is in each month's "due"
        "counties": [{key: shown(value) for key, value in row.items()} for row in counties.iter_rows(named=True)],
        "months": [{key: shown(value) for key, value in row.items()} for row in months.iter_rows(named=True)],
    }


def _as_text(year: int, months, counties) -> str:
    lines = [f"{year} 年名册报送与审核（每月报送截止：次月 {reporting.REPORT_DAY} 日）"]
    for row in counties.iter_rows(named=True):
        rate = "—" if row["on_time_rate"] is None else f"{row['on_time_rate']:.0%}"
        lines.append(
            f"{row['county']}（{row['county_code']}）：按时 {row['on_time']}，逾期 {row['late']}，"
            f"未报送 {row['missing']}，待审核 {row['pending']}；报送及时率 {rate}"
        )
    for row in months.iter_rows(named=True):
        state = STATE_WORDS.get(row["state"], "—")
        who = f"上传 {row['uploaded_by'] or '—'}，审核 {row['decided_by'] or '—'}"
        when = f"报送 {row['reported_on'] or '—'}（截止 {row['due']}）"
        timeliness = reporting.TIMELINESS_WORDS[row["timeliness"]]
        program = PROGRAM_WORDS.get(row["program"], row["program"])
        lines.append(f"  {row['county_code']} {program} {row['month']:%Y-%m} {state} · {timeliness} · {who} · {when}")
    return "\n".join(lines)
