"""Numbers, rates and months as text, written by polars itself: never `Expr.map_elements`.

`map_elements` runs a Python function inside polars' thread pool, which needs the interpreter lock. Some
polars calls (`DataFrame.to_pandas`, for st.dataframe's styled tables) hold that lock while they wait for the
same pool. In one app process serving many sessions, the two met and the process stopped for good: every
thread waiting, no page answering (bench/load.py, 20 sessions; docs/benchmarks.md "Load"). These expressions
give the same text without Python in the pool; tests/warehouse/test_texts.py holds them to Python's own
formats, and tests/test_architecture.py keeps `map_elements` out of what the app runs.
"""

from __future__ import annotations

import polars as pl


def grouped(value: pl.Expr) -> pl.Expr:
    """A whole number with thousands separators, as `f"{v:,}"`: 1234567 → "1,234,567"; null stays null."""
    whole = value.cast(pl.Int64)
    digits = whole.abs().cast(pl.String).str.reverse().str.extract_all(r"\d{1,3}")
    text = digits.list.join(",").str.reverse()
    return pl.when(whole < 0).then(pl.concat_str(pl.lit("-"), text)).otherwise(text)


def fixed(value: pl.Expr, digits: int = 2, *, separators: bool = False) -> pl.Expr:
    """A number with `digits` decimals, as `f"{v:.2f}"` (`f"{v:,.2f}"` with `separators`); null stays null.

    Rounded half to even on the scaled value, as Python rounds a decimal tie; figures with at most `digits`
    decimals (scores, yuan) read exactly as Python writes them."""
    scale = 10**digits
    value = value.cast(pl.Float64)
    scaled = (value * scale).round(0).cast(pl.Int64)
    whole = scaled.abs() // scale
    sign = pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))  # -0.004 → "-0.00", as Python writes it
    whole_text = grouped(whole) if separators else whole.cast(pl.String)
    if digits == 0:
        return pl.concat_str(sign, whole_text)
    part = (scaled.abs() % scale).cast(pl.String).str.zfill(digits)
    return pl.concat_str(sign, whole_text, pl.lit("."), part)


def percent_down(rate: pl.Expr, digits: int = 1) -> pl.Expr:
    """A rate as a percentage rounded down, as warehouse.frames.on_time.percent: 0.99987 → "99.9%" (a month
    with one household paid late never reads 100 %); null stays null."""
    scale = 10**digits
    floored = (rate.cast(pl.Float64) * 100 * scale + 1e-9).floor().cast(pl.Int64)
    return pl.concat_str(fixed(floored.cast(pl.Float64) / scale, digits), pl.lit("%"))


def percent(rate: pl.Expr, digits: int = 1) -> pl.Expr:
    """A rate as a percentage, rounded as `f"{v:.1%}"`; null stays null."""
    return pl.concat_str(fixed(rate * 100, digits), pl.lit("%"))


def month_text(month: pl.Expr, *, english: bool = False) -> pl.Expr:
    """A month as 2023年1月, or Jan 2023."""
    if english:
        return month.dt.strftime("%b %Y")
    return pl.format("{}年{}月", month.dt.year(), month.dt.month())


def filled(template: str, value: pl.Expr, *, field: str = "{day}") -> pl.Expr:
    """`template` with `value` in place of `field`: 每月{day}日前 and 20 → 每月20日前."""
    before, _, after = template.partition(field)
    return pl.concat_str(pl.lit(before), value.cast(pl.String), pl.lit(after))


def looked_up(frame: pl.DataFrame, column: str, words) -> pl.Expr:
    """A code column in words, `words(code)` asked once for each code `frame` holds; null stays null."""
    codes = frame[column].drop_nulls().unique().to_list()
    return pl.col(column).replace_strict({code: words(code) for code in codes}, default=None, return_dtype=pl.String)
