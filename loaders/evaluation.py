"""Annual evaluations as flat score sheets (绩效评价得分表), one row per indicator.

A file is read (`read_records`), validated (`validate_evaluation`) and stored (`store_evaluation`);
the 评分 page builds its sheet's records itself (`evaluation_records`) and joins at validation.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Engine, select

from access.approval import require_evaluation_unlocked
from access.roles import Actor, require_upload
from loaders import values
from loaders.headers import Field, HeaderSpec
from loaders.log import seen, storing_file
from loaders.records import ParsedSheet, Records, read_records
from loaders.roster_parse import file_hash
from loaders.roster_store import county_registry
from warehouse import evaluation_states
from warehouse.evaluation_states import DETAILS, KEY, LEVELS, EvaluationKey
from warehouse.models import Evaluation
from warehouse.vocabulary import EVALUATED_PROGRAMS, EVALUATION_KINDS, SOURCES

SCORE_SHEET = HeaderSpec(
    [
        Field("county_code", "县区代码", ("县区代码", "区划代码"), required=True),
        Field("program", "项目", ("项目", "项目类别"), required=True),
        Field("year", "年度", ("年度", "评价年度"), required=True),
        Field("kind", "评价类型", ("评价类型", "评价方式"), required=True),
        Field("evaluator", "评价机构", ("评价机构", "评价单位")),
        Field("total_score", "总分", ("总分", "评价得分", "综合得分")),
        Field("grade", "等级", ("等级", "评价等级", "评价结论")),
        Field("budget_wan", "预算安排（万元）", ("预算安排（万元）", "预算安排")),
        Field("arrived_wan", "实际到位（万元）", ("实际到位（万元）", "实际到位")),
        Field("spent_wan", "实际支出（万元）", ("实际支出（万元）", "实际支出")),
        Field("planned_persons", "计划保障人数", ("计划保障人数",)),
        Field("source", "数据来源", ("数据来源",)),
        Field("level1", "一级指标", ("一级指标",), required=True),
        Field("level2", "二级指标", ("二级指标",)),
        Field("level3", "三级指标", ("三级指标",)),
        Field("level4", "四级指标", ("四级指标",)),
        Field("target_name", "绩效指标", ("绩效指标", "绩效指标名称", "绩效目标")),
        Field("points", "分值", ("分值", "指标分值", "权重")),
        Field("score", "得分", ("得分",)),
        Field("target", "年度指标值", ("年度指标值", "目标值", "指标值")),
        Field("actual", "实际完成值", ("实际完成值", "完成值")),
        Field("note", "说明", ("说明", "扣分说明", "偏差原因", "评分依据")),
    ]
)


def ingest_evaluation(engine: Engine, path: Path, *, user: Actor | str, display_name: str | None = None) -> int:
    """Store the evaluations of a score sheet, replacing the same county/programme/year/kind."""
    return store_evaluation(engine, parse_evaluation(engine, path, display_name=display_name), user=user)


def parse_evaluation(engine: Engine, path: Path, *, display_name: str | None = None) -> ParsedSheet:
    """Read and validate a score sheet file; raise `Rejected` listing every problem; write nothing."""
    records = read_records(path, SCORE_SHEET, display_name=display_name)
    return validate_evaluation(engine, records, digest=file_hash(path))


def evaluation_records(file_name: str, rows: list[list[str]]) -> Records:
    """Score-sheet rows given as text, in SCORE_SHEET's column order, as reading them from a file gives them."""
    keys = [column.key for column in SCORE_SHEET.fields]
    cells = pl.DataFrame(rows, schema=dict.fromkeys(keys, pl.String), orient="row")
    frame = cells.with_row_index("row", offset=2).select(  # row 1 is the header
        pl.lit("").alias("sheet"), pl.col("row").cast(pl.Int64), *(values.clean(key).alias(key) for key in keys)
    )
    return Records(file_name, frame, {column.key: column.label for column in SCORE_SHEET.fields})


