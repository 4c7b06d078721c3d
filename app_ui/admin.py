"""What the 管理 pages need besides layout: account changes as the logged-in administrator, a password
shown once, the audit log and the registry in the interface's words, the county registry upload, and
the rubric library in one table."""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import streamlit as st

from access.accounts import AccountError, list_users
from access.roles import ADMIN, EVALUATOR, ROLES, VIEWER
from app_ui import data, session
from app_ui.i18n import language, program_words, tr
from loaders.counties import COUNTIES, ingest_counties
from loaders.log import seen
from loaders.records import read_records
from rubrics.load import RubricError, library
from rubrics.model import Rubric
from warehouse import audit, read
from warehouse.errors import Problem, Rejected

NOTICE = "admin-notice"  # session key: the outcome of the last account change, shown once

# ── accounts ───────────────────────────────────────────────────────────────────


def role_words() -> dict[str, str]:
    """Roles as the interface names them (Chinese labels from access.roles.ROLES)."""
    english = {
        VIEWER: "Leadership (view only)",
        EVALUATOR: "Evaluator (uploads for their counties)",
        ADMIN: "Administrator",
    }
    return {key: tr(label, english[key]) for key, label in ROLES.items()}


def accounts() -> pl.DataFrame:
    """Every account (never a password hash): username, display name, role, counties, disabled, locked until.

    Not cached: an account changed at the command line shows at once.
    """
    return list_users(data.engine())


