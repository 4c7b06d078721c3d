"""What a monthly brief holds: the filters it was made for and its figures as frames, one shape for the
总览 cockpit, the PDF, the workbook and `dibao brief`.

Frames and their columns (every count an integer, every rate a fraction, money in 万元 unless named 元):

headline     key, label, value (Float64, null when missing), unit, text (the value in words),
             month_change, year_change (fractions), comparison (the changes in words), basis, missing
sparks       key, period (2023年1月 or 2023年度), value — the 12 months (or the evaluation years) up to the month
counties     county_code, name, households, persons, households_month_change, households_year_change,
             funds_wan, on_time_12m, standard, standard_rise, evaluation_year, evaluation_kind,
             evaluation_score, evaluation_grade, evaluation_source, evaluation_differences,
             evaluation_other_differences, findings, unpaid_households, source, roster_missing,
             months_not_reported, pending
series       county_code, name, month, households, persons, amount_wan, on_time_households,
             unpaid_households, on_time_rate, findings — January of the year before up to the month
standards    county_code, name, program, category, effective_from, yuan_per_person_month, document
evaluations  county_code, name, year, program, kind, score, grade, source, pending, latest (each county's
             latest), differences (its re-check's, proven by the report's own figures), other_differences
             (resting on a reading or warehouse data): both null for earlier years and without a rubric
attention    rank, county_code, name, topic, words, severity, page
findings     county_code, name, kind, kind_words, findings, examples (masked IDs only)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

# The cockpit's and the brief's target for payment on time (the seeds' 及时发放率 indicator)
ON_TIME_TARGET = 0.9
EXCELLENT = 90  # the score of 优 in every seed rubric's grade bands

# Where each attention topic is shown in the app (the page's file under app_pages/)
TOPIC_PAGES = {
    "roster_missing": "dashboard/recipients.py",
    "unpaid": "dashboard/on_time.py",
    "on_time": "dashboard/on_time.py",
    "households_drop": "dashboard/recipients.py",
    "households_rise": "dashboard/recipients.py",
    "recheck": "performance/scores.py",
    "findings": "data/findings.py",
    "anomalies": "data/findings.py",
    "grade": "performance/grades.py",
    "not_reported": "data/approval.py",
    "recheck_other": "performance/scores.py",
}


@dataclass(frozen=True)
class Scope:
    """The filters a brief was made for."""

    month: dt.date
    counties: tuple[str, ...]
    names: dict[str, str]  # county code → name
    program: str | None  # None: both programmes
    pending: bool  # versions waiting for approval shown where there are (leadership's default: approved only)
    made_at: dt.datetime
    restricted: tuple[str, ...] = ()  # counties whose small counts are withheld from the reader it is made for

    def use_words(self, min_cell: int) -> str:
        """What the brief may be used for: outside the bureau where every small count is withheld, internal use
        where it holds true small counts of any county."""
        withheld = f"少于 {min_cell} 户的数字显示为「<{min_cell}」或已隐去"
        if set(self.counties) <= set(self.restricted):
            return f"可对外：{withheld}"
        true = [self.names.get(code, code) for code in self.counties if code not in self.restricted]
        if not self.restricted:
            return f"内部：含真实小额数字（少于 {min_cell} 户），不得对外"
        return f"内部：含{'、'.join(true)}的真实小额数字，不得对外；其余县区{withheld}"


@dataclass(frozen=True)
class Brief:
    scope: Scope
    headline: pl.DataFrame
    sparks: pl.DataFrame
    counties: pl.DataFrame
    series: pl.DataFrame
    standards: pl.DataFrame
    evaluations: pl.DataFrame
    attention: pl.DataFrame
    findings: pl.DataFrame
    missing: tuple[str, ...] = field(default=())  # sentences naming each figure the brief lacks

    @property
    def synthetic(self) -> bool:
        """Some roster figures are the demo's synthetic data, which the brief must say."""
        return bool((self.counties["source"] == "synthetic").any())

    @property
    def withheld(self) -> bool:
        """Some counts are withheld from the reader it was made for (warehouse.small_counts): the brief says how
        they read."""
        counties = self.counties
        return bool(
            counties["on_time_12m_bounded"].fill_null(False).any()
            or counties["findings_text"].is_not_null().any()
            or counties["unpaid_text"].is_not_null().any()
            or (self.findings.height and self.findings["findings_text"].is_not_null().any())
        )
