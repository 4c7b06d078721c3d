"""Small counts hidden from restricted readers, so that none can be read or worked out from the totals beside them.

One table at a time: cells keyed by a row (e.g. township) and a column (e.g. category), each with a household
count, and the totals published beside them: every row total, every column total and the grand total (the
parent level's figure). A list (townships of a month with the county total) is the same table with no column.
The categories must partition the households: the totals are the sums of the cells. A cell missing from the
frame is a zero the reader knows (left blank), never hidden.

What the reader sees, and so all an attacker knows:
- a shown count is exact, and the totals add up (all counts are non-negative integers);
- 「<5」 (`shown_as` "<5" for the default threshold 5) is a count from 0 to 4. Primary counts (1-4 households,
  cells or totals) show so, and a zero may show so too when it is hidden to protect another count: the legend
  must say "fewer than 5, possibly none", never "1 to 4" (read so, four cells of one household under a total
  of 4 give themselves away, and no suppression of other cells can help);
- 「≥5」 is a count of at least 5, hidden to protect a small one (complements are only zeros and counts of at
  least 5, so the label tells no more than that);
- a hidden total is known by the same bounds, and still binds its line: a row total of 3 shown as 「<5」 tells
  the reader that the row's cells add up to 0-4, and the checks here use it so.
Persons and amounts (`carry`) are hidden where the cell is, shown as a plain mark, never as 「<5」 or 「≥5」.

The guarantee (`derivable` finds nothing): every hidden count, cell or total, has at least two values that fit
everything shown; and a hidden count that is not zero has at least two non-zero values, so a neighbour who knows
that someone in that township and category receives 低保 still cannot tell how many. A table where that cannot be
had, however much is hidden, is refused (`UnprotectableTable`): the labels alone give it away.

How: the table and its totals are a circulation (source → row → column → sink → source: a row's total flows
in, its cells flow across, a column's total flows out, the grand total flows back), so two tables the reader
cannot tell apart differ by cycles, and a hidden count is protected exactly when some cycle moves it by one
(up, if it is 1) with every other count on the cycle staying within what the reader knows. Each primary
count without such a cycle gets the cheapest one (Dijkstra), and the counts on it are hidden: zeros and cells
first, row and column totals only when no cells will do, the grand total last (the caller then hides it where
the parent level shows it). Every count on a cycle stays protected whatever is hidden later, so one pass
covers them all; then each complementary count is shown again, costliest first, wherever protection holds
without it, until none can be.
`feasible_ranges` pushes the most flow around a count each way (Edmonds-Karp): the constraint matrix of a
table with its totals is a network matrix, so these are exact integer bounds, and every value between them fits.

Protect the finest table a reader sees and take the coarser views (the township list, the category list, the
county figure) from its `rows`, `columns` and `total`: protected apart, two views would hide different counts,
and side by side they could give a hidden one away.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

PRIMARY = "primary"
COMPLEMENTARY = "complementary"
SOURCE, SINK = 0, 1
Step = tuple[int, int]  # (index of a count, +1 when it grows, -1 when it shrinks)


class UnprotectableTable(ValueError):
    """Even with every count hidden, the labels pin one down: show the table one level up, or not at all."""


@dataclass(frozen=True)
class Protected:
    """A table ready for a restricted reader.

    `cells` is the input frame (same rows, same order) with three columns added: `hidden` (bool),
    `reason` ("primary" | "complementary" | null) and `shown_as` ("<5" | "≥5" | null). `rows` and `columns`
    hold the totals per row key and per column key (`count` and every carried column summed, the same three
    columns added); `total` is one row: the grand total, with the same columns. For a list (`column` None)
    `rows` repeats the cells (a row's total is its cell) and `columns` is empty.
    """

    cells: pl.DataFrame
    rows: pl.DataFrame
    columns: pl.DataFrame
    total: pl.DataFrame
    row: str
    column: str | None
    count: str
    min_cell: int


def protect(
    cells: pl.DataFrame,
    *,
    row: str,
    column: str | None,
    count: str,
    carry: Sequence[str] = (),
    min_cell: int = 5,
) -> Protected:
    """Hide every count of 1..min_cell-1 households, and the fewest others that keep them from being worked out.

    `carry` names other value columns (persons, amount) that share each cell's fate: the caller hides them
    wherever `hidden` is true, and their totals are summed into the margins alongside `count`.
    """
    table = _skeleton(cells, row=row, column=column, count=count, carry=carry, min_cell=min_cell)
    if min_cell <= 1:
        return table
    network = _Network.of(table)
    network.hide_small_counts()
    network.cover_every_hidden_count()
    network.show_needless_complements()
    if network.unprotected():  # cannot happen: every hidden count was given a cycle; a last look all the same
        raise RuntimeError("a hidden count is still derivable after protection")
    return network.write_into(table)


def derivable(protected: Protected) -> pl.DataFrame:
    """The hidden counts an attacker can pin down from what is shown (none, for a table from `protect`)."""
    network = _Network.of(protected)
    return network.describe(network.unprotected())


def feasible_ranges(protected: Protected) -> pl.DataFrame:
    """Every hidden count with the least (`low`) and greatest (`high`, null if unbounded) value the reader
    cannot rule out; every value between them fits too."""
    network = _Network.of(protected)
    hidden = [index for index, item in enumerate(network.counts) if item.hidden]
    lows, highs = zip(*(network.range_of(index) for index in hidden), strict=True) if hidden else ((), ())
    return network.describe(hidden).with_columns(
        low=pl.Series(lows, dtype=pl.Int64), high=pl.Series(highs, dtype=pl.Int64)
    )


# --- the frames --------------------------------------------------------------------------------------------


def _skeleton(
    cells: pl.DataFrame, *, row: str, column: str | None, count: str, carry: Sequence[str], min_cell: int
) -> Protected:
    """The cells and their totals, nothing hidden yet."""
    if min_cell == 2:
        raise ValueError("a threshold of 2 protects nothing: 「<2」 is 0 or 1, and one who knows it is not 0 knows it")
    keys = [row] if column is None else [row, column]
    if cells.select(pl.struct(keys).is_duplicated().any()).item():
        raise ValueError(f"one cell per {' × '.join(keys)} expected")
    if cells.select((pl.col(count).is_null() | (pl.col(count) < 0)).any()).item():
        raise ValueError(f"{count} must be a count: no nulls, no negatives")
    values = [count, *carry]
    sums = [pl.col(name).sum() for name in values]
    rows = cells.select(*keys, *values) if column is None else cells.group_by(row, maintain_order=True).agg(sums)
    columns = cells.head(0).select(values) if column is None else cells.group_by(column, maintain_order=True).agg(sums)
    return Protected(
        cells=_unflagged(cells),
        rows=_unflagged(rows.select(row, *values)),
        columns=_unflagged(columns),
        total=_unflagged(cells.select(sums)),
        row=row,
        column=column,
        count=count,
        min_cell=min_cell,
    )


def _unflagged(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(hidden=pl.lit(False), reason=pl.lit(None, pl.String), shown_as=pl.lit(None, pl.String))


# --- the network -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Count:
    """One published count: a cell or a total, as an arc of the circulation."""

    part: str  # "cell" | "row" | "column" | "total": the frame of `Protected` it comes from
    position: int  # its row in that frame
    tail: int
    head: int
    value: int
    hidden: bool
    reason: str | None


class _Network:
    """The table as a circulation, with what the reader knows of each count."""

    def __init__(self, counts: list[_Count], min_cell: int, protected: Protected):
        self.counts = counts
        self.min_cell = min_cell
        self.protected = protected
        self.bundle_of = _series_bundles(counts)
        self.members: dict[int, list[int]] = {}
        for index, bundle in enumerate(self.bundle_of):
            self.members.setdefault(bundle, []).append(index)

    @classmethod
    def of(cls, protected: Protected) -> _Network:
        """Arcs: grand total sink → source, row total source → row, cell row → column, column total column → sink.
        A list has no column nodes: its cells flow from their row straight into the sink."""
        p = protected
        counts: list[_Count] = []
        row_node = {key: 2 + at for at, key in enumerate(p.rows[p.row])}
        column_keys = [] if p.column is None else p.columns[p.column].to_list()
        column_node = {key: 2 + len(row_node) + at for at, key in enumerate(column_keys)}

        def add(part: str, frame: pl.DataFrame, ends) -> None:
            for position, item in enumerate(frame.iter_rows(named=True)):
                tail, head = ends(item)
                counts.append(_Count(part, position, tail, head, item[p.count], item["hidden"], item["reason"]))

        add("total", p.total, lambda _: (SINK, SOURCE))
        add("row", p.rows, lambda item: (SOURCE, row_node[item[p.row]]))
        add("column", p.columns, lambda item: (column_node[item[p.column]], SINK))
        add("cell", p.cells, lambda item: (row_node[item[p.row]], column_node.get(item.get(p.column), SINK)))
        return cls(counts, p.min_cell, p)

    # what the reader knows

    def bounds(self, index: int) -> tuple[int, float]:
        """The range a hidden count is known to lie in: 「<k」 is 0..k-1, 「≥k」 is k and up."""
        value = self.counts[index].value
        return (0, self.min_cell - 1) if value < self.min_cell else (self.min_cell, math.inf)

    def room(self, index: int, direction: int) -> float:
        """How far a count could move one way if it were hidden."""
        low, high = self.bounds(index)
        value = self.counts[index].value
        return high - value if direction > 0 else value - low

    def proves(self, index: int, direction: int) -> bool:
        """Whether moving this count one step this way shows a value other than its own that the reader
        could not exclude, even knowing it is not zero (a 1 must be able to grow)."""
        return self.room(index, direction) > 0 and not (direction < 0 and self.counts[index].value == 1)

    # choosing what to hide

    def hide_small_counts(self) -> None:
        for item in self.counts:
            if 1 <= item.value < self.min_cell:
                item.hidden, item.reason = True, PRIMARY

    def cover_every_hidden_count(self) -> None:
        """Give each hidden count without a cycle the cheapest one; counts on a cycle are covered for good,
        since hiding more only widens what the reader must allow."""
        covered: set[int] = set()
        order = sorted((i for i, item in enumerate(self.counts) if item.hidden), key=self._cover_order)
        steps = self._steps(buy=True)
        for index in order:
            if index in covered:
                continue
            cycle = self._cheapest_cycle(index, steps)
            if cycle is None:
                raise UnprotectableTable(f"no cells or totals can be hidden to protect {self._name(index)}")
            bought = [i for i, _ in cycle if not self.counts[i].hidden]
            for i in bought:
                self._set_bundle(self.bundle_of[i], hidden=True, reason=COMPLEMENTARY)
            if bought:
                steps = self._steps(buy=True)
            covered.update(i for i, direction in cycle if self.proves(i, direction))

    def show_needless_complements(self) -> None:
        """Show again, costliest first, each complementary count that protection does not need."""
        changed = True
        while changed:
            changed = False
            chosen = {self.bundle_of[i] for i, item in enumerate(self.counts) if item.reason == COMPLEMENTARY}
            for bundle in sorted(chosen, key=self._bundle_cost, reverse=True):
                self._set_bundle(bundle, hidden=False, reason=None)
                if self.unprotected():
                    self._set_bundle(bundle, hidden=True, reason=COMPLEMENTARY)
                else:
                    changed = True

    def unprotected(self) -> list[int]:
        """The hidden counts with no cycle that shows another (non-zero, if it is non-zero) value for them."""
        covered: set[int] = set()
        left = []
        steps = self._steps(buy=False)
        for index, item in enumerate(self.counts):
            if not item.hidden or index in covered:
                continue
            cycle = self._cheapest_cycle(index, steps)
            if cycle is None:
                left.append(index)
            else:
                covered.update(i for i, direction in cycle if self.proves(i, direction))
        return left

    def _steps(self, *, buy: bool) -> dict[int, list[tuple[int, int, int, tuple]]]:
        """From each node, the steps counts can take: (next node, count, direction, price). Hidden counts step
        for free within their bounds; with `buy`, so may counts not hidden yet that could be, at a price."""
        steps: dict[int, list[tuple[int, int, int, tuple]]] = {}
        for i, item in enumerate(self.counts):
            if not (item.hidden or (buy and self._eligible(i))):
                continue
            price = self._price(i)
            for direction in (+1, -1):
                if self.room(i, direction) > 0:
                    frm, to = (item.tail, item.head) if direction > 0 else (item.head, item.tail)
                    steps.setdefault(frm, []).append((to, i, direction, price))
        return steps

    def _cheapest_cycle(self, index: int, steps: dict) -> list[Step] | None:
        """A cycle through a count that moves it a step it `proves` by, and every other count on it within
        its bounds: the cheapest, by the price of the counts on it not hidden yet."""
        item = self.counts[index]
        found = []
        for direction in (+1, -1):
            if not self.proves(index, direction):
                continue
            start, end = (item.head, item.tail) if direction > 0 else (item.tail, item.head)
            path = _cheapest_path(steps, start, end, skip=index)
            if path is not None:
                found.append((path[0], [(index, direction), *path[1]]))
        return min(found, key=lambda option: option[0])[1] if found else None

    def _eligible(self, index: int) -> bool:
        """Complements are zeros (shown then as 「<k」) or counts of k and more (「≥k」): never a count in 1..k-1."""
        value = self.counts[index].value
        return value == 0 or value >= self.min_cell

    def _price(self, index: int) -> tuple:
        if self.counts[index].hidden or self.bundle_of[index] != index:
            return (0, 0, 0, 0)
        return self._bundle_cost(index)

    def _bundle_cost(self, bundle: int) -> tuple:
        """(grand totals, other totals, cells, households) hidden: fewest totals first, then fewest cells."""
        parts = {self.counts[i].part for i in self.members[bundle]}
        value = self.counts[bundle].value
        if "total" in parts:
            return (1, 0, 0, value)
        if parts & {"row", "column"}:
            return (0, 1, 0, value)
        return (0, 0, 1, value)

    def _cover_order(self, index: int) -> tuple:
        """Cells before totals; ones first: they can only be covered by growing."""
        item = self.counts[index]
        return (item.part != "cell", item.value, index)

    def _set_bundle(self, bundle: int, *, hidden: bool, reason: str | None) -> None:
        for i in self.members[bundle]:
            if self.counts[i].reason != PRIMARY:
                self.counts[i].hidden, self.counts[i].reason = hidden, reason

    # how far a hidden count can move

    def range_of(self, index: int) -> tuple[int, int | None]:
        """Least and greatest value of a hidden count: the most flow that goes around it each way."""
        item = self.counts[index]
        low, high = self.bounds(index)
        up = min(high - item.value, self._max_flow(item.head, item.tail, skip=index, limit=high - item.value))
        down = min(item.value - low, self._max_flow(item.tail, item.head, skip=index, limit=item.value - low))
        return item.value - int(down), None if up == math.inf else item.value + int(up)

    def _max_flow(self, start: int, end: int, *, skip: int, limit: float) -> float:
        """Edmonds–Karp over the hidden counts' room, stopping at `limit`; infinite if a path has no bound."""
        room: dict[Step, float] = {}
        steps: dict[int, list[tuple[int, int, int]]] = {}
        for i, other in enumerate(self.counts):
            if i == skip or not other.hidden:
                continue
            for direction in (+1, -1):
                room[i, direction] = self.room(i, direction)
                frm, to = (other.tail, other.head) if direction > 0 else (other.head, other.tail)
                steps.setdefault(frm, []).append((to, i, direction))
        flow = 0.0
        while flow < limit:
            came_from: dict[int, tuple[int, int, int]] = {start: (start, -1, 0)}
            queue = deque([start])
            while queue and end not in came_from:
                node = queue.popleft()
                for to, i, direction in steps.get(node, []):
                    if to not in came_from and room[i, direction] > 0:
                        came_from[to] = (node, i, direction)
                        queue.append(to)
            if end not in came_from:
                return flow
            path, node = [], end
            while node != start:
                node, i, direction = came_from[node]
                path.append((i, direction))
            push = min(limit - flow, *(room[step] for step in path))
            if push == math.inf:
                return math.inf
            for i, direction in path:
                room[i, direction] -= push
                room[i, -direction] += push
            flow += push
        return flow

    # back to frames

    def write_into(self, table: Protected) -> Protected:
        frames = {"cells": table.cells, "rows": table.rows, "columns": table.columns, "total": table.total}
        part_frame = {"cell": "cells", "row": "rows", "column": "columns", "total": "total"}
        flags: dict[str, list[tuple]] = {name: [(False, None, None)] * frame.height for name, frame in frames.items()}
        for item in self.counts:
            flags[part_frame[item.part]][item.position] = (item.hidden, item.reason, self._shown_as(item))
        for name, frame in frames.items():
            hidden, reason, shown_as = zip(*flags[name], strict=True) if frame.height else ((), (), ())
            frames[name] = frame.with_columns(
                hidden=pl.Series(hidden, dtype=pl.Boolean),
                reason=pl.Series(reason, dtype=pl.String),
                shown_as=pl.Series(shown_as, dtype=pl.String),
            )
        return Protected(**frames, row=table.row, column=table.column, count=table.count, min_cell=table.min_cell)

    def _shown_as(self, item: _Count) -> str | None:
        if not item.hidden:
            return None
        return f"<{self.min_cell}" if item.value < self.min_cell else f"≥{self.min_cell}"

    def describe(self, indices: list[int]) -> pl.DataFrame:
        """Which counts these are: part, row key, column key (null where it has none) and the count."""
        p = self.protected
        key_types = {p.row: p.cells.schema[p.row]}
        if p.column is not None:
            key_types[p.column] = p.cells.schema[p.column]
        records = []
        for index in indices:
            item = self.counts[index]
            source = {"cell": p.cells, "row": p.rows, "column": p.columns, "total": p.total}[item.part]
            located = source.row(item.position, named=True)
            records.append({"part": item.part, **{key: located.get(key) for key in key_types}, p.count: item.value})
        return pl.DataFrame(records, schema={"part": pl.String, **key_types, p.count: pl.Int64})

    def _name(self, index: int) -> str:
        return str(self.describe([index]).row(0, named=True))


def _cheapest_path(steps: dict, start: int, end: int, *, skip: int) -> tuple[tuple, list[Step]] | None:
    """Dijkstra from `start` to `end` without count `skip`; prices are tuples, added place by place."""
    free = (0, 0, 0, 0)
    best = {start: free}
    came_from: dict[int, tuple[int, int, int]] = {}
    queue = [(free, 0, start)]
    tiebreak = itertools.count(1)
    while queue:
        cost, _, node = heapq.heappop(queue)
        if node == end:
            path = []
            while node != start:
                node, i, direction = came_from[node]
                path.append((i, direction))
            return cost, path[::-1]
        if cost > best[node]:
            continue
        for to, i, direction, price in steps.get(node, ()):
            if i == skip:
                continue
            new = (cost[0] + price[0], cost[1] + price[1], cost[2] + price[2], cost[3] + price[3])
            if to not in best or new < best[to]:
                best[to], came_from[to] = new, (node, i, direction)
                heapq.heappush(queue, (new, next(tiebreak), to))
    return None


def _series_bundles(counts: list[_Count]) -> list[int]:
    """For each count, the first count of its series: counts meeting at a node with no other arc carry the
    same number (a list's township total is its cell), so they are hidden and shown together."""
    at_node: dict[int, list[int]] = {}
    for index, item in enumerate(counts):
        at_node.setdefault(item.tail, []).append(index)
        at_node.setdefault(item.head, []).append(index)
    parent = list(range(len(counts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for arcs in at_node.values():
        if len(arcs) == 2:
            a, b = sorted(map(root, arcs))
            parent[b] = a
    return [root(i) for i in range(len(counts))]
