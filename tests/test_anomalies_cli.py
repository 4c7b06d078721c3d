"""`dibao anomalies` on real roster files: one of each injected kind is found, with a sentence; a clean
series gives no flag. (The demo-sized measurement is bench/anomalies.py.)

Twenty monthly rosters of 曲阜市 (2022-01 … 2023-08), two townships of 60 households, each month one
household leaving and one joining in each: a quiet series. Into it, as an office's files would carry them:

- typo: 鲁城街道's amounts of 2022-09 typed ten times over (元 as 角);
- intake: 20 extra new households in 书院街道 from 2022-10 (the usual intake is one a month);
- one-person: 15 of 鲁城街道's multi-person households written as one person from 2023-04 (share +25 points);
- drop: 30 % of 书院街道's households gone from 2023-05;
- missing: no roster for 2023-07.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace

from click.testing import CliRunner

from cli import main
from tests.files import make_id, store_plain_roster

COUNTY = "370881"  # 曲阜市, registered by the `warehouse` fixture with both townships below
TOWNSHIPS = ("鲁城街道", "书院街道")
MONTHS = [dt.date(2022 + m // 12, m % 12 + 1, 1) for m in range(20)]
YUAN_PER_PERSON = 500
SIZES = (1, 2, 2, 3, 1, 4)  # a third of the households are one person


@dataclass(frozen=True)
class Household:
    id_number: str
    township: str
    persons: int
    start: dt.date
    end: dt.date = dt.date(2099, 1, 1)  # first month off the roster

    def on_roster(self, month: dt.date) -> bool:
        return self.start <= month < self.end


def quiet_households() -> list[Household]:
    """60 households per township on the first roster; each month after, one of them leaves and one joins."""
    households = []
    for t, township in enumerate(TOWNSHIPS):
        number = iter(range(t * 500, t * 500 + 500))
        for i in range(60):
            leaves = MONTHS[i + 1] if i < len(MONTHS) - 1 else dt.date(2099, 1, 1)
            households.append(Household(an_id(next(number)), township, SIZES[i % 6], MONTHS[0], leaves))
        households += [Household(an_id(next(number)), township, SIZES[k % 6], MONTHS[k]) for k in range(1, len(MONTHS))]
    return households


def an_id(n: int) -> str:
    """A valid ID number of a person born on day n after 1950-01-01."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n)
    return make_id(born=f"{born:%Y%m%d}", sequence=n % 1000)


def rows(households: list[Household], month: dt.date) -> list[list[str]]:
    paid = f"{month:%Y-%m}-10"
    return [
        [h.township, h.id_number, str(h.persons), str(YUAN_PER_PERSON * h.persons), paid]
        for h in households
        if h.on_roster(month)
    ]


def with_anomalies(households: list[Household]) -> dict[dt.date, list[list[str]]]:
    """Each month's roster rows with the five kinds injected (the missing month has none)."""
    intake, one_person, drop = dt.date(2022, 10, 1), dt.date(2023, 4, 1), dt.date(2023, 5, 1)
    newcomers = [Household(an_id(900 + i), "书院街道", 2, intake) for i in range(20)]
    everyone = households + newcomers
    multi = [h for h in everyone if h.township == "鲁城街道" and h.persons > 1 and h.on_roster(one_person)]
    shrunk = {h.id_number for h in multi[:15]}  # 15 of 60: the share of one-person households +25 points
    on_drop = [h for h in everyone if h.township == "书院街道" and h.on_roster(drop)]
    leaving = {h.id_number for h in on_drop[: round(0.3 * len(on_drop))]}
    rosters = {}
    for month in MONTHS:
        if month == dt.date(2023, 7, 1):
            continue
        listed = [h for h in everyone if not (h.id_number in leaving and month >= drop)]
        listed = [replace(h, persons=1) if h.id_number in shrunk and month >= one_person else h for h in listed]
        lines = rows(listed, month)
        if month == dt.date(2022, 9, 1):  # the typo: 鲁城街道's amounts typed in 角
            lines = [[*line[:3], str(int(line[3]) * 10), line[4]] if line[0] == "鲁城街道" else line for line in lines]
        rosters[month] = lines
    return rosters


def store(engine, folder, rosters: dict[dt.date, list[list[str]]]) -> None:
    for month, lines in rosters.items():
        store_plain_roster(engine, folder, lines, county=COUNTY, month=f"{month:%Y-%m}")


def anomalies(*arguments: str):
    return CliRunner().invoke(main, ["anomalies", *arguments])


def test_every_injected_anomaly_is_flagged_with_its_sentence(tmp_path, warehouse):
    store(warehouse, tmp_path, with_anomalies(quiet_households()))
    result = anomalies("--county", COUNTY, "--json")
    assert result.exit_code == 0, result.output
    flags = json.loads(result.output)["flags"]
    found = {(flag["township"], flag["month"], flag["measure"], flag["method"]): flag["words"] for flag in flags}
    expected = {
        ("鲁城街道", "2022-09", "amount_per_person", "change"): "鲁城街道 2022年9月 人均发放金额",
        ("书院街道", "2022-10", "new_households", "spike"): "书院街道 2022年10月 新增户数",
        ("鲁城街道", "2023-04", "one_person_share", "change"): "鲁城街道 2023年4月 一人户占比",
        ("书院街道", "2023-05", "households", "change"): "书院街道 2023年5月 保障户数",
        ("", "2023-07", "roster", "missing"): "曲阜市 2023年7月 没有农村低保名册",
    }
    for key, sentence in expected.items():
        assert key in found, f"{key} not flagged; flags: {sorted(found)}"
        assert found[key].startswith(sentence), found[key]
    drop = found[("书院街道", "2023-05", "households", "change")]
    assert "较上月下降 30%" in drop and "近12个月正常范围" in drop
    typo_return = ("鲁城街道", "2022-10", "amount_per_person", "change")
    assert typo_return in found  # the month after the typo, back to normal, is said too
    text = anomalies("--county", COUNTY)
    assert text.exit_code == 0, text.output
    assert all(sentence in text.output for sentence in expected.values())
    assert text.output.startswith(f"共 {len(flags)} 处异常")


def test_a_quiet_series_gives_no_flag_and_an_unknown_county_is_refused(tmp_path, warehouse):
    households = quiet_households()
    store(warehouse, tmp_path, {month: rows(households, month) for month in MONTHS})
    result = anomalies("--county", COUNTY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["count"] == 0
    assert anomalies("--county", COUNTY).output.strip() == "没有发现异常。"
    unknown = anomalies("--county", "999999")
    assert unknown.exit_code == 1
    assert "县区代码 999999 不在县区名录中" in unknown.output and "Traceback" not in unknown.output
