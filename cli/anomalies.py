"""`dibao anomalies`: the flags over the monthly series of a county (or every county), as text or JSON."""

from __future__ import annotations

import json

import click
import polars as pl

from cli.base import AS_VIEWER, known_counties, main, withheld_from
from cli.reports import PENDING_OPTION
from loaders.values import month_label
from warehouse import anomalies
from warehouse.db import open_warehouse

_NUMBERS = ("value", "baseline", "previous", "low", "high", "score", "year_ago")


@main.command("anomalies", help="Anomalies per township and month: a drop of a third, a typo, an intake spike, a gap.")
@click.option("--county", "counties", multiple=True, help="County code; repeat for more. Every county without it.")
@click.option("--program", type=click.Choice(["rural", "urban"]))
@click.option("--year", type=int, help="Only the flags of this year (judged against the months before it).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
@PENDING_OPTION
@AS_VIEWER
def anomalies_command(
    counties: tuple[str, ...], program: str | None, year: int | None, as_json: bool, pending: bool, as_role
):
    engine = open_warehouse()
    known_counties(engine, counties)
    restricted = withheld_from(engine, counties, as_role)
    view = {"counties": list(counties) or None, "program": program, "year": year, "pending": pending}
    flags = anomalies.find(engine, **view, restricted=restricted)
    if as_json:
        click.echo(json.dumps(anomalies_json(flags, counties=counties, year=year), ensure_ascii=False, indent=2))
    else:
        click.echo(anomalies_text(flags))


def anomalies_json(flags: pl.DataFrame, *, counties: tuple[str, ...], year: int | None) -> dict:
    """The flags, each with what it rests on: the method, the baseline, the band, the score and a sentence."""
    return {
        "counties": list(counties),
        "year": year,
        "count": flags.height,
        "flags": [
            {
                "county_code": row["county_code"],
                "county": row["county"],
                "program": row["program"],
                "township": row["township"],
                "month": month_label(row["month"]),
                "measure": row["measure"],
                "measure_words": row["measure_words"],
                "method": row["method"],
                "method_words": row["method_words"],
                **{name: None if row[name] is None else round(row[name], 4) for name in _NUMBERS},
                "source": row["source"],
                "words": row["words"],
            }
            for row in flags.iter_rows(named=True)
        ],
    }


def anomalies_text(flags: pl.DataFrame) -> str:
    if flags.is_empty():
        return "没有发现异常。"
    lines = [f"共 {flags.height} 处异常（方法：较上月变化、与近12个月中位数相比、缺报月份）："]
    for (county,), group in flags.group_by("county", maintain_order=True):
        lines.append(f"\n{county}")
        for row in group.iter_rows(named=True):
            lines.append(f"  · {row['words']}（{row['method_words']}，得分 {_score(row['score'])}）")
    if (flags["source"] == "synthetic").any():
        lines.append("\n注：以上异常出自演示合成数据的名册，仅供演示。")
    return "\n".join(lines)


def _score(score: float | None) -> str:
    return "—" if score is None else f"{score:+.1f}"
