"""The rules for counts beside the protected table (warehouse.frames.withheld), checked exhaustively: whatever a
restricted reader sees, every withheld count keeps at least two values that fit it, and the rules are public, so
the reader may use them too."""

from __future__ import annotations

import itertools

import polars as pl

from warehouse.frames.withheld import HIDDEN, sum_at_least, withhold_flows, withhold_payment

K = 5
FLOWS = list(itertools.product(range(13), repeat=2))  # new, exited households


def flows_seen(pairs: list[tuple[int, int]], *, restricted: bool = True) -> pl.DataFrame:
    """What the reader sees of each pair: the change in households (which the county's totals show) and the
    flows, or null where withheld."""
    frame = pl.DataFrame(pairs, schema={"new_households": pl.Int64, "exited_households": pl.Int64}, orient="row")
    seen = withhold_flows(frame, restricted=pl.lit(restricted), min_cell=K)
    return seen.with_columns(change=pl.Series([new - out for new, out in pairs]), true=pl.Series(pairs))


def test_flows_withheld_pin_down_neither_count():
    seen = flows_seen(FLOWS)
    shown = seen.filter(~pl.col("flows_hidden"))
    assert not shown.filter(
        pl.col("new_households").is_between(1, K - 1) | pl.col("exited_households").is_between(1, K - 1)
    ).height
    withheld = seen.filter(pl.col("flows_hidden"))
    assert withheld["new_households"].is_null().all() and withheld["exited_households"].is_null().all()
    # the reader's candidates: every pair with the same change that the rule would also withhold
    hidden_pairs = set(map(tuple, withheld["true"].to_list()))
    wide = list(itertools.product(range(40), repeat=2))
    rule_hides = {pair for pair in wide if K > pair[0] >= 1 or K > pair[1] >= 1}
    assert hidden_pairs == {pair for pair in FLOWS if pair in rule_hides}
    for new, out in hidden_pairs:
        fits = [pair for pair in rule_hides if pair[0] - pair[1] == new - out]
        assert len({pair[0] for pair in fits}) >= 2 and len({pair[1] for pair in fits}) >= 2, (new, out)


def test_the_county_evaluator_sees_every_flow():
    seen = flows_seen(FLOWS, restricted=False)
    assert not seen["flows_hidden"].any()
    assert seen.select("new_households", "exited_households").rows() == FLOWS


def payments_seen(cells: list[tuple[int, int, int]]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [(h, h - late - unpaid, late, unpaid) for h, late, unpaid in cells],
        schema=["households", "on_time_households", "late_households", "unpaid_households"],
        orient="row",
    )
    return withhold_payment(frame, restricted=pl.lit(True), min_cell=K).with_columns(true=pl.Series(cells))


def test_late_and_unpaid_households_withheld_pin_down_nothing():
    cells = [(h, late, unpaid) for h in (5, 6, 9, 12, 40) for late in range(h + 1) for unpaid in range(h + 1 - late)]
    seen = payments_seen(cells)
    visible = seen.filter(
        pl.col("late_households").is_between(1, K - 1) | pl.col("unpaid_households").is_between(1, K - 1)
    )
    assert visible.is_empty()
    marks = {}  # what the reader sees of a cell → the true cells behind it
    for row in seen.iter_rows(named=True):
        said = (row["households"], row["on_time_households"], row["late_households"], row["late_shown_as"])
        said += (row["unpaid_households"], row["unpaid_shown_as"], row["on_time_at_least"])
        marks.setdefault(said, set()).add(tuple(row["true"]))
    for said, behind in marks.items():
        if said[1] is None:  # on-time withheld: it, and each late or unpaid count withheld, has two values or more
            assert len({h - late - unpaid for h, late, unpaid in behind}) >= 2, said
            for index, position in ((2, 1), (4, 2)):
                values = {cell[position] for cell in behind}
                # (the other count beside a small one may be pinned at none: no household is singled out by that)
                assert said[index] is not None or len(values) >= 2 or values == {0}, said
        else:
            assert len(behind) == 1
    # the rate shown is the least the on-time households can be: every cell behind it is at least that
    for said, behind in marks.items():
        assert all(h - late - unpaid >= said[6] for h, late, unpaid in behind)


def test_a_sum_over_a_withheld_part_reads_as_at_least_the_rest():
    parts = pl.DataFrame(
        {
            "group": ["one hidden", "with others", "with others", "all hidden", "all hidden", "none"],
            "findings": [None, 12, None, None, None, 7],
            "hidden": [True, False, True, True, True, False],
            "shown_as": ["<5", None, "<5", "<5", "<5", None],
        }
    )
    said = parts.group_by("group").agg(sum_at_least("findings"))
    assert dict(said.select("group", "shown_as").iter_rows()) == {
        "one hidden": "<5",
        "with others": "≥12",
        "all hidden": HIDDEN,
        "none": None,
    }
    assert dict(said.select("group", "findings").iter_rows())["none"] == 7
