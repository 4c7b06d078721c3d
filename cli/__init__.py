"""The `dibao` command line: the same loaders and read API the pages use."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import json
import re
import sys
from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from warehouse.errors import Refused, Rejected
from warehouse.settings import current_user, get_settings


def _friendly(command):
    """Turn expected failures into a plain message and a non-zero exit, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except Rejected as rejected:
            _audit_rejection(rejected)
            click.echo(rejected.report(), err=True)
            sys.exit(1)
        except Refused as error:
            click.echo(str(error), err=True)
            sys.exit(1)
        except OperationalError as error:
            click.echo(f"无法访问数据仓库（{get_settings().warehouse_url.split('@')[-1]}）：{error.orig}", err=True)
            sys.exit(2)

    return wrapper


def _audit_rejection(rejected: Rejected) -> None:
    """A refused file is an audit event too (who tried what), recorded by the operator's name."""
    from warehouse import audit

    files = sorted({problem.file for problem in rejected.problems})
    audit.record(
        _engine(),
        actor=current_user(get_settings()),
        action="reject",
        file_name="、".join(files)[:500],
        detail=f"{len(rejected.problems)} 个问题：{rejected.problems[0].message[:200]}" if rejected.problems else "",
    )


def _engine():
    from warehouse.db import open_warehouse

    return open_warehouse()


@click.group(help="低保绩效驾驶舱：数据仓库、导入与查询。")
def main() -> None:
    pass


@main.command(help="Create the warehouse tables (safe to run again).")
@_friendly
def init() -> None:
    _engine()
    click.echo(f"数据仓库已就绪：{_where()}")


def _where() -> str:
    return get_settings().warehouse_url.split("@")[-1]


LAST_DEMO_YEAR = 2024  # the synthetic rosters and the scale data end with the seeds' latest year


def _year_span(_context, _parameter, value: str) -> range:
    """`2019-2024` or `2023` is a span; a bare count such as `10` is that many years up to LAST_DEMO_YEAR."""
    if count := re.fullmatch(r"[1-9]\d?", value):
        return range(LAST_DEMO_YEAR - int(count[0]) + 1, LAST_DEMO_YEAR + 1)
    span = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", value)
    if not span:
        raise click.BadParameter(f"「{value}」不是年份范围：请写 2019-2024、2023 或年数（如 10）")
    first = int(span[1])
    years = range(first, int(span[2] or first) + 1)
    if not years:
        raise click.BadParameter(f"「{value}」：起始年份晚于结束年份")
    return years


@main.command(help="Load the shipped seed data and the synthetic demo rosters (idempotent).")
@click.option(
    "--years",
    "span",
    default="2019-2024",
    show_default=True,
    callback=_year_span,
    help="Years: a span such as 2022-2023, or a count such as 10 (the last ten years to 2024).",
)
@click.option(
    "--counties",
    type=click.IntRange(0, 99_999),
    default=0,
    show_default=True,
    help="Also add this many synthetic counties (monthly figures, findings, evaluations) for scale tests.",
)
@_friendly
def demo(span: range, counties: int) -> None:
    from access.accounts import demo_accounts
    from demo.load import load_demo, roster_years

    operator = current_user(get_settings())
    click.echo(load_demo(_engine(), user=operator, years=roster_years(span), progress=click.echo))
    if counties:
        from demo.scale import build_scale

        click.echo(build_scale(_engine(), counties=counties, years=span, user=operator, progress=click.echo))
    made = demo_accounts(_engine(), by=operator)
    if made:
        click.echo("已创建演示账户（密码只显示这一次，请妥善保存）：")
        for username, (role, password) in made.items():
            click.echo(f"  {username:<8} {role:<10} {password}")


@main.group(help="Import a file: roster, standards, evaluation or counties.")
def ingest() -> None:
    pass


