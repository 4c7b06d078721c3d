"""The demo warehouse reproduces the seed reports' roster figures, through the real loader."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from warehouse import read


@pytest.fixture
def demo(demo_warehouse):
    return demo_warehouse


def year(frame: pl.DataFrame, y: int) -> pl.DataFrame:
    return frame.filter(pl.col("month").dt.year() == y)


def test_qufu_2023_averages_12302_persons_at_745(demo):
    months = year(read.monthly_totals(demo, counties=["370881"], program="rural"), 2023)
    assert months.height == 12
    assert months["persons"].sum() == 147_624  # 12,302 × 12
    assert round(months["amount"].sum(), 2) == 66_152_400.00
    assert months["late_households"].sum() == 0 and months["unpaid_households"].sum() >= 0
    assert (
        read.figures_by(demo, by="township", county="370881", program="rural", month=dt.date(2023, 6, 1)).height == 12
    )


def test_xinping_2020_ends_at_4102_households_8210_persons(demo):
    months = year(read.monthly_totals(demo, counties=["530427"], program="rural"), 2020)
    december = months.filter(pl.col("month") == dt.date(2020, 12, 1)).row(0, named=True)
    assert (december["households"], december["persons"]) == (4102, 8210)
    assert (months["new_households"].sum(), months["new_persons"].sum()) == (577, 1289)
    assert (months["exited_households"].sum(), months["exited_persons"].sum()) == (223, 561)
    assert round(months["amount"].sum(), 2) == 31_944_300.00
    assert months["late_households"].sum() == 0
    categories = read.figures_by(demo, by="category", county="530427", program="rural", month=dt.date(2020, 12, 1))
    assert set(categories["category"]) == {"A类", "B类", "C类"}


def test_zhanjiang_2022_on_time_rate_about_60_percent(demo):
    months = year(read.monthly_totals(demo, counties=["440840"], program="rural"), 2022)
    december = months.filter(pl.col("month") == dt.date(2022, 12, 1)).row(0, named=True)
    assert (december["households"], december["persons"]) == (1728, 5745)
    on_time = months["on_time_households"].sum() / months["households"].sum()
    assert 0.59 <= on_time <= 0.61
    assert round(months["amount"].sum(), 2) == 26_620_000.00
    assert abs(months["amount"].sum() / months["persons"].sum() - 396) <= 0.5


def test_chenggong_2023_averages_139_households_166_persons(demo):
    months = year(read.monthly_totals(demo, counties=["530114"], program="urban"), 2023)
    assert (months["households"].sum(), months["persons"].sum()) == (1668, 1992)
    assert (months["new_households"].sum(), months["new_persons"].sum()) == (16, 17)
    assert (months["exited_households"].sum(), months["exited_persons"].sum()) == (10, 14)
    assert round(months["amount"].sum(), 2) == 1_164_685.00


def test_unnamed_county_2023_december_and_total(demo):
    months = year(read.monthly_totals(demo, counties=["900001"]), 2023)
    december = months.filter(pl.col("month") == dt.date(2023, 12, 1))
    assert dict(december.select("program", "households").iter_rows()) == {"rural": 4605, "urban": 820}
    assert dict(december.select("program", "persons").iter_rows()) == {"rural": 9060, "urban": 1363}
    assert round(months["amount"].sum(), 2) == 54_393_900.00


def test_every_finding_kind_appears_and_synthetic_is_marked(demo):
    found = read.findings(demo)
    assert set(found["kind"]) == {
        "invalid_id",
        "duplicate_household",
        "cross_county_duplicate",
        "over_standard",
        "late_payment",
        "unpaid",
    }
    assert set(read.monthly_totals(demo)["source"]) == {"synthetic"}
    seeds = read.evaluations(demo).filter(pl.col("source") == "seed")
    assert seeds.height == 5
    assert (
        read.evaluations(demo)
        .filter(pl.col("source") == "synthetic")
        .filter(
            pl.struct("county_code", "year").is_in(seeds.select(pl.struct("county_code", "year")).to_series().implode())
        )
        .is_empty()
    )
