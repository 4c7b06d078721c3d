"""The read API: the only module that queries the warehouse for the pages and the CLI.

Every function takes the engine first and keyword-only filters, and returns a polars
DataFrame. Money comes back in yuan (元) for rosters and 万元 for budgets.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Engine, and_, case, func, or_, select, text, true
from sqlalchemy.sql import sqltypes

from warehouse.models import (
    FIGURES,
    County,
    Evaluation,
    EvaluationState,
    Finding,
    HouseholdMonth,
    HouseholdReview,
    IndicatorScore,
    MonthlyFigure,
    MonthState,
    PerformanceTarget,
    Standard,
    Township,
    Upload,
)
from warehouse.vocabulary import PENDING

_COUNT_COLUMNS = tuple(name for name in FIGURES if name != "amount_fen")  # money is summed in yuan, as "amount"


_POLARS_TYPES = (
    (sqltypes.Boolean, pl.Boolean),
    (sqltypes.DateTime, pl.Datetime("us")),
    (sqltypes.Date, pl.Date),
    (sqltypes.Integer, pl.Int64),
    (sqltypes.Float, pl.Float64),
    (sqltypes.Numeric, pl.Float64),
    (sqltypes.String, pl.String),
)


def _schema(query) -> dict[str, pl.DataType]:
    """Polars types from the query's column types, so that empty results keep their schema."""
    schema = {}
    for column in query.selected_columns:
        column_type = getattr(column.type, "impl_instance", column.type)  # SQLModel wraps String
        for sql_type, polars_type in _POLARS_TYPES:
            if isinstance(column_type, sql_type):
                schema[column.key] = polars_type
                break
    return schema


