"""The county registry: counties with their payment deadline, and their townships."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Engine, delete

from access.roles import Actor, require_admin
from loaders.headers import Field, HeaderSpec
from loaders.log import seen, storing_file
from loaders.records import read_records
from loaders.roster_parse import file_hash
from warehouse.bulk import insert_frame
from warehouse.models import County, Township
from warehouse.vocabulary import SOURCES

COUNTIES = HeaderSpec(
    [
        Field("code", "县区代码", ("县区代码", "区划代码", "县区编码"), required=True),
        Field("name", "县区名称", ("县区名称", "县区"), required=True),
        Field("short_names", "简称", ("简称", "别名")),
        Field("province", "省份", ("省份", "省")),
        Field("prefecture", "地市", ("地市", "市", "地级市")),
        Field("deadline_day", "发放截止日", ("发放截止日", "截止日", "发放期限")),
        Field("report_day", "报送截止日", ("报送截止日", "名册报送截止日")),
        Field("township_code", "乡镇代码", ("乡镇代码", "乡镇编码")),
        Field("township", "乡镇名称", ("乡镇名称", "乡镇", "街道")),
        Field("source", "数据来源", ("数据来源",)),
        Field("note", "备注", ("备注", "说明")),
    ]
)
_COUNTY_LEVEL = ("name", "short_names", "province", "prefecture", "deadline_day", "report_day")


def ingest_counties(engine: Engine, path: Path, *, user: Actor | str, display_name: str | None = None) -> int:
    """Store the counties of the file, replacing each one's details and township list (administrators only)."""
    actor = require_admin(user, file_name=display_name or path.name, what="县区名录")
    records = read_records(path, COUNTIES, display_name=display_name)
    records.frame = records.frame.with_columns(pl.col("code").forward_fill()).with_columns(
        pl.col(_COUNTY_LEVEL).forward_fill().over("code"), pl.col("source").fill_null("upload")
    )
    records.required("code", "name")
    records.numbers("deadline_day", "report_day", integer=True)
    records.choice("source", SOURCES)
    for day, highest in (("deadline_day", 31), ("report_day", 28)):  # 28: every following month has the day
        bad_day = pl.col(day).is_not_null() & ~pl.col(day).is_between(1, highest)
        for sheet, row in records.frame.filter(bad_day).select("sheet", "row").iter_rows():
            records.problem(sheet, row, day, f"截止日应在 1 到 {highest} 之间")
    records.check()
    frame = records.frame
    counties = (
        frame.group_by("code", maintain_order=True)
        .agg(pl.col(_COUNTY_LEVEL).first(), pl.col("source").first(), pl.col("note").drop_nulls().first())
        .with_columns(pl.col("short_names", "province", "prefecture", "note").fill_null(""))
    )
    townships = (
        frame.filter(pl.col("township").is_not_null())
        .select(
            pl.col("code").alias("county_code"),
            pl.col("township_code").fill_null("").alias("code"),
            pl.col("township").alias("name"),
            "source",
            pl.col("note").fill_null(""),
        )
        .unique(["county_code", "name"], keep="first", maintain_order=True)
    )
    digest = file_hash(path)
    if seen(engine, kind="counties", file_hash=digest):
        return 0
    with storing_file(engine, file_name=records.file_name, file_hash=digest, user=actor.name) as storing:
        conn = storing.conn
        codes = counties["code"].to_list()
        conn.execute(delete(Township).where(Township.county_code.in_(codes)))
        existing = set(conn.execute(County.__table__.select().with_only_columns(County.code)).scalars())
        for row in counties.iter_rows(named=True):
            values = {key: row[key] for key in (*_COUNTY_LEVEL, "source", "note")}
            if row["code"] in existing:
                conn.execute(County.__table__.update().where(County.code == row["code"]).values(**values))
            else:
                conn.execute(County.__table__.insert().values(code=row["code"], **values))
        insert_frame(conn, Township.__tablename__, townships)
        storing.log_upload(kind="counties", rows=frame.height)
        storing.record(detail="县区名录")
    return counties.height
