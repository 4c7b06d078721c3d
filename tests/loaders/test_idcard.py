"""GB 11643 check digits, normalisation and masking."""

from __future__ import annotations

import polars as pl
import pytest

from loaders import idcard


@pytest.mark.parametrize(
    "raw, normalised, problem",
    [
        ("11010519491231002X", "11010519491231002X", None),  # the standard's own example
        ("11010519491231002x", "11010519491231002X", None),  # lower-case x
        ("110105194912310021", "110105194912310021", "校验码应为 X，实为 1"),
        ("440524188001010014", "440524188001010014", None),
        ("440524188001010015", "440524188001010015", "校验码应为 4，实为 5"),
        ("110105491231002", "11010519491231002X", None),  # 15-digit legacy number widened
        ("4.40811E+17", "4.40811E+17", "号码被 Excel 存成了数字（科学计数法），末几位已丢失"),
        ("1101051949123100", "1101051949123100", "长度为 16 位，应为 18 位"),
        ("11010519491231002Y", "11010519491231002Y", "含有数字和末位 X 以外的字符"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X", None),  # full-width
    ],
)
def test_normalise_and_check(raw, normalised, problem):
    assert idcard.normalise(raw) == normalised
    assert idcard.problem(normalised) == problem
    frame = pl.DataFrame({"n": idcard.normalise_series(pl.Series([raw]))})
    assert frame["n"][0] == normalised
    assert frame.select(idcard.problem_expr(pl.col("n")))[0, 0] == problem


def test_mask_shows_four_and_four():
    assert idcard.mask("53042719600101123X") == "5304**********123X"
    frame = pl.DataFrame({"n": ["53042719600101123X", "1234"]})
    assert frame.select(idcard.mask_expr(pl.col("n")))["n"].to_list() == ["5304**********123X", "****"]
