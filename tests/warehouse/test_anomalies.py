"""The anomaly checks at their edges, on series written out month by month."""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.files import make_id, store_plain_roster
from warehouse import read
from warehouse.frames.anomalies import detect, missing_months, words


def months(count: int, start: dt.date = dt.date(2021, 1, 1)) -> list[dt.date]:
    return pl.date_range(start, start.replace(year=start.year + 5), "1mo", eager=True).head(count).to_list()


def series(households: list[int], *, new: list[int] | None = None, amount_per_person: float = 600.0, **changed):
    """One township's months: two persons a household, paid `amount_per_person` each, new households as given."""
    count = len(households)
    frame = pl.DataFrame(
        {
            "county_code": ["370881"] * count,
            "program": ["rural"] * count,
            "township": ["陵城镇"] * count,
            "month": months(count),
            "households": households,
            "persons": [2 * h for h in households],
            "new_households": new or [3] * count,
        }
    ).with_columns(amount=pl.col("persons") * amount_per_person)
    return frame.with_columns(**{name: pl.Series(values) for name, values in changed.items()})


def flags_of(frame: pl.DataFrame) -> list[tuple]:
    found = detect(frame)
    return [(row["month"].isoformat()[:7], row["measure"], row["method"]) for row in found.iter_rows(named=True)]


def steady(count: int, level: int = 720) -> list[int]:
    """A smooth series: a household or two up or down each month."""
    return [level + (index % 3) - 1 for index in range(count)]


def test_a_third_of_the_households_gone_is_flagged_once_with_its_band():
    households = steady(18) + [480] * 6
    found = detect(series(households)).filter(measure="households")
    assert found.height == 1  # the month of the drop, not the months that stay low after it
    row = found.row(0, named=True)
    assert (row["month"], row["value"], row["previous"]) == (dt.date(2022, 7, 1), 480, 721)
    assert (row["low"], row["high"]) == (719, 721) and row["score"] < -6


def test_small_moves_stay_quiet_however_unusual():
    # 30 % of a 13-household township is 4 households: below the minimum count
    assert flags_of(series([13] * 12 + [9] * 6)) == []
    # a smooth series' wobble of 3 % is unusual for it, but small
    assert flags_of(series(steady(12) + [742] + steady(5))) == []


def test_nothing_is_judged_before_six_months_of_history():
    assert flags_of(series([720, 721, 480, 480, 480])) == []


def test_an_amount_typed_ten_times_over_is_flagged_and_so_is_its_return():
    frame = series(steady(18))
    frame = frame.with_columns(
        amount=pl.when(pl.col("month") == dt.date(2022, 3, 1)).then(pl.col("amount") * 10).otherwise("amount")
    )
    assert flags_of(frame) == [("2022-03", "amount_per_person", "change"), ("2022-04", "amount_per_person", "change")]


def test_a_change_the_same_month_made_a_year_earlier_is_seasonal():
    households = []
    for _ in range(3):  # every January 20 % more households, back in February
        households += [864] + [720] * 11
    found = flags_of(series(households[1:] + [720]))
    januaries = [month for month, measure, _ in found if measure == "households"]
    assert "2022-12" in januaries or "2021-12" in januaries  # the first time it is news
    assert all(not month.startswith("2023") for month in januaries)  # after a year it is the season


def test_an_intake_spike_against_the_usual_new_households():
    usual = [3, 4, 2, 3, 5, 3, 4, 2, 3, 4, 3, 2]
    assert ("2022-01", "new_households", "spike") in flags_of(series(steady(13), new=usual + [40]))
    assert flags_of(series(steady(13), new=usual + [9])) == []  # above the usual, but below 10 households


def test_a_month_with_no_roster_is_missing_up_to_the_latest_month():
    frame = series(steady(12)).filter(pl.col("month") != dt.date(2021, 5, 1))
    gaps = missing_months(frame, until=dt.date(2022, 2, 1))
    assert gaps["month"].to_list() == [dt.date(2021, 5, 1), dt.date(2022, 1, 1), dt.date(2022, 2, 1)]
    assert set(gaps["method"]) == {"missing"} and set(gaps["township"]) == {""}


def test_township_months_adds_up_the_categories_of_each_township(warehouse, tmp_path, backend):
    rows = [
        ["鲁城街道", make_id(sequence=1), "2", "1490", "2023-03-10"],
        ["鲁城街道", make_id(sequence=2), "1", "745", "2023-03-10"],
        ["书院街道", make_id(sequence=3), "3", "2235", "2023-03-10"],
    ]
    store_plain_roster(warehouse, tmp_path, rows, county="370881", month="2023-03")
    shown = read.township_months(warehouse, counties=["370881"]).sort("township")
    assert shown.select("township", "households", "persons", "amount").rows() == [
        ("书院街道", 1, 3, 2235.0),
        ("鲁城街道", 2, 3, 2235.0),
    ]
    assert detect(shown).is_empty()  # one month: nothing to compare with yet


def test_a_large_intake_is_a_spike_even_after_a_volatile_year():
    volatile = [1, 9, 2, 8, 4, 12, 3, 4, 11, 2, 4, 6]  # median 4, a wide spread: 20 is only z ≈ 4
    assert ("2022-01", "new_households", "spike") in flags_of(series(steady(13), new=volatile + [20]))
    assert flags_of(series(steady(13), new=volatile + [19])) == []  # below 20 it must stand out on its own


def test_the_share_of_one_person_households_jumping_is_flagged_in_points():
    shares = [0.40] * 14 + [0.62] * 4  # 288 of 720 households, then 446: a reclassification, not a new township
    frame = series(steady(18)).with_columns(
        one_person_households=(pl.Series(shares) * pl.col("households")).round().cast(pl.Int64)
    )
    found = detect(frame).filter(measure="one_person_share")
    assert found["month"].to_list() == [dt.date(2022, 3, 1)]
    said = words(found, county_names={}, program_words={})["words"][0]
    assert said.startswith(
        "陵城镇 2022年3月 一人户占比 62%，较上月上升 22 个百分点（上月 40%），近12个月正常范围 40–40%"
    )
    assert "去年同月" not in said  # a share's change a year earlier would be a relative %, beside points


def test_every_flag_says_what_it_rests_on():
    frame = series(steady(18) + [480] * 6)
    said = words(detect(frame), county_names={}, program_words={}).filter(measure="households").row(0, named=True)
    assert (
        said["words"]
        == "陵城镇 2022年7月 保障户数 480，较上月下降 33%（上月 721），近12个月正常范围 719–721；去年同月持平"
    )
    assert (said["method"], said["baseline"], said["low"], said["high"]) == ("change", 721, 719, 721)
