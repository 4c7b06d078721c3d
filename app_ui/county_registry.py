"""Show the county registry and import a registry file: checked first, stored as the administrator on confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
import streamlit as st

from app_ui import data, session
from app_ui.i18n import tr
from app_ui.tables import Column, problem_rows
from app_ui.upload import as_file
from loaders.counties import COUNTIES, ingest_counties
from loaders.log import seen
from loaders.records import read_records
from loaders.roster_parse import content_hash
from warehouse import audit, read
from warehouse.errors import Problem, Rejected

CHECKED = "registry-check"  # session key: the last file checked, so a rerun does not read it again

_CODE = Column("code", ("县区代码", "Code"))
_NAME = Column("name", ("县区名称", "Name"))
_DEADLINE = Column("deadline_day", ("发放截止日", "Payment deadline (day)"))
_TOWNSHIPS = Column("townships", ("乡镇（街道）数", "Townships"))
REGISTRY_COLUMNS = [
    _CODE,
    _NAME,
    Column("short_names", ("简称", "Short names")),
    Column("province", ("省份", "Province")),
    Column("prefecture", ("地市", "Prefecture")),
    _DEADLINE,
    _TOWNSHIPS,
    Column("source", ("来源", "Source")),
    Column("note", ("备注", "Note")),
]
PREVIEW_COLUMNS = [_CODE, _NAME, _DEADLINE, _TOWNSHIPS, Column("when_stored", ("入库后", "When stored"))]


def registry_rows() -> pl.DataFrame:
    """Every registered county (the columns of REGISTRY_COLUMNS): short names listed, a blank deadline named."""
    return read.county_registry(data.engine()).with_columns(
        pl.col("short_names").str.replace_all(";", "、"),
        pl.col("deadline_day").cast(pl.String).fill_null(tr("月末", "month end")),
    )


@dataclass
class RegistryFile:
    """A county registry file read but not stored: what the administrator confirms, or why it cannot be."""

    name: str
    content: bytes = field(repr=False)
    digest: str
    problems: list[Problem] = field(default_factory=list)
    preview: pl.DataFrame | None = None  # the columns of PREVIEW_COLUMNS
    already_stored: bool = False

    @property
    def rejected(self) -> bool:
        return bool(self.problems)

    def problems_frame(self) -> pl.DataFrame:
        return problem_rows(self.problems)


def check(name: str, content: bytes) -> RegistryFile:
    """Read a registry file and list the counties it would add or replace; nothing is stored.

    Checked once per file in a session (a rerun does not read it, or audit its rejection, again).
    The full checks (required values, deadline days) run again when it is stored.
    """
    digest = content_hash(content)
    remembered = st.session_state.get(CHECKED)
    if remembered is not None and (remembered.name, remembered.digest) == (name, digest):
        return remembered
    checked = RegistryFile(name, content, digest)
    try:
        with as_file(name, content) as path:
            records = read_records(path, COUNTIES, display_name=name)
        known = set(read.county_registry(data.engine())["code"].to_list())
        checked.preview = _preview(records.frame, known)
        checked.already_stored = seen(data.engine(), kind="counties", file_hash=digest)
    except Rejected as rejected:
        _reject(checked, rejected)
    st.session_state[CHECKED] = checked
    return checked


def store(checked: RegistryFile) -> int | None:
    """Store a checked registry file as the logged-in administrator (the loader checks the role again).

    Returns the number of counties stored, or None when the loader rejects it (the problems are in `checked`).
    """
    try:
        with as_file(checked.name, checked.content) as path:
            stored = ingest_counties(data.engine(), path, user=session.require_admin(), display_name=checked.name)
    except Rejected as rejected:
        _reject(checked, rejected)
        return None
    st.session_state.pop(CHECKED, None)
    data.refresh()
    return stored


def _preview(frame: pl.DataFrame, known: set[str]) -> pl.DataFrame:
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
        "code",
        "name",
        pl.col("deadline_day").fill_null(tr("月末", "month end")),
        "townships",
        pl.when(pl.col("code").is_in(list(known)))
        .then(pl.lit(tr("替换现有信息和乡镇名单", "replaces its details and townships")))
        .otherwise(pl.lit(tr("新增", "new")))
        .alias("when_stored"),
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
