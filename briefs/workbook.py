"""The monthly brief as an XLSX workbook: a cover sheet that says what the brief was made for, then one sheet
per frame of the brief, with Chinese headers and the figures kept as numbers (formatted, never text).

Every sheet is one table whose header is the first row, so `polars.read_excel(path, sheet_name=...)` reads it
back as a frame. Missing figures are empty cells; fractions are numbers shown with a percent format.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from briefs.model import Brief
from briefs.words import kind_words, made_words, month_words, program_words, source_words
from warehouse.export import neutralised
from warehouse.frames import texts
from warehouse.settings import get_settings

# Excel number formats
COUNT = "#,##0"
MONEY = "#,##0.00"
RATE = "0.0%"
CHANGE = "+0.0%;-0.0%;0.0%"  # a change with its sign
SCORE = "0.00"
YEAR = "0"  # 2023, not 2,023
MONTH = 'yyyy"年"m"月"'
DAY = "yyyy-mm-dd"

# The headline's value column holds figures of different kinds: each row's format by its key
HEADLINE_FORMATS = {
    "households": COUNT,
    "persons": COUNT,
    "findings": COUNT,
    "funds": MONEY,
    "on_time": RATE,
    "grade": SCORE,
}

# The app's pages under the names its menu shows
PAGE_NAMES = {
    "dashboard/recipients.py": "保障人数",
    "dashboard/on_time.py": "按时发放",
    "performance/scores.py": "指标得分",
    "performance/grades.py": "等级趋势",
    "data/findings.py": "数据质量",
}

SYNTHETIC_NOTE = "名册数字为演示合成数据，并非真实数据"
NO_ROSTER = "本月没有名册数字"
UNITS_NOTE = "金额单位为万元；按时率和变化以百分数显示；空白单元格表示没有这个数字"

HEADER = {"bold": True, "bg_color": "#DDEBF7", "font_color": "#000000", "border": 1, "valign": "vcenter"}
TABLE_STYLE = "Table Style Light 1"
DTYPE_FORMATS = {
    pl.Int64: COUNT,
    pl.Int32: COUNT,
    pl.UInt32: COUNT,
    pl.Float64: MONEY,
    pl.Date: DAY,
}
PIXELS_PER_UNIT = 7  # one Latin character of the default font; a Chinese character is two units
MIN_WIDTH, MAX_WIDTH = 56, 480  # pixels
FILTER_BUTTON = 3  # units the header's filter arrow takes


@dataclass(frozen=True)
class Sheet:
    name: str
    frame: pl.DataFrame  # Chinese headers, in the order shown
    formats: dict[str, str] = field(default_factory=dict)  # column → number format
    cells: tuple[tuple[int, str, str], ...] = ()  # (row, column, number format) where a column's format varies
    wrapped: tuple[str, ...] = ()  # long text, wrapped within a capped width


def brief_workbook(brief: Brief) -> bytes:
    """The brief as .xlsx bytes: 说明, 概览, 县区, 月度, 保障标准, 评价, 需关注, 数据问题."""
    buffer = io.BytesIO()
    # strings_to_formulas off: text beginning with "=" stays text (and is neutralised too, as every download is)
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(buffer, options) as workbook:
        workbook.set_properties(
            {"title": f"低保月度简报 {month_words(brief.scope.month)}", "created": brief.scope.made_at}
        )
        for sheet in sheets(brief):
            write_sheet(workbook, sheet)
    return buffer.getvalue()


def sheets(brief: Brief) -> list[Sheet]:
    return [
        cover_sheet(brief),
        overview_sheet(brief),
        counties_sheet(brief),
        series_sheet(brief),
        standards_sheet(brief),
        evaluations_sheet(brief),
        attention_sheet(brief),
        findings_sheet(brief),
    ]


def cover_sheet(brief: Brief) -> Sheet:
    """The filters in words, as a two-column table 项目/内容."""
    scope = brief.scope
    rows = [
        ("月份", month_words(scope.month)),
        ("县区", "、".join(scope.names[code] for code in scope.counties) or "—"),
        ("项目", program_words(scope.program)),
        ("数据范围", "含待审核数据" if scope.pending else "仅含已审核数据"),
        ("生成时间", made_words(scope.made_at)),
        ("使用范围", scope.use_words(get_settings().min_cell)),
        ("数据依据", basis_words(brief)),
        ("口径", UNITS_NOTE),
    ]
    rows += [("缺少的数字", sentence) for sentence in brief.missing or ("无",)]
    frame = pl.DataFrame(rows, schema={"项目": pl.String, "内容": pl.String}, orient="row")
    return Sheet("说明", frame, wrapped=("内容",))


def basis_words(brief: Brief) -> str:
    """What the roster figures rest on; the demo's synthetic rosters said plainly."""
    if brief.synthetic:
        return SYNTHETIC_NOTE
    sources = sorted(brief.counties["source"].drop_nulls().unique().to_list())
    return "、".join(source_words(source) for source in sources) or NO_ROSTER


