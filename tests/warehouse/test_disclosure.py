"""Small counts and the counts hidden to protect them, checked against what a reader of the table can work out.

The property tests do not trust the code they test: `reader_values` enumerates, row by row, every table the
reader cannot rule out from the display alone (shown counts, 「<k」 as 0..k-1, 「≥k」 as k and up, totals that
add up), and so finds by brute force which values each hidden count may still take.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from warehouse.disclosure import Protected, UnprotectableTable, derivable, feasible_ranges, protect

Where = tuple[str, object, object]  # (part, row key, column key): which count of a table


def table(grid: list[list[int]]) -> pl.DataFrame:
    """Townships t0, t1, … by categories c0, c1, …, households as given."""
    return pl.DataFrame(
        [
            {"township": f"t{i}", "category": f"c{j}", "households": n}
            for i, line in enumerate(grid)
            for j, n in enumerate(line)
        ]
    )


KEYS = {"row": "township", "column": "category", "count": "households"}


def protected(grid: list[list[int]], **options) -> Protected:
    return protect(table(grid), **KEYS, **options)


def shown(p: Protected) -> list[list[object]]:
    """The cells as the reader sees them."""
    width = p.columns.height
    seen = [n if label is None else label for n, label in p.cells.select("households", "shown_as").iter_rows()]
    return [seen[at : at + width] for at in range(0, len(seen), width)]


def margins_shown(p: Protected) -> tuple[list[object], list[object], object]:
    def of(frame: pl.DataFrame) -> list[object]:
        return [n if label is None else label for n, label in frame.select("households", "shown_as").iter_rows()]

    return of(p.rows), of(p.columns), of(p.total)[0]


def displayed(grid: list[list[int]], *, hidden: set[Where], min_cell: int = 5) -> Protected:
    """A display with exactly these counts hidden, as if someone had chosen them by hand."""
    return with_hidden(replace(protected(grid, min_cell=1), min_cell=min_cell), hidden)


def with_hidden(p: Protected, hidden: set[Where]) -> Protected:
    """The same table with exactly these counts hidden, each labelled as its value requires."""
    label = pl.when(pl.col(p.count) < p.min_cell).then(pl.lit(f"<{p.min_cell}")).otherwise(pl.lit(f"≥{p.min_cell}"))

    def flag(frame: pl.DataFrame, part: str) -> pl.DataFrame:
        is_hidden = pl.Series(
            [key_of(p, part, item) in hidden for item in frame.iter_rows(named=True)], dtype=pl.Boolean
        )
        return frame.with_columns(hidden=is_hidden, shown_as=pl.when(is_hidden).then(label))

    frames = {"cells": "cell", "rows": "row", "columns": "column", "total": "total"}
    return replace(p, **{name: flag(getattr(p, name), part) for name, part in frames.items()})


def parts(p: Protected) -> list[tuple[str, pl.DataFrame]]:
    return [("cell", p.cells), ("row", p.rows), ("column", p.columns), ("total", p.total)]


def key_of(p: Protected, part: str, item: dict) -> Where:
    return (part, item.get(p.row) if part in ("cell", "row") else None, item.get(p.column) if p.column else None)


def where(frame: pl.DataFrame, p: Protected) -> list[Where]:
    part = frame.get_column("part")
    rows = frame.get_column(p.row)
    columns = frame.get_column(p.column) if p.column else pl.Series([None] * frame.height)
    return list(zip(part, rows, columns, strict=True))


# --- the reader's brute force -------------------------------------------------------------------------------


def reader_values(p: Protected, *, reach: int = 1) -> dict[Where, set[int]]:
    """For each hidden count, every value it takes in some table the reader cannot rule out.

    Only tables whose hidden cells lie within `reach` of their true values are enumerated. Any table found is
    a real one, so a value found proves that the count can take it. A value not found proves nothing by
    itself; it does because two tables the reader cannot tell apart differ by cycles of ±1 steps, so a
    count that can move by d can do so with no other count moving by more than d (the last test checks
    this against a wider search). Rows are taken one at a time, keeping the column sums reached so far
    (forward), then only the sums from which the last row can still be completed (backward).
    """
    low_high = bounds_seen(p)
    rows = p.rows.get_column(p.row).to_list()
    columns = p.columns.get_column(p.column).to_list() if p.column else [None]
    truth = {(r, c): n for r, c, n in cells_of(p)}

    def domain(r: object, c: object) -> list[int]:
        n, (low, high) = truth[r, c], low_high["cell", r, c]
        return [v for v in range(n - reach, n + reach + 1) if low <= v <= high]

    def fits(part: str, r: object, c: object, value: int) -> bool:
        low, high = low_high[part, r, c]
        return low <= value <= high

    choices = [
        [combo for combo in itertools.product(*(domain(r, c) for c in columns)) if fits("row", r, None, sum(combo))]
        for r in rows
    ]
    reached = [{(0,) * len(columns)}]
    for options in choices:
        reached.append({add(state, combo) for state in reached[-1] for combo in options})

    def finishes(state: tuple[int, ...]) -> bool:
        totals_fit = p.column is None or all(fits("column", None, c, n) for c, n in zip(columns, state, strict=True))
        return totals_fit and fits("total", None, None, sum(state))

    alive = [set() for _ in reached]
    alive[-1] = {state for state in reached[-1] if finishes(state)}
    for at in range(len(rows) - 1, -1, -1):
        alive[at] = {s for s in reached[at] if any(add(s, combo) in alive[at + 1] for combo in choices[at])}

    values: dict[Where, set[int]] = defaultdict(set)
    for at, r in enumerate(rows):
        for state in alive[at]:
            for combo in choices[at]:
                if add(state, combo) in alive[at + 1]:
                    for c, v in zip(columns, combo, strict=True):
                        values["cell", r, c].add(v)
                    values["row", r, None].add(sum(combo))
    for state in alive[-1]:
        for c, n in zip(columns, state, strict=True):
            values["column", None, c].add(n)
        values["total", None, None].add(sum(state))
    return {key: found for key, found in values.items() if key in hidden_counts(p)}


def add(state: tuple[int, ...], combo: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(a + b for a, b in zip(state, combo, strict=True))


def cells_of(p: Protected) -> list[tuple[object, object, int]]:
    columns = p.cells.get_column(p.column) if p.column else [None] * p.cells.height
    return list(zip(p.cells.get_column(p.row), columns, p.cells.get_column(p.count), strict=True))


def counts_seen(p: Protected) -> dict[Where, tuple[int, str | None]]:
    """Every count of the display: its true value and its label (None when shown)."""
    seen = {}
    for part, frame in parts(p):
        for item in frame.iter_rows(named=True):
            seen[key_of(p, part, item)] = (item[p.count], item["shown_as"])
    return seen


def bounds_seen(p: Protected) -> dict[Where, tuple[int, float]]:
    """What the display says of each count: a shown count exactly, 「<k」 as 0..k-1, 「≥k」 as k and up."""
    k = p.min_cell
    said = {"<": (0, k - 1), "≥": (k, float("inf"))}
    return {key: (n, n) if label is None else said[label[0]] for key, (n, label) in counts_seen(p).items()}


def hidden_counts(p: Protected) -> dict[Where, int]:
    return {key: n for key, (n, label) in counts_seen(p).items() if label is not None}


def given_away(p: Protected, values: dict[Where, set[int]]) -> list[Where]:
    """Hidden counts the reader pins down: no other value fits, or (for a count that is not zero) no other
    value that is not zero, so knowing someone lives there tells how many."""
    pinned = []
    for key, n in hidden_counts(p).items():
        others = values.get(key, set()) - {n}
        if n >= 1:
            others = {v for v in others if v >= 1}
        if not others:
            pinned.append(key)
    return pinned


# --- examples at the edges ----------------------------------------------------------------------------------


def test_a_small_cell_takes_its_row_and_column_partners_with_it():
    p = protected([[3, 20, 30], [10, 12, 14]])
    assert shown(p) == [["<5", "≥5", 30], ["≥5", "≥5", 14]]
    assert margins_shown(p) == ([53, 36], [13, 32, 44], 89)
    assert p.cells.get_column("reason").to_list() == ["primary", "complementary", None] + ["complementary"] * 2 + [None]
    assert derivable(p).is_empty()


def test_a_one_beside_a_five_is_not_protected_by_the_five_alone():
    """Row t0 = 1 + 5 + 40. Hiding the 1 with the 5 (and their column partners) looks covered, but the
    「≥5」 cannot shrink, so the 1 cannot grow: the reader sees 0 or 1, and 1 if anyone lives there."""
    grid = [[1, 5, 40], [6, 7, 30]]
    naive = displayed(
        grid, hidden={("cell", "t0", "c0"), ("cell", "t0", "c1"), ("cell", "t1", "c0"), ("cell", "t1", "c1")}
    )
    assert where(derivable(naive), naive) == [("cell", "t0", "c0")]
    assert given_away(naive, reader_values(naive)) == [("cell", "t0", "c0")]

    p = protected(grid)
    assert shown(p) == [["<5", 5, "≥5"], ["≥5", 7, "≥5"]]  # the 40 can give one to the 1
    assert derivable(p).is_empty()
    one = feasible_ranges(p).filter(part="cell", township="t0", category="c0")
    assert one.select("low", "high").row(0) == (0, 2)  # 2 at most: the 6 below it may shrink only to 5


def test_a_small_row_total_is_hidden_with_a_partner_and_still_bounds_its_row():
    """Township t0 has 3 households. With the county total shown, t1's total hides too (93 - 90 = 3), and
    t0's 「<5」 still tells the reader its cells add up to at most 4."""
    p = protected([[2, 1, 0], [20, 30, 40]])
    assert shown(p) == [["<5", "<5", 0], ["≥5", "≥5", 40]]
    assert margins_shown(p) == (["<5", "≥5"], [22, 31, 40], 93)
    assert p.rows.get_column("reason").to_list() == ["primary", "complementary"]
    t0 = feasible_ranges(p).filter(part="cell", township="t0")
    assert t0.select("category", "low", "high").rows() == [("c0", 0, 4), ("c1", 0, 4)]
    assert derivable(p).is_empty()
    assert given_away(p, reader_values(p, reach=4)) == []


