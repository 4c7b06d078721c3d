"""A roster sheet's data rows, cleaned and checked a chunk at a time.

Titles, totals, footers, blank and repeated header rows are skipped; merged cells (a
township written once above its villages) are filled down; every value is parsed, and every
value that cannot be is a problem naming its sheet, row and column.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from loaders import idcard, values
from loaders.headers import ROSTER, HeaderMatch
from loaders.sheets import Sheet
from warehouse.errors import Problem

_TOTALS = re.compile(r"(合计|总计|小计)[:：]?$")
_FOOTER = r"制表人|审核人|填表人|负责人|制表日期|填报日期|审核日期|经办人|制表单位|填报单位|盖章"
_TEXT_FIELDS = ("township", "village", "id_number", "category", "month")
_NUMBER_FIELDS = ("persons", "household_size", "standard", "amount", "base_amount", "classified_amount")


class SheetRows:
    """One sheet's data rows, cleaned and checked a chunk at a time; a township or village left blank
    under the one above is carried over from the chunk before."""

    def __init__(self, sheet: Sheet, name: str, *, several_sheets: bool):
        self.sheet, self.name = sheet, name
        self.match = ROSTER.match(sheet.header)
        self.missing = _missing_columns(sheet, name, self.match, several_sheets=several_sheets)
        self._carried: dict[str, str | None] = {"township": None, "village": None}
        self._numeric: pl.DataFrame | None = None
        if sheet.numeric_cells is not None and "id_number" in self.match.columns:
            flags = sheet.numeric_cells(self.match.columns["id_number"])
            rows = pl.int_range(sheet.first_row, sheet.first_row + flags.len(), eager=True, dtype=pl.Int64)
            self._numeric = pl.DataFrame({"row": rows, "_id_numeric": flags})

    def clean(self, chunk: pl.DataFrame) -> tuple[pl.DataFrame | None, list[Problem]]:
        """The chunk's data rows parsed (None when the sheet lacks a required column) and every problem in them."""
        cells = self._rows(chunk)
        frame, problems = _parse_values(cells, self.sheet, self.name, self.match)
        return (None if self.missing else frame), problems

    def _rows(self, chunk: pl.DataFrame) -> pl.DataFrame:
        sheet, match = self.sheet, self.match
        cells = chunk.with_columns(sheet=pl.lit(sheet.name))
        full_width = values.has_full_width(cells)
        fields = {
            key: values.clean(f"c{index}", full_width=full_width.get(f"c{index}", True))
            for key, index in match.columns.items()
            if key != "name"
        }
        # Rows whose ID cell starts with a digit are data; only the others (titles, totals,
        # footers, blank rows) need the costlier look at every cell.
        id_like = pl.lit(False)  # no ID column (reported as missing): every row gets the full look
        if "id_number" in match.columns:
            id_cell = pl.col(f"c{match.columns['id_number']}")
            id_like = id_cell.str.contains(r"^[\s'\"\t]*[0-9０-９]").fill_null(False)
        squeezed = [pl.col(column).str.replace_all(r"\s", "") for column in chunk.columns if column != "row"]
        others = cells.filter(~id_like).with_columns(
            _blank=pl.all_horizontal((column.is_null() | (column == "")) for column in squeezed),
            _totals=pl.any_horizontal(column.str.contains(_TOTALS.pattern).fill_null(False) for column in squeezed),
            _footer=pl.any_horizontal(column.str.contains(_FOOTER).fill_null(False) for column in squeezed),
        )
        flags = {"_blank": pl.lit(False), "_totals": pl.lit(False), "_footer": pl.lit(False)}
        cells = pl.concat([cells.filter(id_like).with_columns(**flags), others]).sort("row")
        cells = cells.select(
            "sheet",
            "row",
            *[expression.alias(key) for key, expression in fields.items()],
            "_blank",
            "_totals",
            "_footer",
        )
        for key in (*_TEXT_FIELDS, *_NUMBER_FIELDS, "paid_on"):
            if key not in cells.columns:
                cells = cells.with_columns(pl.lit(None, dtype=pl.String).alias(key))
        id_header = match.headers.get("id_number", "")
        substance = pl.any_horizontal(
            pl.col(key).is_not_null() for key in ("id_number", "persons", "household_size", "amount", "base_amount")
        )
        repeated_header = pl.col("id_number") == unicodedata.normalize("NFKC", id_header).strip()
        skip = (
            pl.col("_blank")
            | pl.col("_totals")
            | (pl.col("_footer") & pl.col("id_number").is_null())
            | ~substance
            | repeated_header.fill_null(False)
        )
        cells = cells.filter(~skip).drop("_blank", "_totals", "_footer")
        if "township" not in match.columns:
            cells = cells.with_columns(township=pl.lit(sheet.name))
        cells = cells.with_columns(
            pl.col(key).forward_fill().fill_null(pl.lit(carried, dtype=pl.String))
            for key, carried in self._carried.items()
        )
        if not cells.is_empty():
            self._carried = {key: cells[key][-1] for key in self._carried}
        if self._numeric is not None and not cells.is_empty():
            return cells.join(self._numeric, on="row", how="left")
        return cells.with_columns(_id_numeric=pl.lit(False))


