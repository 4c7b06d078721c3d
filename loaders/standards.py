"""Benefit standards (保障标准): one row per county, programme, category and date in force."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Engine, and_, delete, or_

from access.roles import Actor, require_upload
from loaders.headers import Field, HeaderSpec
from loaders.log import seen, storing_file
from loaders.records import ParsedSheet, read_records
from loaders.roster_parse import file_hash
from loaders.roster_store import county_registry
from loaders.values import category
from warehouse.bulk import insert_frame
from warehouse.models import Standard
from warehouse.vocabulary import PROGRAMS, SOURCES

STANDARDS = HeaderSpec(
    [
        Field("county_code", "县区代码", ("县区代码", "区划代码", "县区编码"), required=True),
        Field("program", "项目", ("项目", "项目类别", "低保类别"), required=True),
        Field("category", "保障类别", ("保障类别", "类别", "档次")),
        Field("effective_from", "生效日期", ("生效日期", "执行日期", "起始日期"), required=True),
        Field(
            "yuan_per_person_month",
            "保障标准（元/人/月）",
            ("保障标准（元/人/月）", "保障标准", "低保标准", "标准（元/人/月）"),
            required=True,
        ),
        Field("document", "文号", ("文号", "文件", "依据文件")),
        Field("source", "数据来源", ("数据来源",)),
        Field("note", "备注", ("备注", "说明")),
    ]
)


def ingest_standards(engine: Engine, path: Path, *, user: Actor | str, display_name: str | None = None) -> int:
    """Store every standard of the file (replacing the same county/programme/category/date)."""
    return store_standards(engine, parse_standards(engine, path, display_name=display_name), user=user)


def parse_standards(engine: Engine, path: Path, *, display_name: str | None = None) -> ParsedSheet:
    """Read and validate a standards sheet; raise `Rejected` listing every problem; write nothing."""
    records = read_records(path, STANDARDS, display_name=display_name)
    records.required("county_code", "program", "effective_from", "yuan_per_person_month")
    records.choice("program", PROGRAMS)
    records.dates("effective_from")
    records.numbers("yuan_per_person_month")
    records.known("county_code", county_registry(engine))
    records.frame = records.frame.with_columns(pl.col("source").fill_null("upload"))
    records.choice("source", SOURCES)
    records.check()
    rows = records.frame.select(
        "county_code",
        "program",
        category(pl.col("category")).alias("category"),
        "effective_from",
        "yuan_per_person_month",
        pl.col("document").fill_null(""),
        "source",
        pl.col("note").fill_null(""),
    )
    digest = file_hash(path)
    return ParsedSheet(records.file_name, digest, rows, seen(engine, kind="standards", file_hash=digest), rows)


def store_standards(engine: Engine, parsed: ParsedSheet, *, user: Actor | str) -> int:
    """Store parsed standards in one transaction; 0 when this file was stored before."""
    rows = parsed.rows
    counties = sorted(rows["county_code"].unique().to_list())
    actor = require_upload(user, counties, file_name=parsed.file_name, what="保障标准")
    if parsed.already_stored:
        return 0
    with storing_file(
        engine, file_name=parsed.file_name, file_hash=parsed.file_hash, user=actor.name, counties=counties
    ) as storing:
        keys = rows.select("county_code", "program", "category", "effective_from").unique().iter_rows()
        conditions = [
            and_(Standard.county_code == c, Standard.program == p, Standard.category == k, Standard.effective_from == d)
            for c, p, k, d in keys
        ]
        for start in range(0, len(conditions), 200):
            storing.conn.execute(delete(Standard).where(or_(*conditions[start : start + 200])))
        insert_frame(storing.conn, Standard.__tablename__, rows)
        storing.log_upload(kind="standards", rows=rows.height)
        for county in counties:
            storing.record(county=county, detail="保障标准")
    return rows.height
