"""`dibao rubric`: check rubric files, and re-check stored evaluations against their rubric."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.base import main
from cli.rubric_output import check_text
from rubrics.check import check_evaluations
from rubrics.load import HERE, RubricError, load_rubric
from warehouse.db import open_warehouse


@main.group(help="Rubrics (指标体系): check them and re-check evaluations against them.")
def rubric() -> None:
    pass


@rubric.command("check", help="Recompute evaluations from their rubric and list every difference and problem.")
@click.option("--county", help="County code.")
@click.option("--year", type=int)
@click.option("--program", type=click.Choice(["rural", "urban", "all"]))
@click.option("--all", "every", is_flag=True, help="Every stored evaluation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, one object per evaluation.")
def rubric_check(county: str | None, year: int | None, program: str | None, every: bool, as_json: bool) -> None:
    if not every and not (county and year):
        click.echo("请给出 --county 代码 与 --year 年度，或 --all", err=True)
        sys.exit(2)
    try:
        checks = check_evaluations(open_warehouse(), county=county, year=year, program=program)
    except RubricError as error:
        click.echo("指标体系文件有误：\n" + "\n".join(error.problems), err=True)
        sys.exit(1)
    if not checks:
        click.echo("没有符合条件的评价（先运行 dibao demo 或 dibao ingest evaluation）", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps([check.as_json() for check in checks], ensure_ascii=False, indent=2))
    else:
        click.echo(check_text(checks))


@rubric.command("validate", help="Load rubric files and report what is wrong with each, naming the indicator.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def rubric_validate(paths: tuple[Path, ...]) -> None:
    failed = False
    for path in paths or tuple(sorted(HERE.glob("*.toml"))):
        try:
            loaded = load_rubric(path)
        except (RubricError, OSError) as error:
            failed = True
            problems = error.problems if isinstance(error, RubricError) else [f"{path}：{error.strerror}"]
            click.echo("\n".join(problems), err=True)
            continue
        leaves = len(loaded.leaves)
        computable = sum(1 for leaf in loaded.leaves if leaf.rule and leaf.rule.computable)
        counts = f"{leaves} 个末级指标（{computable} 个可由数据重算），共 {loaded.total_points:g} 分"
        if not loaded.indicators:  # a framework: the grade bands and reference names, no points
            grades = "、".join(band.grade for band in loaded.grades)
            references = len(loaded.framework_indicators)
            counts = f"框架：{len(loaded.framework)} 个一级指标、{references} 个参考指标，等级 {grades}"
        click.echo(f"{path.name}：{loaded.name}，{counts}")
        for problem in loaded.problems:
            click.echo(f"  报告原文问题：{problem}")
    sys.exit(1 if failed else 0)
