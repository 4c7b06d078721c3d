"""A roster read a few rows at a time gives exactly what it gives read whole: the same problems, findings,
figures and stored rows, whatever falls on either side of a chunk's edge."""

from __future__ import annotations

import datetime as dt
import tempfile

import polars as pl
import pytest
from sqlalchemy import select

from loaders import text
from loaders.progress import CHECKED, READ, STORED
from loaders.roster_store import check_roster, ingest_roster
from loaders.tables import open_sheets
from tests.files import make_id, store_plain_roster, write_csv, write_xlsx
from warehouse.errors import Rejected
from warehouse.models import HouseholdMonth

HEADER = ["乡镇", "村", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]
SLOT = {"county": "370881", "month": "2023-02", "program": "rural"}


def busy_rows() -> list[list[object]]:
    """Twelve rows with something at every turn: a township written once above its villages (merged cells),
    a household listed twice far apart, an invalid ID, an amount over the standard, a late and an unpaid
    payment, a total row and a blank row in the middle, a village cell quoted across two lines."""
    rows = [
        ["鲁城街道", "一村", make_id(sequence=1), "2", "745", "1490", "2023-02-10"],
        ["", "二村", make_id(sequence=2), "1", "745", "745", "2023-02-10"],
        ["", "", make_id(sequence=3, valid=False), "1", "745", "745", "2023-02-10"],
        ["", "三村", make_id(sequence=4), "1", "745", "900", "2023-02-10"],
        ["合计", "", "", "5", "", "3880", ""],
        ["书院街道", "东\n村", make_id(sequence=5), "3", "745", "2235", "2023-03-02"],
        ["", "", "", "", "", "", ""],
        ["", "西村", make_id(sequence=6), "1", "745", "0", "2023-02-10"],
        ["", "", make_id(sequence=1), "2", "745", "1490", "2023-02-10"],
        ["小雪街道", "南村", make_id(sequence=7), "4", "745", "2980", ""],
        ["", "北村", make_id(sequence=8), "2", "745", "1490", "2023-02-11"],
        ["", "", make_id(sequence=9), "1", "745", "745", "2023-02-12"],
    ]
    return rows


def stored_rows(engine, month: dt.date) -> list[tuple]:
    with engine.connect() as conn:
        query = select(HouseholdMonth.position, HouseholdMonth.row, HouseholdMonth.township, HouseholdMonth.village,
                       HouseholdMonth.household_key, HouseholdMonth.persons, HouseholdMonth.amount_fen,
                       HouseholdMonth.paid_on)  # fmt: skip
        query = query.where(HouseholdMonth.month == month, HouseholdMonth.county_code == "370881")
        return [tuple(row) for row in conn.execute(query.order_by(HouseholdMonth.position))]


def test_every_chunk_size_gives_the_same_report_and_rows(tmp_path, warehouse):
    # A previous month (new and exited households) and another county in the same month (paid twice).
    january = [["鲁城街道", make_id(sequence=n), "1", "745", "2023-01-10"] for n in (1, 2, 50)]
    store_plain_roster(warehouse, tmp_path, january, county="370881", month="2023-01")
    store_plain_roster(warehouse, tmp_path, [["某镇", make_id(sequence=8), "1", "700", "2023-02-10"]],
                       county="530427", month="2023-02")  # fmt: skip
    path = write_csv(tmp_path / "二月.csv", busy_rows(), header=HEADER, title=[["2023年2月农村低保发放名册"]])

    whole = check_roster(warehouse, path, **SLOT)
    for chunk_rows in (1, 2, 3, 5):
        chunked = check_roster(warehouse, path, chunk_rows=chunk_rows, **SLOT)
        assert (chunked.rows_read, chunked.households, chunked.persons, chunked.amount_fen) == (
            whole.rows_read, whole.households, whole.persons, whole.amount_fen,
        )  # fmt: skip
        assert chunked.findings.equals(whole.findings), chunk_rows
        assert chunked.figures.equals(whole.figures), chunk_rows

    kinds = sorted(set(whole.findings["kind"]))
    assert kinds == ["cross_county_duplicate", "duplicate_household", "invalid_id", "late_payment", "over_standard",
                     "unpaid"]  # fmt: skip
    assert (whole.rows_read, whole.households) == (10, 9)
    assert whole.figures.filter(pl.col("township") == "鲁城街道")["exited_households"].item() == 1  # sequence 50
    assert whole.figures["new_households"].sum() == 7

    ingest_roster(warehouse, path, chunk_rows=2, **SLOT)
    rows = stored_rows(warehouse, dt.date(2023, 2, 1))
    assert [row[0] for row in rows] == list(range(10))
    assert [(row[1], row[2], row[3]) for row in rows][4:6] == [(8, "书院街道", "东\n村"), (10, "书院街道", "西村")]