def test_a_list_of_townships_with_the_county_total():
    townships = pl.DataFrame({"township": ["甲", "乙", "丙", "丁"], "households": [1, 12, 30, 0]})
    p = protect(townships, row="township", column=None, count="households")
    assert p.cells.get_column("shown_as").to_list() == ["<5", "≥5", None, None]  # the 1 grows as the 12 shrinks
    assert p.rows.get_column("shown_as").to_list() == p.cells.get_column("shown_as").to_list()
    assert p.columns.is_empty()
    assert p.total.select("households", "hidden").row(0) == (43, False)
    assert derivable(p).is_empty()
    assert given_away(p, reader_values(p, reach=4)) == []


def test_four_ones_under_a_total_of_four_are_safe_only_because_small_may_mean_zero():
    """With 「<5」 read as 1..4 the four cells would each be 1; read as 0..4 each may be anything in it."""
    p = protect(
        pl.DataFrame({"township": ["甲", "乙", "丙", "丁"], "households": [1, 1, 1, 1]}),
        row="township",
        column=None,
        count="households",
    )
    assert p.cells.get_column("shown_as").to_list() == ["<5"] * 4
    assert p.total.get_column("shown_as").to_list() == ["<5"]
    assert feasible_ranges(p).filter(part="cell").select("low", "high").unique().rows() == [(0, 4)]


