"""`dibao brief`: the monthly brief as PDF or XLSX, for a person or for cron.

Exit status: 0 every file written; 1 the command was given something it cannot use (a month, a county,
a file type); 2 the warehouse cannot be reached; 3 with --strict, figures are missing and no file was
written for a brief with missing figures (the other counties' files are written); 4 a file could not be
written (no Chinese font, no space, no permission).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from briefs.figures import gather
from briefs.files import FORMATS, write_brief
from briefs.model import Brief
from briefs.pdf import FontMissing
from briefs.words import month_words
from cli.base import AS_VIEWER, main, withheld_from
from cli.reports import PENDING_OPTION
from loaders.values import month_label, parse_month
from warehouse import read
from warehouse.db import open_warehouse
from warehouse.figures import shift_month

MISSING_FIGURES, NOT_WRITTEN = 3, 4
PREVIOUS = "previous"


@main.command(help="The monthly brief (月度简报) of the chosen counties as a PDF or a workbook.")
@click.option("--month", required=True, help="YYYY-MM, or 'previous' for the calendar month before today (cron).")
@click.option("--county", "counties", multiple=True, help="A county code; repeat for several. Every county if omitted.")
@click.option("--program", type=click.Choice(["rural", "urban"]), help="One programme; both if omitted.")
@click.option(
    "--out",
    required=True,
    help="FILE.pdf or FILE.xlsx. With {county} in it, one brief per county; {month} becomes YYYY-MM.",
)
@click.option("--strict", is_flag=True, help="Write no file for a brief with a missing figure, and exit 3.")
@PENDING_OPTION
@AS_VIEWER
def brief(
    month: str, counties: tuple[str, ...], program: str | None, out: str, strict: bool, pending: bool, as_role
) -> None:
    chosen = _month(month)
    engine = open_warehouse()
    codes = _counties(engine, counties)
    restricted = withheld_from(engine, codes, as_role)
    if Path(out).suffix.lower() not in FORMATS:
        _refuse(f"--out {out}：只能写 .pdf 或 .xlsx 文件")
    groups = [(code,) for code in codes] if "{county}" in out else [tuple(codes)]
    briefs = [
        gather(engine, month=chosen, counties=list(group), program=program, pending=pending, restricted=restricted)
        for group in groups
    ]
    skipped = []
    for made, group in zip(briefs, groups, strict=True):
        path = Path(out.replace("{county}", group[0]).replace("{month}", month_label(chosen)))
        if made.missing and strict:
            skipped.append(path)
            click.echo(f"{path}：未写入（--strict），缺少：\n" + _lines(made.missing), err=True)
            continue
        _write(made, path)
        if made.missing:
            click.echo(f"{path}：缺少以下数字，已在简报相应位置注明：\n" + _lines(made.missing), err=True)
    if skipped:
        sys.exit(MISSING_FIGURES)


def _month(text: str) -> dt.date:
    if text == PREVIOUS:
        return shift_month(dt.date.today().replace(day=1), -1)
    month = parse_month(text)
    if month is None:
        _refuse(f"月份「{text}」无法识别，应写作 YYYY-MM 或 previous")
    return month


def _counties(engine, asked: tuple[str, ...]) -> list[str]:
    names = read.county_names(engine)
    unknown = [code for code in asked if code not in names]
    if unknown:
        _refuse(f"县区代码 {'、'.join(unknown)} 不在县区名录中（先运行 dibao demo 或 dibao ingest counties）")
    if not names:
        _refuse("县区名录是空的（先运行 dibao demo 或 dibao ingest counties）")
    return list(dict.fromkeys(asked)) or list(names)


def _write(made: Brief, path: Path) -> None:
    try:
        write_brief(made, path)
    except FontMissing as error:
        click.echo(f"{path}：未写入。{error}", err=True)
        sys.exit(NOT_WRITTEN)
    except OSError as error:
        click.echo(f"{path}：无法写入（{error.strerror or error}）", err=True)
        sys.exit(NOT_WRITTEN)
    names = "、".join(made.scope.names.values())
    click.echo(f"已写入 {path}：{names} {month_words(made.scope.month)}")


def _lines(sentences: list[str]) -> str:
    return "\n".join(f"  {sentence}" for sentence in sentences)


def _refuse(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(1)