def frame(engine: Engine, query, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Run a select into a polars frame typed from its columns, also when it returns no row."""
    types = _schema(query) | (schema or {})
    with engine.connect() as conn:
        found = pl.read_database(query, conn, schema_overrides=types)
    if found.is_empty():
        return pl.DataFrame(schema=types)
    return found


def county_names(engine: Engine) -> dict[str, str]:
    """Code → name of every county, in code order: the sidebar's list (2,805 at national scale)."""
    with engine.connect() as conn:
        return dict(conn.execute(select(County.code, County.name).order_by(County.code)).all())


def counties(engine: Engine, *, codes: list[str] | None = None) -> pl.DataFrame:
    """Every county of the registry (or those with these codes) with its payment deadline (null = month end)."""
    query = select(
        County.code, County.name, County.province, County.prefecture, County.deadline_day, County.source
    ).order_by(County.code)
    if codes is not None:
        query = query.where(County.code.in_(codes))
    return frame(engine, query, {"deadline_day": pl.Int64})


def report_days(engine: Engine) -> dict[str, int]:
    """Counties whose rosters are due on another day of the following month than the 25th: code → day."""
    query = select(County.code, County.report_day).where(County.report_day.is_not(None))
    with engine.connect() as conn:
        return dict(conn.execute(query).all())


def county_registry(engine: Engine) -> pl.DataFrame:
    """The registry as the administrator sees it: every county's details and how many townships it lists."""
    townships = select(Township.county_code, func.count().label("townships")).group_by(Township.county_code).subquery()
    query = (
        select(
            County.code,
            County.name,
            County.short_names,
            County.province,
            County.prefecture,
            County.deadline_day,
            func.coalesce(townships.c.townships, 0).label("townships"),
            County.source,
            County.note,
        )
        .outerjoin(townships, townships.c.county_code == County.code)
        .order_by(County.code)
    )
    return frame(engine, query, {"deadline_day": pl.Int64, "townships": pl.Int64})


def townships(engine: Engine, *, county: str) -> pl.DataFrame:
    query = select(Township.code, Township.name, Township.source).where(Township.county_code == county)
    return frame(engine, query.order_by(Township.code, Township.name))


def _filtered(query, table, *, counties: list[str] | None = None, program: str | None = None, year: int | None = None):
    """The sidebar's filters on a table of county rows: no counties (or an empty list) keeps every county,
    no programme both, no year every month."""
    if counties:
        query = query.where(table.county_code.in_(counties))
    if program:
        query = query.where(table.program == program)
    if year:
        query = query.where(table.month >= dt.date(year, 1, 1), table.month < dt.date(year + 1, 1, 1))
    return query


def _shown_version(pending: bool):
    """The version of each month a reader sees: the approved one, or with `pending` the one waiting for
    approval where there is one (a returned version is never shown)."""
    if not pending:
        return MonthState.approved_upload_id
    return case((MonthState.state == PENDING, MonthState.upload_id), else_=MonthState.approved_upload_id)


def _shown(query, table, *, pending: bool, **filters):
    """Keep the rows of the version each month shows (see `_shown_version`). The page's filters (counties,
    programme, year) go to month_state too: PostgreSQL does not carry them across the join, and would
    otherwise read every state of the country into a hash (measured: docs/benchmarks.md)."""
    query = query.join(
        MonthState,
        and_(
            MonthState.county_code == table.county_code,
            MonthState.program == table.program,
            MonthState.month == table.month,
            table.upload_id == _shown_version(pending),
        ),
    )
    return _filtered(query, MonthState, **filters)


def _waiting(table):
    """1 where the row is of a version waiting for approval (shown only with `pending`), else 0."""
    return case((MonthState.approved_upload_id == table.upload_id, 0), else_=1)


def monthly_totals(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    year: int | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """Figures per county, programme and month (new/exited null where no earlier month is stored), of the
    approved versions, or with `pending` of those waiting for approval where there are (`pending` column 1)."""
    sums = [func.sum(getattr(MonthlyFigure, name)).label(name) for name in _COUNT_COLUMNS]
    query = select(
        MonthlyFigure.county_code,
        MonthlyFigure.program,
        MonthlyFigure.month,
        *sums,
        (func.sum(MonthlyFigure.amount_fen) / 100.0).label("amount"),
        func.max(MonthlyFigure.source).label("source"),
        func.max(_waiting(MonthlyFigure)).label("pending"),
    ).group_by(MonthlyFigure.county_code, MonthlyFigure.program, MonthlyFigure.month)
    query = _filtered(query, MonthlyFigure, counties=counties, program=program, year=year)
    query = _shown(query, MonthlyFigure, pending=pending, counties=counties, program=program, year=year)
    schema = dict.fromkeys(_COUNT_COLUMNS, pl.Int64) | {"month": pl.Date, "amount": pl.Float64, "pending": pl.Int64}
    return frame(engine, query.order_by(MonthlyFigure.county_code, MonthlyFigure.program, MonthlyFigure.month), schema)


def figures_by(
    engine: Engine,
    *,
    by: str,
    county: str,
    program: str,
    month: dt.date,
    township: str | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """One month's figures split by "township" or "category" (optionally within a township), of the version
    shown (see `monthly_totals`)."""
    column = getattr(MonthlyFigure, by)
    sums = [func.sum(getattr(MonthlyFigure, name)).label(name) for name in _COUNT_COLUMNS]
    query = (
        select(column, *sums, (func.sum(MonthlyFigure.amount_fen) / 100.0).label("amount"))
        .where(MonthlyFigure.county_code == county, MonthlyFigure.program == program, MonthlyFigure.month == month)
        .group_by(column)
        .order_by(column)
    )
    if township is not None:
        query = query.where(MonthlyFigure.township == township)
    query = _shown(query, MonthlyFigure, pending=pending, counties=[county], program=program)
    return frame(engine, query, dict.fromkeys(_COUNT_COLUMNS, pl.Int64) | {"amount": pl.Float64})


def cell_figures(
    engine: Engine,
    *,
    counties: list[str],
    program: str | None = None,
    year: int | None = None,
    month: dt.date | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """Households, persons and amount per county, programme, month, township and category (of a year, or one
    month), of the versions shown (see `monthly_totals`): the finest cells a reader can be shown, before small
    counts are hidden (warehouse.small_counts)."""
    keys = (MonthlyFigure.county_code, MonthlyFigure.program, MonthlyFigure.month, MonthlyFigure.township)
    query = select(
        *keys,
        MonthlyFigure.category,
        MonthlyFigure.households,
        MonthlyFigure.persons,
        (MonthlyFigure.amount_fen / 100.0).label("amount"),
    )
    query = _filtered(query, MonthlyFigure, counties=counties, program=program, year=year)
    if month is not None:
        query = query.where(MonthlyFigure.month == month)
    query = _shown(query, MonthlyFigure, pending=pending, counties=counties, program=program, year=year)
    schema = {"households": pl.Int64, "persons": pl.Int64, "amount": pl.Float64}
    return frame(engine, query.order_by(*keys, MonthlyFigure.category), schema)


def township_months(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    since: dt.date | None = None,
    through: dt.date | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """Figures per county, programme, township and month (categories added up) from `since` through
    `through`, of the versions shown (see `monthly_totals`): the series the anomaly checks read."""
    sums = [func.sum(getattr(MonthlyFigure, name)).label(name) for name in _COUNT_COLUMNS]
    keys = (MonthlyFigure.county_code, MonthlyFigure.program, MonthlyFigure.township, MonthlyFigure.month)
    query = select(
        *keys,
        *sums,
        (func.sum(MonthlyFigure.amount_fen) / 100.0).label("amount"),
        func.max(MonthlyFigure.source).label("source"),
    ).group_by(*keys)
    query = _filtered(query, MonthlyFigure, counties=counties, program=program)
    if since:
        query = query.where(MonthlyFigure.month >= since)
    if through:
        query = query.where(MonthlyFigure.month <= through)
    query = _shown(query, MonthlyFigure, pending=pending, counties=counties, program=program)
    schema = dict.fromkeys(_COUNT_COLUMNS, pl.Int64) | {"month": pl.Date, "amount": pl.Float64}
    return frame(engine, query.order_by(*keys), schema)


def latest_month(engine: Engine, *, pending: bool = False) -> dt.date | None:
    """The latest month any county has shown (approved, or with `pending` waiting too): where a series
    that stopped reporting counts its missing months up to."""
    shown = MonthState.approved_upload_id.is_not(None)
    if pending:
        shown = shown | (MonthState.state == PENDING)
    with engine.connect() as conn:
        return conn.execute(select(func.max(MonthState.month)).where(shown)).scalar()


def standards(engine: Engine, *, counties: list[str] | None = None, program: str | None = None) -> pl.DataFrame:
    """Benefit standards with their document and date in force, oldest first."""
    query = select(
        Standard.county_code,
        Standard.program,
        Standard.category,
        Standard.effective_from,
        Standard.yuan_per_person_month,
        Standard.document,
        Standard.source,
        Standard.note,
    )
    query = _filtered(query, Standard, counties=counties, program=program)
    order = (Standard.county_code, Standard.program, Standard.category, Standard.effective_from)
    return frame(engine, query.order_by(*order), {"effective_from": pl.Date})


def evaluations(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    program: str | None = None,
    year: int | None = None,
    ids: list[int] | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """Evaluations leadership sees: the approved ones, or with `pending` also those waiting for approval as
    a first upload (`pending` column 1). Asked for by `ids`, an evaluation comes whatever its state."""
    state = EvaluationState
    same = and_(
        state.county_code == Evaluation.county_code,
        state.program == Evaluation.program,
        state.year == Evaluation.year,
        state.kind == Evaluation.kind,
        # the filters on the state table too, which the planner does not infer across the join (as for months)
        state.county_code.in_(counties) if counties else true(),
        state.year == year if year else true(),
    )
    query = select(
        Evaluation.id,
        Evaluation.county_code,
        Evaluation.program,
        Evaluation.year,
        Evaluation.kind,
        Evaluation.evaluator,
        Evaluation.total_score,
        Evaluation.grade,
        Evaluation.budget_wan,
        Evaluation.arrived_wan,
        Evaluation.spent_wan,
        Evaluation.planned_persons,
        Evaluation.source,
        case((state.approved_evaluation_id == Evaluation.id, 0), else_=1).label("pending"),
    ).outerjoin(state, same)
    if ids is None and not pending:
        query = query.where(state.approved_evaluation_id == Evaluation.id)
    query = _filtered(query, Evaluation, counties=counties)
    if program:
        query = query.where(Evaluation.program.in_([program, "all"]))
    if year:
        query = query.where(Evaluation.year == year)
    if ids is not None:
        query = query.where(Evaluation.id.in_(ids))
    schema = {
        "total_score": pl.Float64,
        "budget_wan": pl.Float64,
        "arrived_wan": pl.Float64,
        "spent_wan": pl.Float64,
        "planned_persons": pl.Int64,
        "pending": pl.Int64,
    }
    return frame(engine, query.order_by(Evaluation.county_code, Evaluation.year, Evaluation.kind), schema)


def indicator_scores(engine: Engine, *, evaluation_ids: list[int], depth: int | None = None) -> pl.DataFrame:
    """Indicator rows of evaluations in report order; `depth=1` gives the level-1 subtotals."""
    query = select(
        IndicatorScore.evaluation_id,
        IndicatorScore.position,
        IndicatorScore.path,
        IndicatorScore.depth,
        IndicatorScore.level1,
        IndicatorScore.level2,
        IndicatorScore.level3,
        IndicatorScore.level4,
        IndicatorScore.points,
        IndicatorScore.score,
        IndicatorScore.target,
        IndicatorScore.actual,
        IndicatorScore.note,
    ).where(IndicatorScore.evaluation_id.in_(evaluation_ids))
    if depth is not None:
        query = query.where(IndicatorScore.depth == depth)
    query = query.order_by(IndicatorScore.evaluation_id, IndicatorScore.position)
    return frame(engine, query, {"points": pl.Float64, "score": pl.Float64})


def month_states(engine: Engine, *, counties: list[str] | None = None, year: int | None = None) -> pl.DataFrame:
    """Each reported county × programme × month: its approval state, who uploaded and decided, when reported."""
    query = select(
        MonthState.county_code,
        MonthState.program,
        MonthState.month,
        MonthState.state,
        MonthState.uploaded_by,
        MonthState.uploaded_at,
        MonthState.reported_at,
        MonthState.decided_by,
        MonthState.decided_at,
        MonthState.reason,
    )
    query = _filtered(query, MonthState, counties=counties, year=year)
    order = (MonthState.county_code, MonthState.program, MonthState.month)
    return frame(engine, query.order_by(*order), {"month": pl.Date})


def evaluation_states(engine: Engine, *, counties: list[str] | None = None, year: int | None = None) -> pl.DataFrame:
    """Each stored evaluation's approval state, who uploaded and decided, and whether a replacement waits."""
    state = EvaluationState
    query = select(
        state.county_code,
        state.program,
        state.year,
        state.kind,
        state.state,
        state.uploaded_by,
        state.uploaded_at,
        state.decided_by,
        state.decided_at,
        state.reason,
        case((state.approved_evaluation_id.is_(None), 0), else_=1).label("has_approved"),
    )
    if counties:
        query = query.where(state.county_code.in_(counties))
    if year:
        query = query.where(state.year == year)
    order = (state.county_code, state.year, state.program, state.kind)
    return frame(engine, query.order_by(*order), {"year": pl.Int64, "has_approved": pl.Int64})


def performance_targets(engine: Engine, *, evaluation_ids: list[int]) -> pl.DataFrame:
    """The performance-target rows (绩效指标) of evaluations, in report order."""
    query = (
        select(
            PerformanceTarget.evaluation_id,
            PerformanceTarget.position,
            PerformanceTarget.path,
            PerformanceTarget.name,
            PerformanceTarget.target,
            PerformanceTarget.actual,
            PerformanceTarget.score,
            PerformanceTarget.note,
        )
        .where(PerformanceTarget.evaluation_id.in_(evaluation_ids))
        .order_by(PerformanceTarget.evaluation_id, PerformanceTarget.position)
    )
    return frame(engine, query, {"score": pl.Float64})


def findings(
    engine: Engine,
    *,
    counties: list[str] | None = None,
    month: dt.date | None = None,
    kinds: list[str] | None = None,
    year: int | None = None,
    pending: bool = False,
) -> pl.DataFrame:
    """Findings of the versions shown (see `monthly_totals`) with the row of the uploaded file they point
    at; IDs are masked."""
    query = select(
        Finding.kind,
        Finding.county_code,
        Finding.program,
        Finding.month,
        Finding.sheet,
        Finding.row,
        Finding.id_masked,
        Finding.detail,
        Upload.file_name,
        _waiting(Finding).label("pending"),
    ).join(Upload, Upload.id == Finding.upload_id)
    query = _filtered(query, Finding, counties=counties, year=year)
    query = _shown(query, Finding, pending=pending, counties=counties, year=year)
    if month:
        query = query.where(Finding.month == month, MonthState.month == month)
    if kinds:
        query = query.where(Finding.kind.in_(kinds))
    order = (Finding.county_code, Finding.month, Finding.sheet, Finding.row, Finding.kind)
    return frame(engine, query.order_by(*order), {"month": pl.Date, "row": pl.Int64, "pending": pl.Int64})


def uploads(engine: Engine, *, kind: str | None = None, county: str | None = None) -> pl.DataFrame:
    query = select(
        Upload.id,
        Upload.kind,
        Upload.county_code,
        Upload.program,
        Upload.month,
        Upload.file_name,
        Upload.file_hash,
        Upload.rows_read,
        Upload.households,
        Upload.findings,
        Upload.uploaded_at,
        Upload.uploaded_by,
        Upload.replaces_id,
        Upload.status,
        Upload.source,
    )
    if kind:
        query = query.where(Upload.kind == kind)
    if county:
        query = query.where(Upload.county_code == county)
    return frame(engine, query.order_by(Upload.id), {"month": pl.Date})


def household_rows(engine: Engine, *, county: str, program: str, month: dt.date, pending: bool = False) -> pl.DataFrame:
    """The rows of the month's version shown (see `monthly_totals`) as they were in the file, pseudonymised
    (no names, IDs masked)."""
    shown = select(_shown_version(pending)).where(
        MonthState.county_code == county, MonthState.program == program, MonthState.month == month
    )
    with engine.connect() as conn:
        upload_id = conn.execute(shown).scalar()
        waiting = conn.execute(
            select(HouseholdReview.upload_id).where(HouseholdReview.upload_id == upload_id).limit(1)
        ).scalar()
    rows = version_rows(
        engine, county=county, program=program, month=month, upload_id=upload_id or -1, waiting=waiting is not None
    )
    return rows.drop("household_key")


def version_rows(
    engine: Engine, *, county: str, program: str, month: dt.date, upload_id: int, waiting: bool = False
) -> pl.DataFrame:
    """One stored version of a month: its rows in file order, pseudonymised, with each household's key (a
    keyed hash, to compare versions; never shown). `waiting` reads a replacement waiting for approval."""
    table = HouseholdReview if waiting else HouseholdMonth
    query = select(
        table.household_key,
        table.sheet,
        table.row,
        table.township,
        table.village,
        table.id_masked,
        table.id_valid,
        table.persons,
        table.category,
        (table.amount_fen / 100.0).label("amount"),
        table.paid_on,
    ).where(table.county_code == county, table.program == program, table.month == month, table.upload_id == upload_id)
    return frame(engine, query.order_by(table.position), {"paid_on": pl.Date, "amount": pl.Float64})


_VERSION_FIELDS = ("upload_id", "file_name", "file_hash", "uploaded_by", "uploaded_at")


def month_versions(engine: Engine, *, county: str, program: str, month: dt.date) -> dict | None:
    """The live versions of a month: {"state", "approved", "waiting"}, each version a dict of upload_id,
    file_name, file_hash, uploaded_by, uploaded_at (UTC) or None; None when the month was never reported.

    "waiting" is the newest version while it waits for approval (待审核); with no approved version it is
    a first report, whose rows are in household_month, else a replacement, whose rows are in household_review.
    """
    is_approved = Upload.id == MonthState.approved_upload_id
    is_waiting = and_(MonthState.state == PENDING, Upload.id == MonthState.upload_id)
    query = (
        select(
            MonthState.state,
            case((is_approved, "approved"), else_="waiting").label("version"),
            Upload.id.label("upload_id"),
            Upload.file_name,
            Upload.file_hash,
            Upload.uploaded_by,
            Upload.uploaded_at,
        )
        .select_from(MonthState)
        .outerjoin(Upload, or_(is_approved, is_waiting))  # outer: a month whose versions were all returned
        .where(MonthState.county_code == county, MonthState.program == program, MonthState.month == month)
    )
    found = frame(engine, query, {"version": pl.String, "upload_id": pl.Int64})
    if found.is_empty():
        return None
    versions = {"state": found["state"][0], "approved": None, "waiting": None}
    for row in found.filter(pl.col("upload_id").is_not_null()).iter_rows(named=True):
        versions[row["version"]] = {name: row[name] for name in _VERSION_FIELDS}
    return versions


def version_figures(engine: Engine, *, upload_id: int) -> pl.DataFrame:
    """One version's figures per township (households, persons, amount in yuan), in township order."""
    query = (
        select(
            MonthlyFigure.township,
            func.sum(MonthlyFigure.households).label("households"),
            func.sum(MonthlyFigure.persons).label("persons"),
            (func.sum(MonthlyFigure.amount_fen) / 100.0).label("amount"),
        )
        .where(MonthlyFigure.upload_id == upload_id)
        .group_by(MonthlyFigure.township)
        .order_by(MonthlyFigure.township)
    )
    return frame(engine, query, {"households": pl.Int64, "persons": pl.Int64, "amount": pl.Float64})


_EVALUATION_YEARS = text(
    "WITH RECURSIVE hop(year) AS (SELECT min(year) FROM evaluation UNION ALL "
    "SELECT (SELECT min(year) FROM evaluation WHERE year > hop.year) FROM hop WHERE hop.year IS NOT NULL) "
    "SELECT year FROM hop WHERE year IS NOT NULL"
)


def years(engine: Engine) -> list[int]:
    """Every year with stored months or evaluations, oldest first.

    Index lookups only, however many counties: the months' span from the upload log's index on
    month, the evaluations' years by hopping through the index on year (one lookup a year).
    """
    span = select(select(func.min(Upload.month)).scalar_subquery(), select(func.max(Upload.month)).scalar_subquery())
    with engine.connect() as conn:
        first, last = conn.execute(span).one()
        found = set(conn.execute(_EVALUATION_YEARS).scalars())
    if first is not None and last is not None:
        found |= set(range(first.year, last.year + 1))
    return sorted(found)


def finding_counts(
    engine: Engine, *, counties: list[str] | None = None, year: int | None = None, pending: bool = False
) -> pl.DataFrame:
    """Number of findings per county, programme, month and kind, of the versions shown (see `monthly_totals`)."""
    query = select(
        Finding.county_code, Finding.program, Finding.month, Finding.kind, func.count().label("findings")
    ).group_by(Finding.county_code, Finding.program, Finding.month, Finding.kind)
    query = _filtered(query, Finding, counties=counties, year=year)
    query = _shown(query, Finding, pending=pending, counties=counties, year=year)
    return frame(engine, query.order_by(Finding.county_code, Finding.month, Finding.kind), {"findings": pl.Int64})
