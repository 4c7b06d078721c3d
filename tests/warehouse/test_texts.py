"""warehouse.frames.texts writes numbers, rates and months as Python's own formats do (they replace
`map_elements`, which deadlocked the app under load)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from warehouse.frames import texts
from warehouse.frames.on_time import percent

WHOLE = st.integers(min_value=-(10**12), max_value=10**12)


def written(values: list, expression) -> list:
    return pl.DataFrame({"v": values}, strict=False).select(expression(pl.col("v")).alias("v"))["v"].to_list()


@given(st.lists(WHOLE, max_size=30))
def test_whole_numbers_read_as_python_writes_them_with_separators(values):
    assert written(values, texts.grouped) == [f"{v:,}" for v in values]


@given(st.lists(WHOLE, max_size=30), st.sampled_from([0, 1, 2]))
def test_figures_with_their_decimals_read_as_python_writes_them(cents, digits):
    values = [v / 10**digits for v in cents]  # yuan and scores: at most the decimals written
    assert written(values, lambda v: texts.fixed(v, digits)) == [f"{v:.{digits}f}" for v in values]
    assert written(values, lambda v: texts.fixed(v, digits, separators=True)) == [f"{v:,.{digits}f}" for v in values]


@given(st.lists(st.floats(min_value=0, max_value=1), max_size=30), st.sampled_from([1, 2]))
def test_rates_round_down_as_the_on_time_words_do(rates, digits):
    assert written(rates, lambda v: texts.percent_down(v, digits)) == [percent(r, digits=digits) for r in rates]


def test_a_month_short_of_every_household_never_reads_100_percent():
    assert written([0.99995, 1.0, 0.0], texts.percent_down) == ["99.9%", "100.0%", "0.0%"]


def test_nulls_stay_null_and_months_read_in_both_languages():
    assert written([None, 1234], texts.grouped) == [None, "1,234"]
    assert written([None, 93.7], texts.fixed) == [None, "93.70"]
    months = [dt.date(2023, 1, 1), dt.date(2024, 12, 1)]
    assert written(months, texts.month_text) == ["2023年1月", "2024年12月"]
    assert written(months, lambda m: texts.month_text(m, english=True)) == ["Jan 2023", "Dec 2024"]
    assert written([20, None], lambda d: texts.filled("每月{day}日前", d)) == ["每月20日前", None]


def test_codes_are_looked_up_once_each():
    asked = []

    def words(code: str) -> str:
        asked.append(code)
        return {"rural": "农村", "urban": "城市"}[code]

    frame = pl.DataFrame({"program": ["rural", "urban", "rural", None]})
    assert frame.select(texts.looked_up(frame, "program", words))["program"].to_list() == ["农村", "城市", "农村", None]
    assert sorted(asked) == ["rural", "urban"]
