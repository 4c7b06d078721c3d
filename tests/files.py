"""Writers for the messy roster files real offices send, used by the tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter

from access.approval import approve
from loaders.evaluation import ingest_evaluation
from loaders.idcard import check_digit
from loaders.roster_store import ingest_roster
from warehouse import read
from warehouse.evaluation_states import EvaluationKey
from warehouse.month_states import Slot


def make_id(region: str = "370881", born: str = "19600101", sequence: int = 1, *, valid: bool = True) -> str:
    first17 = f"{region}{born}{sequence:03d}"
    digit = check_digit(first17)
    if not valid:
        digit = "0" if digit != "0" else "1"
    return first17 + digit


def write_csv(
    path: Path,
    rows: list[list[object]],
    *,
    header: list[str],
    title: list[list[str]] | None = None,
    footer: list[list[str]] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """A delimited file: optional title/unit rows above the header, footer rows below."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for line in title or []:
        writer.writerow(line)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    for line in footer or []:
        writer.writerow(line)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, dict],
) -> Path:
    """A workbook; each sheet: title (merged over the header width), header, rows, footer.

    Cells that are `dt.date` are written as real Excel dates; ints and floats as numbers
    (so an ID written as an int is stored the way Excel mangles it); `None` as empty.
    Each sheet dict may give `start_row` (0-based) and `start_col` for the title.
    """
    workbook = xlsxwriter.Workbook(path)
    workbook.set_properties({"created": dt.datetime(2024, 1, 1)})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, spec in sheets.items():
        sheet = workbook.add_worksheet(name)
        row = spec.get("start_row", 0)
        column = spec.get("start_col", 0)
        width = len(spec["header"])
        if spec.get("title"):
            sheet.merge_range(row, column, row, column + width - 1, spec["title"])
            row += 1
        for line in spec.get("above", []):
            sheet.write_row(row, column, line)
            row += 1
        sheet.write_row(row, column, spec["header"])
        row += 1
        for values in spec["rows"] + spec.get("footer", []):
            for offset, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        row, column + offset, dt.datetime(value.year, value.month, value.day), date_format
                    )
                else:
                    sheet.write(row, column + offset, value)
            row += 1
        for first, last, value in spec.get("merged", []):
            # merged township cells: (first row, last row) 0-based in the sheet, column 0
            sheet.merge_range(first, column, last, column, value)
    workbook.close()
    return path


PLAIN_HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]  # the five columns every roster needs


def store_plain_roster(
    engine, folder: Path, rows: list[list[str]], *, county: str, month: str, approved: bool = True
) -> Path:
    """Write `rows` as a plain UTF-8 rural roster and store it through the loader, as an upload would;
    then (unless `approved=False`) a second person approves it, so that leadership's views show it."""
    path = write_csv(folder / f"{county}-{month}.csv", rows, header=PLAIN_HEADER)
    report = ingest_roster(engine, path, county=county, month=month, program="rural", user="上传员")
    if approved:
        approve(engine, "审核员", [Slot(county, "rural", report.month)])
    return path


def store_approved_evaluation(engine, path: Path) -> int:
    """Store a score sheet as 「上传员」 and have 「审核员」 approve every evaluation in it, so that
    leadership's views show them (as an evaluator's upload and a second person's approval would)."""
    stored = ingest_evaluation(engine, path, user="上传员")
    states = read.evaluation_states(engine).filter(state="pending")
    keys = [EvaluationKey(*row) for row in states.select("county_code", "program", "year", "kind").iter_rows()]
    if keys:
        approve(engine, "审核员", keys)
    return stored