@ingest.command("roster", help="A monthly disbursement roster (CSV, XLSX or XLS).")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--county", help="County code, e.g. 370881 (else from the file's title).")
@click.option("--month", help="YYYY-MM (else from a 月份 column or the title).")
@click.option("--program", type=click.Choice(["rural", "urban"]), help="else from the title (农村/城市).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_friendly
def ingest_roster_command(
    path: Path, county: str | None, month: str | None, program: str | None, as_json: bool
) -> None:
    from loaders.roster_store import ingest_roster

    report = ingest_roster(_engine(), path, county=county, month=month, program=program)
    from cli.output import roster_report

    click.echo(roster_report(report, as_json=as_json))


_SHEETS = {
    # command: (help, loader module and function, what one stored item is called)
    "standards": ("Benefit standards sheet.", "loaders.standards:ingest_standards", "条保障标准"),
    "evaluation": ("An evaluation score sheet (得分表).", "loaders.evaluation:ingest_evaluation", "次绩效评价"),
    "counties": ("County registry with townships.", "loaders.counties:ingest_counties", "个县区"),
}


def _sheet_command(name: str, help_text: str, target: str, unit: str) -> None:
    @ingest.command(name, help=help_text)
    @click.argument("path", type=click.Path(path_type=Path))
    @_friendly
    def command(path: Path) -> None:
        module, function = target.split(":")
        loader = getattr(importlib.import_module(module), function)
        stored = loader(_engine(), path, user=current_user(get_settings()))
        click.echo(f"已导入 {stored} {unit}" if stored else "此文件已导入过，未作改动")


for _name, (_help, _target, _unit) in _SHEETS.items():
    _sheet_command(_name, _help, _target, _unit)


@main.command(help="A county's months, standards and evaluations.")
@click.option("--county", required=True)
@click.option("--program", type=click.Choice(["rural", "urban"]))
@click.option("--year", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@_friendly
def summary(county: str, program: str | None, year: int | None, as_json: bool) -> None:
    from cli.output import county_summary

    data = county_summary(_engine(), county=county, program=program, year=year)
    if data is None:
        click.echo(f"县区代码 {county} 不在县区名录中（先运行 dibao demo 或 dibao ingest counties）", err=True)
        sys.exit(1)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.command(help="Findings of a county (IDs masked).")
@click.option("--county", required=True)
@click.option("--month", help="YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only format for now).")
@_friendly
def findings(county: str, month: str | None, as_json: bool) -> None:
    from cli.output import findings_list
    from loaders.values import parse_month

    month_date: dt.date | None = None
    if month:
        month_date = parse_month(month)
        if month_date is None:
            click.echo(f"月份「{month}」无法识别，应写作 YYYY-MM", err=True)
            sys.exit(1)
    click.echo(json.dumps(findings_list(_engine(), county=county, month=month_date), ensure_ascii=False, indent=2))


@main.group(help="Rubrics (指标体系): check them and re-check evaluations against them.")
def rubric() -> None:
    pass


@rubric.command("check", help="Recompute evaluations from their rubric and list every difference and problem.")
@click.option("--county", help="County code.")
@click.option("--year", type=int)
@click.option("--program", type=click.Choice(["rural", "urban", "all"]))
@click.option("--all", "every", is_flag=True, help="Every stored evaluation.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, one object per evaluation.")
@_friendly
def rubric_check(county: str | None, year: int | None, program: str | None, every: bool, as_json: bool) -> None:
    from cli.rubric_output import check_text
    from rubrics.check import check_evaluations
    from rubrics.load import RubricError

    if not every and not (county and year):
        click.echo("请给出 --county 代码 与 --year 年度，或 --all", err=True)
        sys.exit(2)
    try:
        checks = check_evaluations(_engine(), county=county, year=year, program=program)
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
@_friendly
def rubric_validate(paths: tuple[Path, ...]) -> None:
    from rubrics.load import HERE, RubricError, load_rubric

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


@main.group(help="Accounts: add, list, disable, reset a password.")
def user() -> None:
    pass


@user.command("add", help="Create an account and print its password once.")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "evaluator", "admin"]), required=True)
@click.option("--county", "counties", multiple=True, help="County an evaluator may upload for (repeat).")
@click.option("--name", "display_name", default="", help="Display name.")
@_friendly
def user_add(username: str, role: str, counties: tuple[str, ...], display_name: str) -> None:
    from access.accounts import add_user

    password = add_user(
        _engine(),
        username=username,
        role=role,
        counties=list(counties),
        display_name=display_name,
        by=current_user(get_settings()),
    )
    click.echo(f"已创建账户 {username}（{role}）。初始密码（只显示这一次）：{password}")


