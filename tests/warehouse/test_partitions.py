"""household_month is partitioned by month on PostgreSQL; each upload makes the partition its month needs."""

from __future__ import annotations

from sqlalchemy import text

from loaders.ingest import ingest_roster
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
