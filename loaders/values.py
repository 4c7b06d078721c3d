"""Read text cells as numbers, dates and months, the way Chinese offices write them.

Each parser is a polars expression over a String column, returning null where the text
cannot be read; callers compare with the cleaned text to report what failed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import polars as pl

EXCEL_EPOCH = dt.date(1899, 12, 30)


FULL_WIDTH = r"[\u3000\uFF00-\uFFEF]"  # full-width forms and the ideographic space


def clean(column: str, *, full_width: bool = True) -> pl.Expr:
    """NFKC (full-width → half-width) where asked, trimmed, empty → null.

    NFKC costs a pass over every string; callers that know a column holds no full-width
    form (see `has_full_width`) skip it.
    """
    text = pl.col(column)
    if full_width:
        text = text.str.normalize("NFKC")
    text = text.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def has_full_width(frame: pl.DataFrame) -> dict[str, bool]:
    """Which text columns of `frame` contain any full-width character."""
    found = frame.select(pl.col(pl.String).str.contains(FULL_WIDTH).any())
    return {name: bool(found[name][0]) for name in found.columns}


def with_fast_path(frame: pl.DataFrame, column: str, *, fast: pl.Expr, full: pl.Expr, alias: str) -> pl.DataFrame:
    """Parse with `fast`; run the costlier `full` parser only on the rows `fast` could not read."""
    frame = frame.with_columns(fast.alias(alias))
    todo = frame.get_column(alias).is_null() & frame.get_column(column).is_not_null()
    if todo.any():
        positions = todo.arg_true()
        slow = frame[positions].select(full.alias(alias)).get_column(alias)
        frame = frame.with_columns(frame.get_column(alias).scatter(positions, slow))
    return frame


MAX_PERSONS = 999  # persons in one household: more is a typing error (and would overflow the count)
MAX_AMOUNT = 100_000_000  # 元 paid to one household in one row: more is a typing error


def number(text: pl.Expr) -> pl.Expr:
    """1,490.50 / ¥1490.5 / 1490.5元 / '1490 → 1490.5; anything else (inf and nan included) → null."""
    stripped = text.str.replace_all(r"[,，¥￥元\s'’]", "")
    value = stripped.cast(pl.Float64, strict=False)
    return pl.when(value.is_finite()).then(value)


def date(text: pl.Expr) -> pl.Expr:
    """2023-01-10, 2023/1/10, 2023.1.10, 2023年1月10日, 20230110, Excel serials, datetimes."""
    unified = (
        text.str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
        .str.replace_all(r"[年月/.]", "-")
        .str.replace(r"日$", "")
    )
    parts = unified.str.extract_groups(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
    compact = text.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    iso = pl.coalesce(
        pl.concat_str([parts.struct[0], parts.struct[1].str.zfill(2), parts.struct[2].str.zfill(2)], separator="-"),
        pl.concat_str([compact.struct[0], compact.struct[1], compact.struct[2]], separator="-"),
    )
    serial = text.str.extract(r"^(\d{5})(\.0+)?$", 1).cast(pl.Int64, strict=False)
    from_serial = pl.when(serial.is_between(20000, 80000)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    return pl.coalesce(iso.str.to_date("%Y-%m-%d", strict=False), from_serial)


_MONTH_PATTERNS = (
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月"),
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$"),
    re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})$"),
    re.compile(r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.]\d{1,2}"),
)


def parse_month(text: str) -> dt.date | None:
    """'2023年1月…' / '2023-01' / '202301' → 2023-01-01; None when no month is written."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    for pattern in _MONTH_PATTERNS:
        found = pattern.search(text) if pattern.pattern.startswith("(") else pattern.match(text)
        if found:
            year, month = int(found["year"]), int(found["month"])
            if 1990 <= year <= 2100 and 1 <= month <= 12:
                return dt.date(year, month, 1)
    return None


def month_label(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def category(text: pl.Expr) -> pl.Expr:
    """A类 / A / 一类 / A类（重点保障户） → A类; other labels kept as written; blank → ''."""
    letter = (
        text.str.replace(r"^一", "A")
        .str.replace(r"^二", "B")
        .str.replace(r"^三", "C")
        .str.replace(r"^四", "D")
        .str.extract(r"^([A-Da-d])(类|档)?(\(.*\))?$", 1)
        .str.to_uppercase()
    )
    return pl.when(letter.is_not_null()).then(letter + "类").otherwise(text).fill_null("")
