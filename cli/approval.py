"""`dibao approve | return | lock | unlock | status`: a month's (or an evaluation's) approval, as the account
the user names.

DIBAO_USER (or the OS user) naming an account acts as that account — `DIBAO_USER=wang dibao approve …`
is wang approving, refused if wang uploaded the month; anyone else is the operator at the server.
"""

from __future__ import annotations

import click

from access import approval
from cli.base import acting, main
from loaders.values import parse_month
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.evaluation_states import EvaluationKey
from warehouse.month_states import Slot
from warehouse.vocabulary import EVALUATED_PROGRAMS, EVALUATION_KINDS

PROGRAM = click.option("--program", type=click.Choice(["rural", "urban"]), default="rural", show_default=True)
COUNTY = click.option("--county", required=True)
EVALUATION = click.option(
    "--evaluation",
    "kind",
    type=click.Choice(list(EVALUATION_KINDS)),
    help="An evaluation instead of a month: its kind (自评 / 部门评价 / 财政评价), with --year.",
)
EVALUATION_PROGRAM = click.option(
    "--evaluation-program",
    type=click.Choice(list(EVALUATED_PROGRAMS)),
    help="The evaluation's programme where it is not --program (城乡 / all: both).",
)
YEAR = click.option("--year", type=int, help="The evaluation's year (with --evaluation).")
MONTH = click.option("--month", help="YYYY-MM")


def subject_options(command):
    """The options naming what a command is about: --county and --program, and the month (--month) or the
    evaluation (--evaluation, --evaluation-program, --year)."""
    for option in reversed((COUNTY, PROGRAM, MONTH, EVALUATION, EVALUATION_PROGRAM, YEAR)):
        command = option(command)
    return command


def _subject(county: str, program: str, month: str | None, kind: str | None, year: int | None, other: str | None):
    """The month, or with --evaluation the evaluation, a command is about."""
    if kind is None:
        if not month:
            raise click.UsageError("请给出 --month YYYY-MM（或 --evaluation 评价类型 --year 年度）")
        return _slot(county, program, month)
    if year is None or month:
        raise click.UsageError("评价须给出 --year 年度，且不与 --month 同用")
    return EvaluationKey(county, EVALUATED_PROGRAMS[other or program], year, EVALUATION_KINDS[kind])


def _slot(county: str, program: str, month: str) -> Slot:
    parsed = parse_month(month)
    if parsed is None:
        raise click.BadParameter(f"「{month}」不是月份（应写作 YYYY-MM）", param_hint="--month")
    return Slot(county, program, parsed)


def _subjects(county, program, month, kind, year, other, *, every: str | None) -> list:
    """Every month of the county and programme in state `every`, or the one month or evaluation named."""
    if every is None:
        return [_subject(county, program, month, kind, year, other)]
    if month or kind:
        raise click.UsageError(f"--all-{every} 与 --month（或 --evaluation）二选一")
    return _in_state(county, program, every)


def _in_state(county: str, program: str, state: str) -> list[Slot]:
    states = read.month_states(open_warehouse(), counties=[county])
    chosen = states.filter(program=program, state=state)
    return [Slot(county, program, month) for month in chosen["month"].to_list()]


def _done(verb: str, subjects: list) -> None:
    months = sum(isinstance(subject, Slot) for subject in subjects)
    evaluations = len(subjects) - months
    counted = "、".join(
        part for part in (f"{months} 个月" if months else "", f"{evaluations} 份评价" if evaluations else "") if part
    )
    click.echo(f"{verb} {counted}：" + "、".join(str(subject) for subject in subjects))


@main.command(help="Approve a pending month or evaluation (待审核 → 已审核); never by its uploader.")
@subject_options
@click.option("--all-pending", is_flag=True, help="Every pending month of the county and programme at once.")
def approve(
    county: str,
    program: str,
    month: str | None,
    all_pending: bool,
    kind: str | None,
    evaluation_program: str | None,
    year: int | None,
) -> None:
    every = "pending" if all_pending else None
    slots = _subjects(county, program, month, kind, year, evaluation_program, every=every)
    engine = open_warehouse()
    _done("已审核", approval.approve(engine, acting(engine), slots))


@main.command("return", help="Send a pending month (or evaluation) back to its uploader (已退回), with the reason.")
@subject_options
@click.option("--reason", required=True)
def return_month(county: str, program: str, month: str | None, kind, evaluation_program, year, reason: str) -> None:
    subject = _subject(county, program, month, kind, year, evaluation_program)
    engine = open_warehouse()
    _done("已退回", approval.return_to_uploader(engine, acting(engine), subject, reason=reason))


@main.command(help="Lock an approved month or evaluation: no upload is taken until an admin unlocks it.")
@subject_options
@click.option("--all-approved", is_flag=True, help="Every approved month of the county and programme at once.")
def lock(county: str, program: str, month: str | None, all_approved: bool, kind, evaluation_program, year) -> None:
    every = "approved" if all_approved else None
    slots = _subjects(county, program, month, kind, year, evaluation_program, every=every)
    engine = open_warehouse()
    _done("已锁定", approval.lock(engine, acting(engine), slots))


@main.command(help="Unlock a locked month or evaluation (admins only), with the reason.")
@subject_options
@click.option("--reason", required=True)
def unlock(county: str, program: str, month: str | None, kind, evaluation_program, year, reason: str) -> None:
    subject = _subject(county, program, month, kind, year, evaluation_program)
    engine = open_warehouse()
    _done("已解锁", approval.unlock(engine, acting(engine), subject, reason=reason))
