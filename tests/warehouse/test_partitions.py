"""household_month is partitioned by month on PostgreSQL; each upload makes the partition its month needs."""

from __future__ import annotations

from sqlalchemy import text

from loaders.roster_store import ingest_roster
from tests.access.test_backup import roster
from warehouse import partitions


def test_each_month_gets_its_partition_and_its_rows_live_there(tmp_path, warehouse, backend):
    for month, households in (("2023-01", 30), ("2023-02", 20), ("2023-01", 25)):  # January replaced
        ingest_roster(warehouse, roster(tmp_path / f"{month}-{households}.csv", households, month), county="370881")
    if backend == "sqlite":
        assert partitions.months(warehouse) == []
        return
    names = partitions.months(warehouse)
    assert names == ["household_month_2023_01", "household_month_2023_02"]
    with warehouse.connect() as conn:
        counts = [conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in names]
        plan = "\n".join(
            conn.execute(text("EXPLAIN SELECT * FROM household_month WHERE month = '2023-02-01'")).scalars()
        )
    assert counts == [25, 20]
    assert "household_month_2023_02" in plan and "household_month_2023_01" not in plan  # one month, one table


def test_each_month_has_a_household_key_index_that_the_cross_county_check_uses(tmp_path, warehouse, backend):
    ingest_roster(warehouse, roster(tmp_path / "jan.csv", 2000, "2023-01"), county="370881")
    with warehouse.connect() as conn:
        if backend == "sqlite":  # a few counties: the check reads the month, no index to maintain
            names = conn.execute(text("SELECT name FROM sqlite_master WHERE tbl_name = 'household_month'")).scalars()
            assert "ix_household_month_key" not in list(names)
            return
        indexes = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename = 'household_month_2023_01'"))
        assert any("USING hash (household_key)" in definition for definition in indexes.scalars())
        conn.execute(text("ANALYZE household_month"))
        plan = "\n".join(
            conn.execute(
                text(
                    "EXPLAIN SELECT household_key FROM household_month WHERE month = '2023-01-01' "
                    "AND county_code <> '440840' AND household_key = ANY(:keys)"
                ),
                {"keys": ["0" * 32, "f" * 32]},
            ).scalars()
        )
    assert "household_month_2023_01_household_key_idx" in plan


def test_an_older_warehouse_gets_the_indexes_added_since(warehouse, backend):
    from warehouse.db import init_warehouse

    with warehouse.begin() as conn:
        conn.execute(text("DROP INDEX ix_upload_month"))
    init_warehouse(warehouse)
    with warehouse.connect() as conn:
        query = (
            "SELECT name FROM sqlite_master WHERE type = 'index'"
            if backend == "sqlite"
            else "SELECT indexname FROM pg_indexes WHERE tablename = 'upload'"
        )
        assert "ix_upload_month" in list(conn.execute(text(query)).scalars())
