"""Monthly disbursement rosters (发放名册): read, normalise and validate one file.

    sheets = read_sheets(path)          # encoding, workbook sheets, header row
    rows   = normalise(sheets)          # aliases → canonical columns; skip totals, blanks, footers
    problems = validate(rows)           # every unreadable value, with row and column
    slot   = resolve_slot(...)          # county, programme and month from caller, columns or title

Findings and figures, which need the warehouse, are in `loaders.findings` and
`warehouse.figures`; storing is `loaders.roster_store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from loaders import idcard, values
from loaders.headers import ROSTER, HeaderMatch
from loaders.tables import Sheet, read_sheets
from warehouse.errors import Problem, Rejected
from warehouse.idkeys import KeyChain
from warehouse.vocabulary import PROGRAMS

_TOTALS = re.compile(r"(合计|总计|小计)[:：]?$")
_FOOTER = r"制表人|审核人|填表人|负责人|制表日期|填报日期|审核日期|经办人|制表单位|填报单位|盖章"
_TEXT_FIELDS = ("township", "village", "id_number", "category", "month")
_NUMBER_FIELDS = ("persons", "household_size", "standard", "amount", "base_amount", "classified_amount")


@dataclass(frozen=True)
class CountyInfo:
    code: str
    name: str
    short_names: tuple[str, ...]
    deadline_day: int | None


@dataclass
class RosterRows:
    """A roster read and validated: one row per data row, no raw ID numbers or names kept."""

    file_name: str
    file_hash: str
    county: CountyInfo
    program: str
    month: dt.date
    rows: pl.DataFrame  # sheet,row,township,village,household_key,id_masked,id_valid,id_problem,persons,…
    rows_read: int  # data rows found (before any were merged as duplicates)
    key_fingerprint: str  # the ID-key chain the pseudonyms were made with (warehouse.idkeys)


def content_hash(content: bytes) -> str:
    """The fingerprint `file_hash` gives a file holding these bytes (the upload log's file_hash)."""
    return hashlib.sha256(content).hexdigest()


def file_hash(path: Path) -> str:
    """A file's fingerprint, read in blocks so a large roster is never held whole."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_roster(
    path: Path,
    *,
    counties: dict[str, CountyInfo],
    keys: KeyChain,
    county: str | None = None,
    month: str | None = None,
    program: str | None = None,
    display_name: str | None = None,
) -> RosterRows:
    """Read and validate a roster; raise `Rejected` listing every problem found."""
    name = display_name or path.name
    sheets = read_sheets(path, ROSTER.find_header, display_name=name)
    problems: list[Problem] = []
    frames = []
    for sheet in sheets:
        frame, sheet_problems = _normalise_sheet(sheet, name, several_sheets=len(sheets) > 1)
        problems += sheet_problems
        if frame is not None:
            frames.append(frame)
    if problems:
        raise Rejected(problems)
    rows = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
    if rows.is_empty():
        raise Rejected([Problem(name, message="没有数据行（表头以下只有空行、合计行或签名行）")])
    titles = [" ".join(cell for cell in row if cell) for sheet in sheets for row in sheet.preamble]
    slot_problems, resolved = _resolve_slot(
        name, rows, titles, counties=counties, county=county, month=month, program=program
    )
    if slot_problems:
        raise Rejected(slot_problems)
    county_info, program_key, month_date = resolved
    rows = _pseudonymise(rows, keys.hasher())
    return RosterRows(
        file_name=name,
        file_hash=file_hash(path),
        county=county_info,
        program=program_key,
        month=month_date,
        rows=rows,
        rows_read=rows.height,
        key_fingerprint=keys.fingerprint(),
    )


def _normalise_sheet(sheet: Sheet, name: str, *, several_sheets: bool) -> tuple[pl.DataFrame | None, list[Problem]]:
    header_row = [cell or "" for cell in sheet.cells.row(0)]
    match = ROSTER.match(header_row)
    missing = _missing_columns(sheet, name, match, several_sheets=several_sheets)
    cells = sheet.cells.with_row_index("index").with_columns(
        row=pl.col("index") + sheet.first_row, sheet=pl.lit(sheet.name)
    )
    cells = cells.filter(pl.col("index") > 0)
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
    squeezed = [pl.col(column).str.replace_all(r"\s", "") for column in sheet.cells.columns]
    others = cells.filter(~id_like).with_columns(
        _blank=pl.all_horizontal((column.is_null() | (column == "")) for column in squeezed),
        _totals=pl.any_horizontal(column.str.contains(_TOTALS.pattern).fill_null(False) for column in squeezed),
        _footer=pl.any_horizontal(column.str.contains(_FOOTER).fill_null(False) for column in squeezed),
    )
    flags = {"_blank": pl.lit(False), "_totals": pl.lit(False), "_footer": pl.lit(False)}
    cells = pl.concat([cells.filter(id_like).with_columns(**flags), others]).sort("index")
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
    cells = cells.with_columns(pl.col("township", "village").forward_fill())
    if sheet.numeric_cells is not None and not cells.is_empty() and "id_number" in match.columns:
        numeric = sheet.numeric_cells(match.columns["id_number"])
        flags = pl.DataFrame(
            {"row": pl.int_range(sheet.first_row, sheet.first_row + numeric.len(), eager=True), "_id_numeric": numeric}
        )
        cells = cells.join(flags, on="row", how="left")
    else:
        cells = cells.with_columns(_id_numeric=pl.lit(False))
    frame, problems = _parse_values(cells, sheet, name, match)
    return (None if missing else frame), missing + problems


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


def _resolve_slot(
    name: str,
    rows: pl.DataFrame,
    titles: list[str],
    *,
    counties: dict[str, CountyInfo],
    county: str | None,
    month: str | None,
    program: str | None,
) -> tuple[list[Problem], tuple[CountyInfo, str, dt.date]]:
    problems: list[Problem] = []
    title = " ".join(titles)

    month_date = None
    if month:
        month_date = values.parse_month(month)
        if month_date is None:
            problems.append(Problem(name, message=f"月份「{month}」无法识别，应写作 YYYY-MM"))
    file_months = {values.parse_month(text) for text in rows["month_text"].drop_nulls().unique().to_list()}
    if None in file_months:
        bad = rows.filter(pl.col("month_text").is_not_null()).filter(
            pl.col("month_text").map_elements(lambda text: values.parse_month(text) is None, return_dtype=pl.Boolean)
        )
        for sheet, row, text in bad.select("sheet", "row", "month_text").iter_rows():
            problems.append(Problem(name, sheet=sheet, row=row, column="月份", message=f"无法识别为月份：「{text}」"))
        file_months.discard(None)
    if len(file_months) > 1:
        listed = "、".join(sorted(values.month_label(m) for m in file_months))
        problems.append(Problem(name, column="月份", message=f"一个名册只能是一个月，文件中有 {listed}"))
    title_month = values.parse_month(title)
    found_month = next(iter(file_months)) if len(file_months) == 1 else title_month
    if month_date and found_month and found_month != month_date:
        problems.append(
            Problem(
                name,
                message=f"指定的月份 {values.month_label(month_date)} "
                f"与文件中写明的 {values.month_label(found_month)} 不一致",
            )
        )
    month_date = month_date or found_month
    if month_date is None and not problems:
        problems.append(
            Problem(name, message="无法确定名册所属月份：请指定月份（--month YYYY-MM），或在文件中写明（月份列或标题）")
        )

    program_key = None
    if program:
        program_key = PROGRAMS.get(program.strip().lower())
        if program_key is None:
            problems.append(Problem(name, message=f"项目类别「{program}」无法识别，应为 rural（农村）或 urban（城市）"))
    else:
        mentioned = {key for word, key in PROGRAMS.items() if word in title}
        if len(mentioned) == 1:
            program_key = mentioned.pop()
        else:
            problems.append(
                Problem(name, message="无法确定项目类别（农村或城市）：请指定 --program rural|urban，或在标题中写明")
            )

    county_info = None
    if county:
        county_info = counties.get(county.strip())
        if county_info is None:
            problems.append(Problem(name, message=f"县区代码 {county} 不在县区名录中，请先导入县区"))
    else:
        named = [
            info
            for info in counties.values()
            if any(alias and alias in title for alias in (info.name, *info.short_names))
        ]
        if len(named) == 1:
            county_info = named[0]
        else:
            problems.append(Problem(name, message="无法确定县区：请指定 --county 代码，或在标题中写明县区名称"))
    return problems, (county_info, program_key, month_date)  # type: ignore[return-value]


def _pseudonymise(rows: pl.DataFrame, pseudonym: Callable[[str], str]) -> pl.DataFrame:
    """Replace the ID number with its keyed hash and a masked form; the raw number is dropped."""
    digests = [pseudonym(number) for number in rows["_id"].to_list()]
    return rows.with_columns(
        household_key=pl.Series(digests, dtype=pl.String),
        id_masked=idcard.mask_expr(pl.col("_id")),
        id_valid=pl.col("id_problem").is_null(),
    ).drop("_id", "month_text")