def overview_sheet(brief: Brief) -> Sheet:
    headline = brief.headline
    frame = headline.select(
        pl.col("label").alias("指标"),
        pl.col("value").alias("数值"),
        pl.col("unit").alias("单位"),
        pl.col("text").alias("文字"),
        pl.col("month_change").alias("较上月"),
        pl.col("year_change").alias("较上年同期"),
        pl.col("comparison").alias("说明"),
        pl.col("basis").alias("依据"),
        pl.col("missing").alias("缺少"),
    )
    cells = tuple(
        (row, "数值", HEADLINE_FORMATS[key])
        for row, key in enumerate(headline["key"].to_list())
        if key in HEADLINE_FORMATS
    )
    return Sheet("概览", frame, formats={"较上月": CHANGE, "较上年同期": CHANGE}, cells=cells)


def counties_sheet(brief: Brief) -> Sheet:
    frame = brief.counties.select(
        pl.col("county_code").alias("县区代码"),
        pl.col("name").alias("县区"),
        pl.col("households").alias("保障户数"),
        pl.col("persons").alias("保障人数"),
        pl.col("households_month_change").alias("较上月"),
        pl.col("households_year_change").alias("较上年同月"),
        pl.col("funds_wan").alias("本年累计资金（万元）"),
        as_read(brief.counties, "on_time_12m", bound="on_time_12m_bounded").alias("近12个月按时率"),
        pl.col("standard").alias("现行标准（元/人/月）"),
        pl.col("standard_rise").alias("标准较上年提高"),
        pl.col("evaluation_year").alias("评价年度"),
        in_words(brief.counties, "evaluation_kind", kind_words).alias("评价类型"),
        pl.col("evaluation_score").alias("评价得分"),
        pl.col("evaluation_grade").alias("评价等级"),
        in_words(brief.counties, "evaluation_source", source_words).alias("评价依据"),
        pl.col("evaluation_differences").alias("重算差异"),
        as_read(brief.counties, "findings", text="findings_text").alias("本月数据问题"),
        as_read(brief.counties, "unpaid_households", text="unpaid_text").alias("本月未发放户数"),
        in_words(brief.counties, "source", source_words).alias("名册依据"),
        yes_no("roster_missing").alias("无名册"),
        yes_no("pending").alias("含待审核"),
    )
    formats = {
        "较上月": CHANGE,
        "较上年同月": CHANGE,
        "本年累计资金（万元）": MONEY,
        "近12个月按时率": RATE,
        "现行标准（元/人/月）": COUNT,
        "标准较上年提高": CHANGE,
        "评价年度": YEAR,
        "评价得分": SCORE,
    }
    return Sheet("县区", frame, formats=formats)


def series_sheet(brief: Brief) -> Sheet:
    frame = brief.series.select(
        pl.col("county_code").alias("县区代码"),
        pl.col("name").alias("县区"),
        pl.col("month").alias("月份"),
        pl.col("households").alias("保障户数"),
        pl.col("persons").alias("保障人数"),
        pl.col("amount_wan").alias("发放金额（万元）"),
        as_read(brief.series, "on_time_households", bound="on_time_bounded").alias("按时发放户数"),
        as_read(brief.series, "unpaid_households", text="unpaid_text").alias("未发放户数"),
        as_read(brief.series, "on_time_rate", bound="on_time_bounded").alias("按时率"),
        as_read(brief.series, "findings", text="findings_text").alias("数据问题"),
    )
    return Sheet("月度", frame, formats={"月份": MONTH, "发放金额（万元）": MONEY, "按时率": RATE})


def standards_sheet(brief: Brief) -> Sheet:
    frame = brief.standards.select(
        pl.col("county_code").alias("县区代码"),
        pl.col("name").alias("县区"),
        in_words(brief.standards, "program", program_words).alias("项目"),
        pl.col("category").alias("类别"),
        pl.col("effective_from").alias("执行日期"),
        pl.col("yuan_per_person_month").alias("标准（元/人/月）"),
        pl.col("document").alias("文件"),
    )
    return Sheet("保障标准", frame, formats={"执行日期": DAY, "标准（元/人/月）": COUNT})


def evaluations_sheet(brief: Brief) -> Sheet:
    frame = brief.evaluations.select(
        pl.col("county_code").alias("县区代码"),
        pl.col("name").alias("县区"),
        pl.col("year").alias("年度"),
        in_words(brief.evaluations, "program", program_words).alias("项目"),
        in_words(brief.evaluations, "kind", kind_words).alias("类型"),
        pl.col("score").alias("得分"),
        pl.col("grade").alias("等级"),
        in_words(brief.evaluations, "source", source_words).alias("依据"),
        pl.col("differences").alias("重算差异（最近一次评价）"),
    )
    return Sheet("评价", frame, formats={"年度": YEAR, "得分": SCORE})


