"""`dibao demo --counties N`: synthetic counties whose figures hold together, written whole, run again safely."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import func, select

from demo import SEEDS
from demo.scale import build_scale
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from rubrics.load import library
from warehouse import read
from warehouse.models import County, Evaluation, MonthlyFigure, Upload

YEARS = range(2022, 2025)


def _count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar()


def test_every_page_figure_holds_together(empty_warehouse):
    summary = build_scale(empty_warehouse, counties=4, years=YEARS, user="测试员")
    assert "4 个演示县区（新建 4 个）" in summary

    registry = read.counties(empty_warehouse)
    assert registry["code"].to_list() == ["800001", "800002", "800003", "800004"]
    assert registry["province"].n_unique() == 4  # spread over provinces, as a national warehouse is
    assert read.years(empty_warehouse) == [2022, 2023, 2024]

    months = read.monthly_totals(empty_warehouse)
    assert months.group_by("county_code", "program").len()["len"].to_list() == [36] * 8
    assert (months["on_time_households"] + months["late_households"] + months["unpaid_households"]).equals(
        months["households"]
    )
    # Each month's households are last month's plus those who came in, less those who left.
    flows = months.sort("county_code", "program", "month").with_columns(
        previous=pl.col("households").shift(1).over("county_code", "program")
    )
    first, later = flows.filter(pl.col("previous").is_null()), flows.filter(pl.col("previous").is_not_null())
    assert first["month"].unique().to_list() == [dt.date(2022, 1, 1)] and first["new_households"].is_null().all()
    assert (later["previous"] + later["new_households"] - later["exited_households"]).equals(later["households"])
    assert (later["exited_households"] >= 0).all() and (later["new_households"] >= 0).all()
    assert months["late_households"].sum() > 0 and months["unpaid_households"].sum() > 0

    # The upload log's totals are the sums of the figures each upload stored.
    uploads = read.uploads(empty_warehouse, kind="roster")
    assert uploads.height == 4 * 2 * 36 and uploads["status"].unique().to_list() == ["active"]
    assert uploads["households"].sum() == months["households"].sum()
    findings = read.findings(empty_warehouse)
    assert findings.height == uploads["findings"].sum() > 0
    assert set(findings["kind"]) <= {"late_payment", "over_standard", "invalid_id", "duplicate_household", "unpaid"}
    assert findings["id_masked"].str.contains(r"^\d{6}\*{8}\d{4}$").all()

    # Standards rise each January; the money paid follows them.
    rural = read.standards(empty_warehouse, counties=["800001"], program="rural")
    assert rural["effective_from"].to_list() == [dt.date(year, 1, 1) for year in YEARS]
    assert rural["yuan_per_person_month"].is_sorted() and rural["yuan_per_person_month"].n_unique() == 3

    evaluations = read.evaluations(empty_warehouse)
    assert evaluations.height == 4 * 3
    grade = library()["mof-2020"].grade
    indicators = read.indicator_scores(empty_warehouse, evaluation_ids=evaluations["id"].to_list())
    for evaluation in evaluations.iter_rows(named=True):
        tree = indicators.filter(pl.col("evaluation_id") == evaluation["id"])
        assert tree.filter(depth=1)["score"].sum() == pytest.approx(evaluation["total_score"], abs=0.011)
        assert evaluation["grade"] == grade(evaluation["total_score"])
        for parent in tree.filter(pl.col("depth") < tree["depth"].max()).iter_rows(named=True):
            children = tree.filter(
                pl.col("path").str.starts_with(parent["path"] + "/"), pl.col("depth") == parent["depth"] + 1
            )
            if not children.is_empty():
                assert parent["score"] == pytest.approx(children["score"].sum(), abs=0.011)
                assert (children["score"] <= children["points"]).all()


def test_run_again_adds_nothing_and_a_larger_count_adds_the_rest(empty_warehouse):
    build_scale(empty_warehouse, counties=2, years=YEARS, user="测试员")
    figures = _count(empty_warehouse, MonthlyFigure)
    again = build_scale(empty_warehouse, counties=2, years=YEARS, user="测试员")
    assert "新建 0 个" in again and _count(empty_warehouse, MonthlyFigure) == figures

    build_scale(empty_warehouse, counties=3, years=YEARS, user="测试员")
    assert _count(empty_warehouse, County) == 3
    third = read.monthly_totals(empty_warehouse, counties=["800003"])
    assert third.height == 2 * 36 and _count(empty_warehouse, MonthlyFigure) > figures
    with empty_warehouse.connect() as conn:
        per_upload = conn.execute(select(MonthlyFigure.upload_id, MonthlyFigure.county_code).distinct()).all()
        owners = dict(conn.execute(select(Upload.id, Upload.county_code)).all())
    # Every figure points at an upload of its own county: ids numbered by the batches never collide.
    assert all(owners[upload_id] == county for upload_id, county in per_upload)


def test_the_normal_loaders_go_on_numbering_after_it(empty_warehouse):
    """The batches number uploads and evaluations themselves; later uploads must not collide with them."""
    build_scale(empty_warehouse, counties=2, years=YEARS, user="测试员")
    ingest_counties(empty_warehouse, SEEDS / "counties.csv", user="测试员")
    ingest_evaluation(empty_warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv", user="测试员")
    with empty_warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Evaluation)).scalar() == 2 * 3 + 1
        assert conn.execute(select(func.count(func.distinct(Upload.id)))).scalar() == _count(empty_warehouse, Upload)
    assert "曲阜市" in read.counties(empty_warehouse)["name"].to_list()
