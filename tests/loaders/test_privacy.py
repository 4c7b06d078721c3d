"""No raw ID number or name from an ingested roster is stored anywhere in the SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from loaders.ingest import ingest_roster
from tests.files import make_id, write_csv, write_xlsx
from warehouse.settings import id_key


def test_sqlite_bytes_hold_no_raw_id_or_name(tmp_path, warehouse, settings):
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
    with warehouse.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    warehouse.dispose()
    database = tmp_path / "warehouse.db"
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("warehouse.db*") if path.suffix != ".idkey")
    assert len(stored) > 10_000
    for secret in ids + xlsx_ids + ["11010519491231002X"]:
        for encoded in (secret.encode(), secret.upper().encode(), secret.encode("utf-16-le")):
            assert encoded not in stored, secret
    for name in names + xlsx_names:
        for encoding in ("utf-8", "gb18030", "utf-16-le"):
            assert name.encode(encoding) not in stored, name
    assert database.exists()


def test_the_key_is_generated_once_beside_the_warehouse_and_private(settings, tmp_path):
    first = id_key(settings)
    assert first == id_key(settings) and len(first) == 64
    key_file = tmp_path / "warehouse.idkey"
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_a_short_key_from_settings_is_refused(settings, monkeypatch):
    from warehouse.settings import MissingIdKey, Settings

    with pytest.raises(MissingIdKey):
        id_key(Settings(id_key="short"))