def attention_sheet(brief: Brief) -> Sheet:
    frame = brief.attention.select(
        pl.col("rank").alias("序号"),
        pl.col("name").alias("县区"),
        pl.col("words").alias("事项"),
        pl.col("severity").alias("严重程度"),
        pl.col("page").replace(PAGE_NAMES).alias("所在页面"),
    )
    return Sheet("需关注", frame, formats={"序号": YEAR, "严重程度": SCORE}, wrapped=("事项",))


def findings_sheet(brief: Brief) -> Sheet:
    frame = brief.findings.select(
        pl.col("name").alias("县区"),
        pl.col("kind_words").alias("类型"),
        as_read(brief.findings, "findings", text="findings_text").alias("条数"),
        # the examples quote masked IDs only, as the warehouse stores them
        pl.col("examples").list.join("；").alias("示例"),
    )
    return Sheet("数据问题", frame, wrapped=("示例",))


def as_read(frame: pl.DataFrame, column: str, *, text: str | None = None, bound: str | None = None) -> pl.Expr:
    """A figure as its reader reads it: where the frame withholds any of the column from them (small counts,
    warehouse.small_counts), the whole column as text — 「<5」 or 「≥12」 from `text`, or 「≥」 before a least
    value where `bound` is true; the number as it is otherwise, so the sheet's number formats still apply."""
    withheld = (text and frame[text].is_not_null().any()) or (bound and frame[bound].fill_null(False).any())
    if not withheld:
        return pl.col(column)
    rate = frame.schema[column].is_float() and column != "amount_wan"
    # rates rounded down, as on screen (briefs.words.rate_words)
    shown = texts.percent_down(pl.col(column)) if rate else texts.fixed(pl.col(column), 0, separators=True)
    if bound:
        shown = pl.when(pl.col(bound)).then(pl.lit("≥") + shown).otherwise(shown)
    return pl.coalesce(pl.col(text), shown) if text else shown


def in_words(frame: pl.DataFrame, column: str, words: Callable[[str], str]) -> pl.Expr:
    """A code column of `frame` in the words the PDF uses; a null stays null (an empty cell)."""
    return texts.looked_up(frame, column, words)


def yes_no(column: str) -> pl.Expr:
    return pl.when(pl.col(column)).then(pl.lit("是")).when(pl.col(column).not_()).then(pl.lit("否"))


def write_sheet(workbook: xlsxwriter.Workbook, sheet: Sheet) -> None:
    frame = neutralised(finite(sheet.frame))
    wrapped = {column: {"text_wrap": True, "valign": "top"} for column in sheet.wrapped}
    frame.write_excel(
        workbook,
        sheet.name,
        position=(0, 0),
        table_style=TABLE_STYLE,
        header_format=HEADER,
        dtype_formats=DTYPE_FORMATS,
        column_formats={**sheet.formats, **wrapped},
        column_widths=column_widths(frame, sheet.formats),
        freeze_panes=(1, 0),
    )
    write_cell_formats(workbook, workbook.get_worksheet_by_name(sheet.name), frame, sheet.cells)


def write_cell_formats(
    workbook: xlsxwriter.Workbook, worksheet: Worksheet, frame: pl.DataFrame, cells: tuple[tuple[int, str, str], ...]
) -> None:
    """Rewrite the cells whose format differs from their column's, as numbers in their own format."""
    formats = {fmt: workbook.add_format({"num_format": fmt, "valign": "vcenter"}) for _, _, fmt in cells}
    for row, column, fmt in cells:
        value = frame[column][row]
        if value is not None:
            worksheet.write_number(row + 1, frame.get_column_index(column), value, formats[fmt])


def finite(frame: pl.DataFrame) -> pl.DataFrame:
    """NaN and infinity (a change against a month of no households) as nulls: empty cells, not #NUM!."""
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in floats)


def column_widths(frame: pl.DataFrame, formats: dict[str, str]) -> dict[str, int]:
    """Pixel widths from the longest header or cell, counting a Chinese character as two Latin ones
    (xlsxwriter's autofit gives it a Latin character's 8 px, which leaves Chinese columns too narrow)."""
    widths = {}
    for name in frame.columns:
        cells = [shown(value, formats.get(name)) for value in frame[name].drop_nulls().to_list()]
        units = max([display_units(name) + FILTER_BUTTON, *(display_units(cell) for cell in cells)])
        widths[name] = min(max(units * PIXELS_PER_UNIT + 10, MIN_WIDTH), MAX_WIDTH)
    return widths


def shown(value: object, fmt: str | None) -> str:
    """Roughly the text Excel shows for a value, to size its column."""
    if isinstance(value, float):
        return f"{value:.1%}" if fmt in (RATE, CHANGE) else f"{value:,.2f}"
    if isinstance(value, int) and fmt != YEAR:
        return f"{value:,}"
    return str(value)


def display_units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
