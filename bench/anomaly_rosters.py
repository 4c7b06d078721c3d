"""The demo's roster files with known anomalies written into them, for bench/anomalies.py.

The demo's files come from a deterministic model (demo/rosters.py: every household of every county
and month) and each county's own writer, which lays the rows out as that office exports them
(GB18030 CSV with a totals row, XLSX with merged township cells, one sheet per 街道 …). A file an
anomaly touches is written again by the same writer from the same model, with its rows changed; every
other file is copied from the demo's folder (or written, byte for byte the same, if it is not there):

- typo: every amount of the township that month ×10 (元 typed as 角);
- drop: 30 % of the township's households gone from that month on;
- missing: the county × programme's file of that month left out;
- intake: extra households (new valid ID numbers from the demo's own ID helper, otherwise like a
  household of the township) on the roster from that month on, five times the usual monthly intake
  and at least 20;
- one_person: from that month on, multi-person households making up 25 % of the township written as
  one person each (persons 1, their amount divided by their size: the amount per person stays).

This reaches into the model's private parts (its streams, writers and ID helper) on purpose: the
point is files that look exactly like the demo's own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
import shutil
import statistics
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from bench.anomaly_sites import DROP, INTAKE_LEAST, INTAKE_TIMES, JUMP, Site
from demo.load import WORK_DIR
from demo.rosters import (
    _WRITERS,
    FIRST_YEAR,
    MONTHS,
    RosterFile,
    _build,
    _Household,
    _Ids,
    _label,
    _name,
    _path,
    _Stream,
)

DEMO_ROSTERS = WORK_DIR / "rosters"
Line = tuple[_Household, object, int, dt.date | None]  # household, ID as written, amount, payment date


def streams() -> dict[tuple[str, str], _Stream]:
    """The demo's model, one stream per county × programme (about a second to build)."""
    return {(stream.plan.county, stream.plan.program): stream for stream in _build()}


def month_index(month: dt.date) -> int:
    return (month.year - FIRST_YEAR) * 12 + month.month - 1


def township_months(model: dict[tuple[str, str], _Stream]) -> pl.DataFrame:
    """Households, one-person households and new households per township and month, as the files hold them."""
    frames = [
        pl.DataFrame(
            {
                "township": [h.township for h in stream.households],
                "persons": [h.size for h in stream.households],
                "start": [h.start for h in stream.households],
                "end": [h.end for h in stream.households],
            }
        ).with_columns(county_code=pl.lit(county), program=pl.lit(program))
        for (county, program), stream in model.items()
    ]
    on_roster = pl.concat(frames).with_columns(index=pl.int_ranges("start", "end")).explode("index")
    counts = on_roster.group_by("county_code", "program", "township", "index").agg(
        households=pl.len(),
        one_person_households=(pl.col("persons") == 1).sum().cast(pl.Int64),
        new_households=(pl.col("start") == pl.col("index")).sum().cast(pl.Int64),
    )
    first = dt.date(FIRST_YEAR, 1, 1)
    month = pl.lit(first).dt.offset_by(pl.format("{}mo", pl.col("index")))
    return counts.with_columns(month=month).sort("county_code", "program", "township", "month")


# --- the changes, each a filter on a month's rows ------------------------------------------------


@dataclasses.dataclass
class Typo:
    township: str
    month: int

    def touches(self, m: int) -> bool:
        return m == self.month

    def rows(self, m: int, lines: Iterator[Line]) -> Iterator[Line]:
        for h, number, amount, paid in lines:
            yield h, number, amount * 10 if h.township == self.township else amount, paid


@dataclasses.dataclass
class Drop:
    month: int
    leaving: frozenset[int]  # household keys

    def touches(self, m: int) -> bool:
        return m >= self.month

    def rows(self, m: int, lines: Iterator[Line]) -> Iterator[Line]:
        return (line for line in lines if line[0].key not in self.leaving)


@dataclasses.dataclass
class OnePerson:
    month: int
    keys: frozenset[int]  # multi-person households written as one person

    def touches(self, m: int) -> bool:
        return m >= self.month

    def rows(self, m: int, lines: Iterator[Line]) -> Iterator[Line]:
        for h, number, amount, paid in lines:
            if h.key in self.keys:
                yield dataclasses.replace(h, size=1), number, round(amount / h.size), paid
            else:
                yield h, number, amount, paid


@dataclasses.dataclass
class Intake:
    township: str
    month: int
    newcomers: list[_Household]
    stream: _Stream

    def touches(self, m: int) -> bool:
        return m >= self.month

    def rows(self, m: int, lines: Iterator[Line]) -> Iterator[Line]:
        """The newcomers at the end of their township's rows (the writers merge a township's cells)."""
        seen = added = False
        for line in lines:
            if seen and not added and line[0].township != self.township:
                yield from self._lines(m)
                added = True
            seen = seen or line[0].township == self.township
            yield line
        if not added:
            yield from self._lines(m)

    def _lines(self, m: int) -> Iterator[Line]:
        year = FIRST_YEAR + m // 12
        paid = self.stream.dates[m][self.township]
        for h in self.newcomers:
            cap = self.stream.standard[(h.category, year)] * h.size  # as demo.rosters' year_amounts pays
            yield h, h.raw, min(cap, max(1, round(self.stream.scale * h.ratio * cap))), paid