def test_a_table_that_no_suppression_can_protect_is_refused():
    """Each category has 5 households and t0's cells are 「<5」, so each of t1's cells is at least 1; four of them
    under t1's 「<5」 total are each exactly 1. The labels alone give the whole table away, however much is
    hidden: such a table is shown one level up (without the split), or not at all."""
    grid = [[4, 4, 4, 4], [1, 1, 1, 1]]
    with pytest.raises(UnprotectableTable):
        protected(grid)
    bare = protected(grid, min_cell=1)
    everything = with_hidden(replace(bare, min_cell=5), set(counts_seen(bare)))
    assert sorted(given_away(everything, reader_values(everything, reach=4))) == sorted(counts_seen(bare))


def test_a_township_with_one_category_hides_its_total_with_its_cell():
    frame = pl.DataFrame({"township": ["a", "b", "b", "c", "c"], "category": ["x", "x", "y", "x", "y"]})
    p = protect(frame.with_columns(households=pl.Series([3, 10, 20, 7, 9])), **KEYS)
    assert p.cells.get_column("shown_as").to_list() == ["<5", None, None, "≥5", None]
    assert p.rows.select("township", "shown_as").rows() == [("a", "<5"), ("b", None), ("c", "≥5")]
    assert derivable(p).is_empty()


