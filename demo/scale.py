"""`dibao demo --counties N --years Y`: a warehouse the size of a province or the country, for the benchmarks.

Adds N synthetic counties (codes 800001, 800002, …, in 31 provinces) with Y years of what the
pages read: townships, benefit standards, one upload per county, programme and month with
its monthly figures per township and category, a few findings, and one scored evaluation
per county and year with the indicator tree of the 曲阜 seed report. No roster rows are
made: at national scale they are over 20 million households a month, and no page reads them in
bulk (the findings page opens one county-month; the benchmark of that is the ingest one).

Rows are built by polars, per batch of counties, and written through the same bulk path
as the loaders (`warehouse.bulk.insert_frame`), one transaction a batch: a batch is there
whole or not at all, and a second run skips counties already there, so the command can be
stopped and run again, or run with a larger N to grow the warehouse. Every figure is drawn
from hashes of its place and month, so the same N and Y give the same warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine, func, select, text

from demo import SEEDS
from rubrics.load import library
from warehouse import audit
from warehouse.bulk import insert_frame
from warehouse.evaluation_states import DEMO_REASON as EVALUATION_DEMO_REASON
from warehouse.models import CHANGE_FIGURES, FIGURES, County, Evaluation, Upload
from warehouse.month_states import APPROVED, DEMO, DEMO_REASON
from warehouse.vocabulary import PROGRAM_WORDS

FIRST_CODE = 800_001  # no real county-level code starts with 8
PROVINCES = 31
BATCH = 25  # counties a transaction: about 140,000 figure rows for 10 years
CATEGORIES = {"A类": (0.2, 1.0), "B类": (0.5, 0.7), "C类": (0.3, 0.45)}  # share of households, share of the standard
SOURCE = "synthetic"
TEMPLATE = SEEDS / "evaluations" / "370881_2023_rural.csv"  # the indicator tree every synthetic evaluation uses


@dataclass(frozen=True)
class Place:
    """One synthetic county's fixed traits, drawn once from its code."""

    code: str
    name: str
    province: str
    prefecture: str
    deadline_day: int | None
    streets: int  # townships paying the urban programme (街道)
    towns: int  # townships paying the rural programme (镇、乡)
    households: int  # households paid in the first month of the span, both programmes
    urban_share: float
    rural_standard: float  # 元/人/月 in the first year
    urban_standard: float
    raise_per_year: float
    punctuality: float  # 0–1: how rarely payments are late
    quality: float  # 0–1: how well its evaluations score

    @classmethod
    def draw(cls, number: int) -> Place:
        rng = random.Random(f"scale-county-{number}")
        province = (number - 1) % PROVINCES + 1
        return cls(
            code=str(FIRST_CODE + number - 1),
            name=f"演示{province:02d}省{number:04d}县",
            province=f"演示省{province:02d}",
            prefecture=f"演示{province:02d}省{(number - 1) // PROVINCES // 8 + 1:02d}市",
            deadline_day=rng.choice((None, None, 10, 15, 20, 25)),
            streets=rng.randint(1, 6),
            towns=rng.randint(5, 20),
            households=rng.randint(2_500, 16_000),
            urban_share=rng.uniform(0.08, 0.3),
            rural_standard=rng.randrange(240, 460, 5),
            urban_standard=rng.randrange(400, 620, 10),
            raise_per_year=rng.uniform(0.03, 0.09),
            punctuality=rng.uniform(0.6, 1.0),
            quality=rng.uniform(0.75, 0.98),
        )