def _missing_columns(sheet: Sheet, name: str, match: HeaderMatch, *, several_sheets: bool) -> list[Problem]:
    present = set(match.columns)
    if "persons" not in present and "household_size" in present:
        present.add("persons")
    if "amount" not in present and "base_amount" in present:
        present.add("amount")
    if "township" not in present and several_sheets:
        present.add("township")  # one sheet per township: the sheet name says which
    missing = [field for field in ROSTER.fields if field.required and field.key not in present]
    if "amount" not in present:
        missing.append(ROSTER.field("amount"))
    return [sheet.missing_column(name, field.label, field.aliases) for field in missing]


def _parse_values(
    cells: pl.DataFrame, sheet: Sheet, name: str, match: HeaderMatch
) -> tuple[pl.DataFrame, list[Problem]]:
    persons_key = "persons" if "persons" in match.columns else "household_size"
    cells = cells.rechunk()  # polars 2.1 panics in pl.format over the empty chunks a filter can leave
    cells = cells.with_columns(_id=idcard.normalise_series(cells.get_column("id_number")))
    cells = values.with_fast_path(
        cells,
        "paid_on",
        fast=pl.col("paid_on").str.to_date("%Y-%m-%d", strict=False),
        full=values.date(pl.col("paid_on")),
        alias="_paid_on",
    )
    parsed = cells.with_columns(
        persons_value=values.number(pl.col(persons_key)),
        standard_value=values.number(pl.col("standard")),
        amount_value=values.number(pl.col("amount")),
        base_value=values.number(pl.col("base_amount")),
        classified_value=values.number(pl.col("classified_amount")),
        paid_on=pl.col("_paid_on"),
        paid_on_text=pl.col("paid_on"),
        category=values.category(pl.col("category")),
    )
    checks = [
        ("id_number", pl.col("id_number").is_null(), "身份证号码为空"),
        ("township", pl.col("township").is_null(), "乡镇为空（上方也没有可沿用的乡镇）"),
        (persons_key, pl.col(persons_key).is_null(), "保障人数为空"),
        (
            persons_key,
            pl.col(persons_key).is_not_null()
            & (pl.col("persons_value").is_null() | (pl.col("persons_value") % 1 != 0) | (pl.col("persons_value") < 1)),
            "无法识别为保障人数（应为正整数）",
        ),
        (persons_key, pl.col("persons_value") > values.MAX_PERSONS, f"保障人数过大（超过 {values.MAX_PERSONS} 人）"),
        (
            "standard",
            pl.col("standard").is_not_null() & (pl.col("standard_value").is_null() | (pl.col("standard_value") < 0)),
            "无法识别为保障标准金额",
        ),
        ("paid_on", pl.col("paid_on_text").is_not_null() & pl.col("paid_on").is_null(), "无法识别为日期"),
    ]
    for key in ("amount", "base_amount", "classified_amount"):
        value = {"amount": "amount_value", "base_amount": "base_value", "classified_amount": "classified_value"}[key]
        checks.append(
            (key, pl.col(key).is_not_null() & (pl.col(value).is_null() | (pl.col(value) < 0)), "无法识别为金额")
        )
        checks.append((key, pl.col(value) > values.MAX_AMOUNT, f"金额过大（一行超过 {values.MAX_AMOUNT:,} 元）"))
    problems = []
    for key, condition, message in checks:
        if key not in match.columns:
            continue
        bad = parsed.filter(condition).select("row", "paid_on_text" if key == "paid_on" else key)
        label = sheet.column_label(match.columns[key], match.headers[key])
        for row, text in bad.iter_rows():
            shown = f"：「{text}」" if text else ""
            problems.append(Problem(name, sheet=sheet.name, row=row, column=label, message=message + shown))
    if problems:
        return None, problems
    if "amount" in match.columns:
        amount = pl.col("amount_value").fill_null(0)
    else:
        amount = pl.col("base_value").fill_null(0) + pl.col("classified_value").fill_null(0)
    id_problem = (
        pl.when(pl.col("_id_numeric").fill_null(False))
        .then(pl.lit("号码被 Excel 存成了数字，末几位已丢失"))
        .otherwise(idcard.problem_expr(pl.col("_id")))
    )
    result = parsed.select(
        "sheet",
        "row",
        "township",
        pl.col("village").fill_null(""),
        "_id",
        id_problem.alias("id_problem"),
        pl.col("persons_value").cast(pl.Int32).alias("persons"),
        "category",
        pl.col("standard_value").alias("standard"),
        (amount * 100).round(0).cast(pl.Int64).alias("amount_fen"),
        "paid_on",
        pl.col("month").alias("month_text"),
    )
    return result, []
