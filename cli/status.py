"""`dibao status`: each month's and evaluation's approval state, uploader, approver, and the months'
reporting timeliness (due the 25th of the month after, or the county's own day)."""

from __future__ import annotations

import datetime as dt
import json

import click
import polars as pl

from cli.base import main
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.frames import reporting
from warehouse.month_states import STATE_WORDS
from warehouse.vocabulary import KIND_WORDS, PROGRAM_WORDS


@main.command(help="Each month's and evaluation's approval state, uploader, approver; months' reporting timeliness.")
@click.option("--county")
@click.option("--year", type=int, help="Default: the latest year any chosen county reported.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
def status(county: str | None, year: int | None, as_json: bool) -> None:
    engine = open_warehouse()
    chosen = [county] if county else None
    states = read.month_states(engine, counties=chosen)
    every_evaluation = read.evaluation_states(engine, counties=chosen)
    if states.is_empty() and every_evaluation.is_empty():
        raise click.ClickException("没有已上传的名册月份或评价")
    year = year or max([month.year for month in states["month"]] + every_evaluation["year"].to_list())
    months = reporting.reporting(states, today=dt.date.today(), year=year, days=read.report_days(engine))
    counties = reporting.summary(months, names=read.county_names(engine))
    evaluations = every_evaluation.filter(year=year)
    if as_json:
        click.echo(json.dumps(_as_json(year, months, counties, evaluations), ensure_ascii=False, indent=2))
    else:
        click.echo(_as_text(year, months, counties) + _evaluations_text(evaluations))


def _as_json(year: int, months, counties, evaluations) -> dict:
    def shown(value):
        return value.isoformat() if isinstance(value, dt.date) else value

    def rows(frame) -> list[dict]:
        return [{key: shown(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]

    return {
        "year": year,
        "due_day": reporting.REPORT_DAY,  # a county's own day, where the registry gives one, is in each month's "due"
        "counties": rows(counties),
        "months": rows(months),
        "evaluations": rows(evaluations.with_columns(pl.col("has_approved").cast(pl.Boolean))),
    }


def _evaluations_text(evaluations) -> str:
    lines = ["", "评价的审核状态"] if evaluations.height else []
    for row in evaluations.iter_rows(named=True):
        program = PROGRAM_WORDS.get(row["program"], row["program"])
        kind = KIND_WORDS.get(row["kind"], row["kind"])
        who = f"上传 {row['uploaded_by'] or '—'}，审核 {row['decided_by'] or '—'}"
        lines.append(f"  {row['county_code']} {program} {row['year']} {kind} {STATE_WORDS[row['state']]} · {who}")
    return "\n".join(lines)


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