def validate_evaluation(engine: Engine, records: Records, *, digest: str) -> ParsedSheet:
    """Check a score sheet's records; raise `Rejected` listing every problem; write nothing.

    The summary has one row per evaluation with the id of the stored one it would replace.
    """
    # Values are read where they are written; then blanks below mean "same as above".
    records.choice("program", EVALUATED_PROGRAMS)
    records.choice("kind", EVALUATION_KINDS)
    records.choice("source", SOURCES)
    records.numbers("year", "planned_persons", integer=True)
    records.numbers("total_score", "budget_wan", "arrived_wan", "spent_wan", "points", "score")
    records.frame = records.frame.with_columns(pl.col(KEY).forward_fill()).with_columns(
        pl.col(DETAILS).forward_fill().over(KEY)
    )
    records.frame = records.frame.with_columns(pl.col("source").fill_null("upload"))
    records.required(*KEY)
    _check_indicator_names(records)
    for key in DETAILS:
        conflicting = records.frame.filter(pl.col(key).n_unique().over(KEY) > 1)
        for sheet, row in conflicting.select("sheet", "row").iter_rows():
            records.problem(sheet, row, key, "同一次评价中此列前后不一致")
    records.known("county_code", county_registry(engine))
    _check_paths(records)
    records.check()
    frame = records.frame.with_columns(
        pl.col(*LEVELS, "target_name", "target", "actual", "note", "evaluator", "grade").fill_null("")
    )
    evaluations = frame.group_by(KEY, maintain_order=True).agg(
        pl.col(DETAILS).first(),
        (pl.col("target_name") == "").sum().alias("indicators"),
        (pl.col("target_name") != "").sum().alias("targets"),
    )
    with engine.connect() as conn:
        stored = conn.execute(select(Evaluation.id, *(getattr(Evaluation, name) for name in KEY))).all()
    replaces = pl.DataFrame(
        [(row[0], *row[1:]) for row in stored],
        schema={
            "replaces_id": pl.Int64,
            "county_code": pl.String,
            "program": pl.String,
            "year": pl.Int64,
            "kind": pl.String,
        },
        orient="row",
    )
    summary = evaluations.join(replaces, on=list(KEY), how="left")
    return ParsedSheet(records.file_name, digest, frame, seen(engine, kind="evaluation", file_hash=digest), summary)


def store_evaluation(engine: Engine, parsed: ParsedSheet, *, user: Actor | str) -> int:
    """Store parsed evaluations in one transaction, each waiting for approval; 0 when this file was stored
    before. A replacement of an approved evaluation waits aside (leadership keeps seeing the approved one).

    Refused as a whole if any evaluation in it is for a county outside the actor's scope, or is locked.
    """
    counties = parsed.summary["county_code"].to_list()
    actor = require_upload(user, counties, file_name=parsed.file_name, what="评分表")
    if parsed.already_stored:
        return 0
    frame = parsed.rows
    evaluations = parsed.summary
    with storing_file(
        engine, file_name=parsed.file_name, file_hash=parsed.file_hash, user=actor.name, counties=counties
    ) as storing:
        conn = storing.conn
        keys = [EvaluationKey(*(row[name] for name in KEY)) for row in evaluations.iter_rows(named=True)]
        for key in keys:
            require_evaluation_unlocked(conn, key, file_name=parsed.file_name)
        first = evaluations.row(0, named=True)
        upload_id = storing.log_upload(
            kind="evaluation",
            rows=frame.height,
            county_code=first["county_code"],
            program=first["program"],
            source=first["source"],
        )
        for key in keys:
            rows = frame.filter(*(pl.col(name) == value for name, value in key.values.items()))
            state = evaluation_states.state_of(conn, key)
            approved_id = state.approved_evaluation_id if state else None
            if approved_id is None:
                evaluation_states.store(conn, key, rows, upload_id=upload_id)
            else:  # the approved evaluation stays what leadership sees until this one is approved
                evaluation_states.wait_for_approval(conn, key, upload_id=upload_id, rows=rows)
            evaluation_states.record_upload(conn, key, upload_id=upload_id, by=actor.name, approved_id=approved_id)
            storing.record(
                action="replace" if state is not None else "upload",
                county=key.county,
                detail=f"评分表 {key.program} {key.year} {key.kind}（待审核）",
            )
    return evaluations.height


def _check_indicator_names(records) -> None:
    """An indicator row names its indicator; a target row (绩效指标 filled) may stand under none."""
    unnamed = records.frame.filter(pl.col("level1").is_null() & pl.col("target_name").is_null())
    for sheet, row in unnamed.select("sheet", "row").iter_rows():
        records.problem(sheet, row, "level1", "不能为空")


def _check_paths(records) -> None:
    """Deeper levels need the levels above them; a path appears once per evaluation."""
    frame = records.frame
    for upper, lower in zip(LEVELS, LEVELS[1:], strict=False):
        gap = frame.filter(pl.col(upper).is_null() & pl.col(lower).is_not_null())
        for sheet, row in gap.select("sheet", "row").iter_rows():
            records.problem(sheet, row, upper, f"{records.labels.get(lower, lower)}已填写，但上一级指标为空")
    path = pl.concat_str([pl.col(level).fill_null("") for level in (*LEVELS, "target_name")], separator="/")
    repeated = frame.filter(pl.struct(*KEY, path.alias("_p")).is_duplicated())
    for sheet, row in repeated.select("sheet", "row").iter_rows():
        records.problem(sheet, row, "level1", "同一指标在本次评价中出现了两次")
