"""Downloads: a spreadsheet never runs a cell as a formula; Chinese survives in CSV and XLSX."""

from __future__ import annotations

import io

import openpyxl
import polars as pl

from warehouse.export import csv_bytes, neutralised, xlsx_bytes


def test_formula_cells_are_neutralised_and_numbers_kept():
    frame = pl.DataFrame(
        {"detail": ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "正常", None], "n": [1, -2, 3, 4, 5, 6, 7]}
    )
    assert neutralised(frame)["detail"].to_list() == ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tx", "正常", None]
    assert neutralised(frame)["n"].to_list() == [1, -2, 3, 4, 5, 6, 7]


def test_csv_has_a_bom_and_xlsx_reads_back():
    frame = pl.DataFrame({"县区": ["曲阜市"], "公式": ['=HYPERLINK("x")']})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf") and "曲阜市".encode() in data
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert [cell.value for cell in sheet[2]] == ["曲阜市", '\'=HYPERLINK("x")']
    assert sheet["B2"].data_type == "s"
