"""Reporting timeliness (报送及时率): each county × programme × month as on time, late, missing or pending.

A month is due on the 25th of the following month (`REPORT_DAY`), Beijing time, unless the county
registry gives the county another day (报送截止日). It is *pending*
while it waits for approval (待审核, 已退回); otherwise *on time* or *late* by when it was first
reported; *missing* when its due day has passed and nothing was uploaded — for every programme a
county reports, from its first reported month of the year shown.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from warehouse.month_states import STATE_WORDS

REPORT_DAY = 25
BEIJING = dt.timedelta(hours=8)  # China Standard Time, no daylight saving
TIMELINESS_WORDS = {"on_time": "按时", "late": "逾期", "missing": "未报送", "pending": "待审核"}
COLUMNS = {
    "county_code": pl.String,
    "program": pl.String,
    "month": pl.Date,
    "state": pl.String,
    "uploaded_by": pl.String,
    "decided_by": pl.String,
    "reported_on": pl.Date,
    "due": pl.Date,
    "timeliness": pl.String,
}


def due(month: dt.date, day: int = REPORT_DAY) -> dt.date:
    """The reporting deadline of a month: `day` of the month after."""
    following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return following.replace(day=day)


def reporting(states: pl.DataFrame, *, today: dt.date, year: int, days: dict[str, int] | None = None) -> pl.DataFrame:
    """Every month of `year` each county × programme in `states` reports, with its state and timeliness;
    `days`: the counties whose rosters are due on another day than the 25th."""
    rows = []
    known = {(r["county_code"], r["program"], r["month"]): r for r in states.iter_rows(named=True)}
    for county, program in sorted({(county, program) for county, program, _ in known}):
        day = (days or {}).get(county, REPORT_DAY)
        months = [month for c, p, month in known if (c, p) == (county, program) and month.year == year]
        if not months:
            continue
        for number in range(min(months).month, 13):
            month = dt.date(year, number, 1)
            found = known.get((county, program, month))
            if found is None and due(month, day) >= today:
                continue  # not due yet
            rows.append(_row(county, program, month, found, day))
    return pl.DataFrame(rows, schema=COLUMNS)


def _row(county: str, program: str, month: dt.date, found: dict | None, day: int) -> dict:
    deadline = due(month, day)
    if found is None:
        return {
            "county_code": county,
            "program": program,
            "month": month,
            "state": "",
            "uploaded_by": "",
            "decided_by": "",
            "reported_on": None,
            "due": deadline,
            "timeliness": "missing",
        }
    reported = (found["reported_at"] + BEIJING).date()
    if found["state"] in ("pending", "returned"):
        timeliness = "pending"
    else:
        timeliness = "on_time" if reported <= deadline else "late"
    return {
        "county_code": county,
        "program": program,
        "month": month,
        "state": found["state"],
        "uploaded_by": found["uploaded_by"],
        "decided_by": found["decided_by"],
        "reported_on": reported,
        "due": deadline,
        "timeliness": timeliness,
    }


def summary(months: pl.DataFrame, *, names: dict[str, str] | None = None) -> pl.DataFrame:
    """Per county (`county`: its name from `names`): months on time, late, missing and pending, and the
    on-time rate of the months due and decided."""
    counts = months.group_by("county_code").agg(
        *(pl.col("timeliness").eq(kind).sum().alias(kind) for kind in ("on_time", "late", "missing", "pending"))
    )
    decided = pl.col("on_time") + pl.col("late") + pl.col("missing")
    rate = pl.when(decided > 0).then(pl.col("on_time") / decided)
    county = pl.col("county_code").replace_strict(names or {}, default=pl.col("county_code"))
    return counts.with_columns(on_time_rate=rate, county=county).sort("county_code")


def grid(months: pl.DataFrame, *, names: dict[str, str], program_words: dict[str, str]) -> pl.DataFrame:
    """County · programme rows, months 1–12 as columns: 按时 / 逾期 / 未报送 / 待审核 (blank: not yet due)."""
    if months.is_empty():
        return pl.DataFrame(schema={"series": pl.String})
    words = months.with_columns(
        series=pl.concat_str(
            pl.col("county_code").replace_strict(names, default=pl.col("county_code")),
            pl.lit(" · "),
            pl.col("program").replace_strict(program_words, default=pl.col("program")),
        ),
        number=pl.col("month").dt.month().cast(pl.String) + "月",
        word=pl.col("timeliness").replace_strict(TIMELINESS_WORDS),
    )
    shown = words.pivot(on="number", index="series", values="word", sort_columns=False)
    order = [f"{number}月" for number in range(1, 13) if f"{number}月" in shown.columns]
    return shown.select("series", *order).sort("series")


def in_states(
    states: pl.DataFrame,
    wanted: tuple[str, ...],
    *,
    names: dict[str, str],
    program_words: dict[str, str],
    kind_words: dict[str, str] | None = None,
) -> pl.DataFrame:
    """The months (or evaluations, from `read.evaluation_states`) in these states, newest first, with the
    county's name, the programme, the evaluation's kind and the state in words."""
    when = "month" if "month" in states.columns else "year"
    found = states.filter(pl.col("state").is_in(list(wanted))).with_columns(
        county=pl.col("county_code").replace_strict(names, default=pl.col("county_code")),
        program_words=pl.col("program").replace_strict(program_words, default=pl.col("program")),
        state_words=pl.col("state").replace_strict(STATE_WORDS),
    )
    if "kind" in found.columns:
        found = found.with_columns(kind_words=pl.col("kind").replace_strict(kind_words or {}, default=pl.col("kind")))
    return found.sort(when, "county_code", "program", descending=[True, False, False])


def month_titles(rows: pl.DataFrame) -> list[str]:
    """How a picker names each month of `in_states`: 曲阜市 · 农村低保 · 2023-01（待审核，上传 wang）; an
    evaluation: 曲阜市 · 农村低保 · 2023 · 财政评价（待审核，上传 wang）."""
    return [
        f"{row['county']} · {row['program_words']} · "
        + (f"{row['month']:%Y-%m}" if "month" in row else f"{row['year']} · {row['kind_words']}")
        + f"（{row['state_words']}，上传 {row['uploaded_by']}）"
        for row in rows.iter_rows(named=True)
    ]