def test_all_cells_small():
    p = protected([[1, 2], [3, 1]])
    assert shown(p) == [["<5", "<5"], ["<5", "<5"]]
    assert margins_shown(p) == (["<5", "<5"], ["<5", "<5"], 7)
    assert derivable(p).is_empty()
    assert given_away(p, reader_values(p, reach=4)) == []


def test_nothing_small_hides_nothing_and_zeros_are_shown():
    p = protected([[5, 10, 0], [20, 0, 7]])
    assert shown(p) == [[5, 10, 0], [20, 0, 7]]
    assert not any(p.cells["hidden"]) and not any(p.rows["hidden"]) and not any(p.columns["hidden"])
    assert feasible_ranges(p).is_empty()


def test_a_zero_beside_a_small_cell_may_be_the_one_hidden_with_it():
    """The 3 can only move if something in its row moves the other way; the 0 is the cheapest such cell,
    and it shows as 「<5」 (true: 0 is fewer than 5)."""
    p = protected([[3, 0], [7, 9]])
    assert shown(p) == [["<5", "<5"], ["≥5", "≥5"]]
    assert p.cells.get_column("reason").to_list() == ["primary", "complementary", "complementary", "complementary"]
    assert derivable(p).is_empty()


def test_other_figures_share_the_cells_fate_and_are_summed_in_the_totals():
    frame = table([[3, 20, 30], [10, 12, 14]]).with_columns(
        persons=pl.col("households") * 2, amount=pl.col("households") * 1.5
    )
    p = protect(frame, row="township", column="category", count="households", carry=["persons", "amount"])
    assert p.rows.select("township", "persons", "amount").rows() == [("t0", 106, 79.5), ("t1", 72, 54.0)]
    assert p.total.select("households", "persons").row(0) == (89, 178)
    assert p.cells.columns == [*frame.columns, "hidden", "reason", "shown_as"]


def test_a_threshold_of_two_is_refused_and_one_hides_nothing():
    with pytest.raises(ValueError, match="threshold of 2"):
        protected([[1, 9]], min_cell=2)
    assert not any(protected([[1, 9]], min_cell=1).cells["hidden"])


def test_a_forty_by_six_table_of_mostly_small_cells_is_protected():
    grid = [[(i * 7 + j * 3) % 9 for j in range(6)] for i in range(40)]
    p = protected(grid)
    assert derivable(p).is_empty()
    assert not p.cells.filter(~pl.col("hidden") & pl.col("households").is_between(1, 4)).height


# --- properties ---------------------------------------------------------------------------------------------

small_counts = st.one_of(st.integers(0, 6), st.integers(0, 30))  # half small, half anything up to 30


