"""Resident ID numbers (公民身份号码, GB 11643-1999): normalise, check, convert, mask."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SEPARATORS = re.compile(r"[\s\u3000'\"`‘’“”-]+")
_EXCEL_FLOAT = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces, tabs, quotes and full-width forms; upper-case x; widen 15-digit numbers.

    A legacy 15-digit number becomes 18 digits: "19" inserted before the birth year and
    the check digit appended. Anything else is returned cleaned but otherwise untouched,
    so `is_valid` can judge it.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        return first17 + check_digit(first17)
    return text


def problem(normalised: str) -> str | None:
    """Say why a normalised ID number is invalid, or None when it is valid."""
    if _EXCEL_FLOAT.match(normalised):
        return "号码被 Excel 存成了数字（科学计数法），末几位已丢失"
    if len(normalised) != 18:
        return f"长度为 {len(normalised)} 位，应为 18 位"
    if not (normalised[:17].isdigit() and (normalised[17].isdigit() or normalised[17] == "X")):
        return "含有数字和末位 X 以外的字符"
    expected = check_digit(normalised[:17])
    if normalised[17] != expected:
        return f"校验码应为 {expected}，实为 {normalised[17]}"
    return None


def is_valid(normalised: str) -> bool:
    return problem(normalised) is None


def mask(normalised: str) -> str:
    """Show the first four and last four characters only, e.g. 5304**********123X."""
    if len(normalised) <= 8:
        return "*" * len(normalised)
    return normalised[:4] + "*" * (len(normalised) - 8) + normalised[-4:]


# The same rules as polars expressions, for whole rosters at once.


def check_digit_expr(first17: pl.Expr) -> pl.Expr:
    total = pl.sum_horizontal(
        first17.str.slice(position, 1).cast(pl.Int32, strict=False) * weight for position, weight in enumerate(_WEIGHTS)
    )
    return (total % 11).replace_strict(dict(enumerate(_CHECK_CHARS)), return_dtype=pl.String)


def normalise_series(raw: pl.Series) -> pl.Series:
    """Vectorised `normalise`, with the rare cases (full-width, 15 digits) done only where present."""
    if raw.str.contains(FULL_WIDTH).any():
        raw = raw.str.normalize("NFKC")
    text = raw.str.replace_all(_SEPARATORS.pattern, "").str.to_uppercase()
    legacy = text.str.contains(r"^\d{15}$").fill_null(False)
    if legacy.any():
        positions = legacy.arg_true()
        text = text.scatter(positions, [normalise(number) for number in text.gather(positions).to_list()])
    return text


FULL_WIDTH = r"[\u3000\uFF00-\uFFEF]"


def problem_expr(normalised: pl.Expr) -> pl.Expr:
    """Vectorised `problem`: null for a valid number, else the reason in words."""
    length = normalised.str.len_chars()
    expected = check_digit_expr(normalised.str.slice(0, 17))
    return (
        pl.when(normalised.str.contains(_EXCEL_FLOAT.pattern))
        .then(pl.lit("号码被 Excel 存成了数字（科学计数法），末几位已丢失"))
        .when(length != 18)
        .then(pl.format("长度为 {} 位，应为 18 位", length))
        .when(~normalised.str.contains(r"^\d{17}[\dX]$"))
        .then(pl.lit("含有数字和末位 X 以外的字符"))
        .when(normalised.str.slice(17, 1) != expected)
        .then(pl.format("校验码应为 {}，实为 {}", expected, normalised.str.slice(17, 1)))
        .otherwise(None)
    )


def mask_expr(normalised: pl.Expr) -> pl.Expr:
    length = normalised.str.len_chars()
    stars = pl.lit("*" * 64)
    return (
        pl.when(length > 8)
        .then(normalised.str.slice(0, 4) + stars.str.slice(0, length - 8) + normalised.str.slice(-4))
        .otherwise(stars.str.slice(0, length))
    )