class Injected:
    """A demo stream whose month rows pass through the changes; the county's writer takes it as the stream."""

    def __init__(self, stream: _Stream, changes: list) -> None:
        self._stream, self._changes = stream, changes

    def __getattr__(self, name: str):
        return getattr(self._stream, name)

    def lines(self, m: int) -> Iterator[Line]:
        rows = self._stream.lines(m)
        for change in self._changes:
            rows = change.rows(m, rows)
        return rows


# --- making the changes -------------------------------------------------------------------------


def change_for(site: Site, stream: _Stream, chooser: random.Random, known_ids: set[str]):
    """The change that injects `site`, and a few words on what it did."""
    m = month_index(site.month)
    here = [stream.households[key] for key in dict.fromkeys(stream.active[m])]
    here = [h for h in here if h.township == site.township]
    ordinary = [h for h in here if not h.special]  # not a cross-county stay or a broken ID: a fair template
    if site.kind == "typo":
        return Typo(site.township, m), f"amounts ×10 for {len(here)} households"
    if site.kind == "drop":
        leaving = chooser.sample(here, round(DROP * len(here)))
        return Drop(m, frozenset(h.key for h in leaving)), f"{len(leaving)} of {len(here)} households removed"
    if site.kind == "one_person":
        multi = [h for h in here if h.size > 1]
        single = len(here) - len(multi)
        chosen = chooser.sample(multi, math.ceil(JUMP * len(here)))
        before, after = single / len(here), (single + len(chosen)) / len(here)
        said = f"{len(chosen)} of {len(multi)} multi-person households → 1 person (share {before:.0%} → {after:.0%})"
        return OnePerson(m, frozenset(h.key for h in chosen)), said
    return _intake(site.township, m, stream, ordinary, chooser, known_ids)


def _intake(
    township: str, m: int, stream: _Stream, ordinary: list[_Household], chooser: random.Random, known_ids: set[str]
):
    """Five times the township's usual monthly intake (the median of the 12 months before), at least 20."""
    usual = statistics.median(
        sum(1 for h in stream.households if h.start == month and h.township == township) for month in range(m - 12, m)
    )
    extra = max(INTAKE_LEAST, math.ceil(INTAKE_TIMES * usual))
    newcomers = [
        _newcomer(stream, chooser.choice(ordinary), m, chooser, known_ids, key=len(stream.households) + i)
        for i in range(extra)
    ]
    return Intake(township, m, newcomers, stream), f"{extra} new households (usual {usual:g} a month)"


def _newcomer(
    stream: _Stream, like: _Household, m: int, chooser: random.Random, known: set[str], *, key: int
) -> _Household:
    """A household like `like` (size, category, village, share of the standard) under a new, valid ID number."""
    ids = _Ids()
    while True:
        number, male = ids.new(chooser, like.id18[:6], stream.plan.birth)
        if number not in known:
            known.add(number)
            break
    name = _name(chooser, stream.plan.surnames, male)
    return dataclasses.replace(
        like, key=key, id18=number, raw=number, male=male, name=name, start=m, end=MONTHS, special=False
    )


# --- writing the files ------------------------------------------------------------------------


def write_injected(
    model: dict[tuple[str, str], _Stream], sites: list[Site], folder: Path, *, seed: int
) -> tuple[list[RosterFile], dict[Site, str], int]:
    """Every demo roster of the model (`streams()`) into `folder`, the sites injected: the files in month
    order (the missing ones left out), what was done at each site, and how many files were written anew."""
    known_ids = {h.id18 for stream in model.values() for h in stream.households}
    chooser = random.Random(f"bench/anomalies/{seed}")
    changes: dict[tuple[str, str], list] = defaultdict(list)
    done: dict[Site, str] = {}
    left_out = set()
    for site in sites:
        key = (site.county_code, site.program)
        if site.kind == "missing":
            left_out.add((*key, month_index(site.month)))
            done[site] = "file left out"
            continue
        change, done[site] = change_for(site, model[key], chooser, known_ids)
        changes[key].append(change)
    files, rewritten = [], 0
    for m in range(MONTHS):
        for key, stream in sorted(model.items()):
            if (*key, m) in left_out:
                continue
            path = _path(folder, stream.plan, m)
            path.parent.mkdir(parents=True, exist_ok=True)
            touching = [change for change in changes[key] if change.touches(m)]
            rewritten += _write(stream, m, path, touching)
            files.append(RosterFile(path=path, county=key[0], program=key[1], month=_label(m)))
    return files, done, rewritten


def _write(stream: _Stream, m: int, path: Path, changes: list) -> bool:
    """Write one month's file (the demo's own when nothing changes it and it is there); True if written anew."""
    demo_file = _path(DEMO_ROSTERS, stream.plan, m)
    if not changes and demo_file.exists():
        shutil.copyfile(demo_file, path)
        return False
    _WRITERS[stream.plan.county](Injected(stream, changes) if changes else stream, m, path)
    return True
