"""`dibao export figures`: a county's figures of a year at county, township or category level, as the role asked
for may see them (warehouse.small_counts), written to CSV or XLSX."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl

from access.roles import EVALUATOR, VIEWER, Actor
from cli.base import acting, known_counties, main
from cli.reports import PENDING_OPTION
from warehouse.db import open_warehouse
from warehouse.export import csv_bytes, xlsx_bytes
from warehouse.small_counts import LEVELS, figures_for, shown
from warehouse.vocabulary import PROGRAM_WORDS

TITLES = {
    "county": "县区",
    "program": "项目",
    "month": "月份",
    "township": "乡镇（街道）",
    "category": "类别",
    "households": "保障户数",
    "persons": "保障人数",
    "amount": "发放金额（元）",
    "scope": "使用范围",
}


@main.group(help="Write figures out for a reader.")
def export() -> None:
    pass


@export.command("figures", help="A county's year at county, township or category level, as a role may see it.")
@click.option("--county", required=True)
@click.option("--year", type=int, required=True)
@click.option("--level", type=click.Choice(list(LEVELS)), default="county", show_default=True)
@click.option(
    "--as-role",
    "role",
    type=click.Choice([VIEWER, EVALUATOR]),
    required=True,
    help="viewer: small counts hidden (「<5」); evaluator of the county: true figures, marked internal.",
)
@click.option("--program", type=click.Choice(["rural", "urban"]))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="FILE.csv or FILE.xlsx")
@PENDING_OPTION
def figures(county: str, year: int, level: str, role: str, program: str | None, out: Path, pending: bool) -> None:
    engine = open_warehouse()
    names = known_counties(engine, [county])
    if out.suffix.lower() not in (".csv", ".xlsx"):
        click.echo(f"输出文件「{out}」应以 .csv 或 .xlsx 结尾", err=True)
        sys.exit(1)
    actor = acting(engine)
    if role == EVALUATOR and not actor.may_upload(county):
        click.echo(f"账户「{actor.name}」不能以县区 {county} 评价人员的身份导出真实小额数字", err=True)
        sys.exit(1)
    reader = Actor(actor.name, role, frozenset({county}) if role == EVALUATOR else frozenset())
    found = figures_for(engine, reader, county=county, year=year, level=level, program=program, pending=pending)
    table = readable(found, name=names[county])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(csv_bytes(table) if out.suffix.lower() == ".csv" else xlsx_bytes(table, sheet="数据"))
    hidden = found["hidden"].sum()
    click.echo(f"已写出 {out}：{table.height} 行" + (f"，{hidden} 处按小额规则隐去" if hidden else ""))


def readable(found: pl.DataFrame, *, name: str) -> pl.DataFrame:
    """The rows with Chinese headers, 保障户数 and 保障人数 as the reader sees them, and what they may be used for."""
    scope = (
        "内部：含真实小额数字，不得对外" if found.height and found["restricted"][0] else "可对外：小于 5 户的数字已隐去"
    )
    columns = [name for name in TITLES if name in found.columns or name in ("county", "scope")]
    return (
        shown(found)
        .with_columns(
            county=pl.lit(name),
            program=pl.col("program").replace_strict(PROGRAM_WORDS, default=pl.col("program")),
            month=pl.col("month").dt.strftime("%Y-%m"),
            scope=pl.lit(scope),
        )
        .select(columns)
        .rename({name: TITLES[name] for name in columns})
    )
