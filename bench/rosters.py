"""Synthetic rural rosters for the ingest benchmarks: one household a row, every ID number valid and distinct.

- plain: what a new user tries first: a UTF-8 CSV, no title row, 7 columns
  (乡镇,村,姓名,身份证号,保障人数,发放金额,发放日期), plain numbers, ISO dates;
- messy: what offices send: a title row naming the month and program, 8 columns (the extra one is
  保障标准), amounts with thousands separators.

Both are written from the same households, so every contender stores the same people whichever it reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loaders.idcard import check_digit  # noqa: E402

TOWNSHIPS = ["鲁城街道", "书院街道", "时庄街道", "小雪街道", "吴村镇", "姚村镇", "陵城镇", "尼山镇", "王庄镇", "息陬镇"]
COUNTY = "370881"
STANDARD = 745  # the county's monthly rural standard, yuan a person
PLAIN_HEADER = ["乡镇", "村", "姓名", "身份证号", "保障人数", "发放金额", "发放日期"]
MESSY_HEADER = ["乡镇（街道）", "村（社区）", "户主姓名", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]


def id_numbers(first: int, rows: int) -> list[str]:
    """County prefix + the household's number in 11 digits + its check digit: distinct for distinct numbers."""
    return [body + check_digit(body) for body in (f"{COUNTY}{number:011d}" for number in range(first, first + rows))]


def households(rows: int, *, year: int = 2023, month: int = 1, first: int = 0) -> pl.DataFrame:
    """Households `first` onwards of one month (rosters with different `first` share no one)."""
    rng = np.random.default_rng(20231)  # a fixed seed: every call writes the same bytes
    drawn = pl.DataFrame(
        {
            "number": pl.int_range(first, first + rows, eager=True),
            "persons": rng.integers(1, 5, rows),
            "per_person": rng.integers(200, STANDARD + 1, rows),
            "day": rng.integers(5, 29, rows),
        }
    )
    return drawn.select(
        (pl.col("number") % len(TOWNSHIPS)).replace_strict(dict(enumerate(TOWNSHIPS))).alias("township"),
        pl.format("{}村", pl.col("number") % 400).alias("village"),
        pl.lit("某某").alias("name"),
        pl.Series("id_number", id_numbers(first, rows)),
        "persons",
        (pl.col("per_person") * pl.col("persons")).alias("amount"),
        pl.date(year, month, pl.col("day")).alias("paid_on"),
    )


def with_thousands(amount: pl.Expr) -> pl.Expr:
    """1490 → "1,490"; the amounts stay below a million, so one separator is enough."""
    thousands, rest = amount // 1000, (amount % 1000).cast(pl.String).str.zfill(3)
    return pl.when(amount >= 1000).then(pl.format("{},{}", thousands, rest)).otherwise(amount.cast(pl.String))


def write_plain(path: Path, frame: pl.DataFrame) -> None:
    frame.rename(dict(zip(frame.columns, PLAIN_HEADER, strict=True))).write_csv(path)


def write_messy(path: Path, frame: pl.DataFrame, *, year: int = 2023, month: int = 1, county: str = "") -> None:
    """The offices' export; the title names the month and program, and the county where `county` is given."""
    messy = frame.select(
        "township",
        "village",
        "name",
        "id_number",
        "persons",
        pl.lit(STANDARD).alias("standard"),
        with_thousands(pl.col("amount")).alias("amount"),
        "paid_on",
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        # the loader takes month and program (and the county, where named) from the title
        handle.write(f"{county}{year}年{month}月农村低保发放明细\n")
        messy.rename(dict(zip(messy.columns, MESSY_HEADER, strict=True))).write_csv(handle)


def write_roster(path: Path, rows: int, *, year: int = 2023, month: int = 1, first: int = 0) -> None:
    """A messy roster of `rows` households (bench/crosscheck.py writes its rosters with this)."""
    write_messy(path, households(rows, year=year, month=month, first=first), year=year, month=month)


def write_plain_roster(path: Path, rows: int, *, year: int = 2023, month: int = 1, first: int = 0) -> None:
    write_plain(path, households(rows, year=year, month=month, first=first))
