"""Figures shaped as `warehouse.read` returns them, for the tests of the frames built on them."""

from __future__ import annotations

import datetime as dt

import polars as pl

from warehouse.models import FIGURES

# The figures `read.monthly_totals` and `read.figures_by` sum, money in yuan as "amount".
SUMS = dict.fromkeys((name for name in FIGURES if name != "amount_fen"), pl.Int64) | {"amount": pl.Float64}
MONTHLY_TOTALS = {"county_code": pl.String, "program": pl.String, "month": pl.Date} | SUMS | {"source": pl.String}


def figures(
    households: int,
    *,
    persons: int,
    amount: float,
    on_time: int | None = None,
    late: int = 0,
    unpaid: int = 0,
    new: int | None = None,
    exited: int | None = None,
    new_persons: int | None = None,
    exited_persons: int | None = None,
) -> dict:
    """One row's sums; households are paid on time unless said otherwise, new and exited unknown (no earlier month)."""
    return {
        "households": households,
        "persons": persons,
        "on_time_households": households - late - unpaid if on_time is None else on_time,
        "late_households": late,
        "unpaid_households": unpaid,
        "new_households": new,
        "exited_households": exited,
        "new_persons": new_persons,
        "exited_persons": exited_persons,
        "amount": float(amount),
    }


def monthly_totals(sums: dict[tuple[str, str, str], dict]) -> pl.DataFrame:
    """(county, programme, "YYYY-MM") → `figures(…)`, as `read.monthly_totals` returns them."""
    rows = [
        {
            "county_code": county,
            "program": program,
            "month": dt.date.fromisoformat(f"{month}-01"),
            **row,
            "source": "synthetic",
        }
        for (county, program, month), row in sums.items()
    ]
    return pl.DataFrame(rows, schema=MONTHLY_TOTALS)


def figures_by(by: str, sums: dict[str, dict]) -> pl.DataFrame:
    """Township or category → `figures(…)`, as `read.figures_by(by=…)` returns them."""
    return pl.DataFrame([{by: name, **row} for name, row in sums.items()], schema={by: pl.String} | SUMS)
