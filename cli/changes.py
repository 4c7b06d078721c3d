"""`dibao changes`: what the version of a month waiting for approval changes against the approved one.

Reading only, with IDs masked; households one by one, so only for an account that may act for the county (its
evaluators, admins, the operator at the server). The same change the approval page shows.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from cli.approval import COUNTY, PROGRAM
from cli.base import acting, main, withheld_from
from loaders.values import month_label, parse_month
from warehouse import export
from warehouse.db import open_warehouse
from warehouse.frames import changes
from warehouse.frames.reporting import BEIJING
from warehouse.month_change import month_change
from warehouse.month_states import Slot

FIGURE_WORDS = {"households": ("户数", ","), "persons": ("人数", ","), "amount": ("金额", ",.2f")}  # word, format
CHANGED_WORDS = (("category", "类别", "{}"), ("persons", "人数", "{} 人"), ("amount", "金额", "{:,.2f} 元"))
OUT = click.Path(dir_okay=False, path_type=Path)


@main.command("changes", help="What the version waiting for approval changes against the approved one (IDs masked).")
@COUNTY
@PROGRAM
@click.option("--month", required=True, help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a text report.")
@click.option("--out", type=OUT, help="Also write the households added, exited and changed to FILE.csv or FILE.xlsx.")
def changes_command(county: str, program: str, month: str, as_json: bool, out: Path | None) -> None:
    if out is not None and out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("文件名应以 .csv 或 .xlsx 结尾", param_hint="--out")
    parsed = parse_month(month)
    if parsed is None:
        raise click.BadParameter(f"「{month}」不是月份（应写作 YYYY-MM）", param_hint="--month")
    engine = open_warehouse()
    if withheld_from(engine, [county], None):  # small counts: households one by one are the county's own
        click.echo(
            f"账户「{acting(engine).name}」不能查看县区 {county} 的逐户变化（仅本县区评价人员和管理员可见）", err=True
        )
        sys.exit(1)
    found = month_change(engine, county=county, program=program, month=parsed)
    if found.change is None:
        click.echo(found.why_not, err=True)
        sys.exit(1)
    slot, versions, change = found.slot, found.versions, found.change
    if out is not None:
        _write(changes.titled(changes.download(change)), out)
    if as_json:
        click.echo(json.dumps(_as_json(slot, versions, change), ensure_ascii=False, indent=2))
    else:
        click.echo(_as_text(slot, versions, change))


def _write(frame, out: Path) -> None:
    out.write_bytes(export.xlsx_bytes(frame, "变化") if out.suffix.lower() == ".xlsx" else export.csv_bytes(frame))


def _as_json(slot: Slot, versions: dict, change: changes.VersionChange) -> dict:
    return {
        "county": slot.county,
        "program": slot.program,
        "month": month_label(slot.month),
        "approved": changes.version_dict(versions["approved"]),
        "waiting": changes.version_dict(versions["waiting"]),
        **changes.as_dict(change),
    }


def _as_text(slot: Slot, versions: dict, change: changes.VersionChange) -> str:
    counts = change.counts
    lines = [
        f"{slot}：待审核版本与已审核版本的差异",
        f"  已审核版本：{_version(versions['approved'])}",
        f"  待审核版本：{_version(versions['waiting'])}",
        f"新增 {counts['added']} 户，退出 {counts['exited']} 户，变更 {counts['changed']} 户",
        "",
        "各乡镇数字（已审核 → 待审核，差额）：",
        *(_township(row) for row in change.townships.iter_rows(named=True)),
    ]
    for kind in changes.KINDS:
        households = getattr(change, kind)
        if households.height:
            lines += ["", f"{changes.KIND_WORDS[kind]}（{households.height} 户）："]
            lines += [_household(kind, row) for row in households.iter_rows(named=True)]
    return "\n".join(lines)


def _version(version: dict) -> str:
    uploaded = version["uploaded_at"]
    when = f"{uploaded + BEIJING:%Y-%m-%d %H:%M}" if isinstance(uploaded, dt.datetime) else "—"
    return f"{version['file_name']}（第 {version['upload_id']} 号上传，{version['uploaded_by']} 上传于 {when}）"


def _township(row: dict) -> str:
    figures = [
        f"{word} {row[f'{name}_old']:{spec}} → {row[f'{name}_new']:{spec}}（{row[f'{name}_diff']:+{spec}}）"
        for name, (word, spec) in FIGURE_WORDS.items()
    ]
    return f"  {row['township']}：" + "，".join(figures)


def _household(kind: str, row: dict) -> str:
    where = f"{row['id_masked']} {row['township']}{' ' + row['village'] if row['village'] else ''}"
    side = "old" if kind == "exited" else "new"
    if kind != "changed":
        category = row[f"category_{side}"] or "—"
        return f"  {where}：{category}，{row[f'persons_{side}']} 人，{row[f'amount_{side}']:,.2f} 元"
    differences = [
        f"{word} {shown.format(row[f'{name}_old'])} → {shown.format(row[f'{name}_new'])}"
        for name, word, shown in CHANGED_WORDS
        if row[f"{name}_old"] != row[f"{name}_new"]
    ]
    return f"  {where}：" + "；".join(differences)
