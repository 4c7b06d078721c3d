"""Where the anomaly benchmark injects its anomalies, and how a run's flags are scored against them.

Shared by both modes of bench/anomalies.py (real roster files, and the in-memory series). A site is
a county × programme × township × month; the rules for choosing them (seeded):

- at least 13 months of history before it (a baseline year and the month a year earlier);
- in a township of at least 40 households that month (`MIN_HOUSEHOLDS`: smaller series move by a
  handful of households, under the detector's minimum count; the demo's only such townships are
  呈贡's, 5–24 households each, which can still have a month missing);
- a one-person jump only where enough multi-person households exist to lift the share by
  `JUMP` (25 percentage points);
- no two in the same county × programme × year, nor two in the same township (their effects
  would mix).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass

import polars as pl

KINDS = ("typo", "drop", "missing", "intake", "one_person")
PICK_ORDER = ("one_person", "drop", "intake", "typo", "missing")  # the most constrained kinds choose first
FITTING = {
    "typo": {"amount_per_person"},
    "drop": {"households", "persons"},
    "intake": {"new_households"},
    "one_person": {"one_person_share"},
}
HISTORY_MONTHS = 13
MIN_HOUSEHOLDS = 40
DROP = 0.30  # share of a township's households removed
JUMP = 0.25  # share of a township's households rewritten as one-person households
INTAKE_TIMES, INTAKE_LEAST = 5, 20  # extra new households: five times the usual intake, at least 20


@dataclass(frozen=True)
class Site:
    kind: str
    county_code: str
    program: str
    township: str  # "" for a missing month: the whole county × programme
    month: dt.date

    def label(self) -> str:
        return f"{self.kind} {self.county_code} {self.program} {self.township or '—'} {self.month:%Y-%m}"


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def pick_sites(table: pl.DataFrame, *, each: int, seed: int) -> list[Site]:
    """`each` sites of every kind from `table` (county_code, program, township, month, households,
    one_person_households: one row per township-month), by the rules above."""
    chooser = random.Random(seed)
    first = table.group_by("county_code", "program").agg(pl.col("month").min().alias("first"))
    eligible = table.join(first, on=["county_code", "program"]).filter(
        pl.col("month") >= pl.col("first").dt.offset_by(f"{HISTORY_MONTHS}mo")
    )
    used_years: set[tuple[str, str, int]] = set()
    used_townships: set[tuple[str, str, str]] = set()
    sites = []
    for kind in PICK_ORDER:
        options = _options(eligible, kind)
        chooser.shuffle(options)
        taken = 0
        for county, program, township, month in options:
            year, place = (county, program, month.year), (county, program, township)
            if taken == each:
                break
            if year in used_years or (township and place in used_townships):
                continue
            used_years.add(year)
            used_townships.add(place)
            sites.append(Site(kind, county, program, township, month))
            taken += 1
        if taken < each:
            raise SystemExit(f"only {taken} sites for {kind} (wanted {each}): the demo has too few county-years")
    return sorted(sites, key=lambda site: (KINDS.index(site.kind), site.county_code, site.program, site.month))


def _options(eligible: pl.DataFrame, kind: str) -> list[tuple[str, str, str, dt.date]]:
    """The (county, programme, township, month) a site of `kind` may take, in a fixed order."""
    keys = ["county_code", "program", "township", "month"]
    if kind == "missing":
        months = eligible.select("county_code", "program", "month").unique().with_columns(township=pl.lit(""))
        return months.select(keys).sort(keys).rows()
    large = eligible.filter(pl.col("households") >= MIN_HOUSEHOLDS)
    if kind == "one_person":
        multi = pl.col("households") - pl.col("one_person_households")
        large = large.filter(multi >= (JUMP * pl.col("households")).ceil())
    return large.select(keys).sort(keys).rows()


def score(flags: list[dict], sites: list[Site], years: set[tuple[str, str, int]]) -> dict:
    """Recall per kind, what each site's flag said, and the false flags in clean county × programme ×
    years (`years`: every one the data cover; clean: no site in it). `flags`: the JSON flags of `dibao
    anomalies`, months as dates. A flag an injection accounts for (its series, in its month or the month
    after: a typo's return, a missing month's recount) is never false."""
    outcomes = []
    for site in sites:
        found = next((flag for flag in flags if finds(flag, site) and flag["words"]), None)
        wordless = any(finds(flag, site) and not flag["words"] for flag in flags)
        outcomes.append(
            {"site": site, "found": found is not None, "words": found and found["words"], "wordless": wordless}
        )
    dirty = {(site.county_code, site.program, site.month.year) for site in sites}
    clean = years - dirty
    first = {
        (county, program): min(y for c, p, y in years if (c, p) == (county, program)) for county, program, _ in years
    }
    unexplained = [flag for flag in flags if not any(explained(flag, site) for site in sites)]
    false = [flag for flag in unexplained if year_of(flag) in clean]
    return {
        "outcomes": outcomes,
        "by_kind": {
            kind: (
                sum(o["found"] for o in outcomes if o["site"].kind == kind),
                sum(o["site"].kind == kind for o in outcomes),
            )
            for kind in KINDS
        },
        "found": sum(o["found"] for o in outcomes),
        "injected": len(sites),
        "clean_years": len(clean),
        "clean_first_years": sum(year == first[(county, program)] for county, program, year in clean),
        "false_flags": false,
        "false_per_clean_year": len(false) / len(clean) if clean else None,
        "most_false_in_a_clean_year": max(Counter(map(year_of, false)).values(), default=0),
        "other_in_injected_years": [flag for flag in unexplained if flag not in false],
    }


def year_of(flag: dict) -> tuple[str, str, int]:
    """The county × programme × year a flag falls in."""
    return flag["county_code"], flag["program"], flag["month"].year


def finds(flag: dict, site: Site) -> bool:
    """Whether a flag names the injected anomaly: its place, its month and a fitting measure or method."""
    if (flag["county_code"], flag["program"], flag["month"]) != (site.county_code, site.program, site.month):
        return False
    if site.kind == "missing":
        return flag["method"] == "missing"
    return flag["township"] == site.township and flag["measure"] in FITTING[site.kind]


def explained(flag: dict, site: Site) -> bool:
    """Whether the injection accounts for a flag: same series (any township of a missing month's county ×
    programme), in the injected month or the month after."""
    if (flag["county_code"], flag["program"]) != (site.county_code, site.program):
        return False
    if site.kind != "missing" and flag["township"] != site.township:
        return False
    return flag["month"] in (site.month, next_month(site.month))
