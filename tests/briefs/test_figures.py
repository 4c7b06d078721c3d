"""The brief's figures: what the month lacks is said, 需关注 ranks the worst first, and on the demo every
figure equals `dibao summary --json` and `dibao findings --json` for the same county and month."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from click.testing import CliRunner

from briefs.figures import gather
from cli import main
from tests.files import make_id, store_plain_roster

DECEMBER = dt.date(2023, 12, 1)


def households(count: int, *, paid: str = "2023-12-05") -> list[list[str]]:
    """`count` one-person households in one township, paid on `paid`."""
    return [["鲁城街道", make_id(sequence=n), "1", "745", paid] for n in range(1, count + 1)]


@pytest.fixture
def shrinking(warehouse, tmp_path):
    """Qufu: 10 households in November 2023, 6 in December. Xinping: November only. Zhanjiang: nothing."""
    store_plain_roster(warehouse, tmp_path, households(10, paid="2023-11-05"), county="370881", month="2023-11")
    store_plain_roster(warehouse, tmp_path, households(6), county="370881", month="2023-12")
    xinping = [["桂山街道", make_id("530427", sequence=n), "2", "600", "2023-11-20"] for n in range(1, 4)]
    store_plain_roster(warehouse, tmp_path, xinping, county="530427", month="2023-11")
    return warehouse


def test_a_missing_roster_is_said_and_ranked_first(shrinking):
    brief = gather(shrinking, month=DECEMBER)
    assert "新平彝族傣族自治县：没有2023年12月的已审核名册" in brief.missing
    assert "湛江经济技术开发区：没有 2023 年及以前的绩效评价" in brief.missing
    ranked = brief.attention.rows(named=True)
    assert [row["topic"] for row in ranked[:2]] == ["roster_missing", "roster_missing"]
    assert {row["name"] for row in ranked[:2]} == {"新平彝族傣族自治县", "湛江经济技术开发区"}
    drop = next(row for row in ranked if row["topic"] == "households_drop")
    assert (drop["name"], drop["words"]) == ("曲阜市", "保障户数较上月下降 40.0%")
    assert drop["page"] == "dashboard/recipients.py"
    assert [row["rank"] for row in ranked] == list(range(1, len(ranked) + 1))


def test_a_township_losing_a_third_of_its_households_is_named_in_its_own_words(warehouse, tmp_path):
    # 鲁城街道 pays 60 households a month through 2023, then 40 in January 2024; 书院街道 stays at 30
    for index in range(13):
        month = f"{2023 + index // 12}-{index % 12 + 1:02d}"
        count = 60 if index < 12 else 40
        rows = [["鲁城街道", make_id(sequence=n), "1", "745", f"{month}-05"] for n in range(1, count + 1)]
        rows += [["书院街道", make_id(sequence=100 + n), "2", "1490", f"{month}-05"] for n in range(1, 31)]
        store_plain_roster(warehouse, tmp_path, rows, county="370881", month=month)
    brief = gather(warehouse, month=dt.date(2024, 1, 1), counties=["370881"])
    flagged = brief.attention.filter(topic="anomalies").row(0, named=True)
    assert flagged["words"].startswith("乡镇异常：鲁城街道 2024年1月 保障户数 40，较上月下降 33%（上月 60）")
    assert "近12个月正常范围 60–60" in flagged["words"] and flagged["page"] == "data/findings.py"
    quiet = gather(warehouse, month=dt.date(2023, 12, 1), counties=["370881"])
    assert quiet.attention.filter(topic="anomalies").is_empty()


def test_headline_adds_up_the_counties_and_compares_with_the_month_before(shrinking):
    brief = gather(shrinking, month=DECEMBER)
    figures = {row["key"]: row for row in brief.headline.iter_rows(named=True)}
    # only Qufu has December: its 6 households against November's 13 (Qufu 10 and Xinping 3)
    assert figures["households"]["value"] == 6 and figures["households"]["text"] == "6 户"
    assert figures["households"]["month_change"] == pytest.approx(6 / 13 - 1)
    assert figures["funds"]["value"] == pytest.approx((10 * 745 + 6 * 745 + 3 * 600) / 10_000)
    assert figures["grade"]["value"] is None and figures["grade"]["missing"] == "没有绩效评价"
    sparks = brief.sparks.filter(key="households")
    assert sparks["period"].to_list() == ["2023年11月", "2023年12月"] and sparks["value"].to_list() == [13, 6]
    qufu = brief.counties.filter(county_code="370881").row(0, named=True)
    assert (qufu["households"], qufu["standard"], qufu["roster_missing"]) == (6, 745.0, False)


def test_pending_months_are_left_out_unless_asked_for(warehouse, tmp_path):
    store_plain_roster(warehouse, tmp_path, households(4), county="370881", month="2023-12", approved=False)
    assert gather(warehouse, month=DECEMBER, counties=["370881"]).counties["roster_missing"].to_list() == [True]
    shown = gather(warehouse, month=DECEMBER, counties=["370881"], pending=True).counties.row(0, named=True)
    assert (shown["households"], shown["pending"]) == (4, True)


def summary_of(county: str) -> dict:
    result = CliRunner().invoke(main, ["summary", "--county", county, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize("county", ["370881", "440840", "900001"])
def test_every_figure_equals_dibao_summary(demo_warehouse, county):
    summary = summary_of(county)
    months = pl.DataFrame(summary["months"]).with_columns(pl.col("month").str.to_date("%Y-%m"))
    brief = gather(demo_warehouse, month=DECEMBER, counties=[county])
    row = brief.counties.row(0, named=True)
    december = months.filter(month=DECEMBER)
    this_year = months.filter(pl.col("month").dt.year() == 2023)
    assert row["households"] == december["households"].sum() and row["persons"] == december["persons"].sum()
    assert row["funds_wan"] == pytest.approx(this_year["amount"].sum() / 10_000, abs=1e-6)
    assert row["on_time_12m"] == pytest.approx(this_year["on_time_households"].sum() / this_year["households"].sum())
    series = brief.series.join(
        months.group_by("month").agg(pl.col("households", "persons").sum()), on="month", suffix="_summary"
    )
    assert series.height == 24 and (series["households"] == series["households_summary"]).all()
    reported = {(e["year"], e["kind"]): e for e in summary["evaluations"]}
    for evaluation in brief.evaluations.iter_rows(named=True):
        said = reported[(evaluation["year"], evaluation["kind"])]
        assert (evaluation["score"], evaluation["grade"], evaluation["source"]) == (
            said["score"],
            said["grade"],
            said["source"],
        )
    findings = CliRunner().invoke(main, ["findings", "--county", county, "--month", "2023-12", "--json"])
    assert row["findings"] == len(json.loads(findings.output))