def build_scale(
    engine: Engine,
    *,
    counties: int,
    years: range,
    user: str,
    progress: Callable[[str], None] = lambda _: None,
) -> str:
    """Add the first `counties` synthetic counties over `years`; return a summary line."""
    started = time.perf_counter()
    places = [Place.draw(number) for number in range(1, counties + 1)]
    present = _present(engine, [place.code for place in places])
    missing = [place for place in places if place.code not in present]
    template = indicator_template()
    totals = dict.fromkeys(("upload", "monthly_figure", "month_state", "finding", "evaluation", "indicator_score"), 0)
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        written = _write_batch(engine, batch, years=years, template=template, user=user)
        totals = {table: totals[table] + written.get(table, 0) for table in totals}
        progress(f"演示县区 {len(present) + start + len(batch)}/{counties}")
    if missing and engine.dialect.name == "postgresql":
        # Fresh statistics: the planner's first reads would otherwise guess the new rows' counts (measured
        # 4.5× slower before autovacuum caught up; docs/benchmarks.md).
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    if missing:
        audit.record(
            engine,
            actor=user,
            action="demo_scale",
            detail=f"{len(missing)} 个演示县区，{years.start}–{years.stop - 1} 年；"
            f"{totals['month_state']:,} 个月份预置为已审核（{DEMO}，合成数据，无人审核）",
        )
    seconds = time.perf_counter() - started
    return (
        f"规模演示数据：{counties} 个演示县区（新建 {len(missing)} 个），{years.start}–{years.stop - 1} 年；"
        f"新增上传记录 {totals['upload']:,}、月度数据 {totals['monthly_figure']:,}、数据问题 {totals['finding']:,}、"
        f"评价 {totals['evaluation']:,}、指标得分 {totals['indicator_score']:,} 行，用时 {seconds:.0f} 秒"
    )


def _present(engine: Engine, codes: list[str]) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(County.code).where(County.code.in_(codes))).scalars())


def _write_batch(
    engine: Engine, places: list[Place], *, years: range, template: pl.DataFrame, user: str
) -> dict[str, int]:
    months = pl.date_range(dt.date(years.start, 1, 1), dt.date(years.stop - 1, 12, 1), "1mo", eager=True)
    registry = county_rows(places)
    towns = township_rows(places)
    rates = standard_rows(places, years)
    figures = figure_rows(places, towns, rates, months)
    with engine.begin() as conn:
        upload_id = _reserve_ids(conn, "upload")
        insert_frame(conn, "county", registry)
        insert_frame(conn, "township", towns.select("county_code", "code", "name", "source", "note"))
        insert_frame(conn, "standard", rates)
        uploads = upload_rows(figures, first_id=upload_id, user=user)
        found = finding_rows(uploads, places)
        uploads = uploads.join(
            found.group_by("upload_id").len("findings"), left_on="id", right_on="upload_id", how="left"
        )
        evaluations = evaluation_rows(places, figures, years, template)
        evaluation_uploads = upload_rows_for_evaluations(evaluations, first_id=upload_id + uploads.height, user=user)
        evaluations = evaluations.with_columns(
            upload_id=evaluation_uploads["id"], id=pl.int_range(pl.len()) + _reserve_ids(conn, "evaluation")
        )
        written = {
            "upload": insert_frame(
                conn,
                "upload",
                pl.concat(
                    [uploads.with_columns(pl.col("findings").fill_null(0)), evaluation_uploads], how="diagonal_relaxed"
                ),
            ),
            "monthly_figure": insert_frame(
                conn,
                "monthly_figure",
                figures.join(
                    uploads.select("id", "county_code", "program", "month"), on=("county_code", "program", "month")
                )
                .rename({"id": "upload_id"})
                .drop("standard"),
            ),
            "month_state": insert_frame(conn, "month_state", month_state_rows(uploads)),
            "finding": insert_frame(conn, "finding", found),
            "evaluation": insert_frame(conn, "evaluation", evaluations.drop("quality")),
            "evaluation_state": insert_frame(
                conn, "evaluation_state", evaluation_state_rows(evaluations, evaluation_uploads)
            ),
            "indicator_score": insert_frame(conn, "indicator_score", indicator_rows(evaluations, template)),
        }
        for table in ("upload", "evaluation"):
            _advance_sequence(conn, table)
    return written