def test_title_rows_longer_than_a_block_still_come_before_the_header(tmp_path, warehouse):
    long_title = [["2023年2月农村低保发放名册" + "（说明）" * 150], ["单位：元"], ["制表说明" + "。" * 600]]
    path = write_csv(tmp_path / "二月.csv", busy_rows(), header=HEADER, title=long_title)
    whole = check_roster(warehouse, path, **SLOT)
    chunked = check_roster(warehouse, path, chunk_rows=1, **SLOT)
    assert (chunked.rows_read, chunked.households) == (whole.rows_read, whole.households) == (10, 9)
    assert chunked.findings.equals(whole.findings) and chunked.figures.equals(whole.figures)


def test_a_one_column_file_keeps_every_row_in_every_block(tmp_path):
    path = tmp_path / "一列.csv"
    path.write_text("\n".join(["身份证号码", *(make_id(sequence=n) for n in range(1, 30))]) + "\n", encoding="utf-8")
    with open_sheets(path, lambda top: 0, chunk_rows=1) as (sheet,):
        rows = pl.concat(list(sheet.chunks()))
    assert rows["row"].to_list() == list(range(2, 31))
    assert rows["c0"].to_list() == [make_id(sequence=n) for n in range(1, 30)]


def test_a_problem_in_any_chunk_is_listed_and_nothing_is_stored_or_left_behind(tmp_path, warehouse, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    rows = busy_rows()
    rows[1][3] = "两"  # persons not a number, in the first chunk
    rows[10][5] = "一千"  # amount not a number, in the last (row 12: the village across two lines is one row)
    path = write_csv(tmp_path / "二月.csv", rows, header=HEADER)
    with pytest.raises(Rejected) as rejected:
        ingest_roster(warehouse, path, chunk_rows=2, **SLOT)
    assert [(problem.row, problem.column) for problem in rejected.value.problems] == [(3, "保障人数"), (12, "发放金额")]
    assert stored_rows(warehouse, dt.date(2023, 2, 1)) == []
    assert list((tmp_path / "temp").iterdir()) == []  # the staged rows went with the rejection


def test_a_workbook_in_chunks_carries_its_township_across_the_edge(tmp_path, warehouse):
    rows = [[row[0] or None, *row[1:]] for row in busy_rows()]
    path = write_xlsx(tmp_path / "二月.xlsx", {"名册": {"header": HEADER, "rows": rows}})
    whole = check_roster(warehouse, path, **SLOT)
    chunked = check_roster(warehouse, path, chunk_rows=1, **SLOT)
    assert chunked.figures.equals(whole.figures) and chunked.findings.equals(whole.findings)
    assert sorted(whole.figures["township"].unique()) == ["书院街道", "小雪街道", "鲁城街道"]


def test_progress_is_told_for_every_step_in_order(tmp_path, warehouse):
    heard: list[tuple[str, int]] = []
    path = write_csv(tmp_path / "二月.csv", busy_rows(), header=HEADER)
    ingest_roster(warehouse, path, chunk_rows=4, progress=lambda step, rows: heard.append((step, rows)), **SLOT)
    steps = [step for step, _ in heard]
    assert steps.index(READ) < steps.index(CHECKED) < steps.index(STORED)
    assert [rows for step, rows in heard if step == READ] == sorted(rows for step, rows in heard if step == READ)
    assert heard[-1] == (STORED, 10)
    assert max(rows for step, rows in heard if step == READ) == 12  # every data row of the file, skipped ones too


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_text_read_in_small_blocks_is_the_text_read_whole(tmp_path, warehouse, monkeypatch, encoding):
    # Old Mac line ends (a lone CR) and multi-byte characters that fall on a block's edge.
    path = write_csv(tmp_path / "二月.csv", busy_rows(), header=HEADER, encoding=encoding)
    if encoding != "utf-16":
        path.write_bytes(path.read_bytes().replace(b"\r\n", b"\r"))
    whole = check_roster(warehouse, path, **SLOT)
    monkeypatch.setattr(text, "BLOCK_BYTES", 7)
    small = check_roster(warehouse, path, **SLOT)
    assert small.figures.equals(whole.figures) and small.findings.equals(whole.findings)
    assert whole.households == 9


def test_a_bad_byte_is_located_on_its_line_across_blocks(tmp_path, warehouse, monkeypatch):
    lines = [",".join(HEADER)] + [f"鲁城街道,一村,{make_id(sequence=n)},1,745,745,2023-02-10" for n in range(1, 40)]
    data = "\r\n".join(lines).encode("gb18030")
    broken = data.replace(
        make_id(sequence=30).encode(), make_id(sequence=30).encode()[:-1] + b"\x81"
    )  # half a character
    path = tmp_path / "坏.csv"
    path.write_bytes(broken)
    for block in (7, 64, 1 << 20):
        monkeypatch.setattr(text, "BLOCK_BYTES", block)
        with pytest.raises(Rejected) as rejected:
            check_roster(warehouse, path, **SLOT)
        assert rejected.value.problems[0].row == 31, block
