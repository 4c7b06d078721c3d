"""`dibao ingest`: a roster, or a standards, evaluation or county sheet, through the same loaders as uploads,
as the account DIBAO_USER names (its role and counties), else as the operator at the server."""

from __future__ import annotations

from pathlib import Path

import click

from cli.base import acting, main
from cli.output import roster_report
from cli.progress import ProgressLines
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from loaders.roster_store import ingest_roster
from loaders.standards import ingest_standards
from warehouse.db import open_warehouse


@main.group(help="Import a file: roster, standards, evaluation or counties.")
def ingest() -> None:
    pass


@ingest.command("roster", help="A monthly disbursement roster (CSV, XLSX or XLS).")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--county", help="County code, e.g. 370881 (else from the file's title).")
@click.option("--month", help="YYYY-MM (else from a 月份 column or the title).")
@click.option("--program", type=click.Choice(["rural", "urban"]), help="else from the title (农村/城市).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--progress", "profile", is_flag=True, help="Show every step's rows and seconds on stderr.")
def ingest_roster_command(
    path: Path, county: str | None, month: str | None, program: str | None, as_json: bool, profile: bool
) -> None:
    engine = open_warehouse()
    progress = ProgressLines(always=profile)
    report = ingest_roster(
        engine, path, county=county, month=month, program=program, user=acting(engine), progress=progress
    )
    progress.profile()
    click.echo(roster_report(report, as_json=as_json))


@ingest.command("standards", help="Benefit standards sheet.")
@click.argument("path", type=click.Path(path_type=Path))
def ingest_standards_command(path: Path) -> None:
    engine = open_warehouse()
    _say_stored(ingest_standards(engine, path, user=acting(engine)), unit="条保障标准")


@ingest.command("evaluation", help="An evaluation score sheet (得分表).")
@click.argument("path", type=click.Path(path_type=Path))
def ingest_evaluation_command(path: Path) -> None:
    engine = open_warehouse()
    _say_stored(ingest_evaluation(engine, path, user=acting(engine)), unit="次绩效评价")


@ingest.command("counties", help="County registry with townships.")
@click.argument("path", type=click.Path(path_type=Path))
def ingest_counties_command(path: Path) -> None:
    engine = open_warehouse()
    _say_stored(ingest_counties(engine, path, user=acting(engine)), unit="个县区")


def _say_stored(stored: int, *, unit: str) -> None:
    """Say how many items a sheet stored; none means the same file came before."""
    click.echo(f"已导入 {stored} {unit}" if stored else "此文件已导入过，未作改动")