def account_rows(users: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """The account list as the page shows it: role and counties in words, local lock time, a state column."""
    now = dt.datetime.now(audit.ZONE).replace(tzinfo=None)
    return users.with_columns(audit.local_time("locked_until")).select(
        pl.col("username").alias(tr("用户名", "Username")),
        pl.col("display_name").alias(tr("显示名称", "Display name")),
        pl.col("role").replace_strict(role_words(), default=pl.col("role")).alias(tr("角色", "Role")),
        pl.when(pl.col("role") == ADMIN)
        .then(pl.lit(tr("全部县区", "all")))
        .otherwise(
            pl.col("counties").map_elements(
                lambda codes: "、".join(names.get(c, c) for c in codes.split(",") if c) or "—", return_dtype=pl.String
            )
        )
        .alias(tr("可上传县区", "Counties")),
        pl.when(pl.col("disabled"))
        .then(pl.lit(tr("已停用", "Disabled")))
        .when(pl.col("locked_until") > now)
        .then(pl.lit(tr("锁定中", "Locked")))
        .otherwise(pl.lit(tr("正常", "Active")))
        .alias(tr("状态", "State")),
        pl.when(pl.col("locked_until") > now)
        .then(pl.col("locked_until").dt.strftime("%Y-%m-%d %H:%M"))
        .otherwise(pl.lit(""))
        .alias(tr("锁定至", "Locked until")),
    )


def change(done: str, function: Callable[..., str | None], *args, fresh_form: str | None = None, **arguments) -> None:
    """Run one access.accounts change as the logged-in administrator, so the audit log names them.

    A refusal is shown where the button is; a change is kept as a notice (with the new password,
    if any) and the page drawn again, so the account list above shows it. `fresh_form` names a
    form whose inputs start empty after the change (see `form_round`).
    """
    admin = session.require_admin()
    try:
        password = function(data.engine(), *args, by=admin.name, **arguments)
    except AccountError as error:
        st.error(str(error))
        return
    st.session_state[NOTICE] = (done, password if isinstance(password, str) else None)
    if fresh_form:
        st.session_state[f"{fresh_form}-round"] = form_round(fresh_form) + 1
    st.rerun()


def form_round(form: str) -> int:
    """Part of a form's widget keys: a new number gives new, empty widgets."""
    return st.session_state.get(f"{form}-round", 0)


def account(users: pl.DataFrame, username: str) -> dict:
    """One account's row of `accounts()`, with its counties as a list."""
    row = users.filter(pl.col("username") == username).row(0, named=True)
    return row | {"counties": [code for code in row["counties"].split(",") if code]}


def show_notice() -> None:
    """The last change's outcome; a password is on screen this once and forgotten with the next click."""
    notice = st.session_state.pop(NOTICE, None)
    if notice is None:
        return
    done, password = notice
    st.success(done)
    if password:
        st.code(password, language=None)
        st.warning(
            tr(
                "请现在把这个密码交给账户本人：它只显示这一次，离开或刷新此页后不会再显示，系统中也只保存其哈希值。"
                "忘记了只能重置密码。",
                "Hand this password over now: it is shown this once and never again (only its hash is stored). "
                "If it is lost, reset the password.",
            )
        )


# ── the audit log ──────────────────────────────────────────────────────────────

_ACTIONS_EN = {
    "upload": "Upload stored",
    "replace": "Version replaced",
    "reject": "Upload rejected",
    "login": "Login",
    "login_failed": "Failed login",
    "locked": "Account locked",
    "logout": "Logout",
    "user_add": "Account created",
    "user_disable": "Account disabled",
    "user_reset": "Password reset",
    "user_enable": "Account re-enabled",
    "user_change": "Account changed",
    "key_rotate": "ID key rotated",
    "backup": "Backup",
    "restore": "Restore",
}


def action_words() -> dict[str, str]:
    """Audit actions as the interface names them (Chinese labels from warehouse.audit.ACTIONS)."""
    if language() == "en":
        return {key: _ACTIONS_EN.get(key, key) for key in audit.ACTIONS}
    return dict(audit.ACTIONS)


def today() -> dt.date:
    """Today on the bureau's calendar."""
    return dt.datetime.now(audit.ZONE).date()


def date_range(chosen) -> tuple[dt.date | None, dt.date | None]:
    """A date_input range as (since, until): one day while the second is being picked; none when cleared."""
    days = tuple(chosen) if isinstance(chosen, list | tuple) else (chosen,)
    days = tuple(day for day in days if day is not None)
    if not days:
        return None, None
    return days[0], days[-1]


@dataclass(frozen=True)
class AuditFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    actor: str | None = None
    action: str | None = None
    county: str | None = None
    text: str | None = None

    def arguments(self) -> dict:
        return {key: getattr(self, key) for key in ("since", "until", "actor", "action", "county", "text")}


def audit_events(filters: AuditFilters, *, limit: int) -> pl.DataFrame:
    """Events newest first (not cached: the log grows with every click, logins included)."""
    return audit.events(data.engine(), limit=limit, **filters.arguments())


def audit_counts(filters: AuditFilters) -> pl.DataFrame:
    return audit.counts(data.engine(), **filters.arguments())


def audit_actors() -> list[str]:
    return audit.actors(data.engine())


def audit_columns() -> dict[str, str]:
    return {
        "at": tr("时间（北京时间）", "Time (Beijing)"),
        "actor": tr("操作人", "Who"),
        "action": tr("操作", "Action"),
        "county": tr("县区", "County"),
        "detail": tr("说明", "Detail"),
        "file_name": tr("文件名", "File"),
        "file_hash": tr("文件哈希", "File hash"),
    }


def audit_rows(events: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """Events with local times, action and county in words, headed in the interface's language."""
    columns = audit_columns()
    return events.select(
        audit.local_time("at").dt.truncate("1s").alias(columns["at"]),
        pl.col("actor").alias(columns["actor"]),
        pl.col("action").replace_strict(action_words(), default=pl.col("action")).alias(columns["action"]),
        pl.col("county_code")
        .replace_strict(names, default=pl.col("county_code"))
        .fill_null("")
        .alias(columns["county"]),
        pl.col("detail").alias(columns["detail"]),
        pl.col("file_name").alias(columns["file_name"]),
        pl.col("file_hash").alias(columns["file_hash"]),
    )


# ── the county registry ────────────────────────────────────────────────────────


def registry() -> pl.DataFrame:
    return read.county_registry(data.engine())


def registry_rows(counties: pl.DataFrame) -> pl.DataFrame:
    return counties.select(
        pl.col("code").alias(tr("县区代码", "Code")),
        pl.col("name").alias(tr("县区名称", "Name")),
        pl.col("short_names").str.replace_all(";", "、").alias(tr("简称", "Short names")),
        pl.col("province").alias(tr("省份", "Province")),
        pl.col("prefecture").alias(tr("地市", "Prefecture")),
        pl.col("deadline_day")
        .cast(pl.String)
        .fill_null(tr("月末", "month end"))
        .alias(tr("发放截止日", "Payment deadline (day)")),
        pl.col("townships").alias(tr("乡镇（街道）数", "Townships")),
        pl.col("source").alias(tr("来源", "Source")),
        pl.col("note").alias(tr("备注", "Note")),
    )


@dataclass
class RegistryFile:
    """A county registry file read but not stored: what the administrator confirms, or why it cannot be."""

    name: str
    content: bytes = field(repr=False)
    digest: str
    problems: list[Problem] = field(default_factory=list)
    preview: pl.DataFrame | None = None
    already_stored: bool = False

    @property
    def rejected(self) -> bool:
        return bool(self.problems)


def problems_frame(problems: list[Problem]) -> pl.DataFrame:
    return pl.DataFrame(
        [problem.as_dict() for problem in problems],
        schema={"file": pl.String, "sheet": pl.String, "row": pl.Int64, "column": pl.String, "message": pl.String},
    ).rename(
        {
            "file": tr("文件", "File"),
            "sheet": tr("工作表", "Sheet"),
            "row": tr("行", "Row"),
            "column": tr("列", "Column"),
            "message": tr("问题", "Problem"),
        }
    )


def check_registry(name: str, content: bytes) -> RegistryFile:
    """Read a registry file and list the counties it would add or replace; nothing is stored.

    Checked once per file in a session (a rerun does not read it, or audit its rejection, again).
    The full checks (required values, deadline days) run again when it is stored.
    """
    digest = hashlib.sha256(content).hexdigest()
    remembered = st.session_state.get("registry-check")
    if remembered is not None and (remembered.name, remembered.digest) == (name, digest):
        return remembered
    checked = RegistryFile(name, content, digest)
    try:
        with _as_file(name, content) as path:
            records = read_records(path, COUNTIES, display_name=name)
        checked.preview = _registry_preview(records.frame, set(registry()["code"].to_list()))
        checked.already_stored = seen(data.engine(), kind="counties", file_hash=digest)
    except Rejected as rejected:
        _reject(checked, rejected)
    st.session_state["registry-check"] = checked
    return checked


def store_registry(checked: RegistryFile) -> int | None:
    """Store a checked registry file as the logged-in administrator (the loader checks the role again).

    Returns the number of counties stored, or None when the loader rejects it (the problems are in `checked`).
    """
    try:
        with _as_file(checked.name, checked.content) as path:
            stored = ingest_counties(data.engine(), path, user=session.require_admin(), display_name=checked.name)
    except Rejected as rejected:
        _reject(checked, rejected)
        return None
    st.session_state.pop("registry-check", None)
    data.refresh()
    return stored


def _registry_preview(frame: pl.DataFrame, known: set[str]) -> pl.DataFrame:
    """One row per county in the file: its name, deadline, townships listed, and whether it is new."""
    counties = (
        frame.with_columns(pl.col("code").forward_fill())
        .group_by("code", maintain_order=True)
        .agg(
            pl.col("name").drop_nulls().first(),
            pl.col("deadline_day").drop_nulls().first(),
            pl.col("township").drop_nulls().n_unique().alias("townships"),
        )
    )
    return counties.select(
        pl.col("code").alias(tr("县区代码", "Code")),
        pl.col("name").alias(tr("县区名称", "Name")),
        pl.col("deadline_day").fill_null(tr("月末", "month end")).alias(tr("发放截止日", "Payment deadline (day)")),
        pl.col("townships").alias(tr("乡镇（街道）数", "Townships")),
        pl.when(pl.col("code").is_in(list(known)))
        .then(pl.lit(tr("替换现有信息和乡镇名单", "replaces its details and townships")))
        .otherwise(pl.lit(tr("新增", "new")))
        .alias(tr("入库后", "When stored")),
    )


def _reject(checked: RegistryFile, rejected: Rejected) -> None:
    checked.problems = rejected.problems
    audit.record(
        data.engine(),
        actor=session.acting().name,
        action="reject",
        file_name=checked.name,
        file_hash=checked.digest,
        detail=f"县区名录：{len(rejected.problems)} 个问题：{rejected.problems[0].message[:200]}",
    )


@contextmanager
def _as_file(name: str, content: bytes) -> Iterator[Path]:
    """The uploaded bytes as a temporary file with the upload's extension (the readers go by it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("upload" + Path(name).suffix.lower())
        path.write_bytes(content)
        yield path


# ── the rubric library ─────────────────────────────────────────────────────────


def rubrics() -> tuple[dict[str, Rubric], list[str]]:
    """The shipped rubrics by id, or the problems that stop the library loading."""
    try:
        return library(), []
    except RubricError as error:
        return {}, error.problems


def rubric_rows(found: dict[str, Rubric], names: dict[str, str]) -> pl.DataFrame:
    """One row per rubric: file, name, what it applies to, points, leaves, and how many report errata it keeps."""
    programs = program_words()
    rows = []
    for rubric_id, rubric in found.items():
        applies = [
            f"{names.get(a.county, a.county)} {programs.get(a.program, a.program)} {_years(a.first_year, a.last_year)}"
            for a in rubric.applies
        ]
        rows.append(
            {
                "file": f"{rubric_id}.toml",
                "name": rubric.name,
                "applies": "；".join(applies) or tr("（框架：供其他指标体系借用等级）", "(framework: grade bands)"),
                "points": rubric.total_points if rubric.indicators else None,
                "leaves": len(rubric.leaves),
                "computable": sum(1 for leaf in rubric.leaves if leaf.rule and leaf.rule.computable),
                "problems": len(rubric.problems),
            }
        )
    schema = {
        "file": pl.String,
        "name": pl.String,
        "applies": pl.String,
        "points": pl.Float64,
        "leaves": pl.Int64,
        "computable": pl.Int64,
        "problems": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).rename(rubric_columns())


def rubric_problems(found: dict[str, Rubric]) -> pl.DataFrame:
    """Every rubric's report errata (what the report's own rubric gets wrong, kept and flagged), one per row."""
    rows = [(f"{rubric_id}.toml", problem) for rubric_id, rubric in found.items() for problem in rubric.problems]
    return pl.DataFrame(rows, schema={"file": pl.String, "problem": pl.String}, orient="row").rename(
        {"file": tr("文件", "File"), "problem": tr("报告原文问题", "Report erratum")}
    )


def rubric_columns() -> dict[str, str]:
    return {
        "file": tr("文件", "File"),
        "name": tr("名称", "Name"),
        "applies": tr("适用于", "Applies to"),
        "points": tr("总分值", "Points"),
        "leaves": tr("末级指标", "Scored leaves"),
        "computable": tr("可重算", "Recomputable"),
        "problems": tr("原文问题", "Errata"),
    }


def _years(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return tr("各年度", "every year")
    if first == last:
        return tr(f"{first}年", str(first))
    return tr(f"{first or ''}–{last or ''}年", f"{first or ''}–{last or ''}")