def _reserve_ids(conn: Connection, table: str) -> int:
    """The first free id of a table whose rows this transaction numbers itself (the figures point at uploads)."""
    if conn.dialect.name == "postgresql":
        # Nobody else adds uploads or evaluations until this batch commits, so the ids stay free.
        conn.execute(text(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE'))
    model = {"upload": Upload, "evaluation": Evaluation}[table]
    return (conn.execute(select(func.max(model.id))).scalar() or 0) + 1


def _advance_sequence(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"))


# --- the rows ------------------------------------------------------------------------------


def _uniform(*columns: str | pl.Expr, seed: int) -> pl.Expr:
    """A number in [0, 1) drawn from the hash of the given columns: the same place and month, the same draw."""
    return pl.struct(*columns).hash(seed) % 1_000_003 / 1_000_003


def county_rows(places: list[Place]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": [place.code for place in places],
            "name": [place.name for place in places],
            "short_names": [place.name for place in places],
            "province": [place.province for place in places],
            "prefecture": [place.prefecture for place in places],
            "deadline_day": [place.deadline_day for place in places],
            "source": SOURCE,
            "note": "dibao demo --counties：规模测试用的合成县区，数字均为随机生成",
        },
        schema_overrides={"deadline_day": pl.Int64},
    )


def township_rows(places: list[Place]) -> pl.DataFrame:
    """Every township with the programme it pays and its share of the county's households of that programme."""
    rows = []
    for place in places:
        rng = random.Random(f"scale-townships-{place.code}")
        for program, count, word in (("urban", place.streets, "街道"), ("rural", place.towns, "镇")):
            weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
            for index, weight in enumerate(weights, start=1):
                number = index if program == "urban" else place.streets + index
                rows.append(
                    {
                        "county_code": place.code,
                        "code": f"{place.code}{number:03d}",
                        "name": f"第{number}{word}",
                        "program": program,
                        "weight": weight / sum(weights),
                    }
                )
    return pl.DataFrame(rows).with_columns(source=pl.lit(SOURCE), note=pl.lit(""))


def standard_rows(places: list[Place], years: range) -> pl.DataFrame:
    """One standard a programme and year, raised each January by the county's yearly rate."""
    rows = []
    for place in places:
        for program, first in (("rural", place.rural_standard), ("urban", place.urban_standard)):
            for offset, year in enumerate(years):
                rows.append(
                    {
                        "county_code": place.code,
                        "program": program,
                        "category": "",
                        "effective_from": dt.date(year, 1, 1),
                        "yuan_per_person_month": float(round(first * (1 + place.raise_per_year) ** offset / 5) * 5),
                        "document": f"{place.name}民政局关于调整{year}年{PROGRAM_WORDS[program]}低保标准的通知（演示）",
                    }
                )
    return pl.DataFrame(rows).with_columns(source=pl.lit(SOURCE), note=pl.lit(""))


def figure_rows(places: list[Place], towns: pl.DataFrame, rates: pl.DataFrame, months: pl.Series) -> pl.DataFrame:
    """Figures per county × programme × month × township × category, households drifting down slowly."""
    traits = pl.DataFrame(
        {
            "county_code": [place.code for place in places],
            "county_households": [place.households for place in places],
            "urban_share": [place.urban_share for place in places],
            "punctuality": [place.punctuality for place in places],
        }
    )
    categories = pl.DataFrame(
        {
            "category": list(CATEGORIES),
            "category_share": [share for share, _ in CATEGORIES.values()],
            "paid_share": [paid for _, paid in CATEGORIES.values()],
        }
    )
    cells = (
        towns.select("county_code", "program", pl.col("name").alias("township"), "weight")
        .join(traits, on="county_code")
        .join(categories, how="cross")
        .join(pl.DataFrame({"month": months}), how="cross")
        .with_columns(
            step=(pl.col("month").dt.year() - months[0].year) * 12 + pl.col("month").dt.month() - 1,
            program_share=pl.when(pl.col("program") == "urban")
            .then(pl.col("urban_share"))
            .otherwise(1 - pl.col("urban_share")),
            size=1.5 + 0.6 * _uniform("county_code", "township", "category", seed=1),
        )
    )
    cell = ("county_code", "program", "township", "category")
    households = (
        pl.col("county_households")
        * pl.col("program_share")
        * pl.col("weight")
        * pl.col("category_share")
        * (1 - 0.0025 * pl.col("step"))
        * (0.98 + 0.04 * _uniform(*cell, "month", seed=2))
    )
    late = pl.when(_uniform("county_code", "month", seed=3) > pl.col("punctuality")).then(
        (pl.col("households") * 0.3 * _uniform(*cell, "month", seed=4)).round()
    )
    cells = cells.with_columns(households=households.round().clip(1).cast(pl.Int64)).with_columns(
        persons=(pl.col("households") * pl.col("size")).round().cast(pl.Int64),
        late_households=late.otherwise(0).cast(pl.Int64),
        unpaid_households=(pl.col("households") * 0.004 * _uniform(*cell, "month", seed=5)).round().cast(pl.Int64),
        # the smaller the households, the more of them are one person (a share of 0.1–0.9)
        one_person_households=(pl.col("households") * (2.6 - pl.col("size")).clip(0.1, 0.9)).round().cast(pl.Int64),
    )
    year_rates = rates.select(
        "county_code", "program", pl.col("effective_from").dt.year().alias("year"), pl.col("yuan_per_person_month")
    )
    moved = (pl.col("households") * 0.012 * _uniform(*cell, "month", seed=6)).round()
    previous = pl.col("households").shift(1).over(cell, order_by="month")
    return (
        cells.with_columns(year=pl.col("month").dt.year())
        .join(year_rates, on=("county_code", "program", "year"))
        .with_columns(
            amount_fen=(pl.col("persons") * pl.col("yuan_per_person_month") * pl.col("paid_share") * 100).cast(
                pl.Int64
            ),
            on_time_households=pl.col("households") - pl.col("late_households") - pl.col("unpaid_households"),
            new_households=pl.when(previous.is_not_null()).then((pl.col("households") - previous).clip(0) + moved),
        )
        .with_columns(exited_households=previous + pl.col("new_households") - pl.col("households"))
        .with_columns(
            new_persons=(pl.col("new_households") * pl.col("size")).round(),
            exited_persons=(pl.col("exited_households") * pl.col("size")).round(),
            source=pl.lit(SOURCE),
        )
        .with_columns(pl.col(CHANGE_FIGURES).cast(pl.Int64))
        .select(
            "county_code",
            "program",
            "month",
            "township",
            "category",
            *FIGURES,
            "source",
            pl.col("yuan_per_person_month").alias("standard"),
        )
        .sort("county_code", "program", "month", "township", "category")
    )


def upload_rows(figures: pl.DataFrame, *, first_id: int, user: str) -> pl.DataFrame:
    """One roster upload a county, programme and month, with the totals a real upload logs."""
    slots = (
        figures.group_by("county_code", "program", "month")
        .agg(pl.col("households", "persons", "amount_fen").sum())
        .sort("county_code", "program", "month")
    )
    word = pl.col("program").replace_strict(PROGRAM_WORDS)
    name = pl.format("{}年{}月{}低保发放名册.xlsx", pl.col("month").dt.year(), pl.col("month").dt.month(), word)
    return slots.with_columns(
        id=pl.int_range(pl.len()) + first_id,
        kind=pl.lit("roster"),
        file_name=pl.concat_str(pl.col("county_code"), pl.lit("_"), name),
        file_hash=pl.Series([_fake_hash(key) for key in slots.select(pl.format("{}{}{}", *slots.columns[:3]))[:, 0]]),
        rows_read=pl.col("households"),
        rows_stored=pl.col("households"),
        uploaded_at=(pl.col("month").dt.offset_by("1mo").cast(pl.Datetime("us")) + pl.duration(days=5, hours=9)),
        uploaded_by=pl.lit(user),
        status=pl.lit("active"),
        source=pl.lit(SOURCE),
    )


def month_state_rows(uploads: pl.DataFrame) -> pl.DataFrame:
    """Each synthetic month approved by 「演示数据」 (no person reviewed it, and the audit line says so),
    reported when its upload is dated."""
    return uploads.select(
        "county_code",
        "program",
        "month",
        pl.lit(APPROVED).alias("state"),
        pl.col("id").alias("upload_id"),
        pl.col("id").alias("approved_upload_id"),
        "uploaded_by",
        "uploaded_at",
        pl.col("uploaded_at").alias("reported_at"),
        pl.lit(DEMO).alias("decided_by"),
        pl.col("uploaded_at").alias("decided_at"),
        pl.lit(DEMO_REASON).alias("reason"),
    )


def evaluation_state_rows(evaluations: pl.DataFrame, uploads: pl.DataFrame) -> pl.DataFrame:
    """Each synthetic evaluation approved by 「演示数据」, as its months are."""
    return evaluations.select(
        "county_code",
        "program",
        "year",
        "kind",
        pl.lit(APPROVED).alias("state"),
        "upload_id",
        pl.col("id").alias("approved_evaluation_id"),
        pl.lit(uploads["uploaded_by"][0] if uploads.height else DEMO).alias("uploaded_by"),
        uploads["uploaded_at"].alias("uploaded_at"),
        pl.lit(DEMO).alias("decided_by"),
        uploads["uploaded_at"].alias("decided_at"),
        pl.lit(EVALUATION_DEMO_REASON).alias("reason"),
    )


def upload_rows_for_evaluations(evaluations: pl.DataFrame, *, first_id: int, user: str) -> pl.DataFrame:
    return evaluations.select(
        pl.int_range(pl.len()).alias("id") + first_id,
        pl.lit("evaluation").alias("kind"),
        "county_code",
        pl.lit("all").alias("program"),
        pl.format("{}_{}年度绩效评价得分表.csv", "county_code", "year").alias("file_name"),
        pl.Series(
            "file_hash",
            [
                _fake_hash(f"evaluation{code}{year}")
                for code, year in evaluations.select("county_code", "year").iter_rows()
            ],
        ),
        *(pl.lit(0).alias(name) for name in ("rows_read", "rows_stored", "households", "persons", "amount_fen")),
        pl.lit(0).alias("findings"),
        (pl.date(pl.col("year") + 1, 3, 31).cast(pl.Datetime("us")) + pl.duration(hours=10)).alias("uploaded_at"),
        pl.lit(user).alias("uploaded_by"),
        pl.lit("active").alias("status"),
        pl.lit(SOURCE).alias("source"),
    )


def _fake_hash(key: str) -> str:
    return hashlib.sha256(f"scale-{key}".encode()).hexdigest()


FINDING_KINDS = {
    "late_payment": "逾期发放（演示）",
    "over_standard": "发放金额超过保障标准（演示）",
    "invalid_id": "身份证号校验位不符（演示）",
    "duplicate_household": "同一户在名册中出现两次（演示）",
    "unpaid": "发放金额为 0（演示）",
}


def finding_rows(uploads: pl.DataFrame, places: list[Place]) -> pl.DataFrame:
    """A few findings an upload, more where the county pays late; IDs masked as the loader masks them."""
    kinds = list(FINDING_KINDS)
    punctuality = pl.DataFrame(
        {"county_code": [place.code for place in places], "punctuality": [place.punctuality for place in places]}
    )
    counts = (uploads.join(punctuality, on="county_code")).with_columns(
        found=((1.2 - pl.col("punctuality")) * 8 * _uniform("id", seed=7)).floor().cast(pl.Int64)
    )
    found = counts.select("id", "county_code", "program", "month", "households", "found").filter(pl.col("found") > 0)
    found = found.with_columns(number=pl.int_ranges(pl.col("found"))).explode("number")
    pick = _uniform("id", "number", seed=8)
    kind = pl.lit(kinds[-1])
    for index in range(len(kinds) - 1, -1, -1):
        kind = pl.when(pick < (index + 1) / len(kinds)).then(pl.lit(kinds[index])).otherwise(kind)
    return found.select(
        pl.col("id").alias("upload_id"),
        "county_code",
        "program",
        "month",
        kind.alias("kind"),
        pl.lit("Sheet1").alias("sheet"),
        (3 + (_uniform("id", "number", seed=9) * pl.col("households")).floor()).cast(pl.Int64).alias("row"),
        pl.format("{}********{}", pl.col("county_code"), (1000 + pl.col("number") * 37 % 9000).cast(pl.String)).alias(
            "id_masked"
        ),
        kind.replace_strict(FINDING_KINDS).alias("detail"),
    )


def indicator_template() -> pl.DataFrame:
    """The 曲阜 2023 report's indicator tree: position, path, depth, levels, points, and whether a row is a leaf."""
    sheet = pl.read_csv(TEMPLATE, infer_schema=False)
    levels = sheet.select(
        pl.col("一级指标").alias("level1"),
        pl.col("二级指标").fill_null("").alias("level2"),
        pl.col("三级指标").fill_null("").alias("level3"),
        pl.col("四级指标").fill_null("").alias("level4"),
        pl.col("分值").cast(pl.Float64).alias("points"),
    )
    names = pl.concat_list("level1", "level2", "level3", "level4").list.eval(pl.element().filter(pl.element() != ""))
    tree = levels.with_columns(
        position=pl.int_range(pl.len()), path=names.list.join("/"), depth=names.list.len().cast(pl.Int64)
    )
    paths = tree["path"].to_list()
    leaves = [not any(other.startswith(path + "/") for other in paths) for path in paths]
    return tree.with_columns(leaf=pl.Series(leaves))


def evaluation_rows(places: list[Place], figures: pl.DataFrame, years: range, template: pl.DataFrame) -> pl.DataFrame:
    """One self-evaluation a county and year, its total the sum of the leaves indicator_rows will draw."""
    budgets = figures.group_by("county_code", year=pl.col("month").dt.year()).agg(
        (pl.col("amount_fen").sum() / 1_000_000).alias("spent_wan"), (pl.col("persons").sum() / 12).alias("persons")
    )
    base = pl.DataFrame(
        {
            "county_code": [place.code for place in places for _ in years],
            "year": [year for _ in places for year in years],
            "quality": [place.quality for place in places for _ in years],
        }
    ).join(budgets, on=("county_code", "year"))
    scores = _leaf_scores(base.select("county_code", "year", "quality"), template)
    totals = scores.group_by("county_code", "year").agg(pl.col("score").sum().round(2).alias("total_score"))
    grade = library()["mof-2020"].grade
    return (
        base.join(totals, on=("county_code", "year"))
        .with_columns(
            program=pl.lit("all"),
            kind=pl.lit("self"),
            evaluator=pl.lit("演示评价工作组"),
            grade=pl.col("total_score").map_elements(grade, return_dtype=pl.String),
            rubric=pl.lit(""),
            budget_wan=(pl.col("spent_wan") * 1.03).round(2),
            arrived_wan=(pl.col("spent_wan") * 1.01).round(2),
            spent_wan=pl.col("spent_wan").round(2),
            planned_persons=(pl.col("persons") * 1.02).round().cast(pl.Int64),
            source=pl.lit(SOURCE),
        )
        .drop("persons")
        .sort("county_code", "year")
    )


def _leaf_scores(evaluations: pl.DataFrame, template: pl.DataFrame) -> pl.DataFrame:
    """Each leaf's score: its points times the county's quality, give or take a little, never above the points."""
    draw = _uniform("county_code", "year", "position", seed=10)
    return (
        evaluations.join(template.filter("leaf"), how="cross")
        .with_columns(score=(pl.col("points") * (pl.col("quality") - 0.1 + 0.2 * draw).clip(0, 1)).round(2))
        .select("county_code", "year", "position", "path", "score")
    )


def indicator_rows(evaluations: pl.DataFrame, template: pl.DataFrame) -> pl.DataFrame:
    """Every indicator of every evaluation: leaves as drawn, each subtotal the sum of the leaves below it."""
    leaves = _leaf_scores(evaluations.select("county_code", "year", "quality"), template)
    parents = template.filter(~pl.col("leaf")).select("position", pl.col("path").alias("parent"))
    subtotals = (
        leaves.join(parents, how="cross")
        .filter(pl.col("path").str.starts_with(pl.col("parent") + "/"))
        .group_by("county_code", "year", pl.col("position_right").alias("position"))
        .agg(pl.col("score").sum().round(2))
    )
    scores = pl.concat([leaves.select("county_code", "year", "position", "score"), subtotals])
    return (
        evaluations.select("id", "county_code", "year")
        .join(template, how="cross")
        .join(scores, on=("county_code", "year", "position"), how="left")
        .select(
            pl.col("id").alias("evaluation_id"),
            "position",
            "path",
            "depth",
            "level1",
            "level2",
            "level3",
            "level4",
            "points",
            "score",
            pl.lit("").alias("target"),
            pl.lit("").alias("actual"),
            pl.lit("").alias("note"),
        )
    )
