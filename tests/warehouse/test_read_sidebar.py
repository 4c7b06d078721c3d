"""What the sidebar of every page reads: the registry's names and the years there are."""

from __future__ import annotations

from sqlalchemy import insert

from loaders.roster_store import ingest_roster
from tests.access.test_backup import roster
from warehouse import read
from warehouse.models import Evaluation


def test_years_are_the_stored_months_span_and_every_evaluation_year(tmp_path, warehouse):
    assert read.years(warehouse) == []
    with warehouse.begin() as conn:
        for year, program in ((2012, "rural"), (2016, "rural"), (2016, "urban"), (2027, "rural")):
            conn.execute(insert(Evaluation).values(county_code="370881", program=program, year=year, kind="self"))
    assert read.years(warehouse) == [2012, 2016, 2027]
    for month in ("2021-11", "2023-02"):
        ingest_roster(warehouse, roster(tmp_path / f"{month}.csv", 5, month), county="370881")
    assert read.years(warehouse) == [2012, 2016, 2021, 2022, 2023, 2027]


def test_county_names_in_code_order(warehouse):
    names = read.county_names(warehouse)
    assert list(names) == sorted(names) and names["370881"] == "曲阜市"
    assert names == dict(read.counties(warehouse).select("code", "name").iter_rows())
