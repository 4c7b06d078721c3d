"""Which rows of a roster repeat a household listed earlier in the file, found without holding the roster.

A household is its pseudonym (32 hex digits, the keyed hash of its ID number). Of every row
only the pseudonym's first 64 bits and the row's position are kept, 12 bytes a row where the
rows themselves take about 150: rows whose first 64 bits match another's are the candidates,
and their whole pseudonyms, read back from the staged rows, decide. (Two different households
share 64 bits with a chance of about one in 10^12 in a roster of 4,000,000 rows; were it ever
to happen, the whole pseudonyms tell them apart.)
"""

from __future__ import annotations

import polars as pl

from loaders.staging import Staging


def key_high(key: pl.Expr) -> pl.Expr:
    """The first 64 bits of a pseudonym, as an unsigned integer."""
    return key.str.slice(0, 16).str.to_integer(base=16, dtype=pl.UInt64)


class KeyIndex:
    """The pseudonyms' first 64 bits of a roster's rows, added chunk by chunk in file order."""

    def __init__(self) -> None:
        self._parts: list[pl.DataFrame] = []

    def add(self, rows: pl.DataFrame) -> None:
        """Add rows that have household_key and position."""
        self._parts.append(
            rows.select(key_high(pl.col("household_key")).alias("high"), pl.col("position").cast(pl.UInt32))
        )

    def listed_twice(self, staged: Staging) -> pl.DataFrame:
        """The staged rows of every household listed more than once, in file order, with `repeat`: whether
        the household was listed on an earlier row. Empty, usually, without reading the stage."""
        candidates = self._shared_high()
        if candidates.is_empty():
            return pl.DataFrame(schema={**staged.schema, "repeat": pl.Boolean})
        wanted = candidates.cast(pl.Int64).implode()
        rows = pl.concat(batch.filter(pl.col("position").is_in(wanted)) for batch in staged.batches())
        rows = rows.filter(pl.col("household_key").is_duplicated())
        return rows.with_columns(repeat=~pl.col("household_key").is_first_distinct())

    def _shared_high(self) -> pl.Series:
        """Positions of the rows whose first 64 bits another row shares. Sorting keeps the extra memory to
        the order (4 bytes a row) and the sorted halves, where hashing the keys took several times more."""
        if not self._parts:
            return pl.Series("position", [], dtype=pl.UInt32)
        keys = pl.concat(self._parts)
        self._parts = [keys]
        order = keys["high"].arg_sort()
        high = keys["high"].gather(order)
        shared = (high == high.shift(1)).fill_null(False) | (high == high.shift(-1)).fill_null(False)
        return keys["position"].gather(order.filter(shared)).sort()
