"""`dibao followup list|set`: the follow-up register (整改台账) from the command line, through the same
functions as the page: briefs.followup for the items, access.followup for who may set them."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
import polars as pl

from access.followup import set_follow_up
from briefs.followup import KINDS, follow_up
from cli.base import AS_VIEWER, acting, known_counties, main, withheld_from
from cli.reports import PENDING_OPTION
from loaders.values import month_label
from warehouse.db import open_warehouse
from warehouse.followup import STATUS_WORDS, STATUSES, Decision

_STATUS = click.Choice(sorted(STATUSES))


@main.group(help="The follow-up register (整改台账) of anomalies, findings and re-check differences.")
def followup() -> None:
    pass


@followup.command("list", help="The register of a county (or every county): open flags first.")
@click.option("--county", "counties", multiple=True, help="County code; repeat for more.")
@click.option("--program", type=click.Choice(["rural", "urban"]))
@click.option("--year", type=int)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="anomaly, finding or recheck.")
@click.option("--status", type=_STATUS, help="Only flags in this status (open/待核实, explained/已说明 …).")
@click.option("--overdue", is_flag=True, help="Only open flags past their due date.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
@PENDING_OPTION
@AS_VIEWER
def list_register(counties, program, year, kinds, status, overdue, as_json, pending, as_role) -> None:
    engine = open_warehouse()
    known_counties(engine, counties)
    view = {"counties": list(counties) or None, "program": program, "year": year, "pending": pending}
    shown = follow_up(engine, **view, kinds=tuple(kinds) or KINDS, restricted=withheld_from(engine, counties, as_role))
    if status:
        shown = shown.filter(status=STATUSES[status])
    if overdue:
        shown = shown.filter("overdue")
    click.echo(json.dumps(register_json(shown), ensure_ascii=False, indent=2) if as_json else register_text(shown))


@followup.command("set", help="Set a flag's status, owner, due date and note (KEY as `followup list` shows it).")
@click.argument("key")
@click.option("--county", required=True, help="The flag's county code.")
@click.option("--year", type=int, help="The flag's year (quicker: fewer flags to raise).")
@click.option("--status", type=_STATUS, required=True, help="待核实 / 已说明 / 已整改 / 误报 (or open …)")
@click.option("--owner", default="", help="Who follows it up.")
@click.option("--due", help="By when, YYYY-MM-DD.")
@click.option("--note", default="", help="What was found; needed for 已说明 and 误报.")
@PENDING_OPTION
def set_register(key, county, year, status, owner, due, note, pending) -> None:
    engine = open_warehouse()
    known_counties(engine, [county])
    due_date = _date(due)
    shown = follow_up(engine, counties=[county], year=year, pending=pending).filter(key=key)
    if shown.is_empty():
        hint = f"用 dibao followup list --county {county} 查看编号"
        click.echo(f"县区 {county} 没有编号为 {key} 的待办（{hint}）", err=True)
        sys.exit(1)
    item = shown.row(0, named=True)
    set_follow_up(engine, acting(engine), item, Decision(STATUSES[status], owner=owner, due=due_date, note=note))
    click.echo(f"{key}：{item['status_words']} → {STATUS_WORDS[STATUSES[status]]}　{item['words']}")


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        click.echo(f"期限「{text}」无法识别，应写作 YYYY-MM-DD", err=True)
        sys.exit(1)


def register_json(shown: pl.DataFrame) -> dict:
    return {
        "count": shown.height,
        "open": shown.filter(status="open").height,
        "overdue": shown.filter("overdue").height,
        "items": [
            {
                "key": row["key"],
                "kind": row["kind"],
                "county_code": row["county_code"],
                "county": row["county"],
                "program": row["program"],
                "month": month_label(row["month"]),
                "words": row["words"],
                "basis": row["basis"],
                "status": row["status"],
                "status_words": row["status_words"],
                "reopened": row["reopened"],
                "was": row["was"],
                "owner": row["owner"] or "",
                "due": row["due"].isoformat() if row["due"] else None,
                "overdue": row["overdue"],
                "note": row["note"] or "",
                "updated_by": row["updated_by"],
                "updated_at": _utc(row["updated_at"]),
            }
            for row in shown.iter_rows(named=True)
        ],
    }


def _utc(moment: dt.datetime | None) -> str | None:
    """A stored time (UTC; SQLite hands it back without its zone) in ISO form with the zone."""
    return None if moment is None else moment.replace(tzinfo=moment.tzinfo or dt.UTC).isoformat()


def register_text(shown: pl.DataFrame) -> str:
    if shown.is_empty():
        return "整改台账为空：没有异常、数据问题或复核差异。"
    open_count, overdue = shown.filter(status="open").height, shown.filter("overdue").height
    lines = [f"共 {shown.height} 项，待核实 {open_count} 项，逾期 {overdue} 项"]
    for row in shown.iter_rows(named=True):
        status = row["status_words"] + (f"（重新打开，原为{row['was']}：数值已变）" if row["reopened"] else "")
        extra = "".join(
            [
                f"　负责人 {row['owner']}" if row["owner"] else "",
                f"　期限 {row['due'].isoformat()}" if row["due"] else "",
                "　【逾期】" if row["overdue"] else "",
                f"　说明：{row['note']}" if row["note"] else "",
            ]
        )
        lines.append(f"{row['key']}  {status}  [{row['kind_words']}] {row['county']} {row['words']}{extra}")
    return "\n".join(lines)