@st.composite
def grids(draw, max_rows: int = 6, max_columns: int = 4, counts=small_counts) -> list[list[int]]:
    rows, columns = draw(st.integers(1, max_rows)), draw(st.integers(1, max_columns))
    return [[draw(counts) for _ in range(columns)] for _ in range(rows)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=grids(), min_cell=st.sampled_from([3, 4, 5]))
def test_no_small_count_shows_and_no_hidden_count_can_be_worked_out(grid, min_cell):
    try:
        p = protected(grid, min_cell=min_cell)
    except UnprotectableTable:
        bare = replace(protected(grid, min_cell=1), min_cell=min_cell)
        everything = with_hidden(bare, set(counts_seen(bare)))
        assert given_away(everything, reader_values(everything, reach=min_cell - 1)), "gave up on a table"
        return
    for key, (n, label) in counts_seen(p).items():
        assert label is not None or not 1 <= n < min_cell, f"{key} = {n} is shown"
    assert given_away(p, reader_values(p)) == []
    assert complements_are_all_needed(p)


def complements_are_all_needed(p: Protected) -> bool:
    """Showing any one complementary count (with the counts that are the same number by construction, such
    as a list's township total and its cell) would let the reader pin down some hidden count."""
    seen = counts_seen(p)
    reasons = {
        key_of(p, part, item): item["reason"] for part, frame in parts(p) for item in frame.iter_rows(named=True)
    }
    twins = same_number(p)
    hidden = {key for key, (_, label) in seen.items() if label is not None}
    for key in hidden:
        if reasons[key] == "complementary" and derivable(with_hidden(p, hidden - twins[key])).is_empty():
            return False
    return True


def same_number(p: Protected) -> dict[Where, set[Where]]:
    """For each count, the counts equal to it in every table the reader could imagine: a cell alone in its row
    is that row's total, alone in its column that column's total; a lone row's total is the grand total, and
    so is a lone column's (a 1×1 table is one number four times)."""
    keys = [key_of(p, part, item) for part, frame in parts(p) for item in frame.iter_rows(named=True)]
    one_row, one_column = p.rows.height == 1, p.column is None or p.columns.height == 1
    group = {key: {key} for key in keys}

    def join(a: Where, b: Where) -> None:
        merged = group[a] | group[b]
        for key in merged:
            group[key] = merged

    for part, r, c in keys:
        if part == "cell" and one_column:
            join((part, r, c), ("row", r, None))
        if part == "cell" and one_row and p.column:
            join((part, r, c), ("column", None, c))
        if part == "row" and one_row:
            join((part, r, c), ("total", None, None))
        if part == "column" and one_column:
            join((part, r, c), ("total", None, None))
    return group


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    grid=grids(max_rows=3, max_columns=3, counts=st.integers(0, 12)),
    min_cell=st.sampled_from([3, 4, 5]),
    data=st.data(),
)
def test_derivable_and_feasible_ranges_agree_with_the_readers_brute_force(grid, min_cell, data):
    """Any counts hidden, chosen at random: the production check and the brute force see the same thing, both
    which counts are pinned down (searching one step from the truth, as the property test above does) and
    every value within three steps of the truth."""
    p = replace(protected(grid, min_cell=1), min_cell=min_cell)
    chosen = with_hidden(p, data.draw(st.sets(st.sampled_from(sorted(counts_seen(p), key=str)))))
    reach = 3
    pinned = given_away(chosen, reader_values(chosen))
    assert sorted(where(derivable(chosen), chosen), key=str) == sorted(pinned, key=str)
    values = reader_values(chosen, reach=reach)
    assert given_away(chosen, values) == pinned
    ranges = feasible_ranges(chosen)
    for key, low, high in zip(where(ranges, chosen), ranges["low"], ranges["high"], strict=True):
        n = hidden_counts(chosen)[key]
        window = range(n - reach, n + reach + 1)
        # totals may stray further than `reach` in the search; inside the window both must agree exactly
        assert values[key] & set(window) == {v for v in window if low <= v and (high is None or v <= high)}, key
