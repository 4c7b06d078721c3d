"""`dibao keys`, `dibao backup` and `dibao restore`: the ID-number key chain and copies of the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from cli.base import main, operator, where
from warehouse import audit
from warehouse.backup import backup as make_backup
from warehouse.backup import check_backup
from warehouse.backup import restore as restore_from
from warehouse.db import open_warehouse
from warehouse.idkeys import rotate, status
from warehouse.settings import get_settings


@main.command(help="Copy the embedded warehouse to PATH (a consistent snapshot, safe while the app runs).")
@click.argument("path", type=click.Path(path_type=Path))
def backup(path: Path) -> None:
    engine = open_warehouse()
    size = make_backup(get_settings(), path)
    audit.record(engine, actor=operator(), action="backup", file_name=str(path), detail=f"{size} 字节")
    click.echo(f"已备份到 {path}（{size / 1_048_576:.1f} MiB）。身份证号密钥不在备份中，请另行保管。")


@main.command(help="Replace the embedded warehouse with a backup made by `dibao backup` (checked first).")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(path: Path, yes: bool) -> None:
    check_backup(path)
    if not yes:
        click.confirm(f"用 {path} 替换当前数据仓库（{where()}）？此后的改动将丢失", abort=True)
    restore_from(get_settings(), path)
    # opened only now: the engine must see the restored file, not the one it replaced
    audit.record(open_warehouse(), actor=operator(), action="restore", file_name=str(path))
    click.echo(f"已从 {path} 恢复数据仓库")


@main.group(help="The key behind household pseudonyms: its state, and rotating it.")
def keys() -> None:
    pass


@keys.command("status", help="Where the ID-number keys are, their generation, and whether they match the warehouse.")
def keys_status() -> None:
    state = status(open_warehouse(), get_settings())
    match = "一致" if state["matches"] else "不一致：导入会被拒绝"
    recorded = "" if state["recorded"] else "（数据仓库尚未记录指纹：第一次导入时记录）"
    click.echo(f"密钥：{state['source']}，第 {state['generation']} 代；与数据仓库{match}{recorded}")
    click.echo(f"已存住户月记录：{state['household_rows']:,} 行")


@keys.command("rotate", help="Add a new key and rehash every stored household pseudonym with it (one transaction).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def keys_rotate(yes: bool) -> None:
    settings = get_settings()
    new_key = settings.new_id_key.get_secret_value() if settings.new_id_key else None
    if not yes:
        click.confirm(f"为 {where()} 更换身份证号密钥并重新哈希全部住户标识？", abort=True)
    done = rotate(open_warehouse(), settings, by=operator(), new_key=new_key)
    click.echo(f"已更换为第 {done.generation} 代密钥：{done.households:,} 个住户标识、{done.rows:,} 行已重新哈希。")
    if done.key_file is not None:
        click.echo(f"密钥链保存在 {done.key_file}（只有所有者可读）。此前的备份须配以此前的密钥文件。")
    else:
        click.echo("现在把 DIBAO_ID_KEY 改为：原有的值、一个逗号、DIBAO_NEW_ID_KEY 的值；改好之前导入会被拒绝。")
