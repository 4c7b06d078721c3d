"""需关注: what in the month needs leadership's attention, worst first, each said in one sentence.

Severity orders the list. A missing roster comes first (nothing else about that county can be read),
then months past their reporting deadline, money that did not reach households, payment late against
the 90 % target, a sudden change in the number of households, anomalies in a county's townships (a
drop, a typo, a spike: warehouse.anomalies), a report whose own figures do not add up, findings, a grade
below 优, and last re-check differences that rest on a reading of the rubric or on warehouse data rather
than on the report.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from briefs.model import EXCELLENT, ON_TIME_TARGET, TOPIC_PAGES
from briefs.words import change_words, kind_words, month_words
from warehouse.frames.anomalies import MEASURES
from warehouse.frames.withheld import HIDDEN
from warehouse.settings import get_settings

ATTENTION_SCHEMA = {
    "rank": pl.Int64,
    "county_code": pl.String,
    "name": pl.String,
    "topic": pl.String,
    "words": pl.String,
    "severity": pl.Float64,
    "page": pl.String,
}
DROP = -0.05  # households fewer than the month before by this much are named
RISE = 0.10  # and more by this much
YEAR_DROP = -0.10  # or fewer than a year earlier by this much


def ranked(table: pl.DataFrame, findings: pl.DataFrame, anomalies: pl.DataFrame, *, month: dt.date) -> pl.DataFrame:
    """Every item of attention, ranked from 1 (worst); `anomalies` are the month's flags (warehouse.anomalies)."""
    items = []
    # a month with no roster is said by roster_missing and not_reported already
    anomalies = anomalies.filter(pl.col("method") != "missing")
    for row in table.iter_rows(named=True):
        code = row["county_code"]
        items += _county_items(row, findings.filter(county_code=code), month=month)
        items += _anomaly_items(row, anomalies.filter(county_code=code))
    items.sort(key=lambda item: (-item[4], item[0]))
    rows = [
        (rank, code, name, topic, words, severity, TOPIC_PAGES[topic])
        for rank, (code, name, topic, words, severity) in enumerate(items, start=1)
    ]
    return pl.DataFrame(rows, schema=ATTENTION_SCHEMA, orient="row")


def _anomaly_items(row: dict, flags: pl.DataFrame) -> list[tuple]:
    """One item a county: how many township anomalies, and the one to read first in its own words: a change in
    households before persons, amounts and shares, and those before a spike in new or exited households
    (a drop of a third is also a spike in exits: the drop says it plainly)."""
    if flags.is_empty():
        return []
    order = pl.col("measure").replace_strict({measure: index for index, measure in enumerate(MEASURES)})
    worst = flags.sort(order, pl.col("score").abs(), descending=[False, True]).row(0, named=True)
    places = flags["township"].n_unique()
    more = f"（共 {flags.height} 处，涉及 {places} 个乡镇）" if flags.height > 1 else ""
    severity = 36 + min(flags.height, 4)  # above a re-check difference, below households gone county-wide
    return [(row["county_code"], row["name"], "anomalies", f"乡镇异常：{worst['words']}{more}", severity)]


def _county_items(row: dict, findings: pl.DataFrame, *, month: dt.date) -> list[tuple]:
    code, name = row["county_code"], row["name"]
    found = []

    def say(topic: str, words: str, severity: float) -> None:
        found.append((code, name, topic, words, round(severity, 2)))

    if row["roster_missing"]:
        say("roster_missing", f"没有{month_words(month)}的名册，本月各项数字无法计算", 100)
    late = row["months_not_reported"]
    if late:
        say("not_reported", f"{month.year}年有 {late} 个月的名册过了报送截止日仍未报送", 70 + late)
    unpaid = row["unpaid_households"] or 0
    if row.get("unpaid_text"):  # 1–4 households, withheld from this reader: said as such, and no share of them
        say("unpaid", f"{month_words(month)}有 {row['unpaid_text']} 户未发放", 60)
    elif unpaid:
        share = unpaid / row["households"]
        say("unpaid", f"{month_words(month)}有 {unpaid:,} 户未发放（占 {share:.1%}）", 60 + min(share * 1000, 30))
    on_time = row["on_time_12m"]
    if on_time is not None and on_time < ON_TIME_TARGET:
        gap = (ON_TIME_TARGET - on_time) * 100
        said = f"近12个月按时发放率 {on_time:.1%}，低于目标 {ON_TIME_TARGET:.0%} {gap:.1f} 个百分点"
        if row.get("on_time_12m_bounded"):  # between the least and the most it can be, small counts withheld
            few, most = get_settings().min_cell, row["on_time_12m_most"]
            span = f"约 {on_time:.1%}" if f"{on_time:.1%}" == f"{most:.1%}" else f"在 {on_time:.1%}–{most:.1%} 之间"
            said = f"近12个月按时发放率{span}（有少于 {few} 户的数字隐去），"
            said += f"低于目标 {ON_TIME_TARGET:.0%}" if most < ON_TIME_TARGET else f"可能低于目标 {ON_TIME_TARGET:.0%}"
        say("on_time", said, 50 + min(gap, 40))  # below a missing roster however late
    change = row["households_month_change"]
    year_change = row["households_year_change"]
    if change is not None and change <= DROP:
        say("households_drop", f"保障户数较上月下降 {change_words(-change).lstrip('+')}", 40 + abs(change) * 100)
    elif change is not None and change >= RISE:
        say("households_rise", f"保障户数较上月增加 {change_words(change).lstrip('+')}", 30 + change * 100)
    elif year_change is not None and year_change <= YEAR_DROP:
        say(
            "households_drop",
            f"保障户数较上年同月下降 {change_words(-year_change).lstrip('+')}",
            25 + abs(year_change) * 100,
        )
    differences = row["evaluation_differences"]
    if differences:
        year, kind = row["evaluation_year"], kind_words(row["evaluation_kind"])
        say("recheck", f"{year}年度{kind}按报告自身数字重算，有 {differences} 处与报告不一致", 35)
    other = row["evaluation_other_differences"]
    if other:
        year, kind = row["evaluation_year"], kind_words(row["evaluation_kind"])
        say(
            "recheck_other",
            f"{year}年度{kind}重算另有 {other} 处差异（取决于指标解读或仓库数据，非报告数字所证）",
            12,
        )
    if row["findings"] or row.get("findings_text"):
        per_thousand = row["findings"] / row["households"] * 1000 if row["households"] else 0
        worst = findings.row(0, named=True) if findings.height else None
        most = (
            f"，最多的是{worst['kind_words']} {_count(worst['findings'], worst.get('findings_text'))} 条"
            if worst
            else ""
        )
        if row.get("findings_text") == HIDDEN:  # every kind's count withheld: only that there were a few
            said = f"本月有少量数据问题（每类少于 {get_settings().min_cell} 条）"
        elif row.get("findings_text"):  # a count withheld from this reader: a rate per household would tell it
            said = f"本月数据问题 {row['findings_text']} 条{most}"
        else:
            said = f"本月数据问题 {row['findings']:,} 条（每千户 {per_thousand:.1f} 条）{most}"
        say("findings", said, 10 + min(per_thousand, 20))
    score = row["evaluation_score"]
    if score is not None and score < EXCELLENT:
        year, kind = row["evaluation_year"], kind_words(row["evaluation_kind"])
        say("grade", f"{year}年度{kind} {score:.2f} 分（{row['evaluation_grade']}），未达优", 20 + EXCELLENT - score)
    return found


def _count(value: int | None, withheld: str | None) -> str:
    return withheld or f"{value or 0:,}"
