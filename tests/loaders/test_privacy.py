"""No raw ID number or name from an ingested roster is stored anywhere: not in any table (both backends),
not in any byte of the SQLite file and its WAL."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlmodel import SQLModel

from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv, write_xlsx
from warehouse import idkeys


def ingest_named_households(tmp_path, warehouse) -> tuple[list[str], list[str]]:
    """Store a GB18030 CSV and an XLSX naming 50 households; their ID numbers and names."""
    ids = [make_id(sequence=n) for n in range(1, 40)] + ["110105491231002", "11010519491231002x"]
    names = [f"欧阳{chr(0x5B50 + n)}{chr(0x6C34 + n)}" for n in range(len(ids))]
    rows = [
        ["鲁城街道", "东关村", name, number, "2", "700", "2023-01-10"] for name, number in zip(names, ids, strict=False)
    ]
    csv_path = write_csv(
        tmp_path / "r.csv",
        rows,
        header=["乡镇", "村", "户主姓名", "身份证号码", "保障人数", "发放金额", "发放日期"],
        encoding="gb18030",
    )
    xlsx_ids = [make_id("530427", sequence=n) for n in range(1, 10)]
    xlsx_names = [f"司马{chr(0x4E50 + n)}" for n in range(len(xlsx_ids))]
    xlsx = write_xlsx(
        tmp_path / "r.xlsx",
        {
            "Sheet1": {
                "title": "新平县2020年6月农村低保金发放花名册",
                "header": ["乡镇", "户主", "公民身份号码", "保障人口数", "月保障金额", "到账日期"],
                "rows": [["桂山街道", n, i, 1, 300, "2020-06-10"] for n, i in zip(xlsx_names, xlsx_ids, strict=False)],
            }
        },
    )
    ingest_roster(warehouse, csv_path, county="370881", month="2023-01", program="rural")
    ingest_roster(warehouse, xlsx)
    return [*ids, *xlsx_ids, "11010519491231002X"], [*names, *xlsx_names]


def test_no_table_holds_a_raw_id_or_name(tmp_path, warehouse):
    ids, names = ingest_named_households(tmp_path, warehouse)
    with warehouse.connect() as conn:
        cells = [
            str(value)
            for table in SQLModel.metadata.sorted_tables
            for row in conn.execute(select(table))
            for value in row
        ]
    assert len(cells) > 500
    everything = "\n".join(cells)
    assert "鲁城街道" in everything  # the scan sees what is stored
    leaks = [secret for secret in [*ids, *names] if secret in everything or secret.upper() in everything]
    assert leaks == []


@pytest.mark.sqlite_only
def test_sqlite_bytes_hold_no_raw_id_or_name(tmp_path, warehouse):
    ids, names = ingest_named_households(tmp_path, warehouse)
    with warehouse.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    warehouse.dispose()
    database = tmp_path / "warehouse.db"
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("warehouse.db*") if path.suffix != ".idkey")
    assert len(stored) > 10_000
    for secret in ids:
        for encoded in (secret.encode(), secret.upper().encode(), secret.encode("utf-16-le")):
            assert encoded not in stored, secret
    for name in names:
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            assert name.encode(encoding) not in stored, name
    assert database.exists()


@pytest.mark.sqlite_only
def test_the_key_is_generated_once_beside_the_warehouse_and_private(settings, tmp_path):
    first = idkeys.configured_chain(settings).keys
    assert first == idkeys.configured_chain(settings).keys and len(first) == 1 and len(first[0]) == 64
    key_file = tmp_path / "warehouse.idkey"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_short_key_from_settings_is_refused(settings, monkeypatch):
    from warehouse.settings import Settings

    with pytest.raises(idkeys.IdKeyError, match="太短"):
        idkeys.configured_chain(Settings(id_key="short"))