@user.command("list", help="Every account with its role and counties (no passwords).")
@_friendly
def user_list() -> None:
    from access.accounts import list_users

    users = list_users(_engine())
    if users.is_empty():
        click.echo("还没有账户（dibao user add 新建，或 dibao demo 建演示账户）")
        return
    for row in users.iter_rows(named=True):
        state = "停用" if row["disabled"] else ("锁定" if row["locked_until"] else "正常")
        counties = row["counties"] or "—"
        click.echo(f"{row['username']:<12} {row['role']:<10} {counties:<20} {state} {row['display_name']}")


@user.command("disable", help="Disable an account (it can no longer log in).")
@click.argument("username")
@_friendly
def user_disable(username: str) -> None:
    from access.accounts import disable_user

    disable_user(_engine(), username, by=current_user(get_settings()))
    click.echo(f"已停用账户 {username}")


@user.command("reset", help="Give an account a new password (printed once); lifts a lock and re-enables it.")
@click.argument("username")
@_friendly
def user_reset(username: str) -> None:
    from access.accounts import reset_password

    password = reset_password(_engine(), username, by=current_user(get_settings()))
    click.echo(f"已重置账户 {username} 的密码。新密码（只显示这一次）：{password}")


@main.command(help="Copy the embedded warehouse to PATH (a consistent snapshot, safe while the app runs).")
@click.argument("path", type=click.Path(path_type=Path))
@_friendly
def backup(path: Path) -> None:
    from warehouse import audit
    from warehouse.backup import backup as make_backup

    engine = _engine()
    size = make_backup(get_settings(), path)
    audit.record(
        engine, actor=current_user(get_settings()), action="backup", file_name=str(path), detail=f"{size} 字节"
    )
    click.echo(f"已备份到 {path}（{size / 1_048_576:.1f} MiB）。身份证号密钥不在备份中，请另行保管。")


@main.command(help="Replace the embedded warehouse with a backup made by `dibao backup` (checked first).")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_friendly
def restore(path: Path, yes: bool) -> None:
    from warehouse import audit
    from warehouse.backup import check_backup
    from warehouse.backup import restore as restore_from

    check_backup(path)
    if not yes:
        click.confirm(f"用 {path} 替换当前数据仓库（{_where()}）？此后的改动将丢失", abort=True)
    restore_from(get_settings(), path)
    audit.record(_engine(), actor=current_user(get_settings()), action="restore", file_name=str(path))
    click.echo(f"已从 {path} 恢复数据仓库")


@main.group(help="The key behind household pseudonyms: its state, and rotating it.")
def keys() -> None:
    pass


@keys.command("status", help="Where the ID-number keys are, their generation, and whether they match the warehouse.")
@_friendly
def keys_status() -> None:
    from warehouse.idkeys import status

    state = status(_engine(), get_settings())
    match = "一致" if state["matches"] else "不一致：导入会被拒绝"
    recorded = "" if state["recorded"] else "（数据仓库尚未记录指纹：第一次导入时记录）"
    click.echo(f"密钥：{state['source']}，第 {state['generation']} 代；与数据仓库{match}{recorded}")
    click.echo(f"已存住户月记录：{state['household_rows']:,} 行")


@keys.command("rotate", help="Add a new key and rehash every stored household pseudonym with it (one transaction).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_friendly
def keys_rotate(yes: bool) -> None:
    from warehouse.idkeys import rotate

    settings = get_settings()
    new_key = settings.new_id_key.get_secret_value() if settings.new_id_key else None
    if not yes:
        click.confirm(f"为 {_where()} 更换身份证号密钥并重新哈希全部住户标识？", abort=True)
    done = rotate(_engine(), settings, by=current_user(settings), new_key=new_key)
    click.echo(f"已更换为第 {done.generation} 代密钥：{done.households:,} 个住户标识、{done.rows:,} 行已重新哈希。")
    if done.key_file is not None:
        click.echo(f"密钥链保存在 {done.key_file}（只有所有者可读）。此前的备份须配以此前的密钥文件。")
    else:
        click.echo("现在把 DIBAO_ID_KEY 改为：原有的值、一个逗号、DIBAO_NEW_ID_KEY 的值；改好之前导入会被拒绝。")
