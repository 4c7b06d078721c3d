"""Deterministic synthetic monthly disbursement rosters (发放名册) for `dibao demo`.

One file per county, programme and month of 2019–2024. Households persist from month to
month with entries and exits, and the seed years reproduce the five reports' figures
exactly (`python -m demo.check_rosters OUTDIR` recomputes them from the written files).
Each county's files look like that office's exports — encoding, title rows, merged or
"same as above" cells, totals rows, date styles — and every year carries a few deliberate
problems for the findings page: invalid or Excel-mangled ID numbers, duplicate
households, over-standard, unpaid and late payments, and ID numbers paid by two counties
in the same month. Everything is drawn from `random.Random` instances seeded by name, so
the same arguments always give byte-identical files.
"""

from __future__ import annotations

import calendar
import csv
import io
import multiprocessing
import os
import random
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import polars as pl

from loaders.idcard import check_digit
from warehouse.vocabulary import PROGRAMS

SEEDS = Path(__file__).resolve().parent / "seeds"
FIRST_YEAR = 2019
LAST_YEAR = 2024
MONTHS = (LAST_YEAR - FIRST_YEAR + 1) * 12  # month index 0 = 2019-01


@dataclass(frozen=True)
class RosterFile:
    path: Path
    county: str  # e.g. "530427"
    program: str  # "rural" | "urban"
    month: str  # "YYYY-MM"


# --- months ------------------------------------------------------------------------------


def _year_month(m: int) -> tuple[int, int]:
    return FIRST_YEAR + m // 12, m % 12 + 1


def _label(m: int) -> str:
    year, month = _year_month(m)
    return f"{year}-{month:02d}"


def _months_of(year: int) -> range:
    start = (year - FIRST_YEAR) * 12
    return range(start, start + 12)


def _day(m: int, day: int) -> date:
    """Day `day` of month m; a day past the month's end runs on into the next month."""
    year, month = _year_month(m)
    return date(year, month, 1) + timedelta(days=day - 1)


def _last_day(m: int) -> int:
    return calendar.monthrange(*_year_month(m))[1]


# --- counties and standards (the seed CSVs) ------------------------------------------


@dataclass(frozen=True)
class _County:
    code: str
    name: str
    deadline: int | None  # None: the month's last day
    townships: tuple[str, ...]

    def deadline_day(self, m: int) -> int:
        return min(self.deadline or 31, _last_day(m))


def _read_counties() -> dict[str, _County]:
    table = pl.read_csv(SEEDS / "counties.csv", infer_schema_length=0)
    table = table.with_columns(pl.col("县区代码").forward_fill())
    counties = {}
    for (code,), rows in table.group_by("县区代码", maintain_order=True):
        first = rows.row(0, named=True)  # county-level columns count on a county's first row
        deadline = first["发放截止日"]
        counties[code] = _County(
            code=code,
            name=first["县区名称"],
            deadline=int(deadline) if deadline else None,
            townships=tuple(rows["乡镇名称"].to_list()),
        )
    return counties


class _Standards:
    """元/人/月 by county, programme, category and year, from demo/seeds/standards.csv."""

    def __init__(self) -> None:
        table = pl.read_csv(SEEDS / "standards.csv", infer_schema_length=0)
        self._rows: dict[tuple[str, str, str], list[tuple[date, int]]] = defaultdict(list)
        for row in table.iter_rows(named=True):
            key = (row["县区代码"], PROGRAMS[row["项目"]], row["保障类别"] or "")
            self._rows[key].append((date.fromisoformat(row["生效日期"]), int(row["保障标准（元/人/月）"])))
        for rows in self._rows.values():
            rows.sort()

    def of_year(self, county: str, program: str, category: str, year: int) -> int:
        """The standard in force all year; the demo's standards change on 1 January only."""
        rows = self._rows.get((county, program, category)) or self._rows[(county, program, "")]
        start = date(year, 1, 1)
        in_force = [value for since, value in rows if since <= start]
        if not in_force or any(since.year == year and since != start for since, _ in rows):
            raise ValueError(f"no whole-year standard for {county} {program} {category} {year}")
        return in_force[-1]


# --- what each county's rosters look like ------------------------------------------------


def _spread(total: int, weights: Iterable[float]) -> list[int]:
    """Split a whole number in proportion to the weights, largest remainders first."""
    weights = list(weights)
    scale = total / sum(weights)
    parts = [int(w * scale) for w in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: parts[i] - weights[i] * scale)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _flows(first_month: int, new: list[int], exited: list[int]) -> dict[int, tuple[int, int]]:
    return {first_month + i: pair for i, pair in enumerate(zip(new, exited, strict=True))}


@dataclass(frozen=True)
class _Plan:
    """How one county's programme behaves: size, turnover, families, money, paperwork."""

    county: str
    program: str
    ext: str
    seed_year: int
    anchors: dict[int, int]  # month index → households on the roster
    exit_rate: float  # share of households leaving per month
    sizes: tuple[float, ...]  # weights of households of 1, 2, 3 … persons
    ratio: tuple[float, float]  # beta(a, b): share of standard × persons paid (the gap)
    pay_days: tuple[int, int]  # usual payment days of the month
    surnames: str  # a character repeated is drawn more often
    village_parts: tuple[str, str, str, str]  # first chars, second chars, suffix, street suffix
    prefixes: tuple[tuple[str, float], ...]  # ID number area codes and their weights
    township_weight: dict[str, float] = field(default_factory=dict)
    township_prefix: dict[str, str] = field(default_factory=dict)
    flows: dict[int, tuple[int, int]] = field(default_factory=dict)  # explicit (new, exited)
    exit_boost: dict[int, float] = field(default_factory=dict)
    categories: tuple[tuple[str, float], ...] = ()
    full_share: float = 0.0  # share of households paid the whole standard (分类施保)
    supplement_share: float = 0.0  # share of households with a 分类施保金
    legacy_share: float = 0.0  # share of early households still filed under 15-digit IDs
    cross_in: bool = False  # takes in one household of another county a year
    protected: frozenset[int] = frozenset()  # months whose ID numbers must stay intact
    on_time: dict[int, float] = field(default_factory=dict)  # year → on-time share
    birth: tuple[int, int, int] = (1928, 1996, 1955)  # heads' birth years: low, high, mode


_NORTH_VILLAGES = (
    "东西南北前后大小新高李王张刘陈杨石马柳杏桃龙凤青白黄孔颜姚",
    "庄营屯集店楼寨沟坡岭湾河山园桥堡洼",
    "村",
    "社区",
)
_QUFU_SURNAMES = "孔孔孔孔孔孔颜颜颜孟孟张张张张王王王王李李李刘刘刘陈陈杨杨赵周吴徐孙朱马胡郭何高宋郑梁韩曹彭田董袁于"
_GENERIC_SURNAMES = "王王王李李李张张张刘刘陈陈杨杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"

_XINPING_NEW = _spread(577, (14, 13, 12, 11, 10, 9, 7, 6, 6, 5, 4, 3))  # 2020 intake, front-loaded
_XINPING_OUT = _spread(223, [1] * 12)

# The unnamed county of one report runs both programmes alike: one office, one calendar, one paperwork.
_COUNTY_900001 = {
    "county": "900001",
    "ext": "csv",
    "seed_year": 2023,
    "exit_rate": 0.007,
    "supplement_share": 0.2,
    "pay_days": (5, 9),
    "surnames": _GENERIC_SURNAMES,
    "prefixes": (("900001", 1.0),),
    "cross_in": True,
    "protected": frozenset({59}),
}

PLANS: tuple[_Plan, ...] = (
    _Plan(
        county="370881",
        program="rural",
        ext="csv",
        seed_year=2023,
        anchors={0: 8450, 17: 8520, 35: 8080, 47: 7790, 50: 7760, 53: 7640, 59: 7620, 71: 7480},
        exit_rate=0.0075,
        exit_boost={51: 2.4, 52: 2.4},  # the April 2023 大排查 (notice of 2023-03-29)
        sizes=(0.58, 0.29, 0.08, 0.04, 0.01),
        ratio=(3.0, 2.0),
        pay_days=(20, 26),
        surnames=_QUFU_SURNAMES,
        village_parts=_NORTH_VILLAGES,
        prefixes=(("370881", 1.0),),
        township_weight={"鲁城街道": 0.5, "书院街道": 0.6, "时庄街道": 0.8, "小雪街道": 0.8},
        legacy_share=0.004,
    ),
    _Plan(
        county="530427",
        program="rural",
        ext="xlsx",
        seed_year=2020,
        anchors={0: 3560, 11: 3748, 23: 4102, 35: 4150, 47: 4185, 59: 4120, 71: 4060},
        flows=_flows(12, _XINPING_NEW, _XINPING_OUT),
        exit_rate=0.005,
        sizes=(0.42, 0.31, 0.14, 0.08, 0.04, 0.01),
        ratio=(6.0, 2.0),
        full_share=0.93,
        categories=(("A类", 0.52), ("B类", 0.30), ("C类", 0.18)),
        pay_days=(16, 26),
        surnames="李李李李杨杨杨王王张张普普白白刀刀罗罗施方鲁马龙郭何自柏陈陈刘周",
        village_parts=("大小上下新老河山龙凤白黑石松竹干者普", "寨村坝箐冲邑哨厂甸塘嘎竜谷", "村委会", "社区"),
        prefixes=(("530427", 0.85), ("532427", 0.15)),  # 532427: the county's code before 1998
        township_weight={"桂山街道": 0.5, "古城街道": 0.4},
        cross_in=True,
        protected=frozenset(range(11, 24)),  # December 2019 … December 2020: flows are tested
    ),
    _Plan(
        county="440840",
        program="rural",
        ext="csv",
        seed_year=2022,
        anchors={0: 1560, 23: 1620, 35: 1648, 47: 1728, 59: 1700, 71: 1660},
        exit_rate=0.008,
        sizes=(0.12, 0.18, 0.26, 0.22, 0.13, 0.06, 0.03),
        ratio=(4.1, 1.9),
        pay_days=(12, 18),
        surnames="陈陈陈陈李李李黄黄黄梁梁林林吴吴杨王庞庞莫钟洪邓许谭劳蔡詹麦",
        village_parts=("东西南北新旧麻湖岭海港沙山坡田塘龙凤平乐调", "村坡塘头尾墩埠园港岭山湾", "村委会", "居委会"),
        prefixes=(("440811", 1.0),),
        township_prefix={"泉庄街道": "440803", "乐华街道": "440803"},  # filed under 霞山区 / 麻章区
        township_weight={"泉庄街道": 0.7, "乐华街道": 0.7, "硇洲镇": 1.6},
        cross_in=True,
        protected=frozenset({47}),
        on_time={2019: 0.94, 2020: 0.90, 2021: 0.80, 2022: 0.60, 2023: 0.87, 2024: 0.96},
    ),
    _Plan(
        county="530114",
        program="urban",
        ext="xlsx",
        seed_year=2023,
        anchors={0: 150, 23: 148, 35: 142, 47: 136, 59: 142, 71: 140},
        flows=_flows(48, [1, 2, 1, 2, 1, 2, 1, 2, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0]),
        exit_rate=0.006,
        sizes=(0.84, 0.13, 0.03),
        ratio=(6.0, 1.5),
        pay_days=(3, 8),
        surnames="李李李张张王王杨杨赵刘陈段毕马何周孙普",
        village_parts=("龙洛斗乌吴雨七大马金春梁白倪", "城苑园居湖泉山街坊庄", "社区", "社区"),
        prefixes=(("530121", 0.7), ("530114", 0.3)),  # 530121: 呈贡县 before 2011
        township_weight={"龙城街道": 1.4, "洛龙街道": 1.2, "七甸街道": 0.6, "洛羊街道": 0.8},
        cross_in=True,
        protected=frozenset(range(47, 60)),  # December 2022 … December 2023: flows are tested
        birth=(1930, 1995, 1958),
    ),
    _Plan(
        **_COUNTY_900001,
        program="rural",
        anchors={0: 5100, 23: 4950, 47: 4720, 59: 4605, 71: 4520},
        sizes=(0.42, 0.33, 0.14, 0.07, 0.03, 0.01),
        ratio=(4.1, 1.85),
        legacy_share=0.004,
        village_parts=_NORTH_VILLAGES,
        township_weight={"城东街道": 0.2, "城西街道": 0.2, "城关镇": 0.5, "马庄乡": 1.1, "白云乡": 1.1, "李集乡": 1.1},
    ),
    _Plan(
        **_COUNTY_900001,
        program="urban",
        anchors={0: 900, 23: 870, 47: 840, 59: 820, 71: 800},
        sizes=(0.55, 0.29, 0.12, 0.04),
        ratio=(4.0, 2.05),
        village_parts=("东西南北新和平安康文华光明春", "城苑园居街坊门桥关", "社区", "社区"),
        township_weight={"城关镇": 0.8, "河口镇": 0.2, "新集镇": 0.2, "马庄乡": 0, "白云乡": 0, "李集乡": 0},
        birth=(1930, 1996, 1960),
    ),
)

# (from, to): each year one household of `from` is also paid by `to` for a month or three.
CROSS_COUNTY = (
    (("370881", "rural"), ("900001", "rural")),
    (("370881", "rural"), ("440840", "rural")),
    (("440840", "rural"), ("900001", "urban")),
    (("530427", "rural"), ("530114", "urban")),
    (("530114", "urban"), ("530427", "rural")),
)

# Annual amounts (元) of the seed years, 900001's for rural and urban together.
AMOUNT_TARGETS = {
    "370881": 66_152_400,
    "530427": 31_944_300,
    "440840": 26_620_000,
    "530114": 1_164_685,
    "900001": 54_393_900,
}

_MALE = "建国志明文华德强军勇伟刚斌杰涛平辉峰海林春福贵成忠学兵东永金荣生发祥正清庆"
_FEMALE = "秀英桂兰玉凤芳丽红霞燕梅敏静琴云莲珍花娟翠萍艳琼香菊"


# --- households --------------------------------------------------------------------------


@dataclass(eq=False)
class _Household:
    key: int  # index in its stream
    id18: str  # the real ID number
    raw: str  # as the office's system files it (15-digit legacy, wrong check digit …)
    male: bool
    name: str
    township: str
    village: str
    size: int  # persons covered, fixed for the household's life
    category: str  # A类/B类/C类 or ""
    ratio: float  # share of standard × persons paid
    supplement: float  # share of the amount paid as 分类施保金
    start: int  # first month on the roster
    end: int = MONTHS  # first month off the roster
    special: bool = False  # cross-county or broken ID: kept out of further problems

    def months_in(self, months: range) -> int:
        return max(0, min(self.end, months.stop) - max(self.start, months.start))


class _Ids:
    """Unique, valid ID numbers and made-up names for household heads across all counties."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, rng: random.Random, prefix: str, birth: tuple[int, int, int]) -> tuple[str, bool]:
        low, high, mode = birth
        while True:
            born = date(int(rng.triangular(low, high, mode)), 1, 1) + timedelta(days=rng.randrange(365))
            male = rng.random() < 0.58
            first17 = f"{prefix}{born:%Y%m%d}{rng.randrange(500) * 2 + male:03d}"
            number = first17 + check_digit(first17)
            if number not in self._used:
                self._used.add(number)
                return number, male


def _name(rng: random.Random, surnames: str, male: bool) -> str:
    chars = _MALE if male else _FEMALE
    given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars)
    return rng.choice(surnames) + given


def _wrong_check(number: str, rng: random.Random) -> str:
    return number[:17] + rng.choice([c for c in "0123456789X" if c != number[17]])


def _excel_csv(number: str) -> str:
    """How Excel writes an 18-digit number back to CSV: six digits survive."""
    return f"{number[0]}.{number[1:6]}E+17"


@dataclass(frozen=True)
class _ExcelNumber:
    """An ID number Excel stored as a number (15 significant digits)."""

    text: str

    @classmethod
    def of(cls, number: str) -> _ExcelNumber:
        return cls(f"{number[0]}.{number[1:15].rstrip('0')}E+17")


# --- fitting sizes to the seed figures ----------------------------------------------------


def _nudge(rng: random.Random, group: list[_Household], weight: Callable[[_Household], int], target: int) -> None:
    """Add or take one person at a time from households until Σ weight·size is the target."""
    buckets: dict[int, list[_Household]] = defaultdict(list)
    for h in group:
        if weight(h) > 0:
            buckets[weight(h)].append(h)
    diff = target - sum(weight(h) * h.size for h in group)
    heaviest_first = sorted(buckets, reverse=True)
    while diff:
        step = 1 if diff > 0 else -1
        for w in heaviest_first:
            if w > abs(diff):
                continue
            pick = next((h for h in rng.sample(buckets[w], min(40, len(buckets[w]))) if 1 <= h.size + step <= 8), None)
            pick = pick or next((h for h in buckets[w] if 1 <= h.size + step <= 8), None)
            if pick:
                pick.size += step
                diff -= step * w
                break
        else:
            raise RuntimeError(f"cannot move household sizes by {diff}")


def _transfer(rng: random.Random, group: list[_Household], weight: Callable[[_Household], int], target: int) -> int:
    """Move single persons between households of the group (its total stays the same)
    until Σ weight·size is the target; return what could not be reached."""
    diff = target - sum(weight(h) * h.size for h in group)
    while diff:
        gain: dict[int, list[_Household]] = defaultdict(list)
        lose: dict[int, list[_Household]] = defaultdict(list)
        for h in group:
            if h.size < 8:
                gain[weight(h)].append(h)
            if h.size > 1:
                lose[weight(h)].append(h)
        moves = [
            (wg - wl, wg, wl)
            for wg in gain
            for wl in lose
            if wg != wl and (wg > wl) == (diff > 0) and abs(wg - wl) <= abs(diff)
        ]
        if not moves:
            return diff
        step, wg, wl = max(moves, key=lambda move: (abs(move[0]), move[1], move[2]))
        rng.choice(gain[wg]).size += 1
        rng.choice(lose[wl]).size -= 1
        diff -= step
    return 0


# --- one county's programme ---------------------------------------------------------------


class _Stream:
    """One county and programme: its households over 2019–2024 and everything paid to them."""

    def __init__(self, plan: _Plan, county: _County, standards: _Standards, ids: _Ids) -> None:
        self.plan = plan
        self.county = county
        self.rng = random.Random(f"{plan.county}/{plan.program}")
        categories = [name for name, _ in plan.categories] or [""]
        self.standard = {
            (category, year): standards.of_year(plan.county, plan.program, category, year)
            for category in categories
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
        }
        weights = [plan.township_weight.get(t, 1.0) for t in county.townships]
        self.townships = [t for t, w in zip(county.townships, weights, strict=True) if w > 0]
        self._township_odds = list(accumulate(w for w in weights if w > 0))
        self._prefixes = [p for p, _ in plan.prefixes]
        self._prefix_odds = list(accumulate(w for _, w in plan.prefixes))
        self._categories = [c for c, _ in plan.categories]
        self._category_odds = list(accumulate(w for _, w in plan.categories))
        self._sizes = list(range(1, len(plan.sizes) + 1))
        self._size_odds = list(accumulate(plan.sizes))
        self.villages = {t: self._villages(t) for t in self.townships}
        self.households: list[_Household] = []
        self.placeholders: list[_Household] = []  # households that will carry another county's ID
        self._populate(ids)
        # filled in by finish()
        self.active: list[list[int]] = []
        self.amounts: dict[int, list[int]] = {}
        self.adjust: dict[tuple[int, int], int] = {}
        self.zero: set[tuple[int, int]] = set()
        self.blank: set[tuple[int, int]] = set()
        self.over: dict[tuple[int, int], int] = {}
        self.dup: set[tuple[int, int]] = set()
        self.id_text: dict[tuple[int, int], str | _ExcelNumber] = {}
        self.dates: list[dict[str, date]] = []
        self.late: dict[tuple[int, int], date] = {}
        self.scale = 1.0

    # building the population

    def _villages(self, township: str) -> list[str]:
        first, second, suffix, street_suffix = self.plan.village_parts
        rng = random.Random(f"{self.plan.county}/{self.plan.program}/{township}")
        street = township.endswith("街道")
        names: list[str] = []
        while len(names) < rng.randint(5, 9) + (0 if street else rng.randint(5, 12)):
            name = rng.choice(first) + rng.choice(second) + (street_suffix if street else suffix)
            if name not in names:
                names.append(name)
        return names

    def _household_path(self) -> tuple[list[int], list[int], list[int]]:
        """Households on the roster each month and how many enter and leave."""
        plan, rng = self.plan, self.rng
        marks = sorted(plan.anchors)
        path = [0] * MONTHS
        for a, b in zip(marks, marks[1:], strict=False):
            for m in range(a, b + 1):
                path[m] = round(plan.anchors[a] + (plan.anchors[b] - plan.anchors[a]) * (m - a) / (b - a))
        for m in range(MONTHS):
            if m not in plan.anchors and m not in plan.flows:
                wobble = round(path[m] * 0.002)
                path[m] += rng.randint(-wobble, wobble)
        new, out = [0] * MONTHS, [0] * MONTHS
        for m in range(1, MONTHS):
            if m in plan.flows:
                new[m], out[m] = plan.flows[m]
                path[m] = path[m - 1] + new[m] - out[m]
                continue
            expected = plan.exit_rate * path[m - 1] * (1.3 if m % 12 == 0 else 1.0) * plan.exit_boost.get(m, 1.0)
            out[m] = int(expected + rng.random())
            new[m] = path[m] - path[m - 1] + out[m]
            if new[m] < 0:
                out[m] -= new[m]
                new[m] = 0
        for m, households in plan.anchors.items():
            if path[m] != households:
                raise ValueError(f"{plan.county} anchors and flows disagree at {_label(m)}")
        return path, new, out

    def _placeholder_spells(self, new: list[int], out: list[int]) -> dict[int, list[int]]:
        """Entry month → end months of the short stays that will carry another county's ID."""
        spells: dict[int, list[int]] = defaultdict(list)
        if not self.plan.cross_in:
            return spells
        ends: dict[int, int] = defaultdict(int)
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            months = _months_of(year)
            options = [
                (a, a + k)
                for a in range(months.start + 1, months.start + 9)
                for k in (1, 2, 3)
                if new[a] > len(spells[a]) and out[a + k] > ends[a + k]
            ]
            if not options:
                raise ValueError(f"{self.plan.county} {year}: no room for a cross-county stay")
            a, b = self.rng.choice(options)
            spells[a].append(b)
            ends[b] += 1
        return spells

    def _new_household(self, ids: _Ids, month: int) -> _Household:
        plan, rng = self.plan, self.rng
        township = rng.choices(self.townships, cum_weights=self._township_odds)[0]
        prefix = plan.township_prefix.get(township) or rng.choices(self._prefixes, cum_weights=self._prefix_odds)[0]
        number, male = ids.new(rng, prefix, plan.birth)
        category = rng.choices(self._categories, cum_weights=self._category_odds)[0] if self._categories else ""
        full = rng.random() < plan.full_share
        household = _Household(
            key=len(self.households),
            id18=number,
            raw=number,
            male=male,
            name=_name(rng, plan.surnames, male),
            township=township,
            village=rng.choice(self.villages[township]),
            size=rng.choices(self._sizes, cum_weights=self._size_odds)[0],
            category=category,
            ratio=1.0 if full else min(1.0, max(0.15, rng.betavariate(*plan.ratio))),
            supplement=rng.uniform(0.1, 0.3) if rng.random() < plan.supplement_share else 0.0,
            start=month,
        )
        if month == 0 and number[6:8] == "19" and rng.random() < plan.legacy_share:
            household.raw = number[:6] + number[8:17]  # still filed under the old 15-digit number
            household.special = True
        self.households.append(household)
        return household

    def _populate(self, ids: _Ids) -> None:
        path, new, out = self._household_path()
        spells = self._placeholder_spells(new, out)
        active = [self._new_household(ids, 0) for _ in range(path[0])]
        for m in range(1, MONTHS):
            scheduled = sum(1 for h in active if h.end == m)
            free = [h for h in active if h.end == MONTHS]
            for h in self.rng.sample(free, out[m] - scheduled):
                h.end = m
            active = [h for h in active if h.end > m]
            for i in range(new[m]):
                h = self._new_household(ids, m)
                if i < len(spells[m]):
                    h.end = spells[m][i]
                    h.special = True
                    self.placeholders.append(h)
                active.append(h)

    # fitting household sizes to the seed figures

    def fit_flow_year(
        self, year: int, *, new: int, exited: int, person_months: int, december_before: int | None = None
    ) -> None:
        """Persons entering and leaving over the year, person-months, optionally the December before."""
        months = _months_of(year)
        first, last = months.start, months.stop - 1
        short = [h for h in self.households if first <= h.start and h.end <= last]
        joined = [h for h in self.households if first <= h.start <= last < h.end]
        left = [h for h in self.households if h.start < first <= h.end <= last]
        stayed = [h for h in self.households if h.start < first and h.end > last]
        short_persons = sum(h.size for h in short)
        _nudge(self.rng, left, lambda h: 1, exited - short_persons)
        _nudge(self.rng, joined, lambda h: 1, new - short_persons)
        if december_before is not None:
            _nudge(self.rng, stayed, lambda h: 1, december_before - sum(h.size for h in left))
        for _ in range(12):
            diff = person_months - self.person_months(year)
            if not diff:
                return
            if abs(diff) >= 12 and december_before is None:
                _nudge(self.rng, stayed, lambda h: 12, sum(12 * h.size for h in stayed) + int(diff / 12) * 12)
                continue
            for group in (joined, left):
                diff = person_months - self.person_months(year)
                inside = sum(h.months_in(months) * h.size for h in group)
                _transfer(self.rng, group, lambda h: h.months_in(months), inside + diff)
            diff = person_months - self.person_months(year)
            if diff and december_before is None:  # overshoot by one whole-year person and come back
                _nudge(self.rng, stayed, lambda h: 12, sum(12 * h.size for h in stayed) + (12 if diff > 0 else -12))
            elif diff:
                break
        raise RuntimeError(f"{self.plan.county}: cannot reach {person_months} person-months in {year}")

    def fit_december(self, year: int, persons: int) -> None:
        december = _months_of(year).stop - 1
        on_roster = [h for h in self.households if h.start <= december < h.end]
        _nudge(self.rng, on_roster, lambda h: 1, persons)

    def fit_person_months(self, year: int, person_months: int, *, keep_december: bool) -> None:
        months = _months_of(year)
        december = months.stop - 1
        in_year = [h for h in self.households if h.months_in(months)]
        if keep_december:
            stays = [h for h in in_year if h.start <= december < h.end]
            inside = sum(h.months_in(months) * h.size for h in stays)
            diff = person_months - self.person_months(year)
            _transfer(self.rng, stays, lambda h: h.months_in(months), inside + diff)
            in_year = [h for h in in_year if not h.start <= december < h.end]
        current = sum(h.months_in(months) * h.size for h in in_year)
        _nudge(self.rng, in_year, lambda h: h.months_in(months), current + person_months - self.person_months(year))

    def person_months(self, year: int) -> int:
        months = _months_of(year)
        return sum(h.months_in(months) * h.size for h in self.households)

    def break_ids(self, year: int, count: int) -> None:
        """Households entering this year filed under an ID with a wrong check digit for good."""
        months = _months_of(year)
        joined = [h for h in self.households if h.start in months and not h.special]
        for h in self.rng.sample(joined, count):
            h.raw = _wrong_check(h.id18, self.rng)
            h.special = True

    # after all counties exist

    def finish(self) -> None:
        """Roster order, the year's planted problems and payment dates."""
        order = {t: i for i, t in enumerate(self.county.townships)}
        self.active = [[] for _ in range(MONTHS)]
        for h in sorted(self.households, key=lambda h: (order[h.township], h.village, h.key)):
            for m in range(h.start, h.end):
                self.active[m].append(h.key)
        self._plan_problems()
        self._plan_dates()

    def _pick(self, rng: random.Random, months: range, *, ids: bool, used: set[tuple[int, int]]) -> tuple[int, int]:
        """A (month, household) for a problem; `ids`: one that changes the ID number."""
        choices = [m for m in months if not (ids and m in self.plan.protected)]
        while True:
            m = rng.choice(choices)
            h = self.households[rng.choice(self.active[m])]
            if not h.special and (m, h.key) not in used:
                used.add((m, h.key))
                return m, h.key

    def _plan_problems(self) -> None:
        plan = self.plan
        rng = random.Random(f"{plan.county}/{plan.program}/problems")
        used: set[tuple[int, int]] = set()
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            months = _months_of(year)
            seed = year == plan.seed_year
            for _ in range(rng.randint(1, 3)):
                self.dup.add(self._pick(rng, months, ids=False, used=used))
            for _ in range(rng.randint(2, 4)):
                while True:
                    m, key = self._pick(rng, months, ids=False, used=used)
                    h = self.households[key]
                    if h.category != "A类":
                        break
                cap = self.standard[(h.category, year)] * h.size
                if plan.categories:  # paid at the A rate by mistake
                    self.over[(m, key)] = self.standard[("A类", year)] * h.size
                else:  # a month's arrears paid on top
                    self.over[(m, key)] = cap + max(10, int(round(cap * rng.uniform(0.15, 0.6), -1)))
            for _ in range(rng.randint(2, 3)):
                spot = self._pick(rng, months, ids=False, used=used)
                if plan.on_time and seed:
                    self.blank.add(spot)  # never reached the account
                elif seed or rng.random() < 0.5:
                    self.zero.add(spot)  # suspended: 0 元 on the payment run
                else:
                    self.blank.add(spot)
            if any(m not in plan.protected for m in months):  # IDs may change in some month
                for _ in range(2):
                    m, key = self._pick(rng, months, ids=True, used=used)
                    self.id_text[(m, key)] = _wrong_check(self.households[key].raw, rng)
                for _ in range(rng.randint(1, 2) if plan.ext == "csv" else int(not seed)):
                    while True:
                        m, key = self._pick(rng, months, ids=True, used=used)
                        number = self.households[key].raw
                        if plan.ext == "csv":
                            self.id_text[(m, key)] = _excel_csv(number)
                            break
                        if check_digit(number[:15] + "00") != "0":  # Excel's digits must stay invalid
                            self.id_text[(m, key)] = _ExcelNumber.of(number)
                            break

    def _plan_dates(self) -> None:
        plan, county = self.plan, self.county
        rng = random.Random(f"{plan.county}/{plan.program}/dates")
        for m in range(MONTHS):
            deadline = county.deadline_day(m)
            base = min(rng.randint(*plan.pay_days), deadline)
            self.dates.append(
                {t: _day(m, min(base + rng.choices((0, 1, 2), (75, 17, 8))[0], deadline)) for t in self.townships}
            )
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            months = _months_of(year)
            if plan.on_time:
                self._late_months(rng, year, plan.on_time[year])
            elif year != plan.seed_year and rng.random() < 0.6:  # one township paid late one month
                m = rng.choice(months)
                township = rng.choice(self.townships)
                self.dates[m][township] = _day(m, county.deadline_day(m) + rng.randint(1, 4))

    def _late_months(self, rng: random.Random, year: int, share: float) -> None:
        """Whole or most of some months paid after the deadline, to an exact on-time share."""
        months = list(_months_of(year))
        paid = sum(len(set(self.active[m])) for m in months)
        blank = sum(1 for m, _ in self.blank if m in months)
        late = paid - round(share * paid) - blank
        rng.shuffle(months)
        for m in months:
            if late <= 0:
                break
            keys = [k for k in dict.fromkeys(self.active[m]) if (m, k) not in self.blank]
            count = min(late, round(len(keys) * rng.uniform(0.85, 1.0)))
            deadline = self.county.deadline_day(m)
            days = {t: _day(m, deadline + rng.randint(2, 9)) for t in self.townships}
            for key in rng.sample(keys, count):
                self.late[(m, key)] = days[self.households[key].township]
            late -= count

    # money

    def year_amounts(self, year: int, scale: float) -> list[int]:
        """Regular monthly amount of each household in the year (0 when not on the roster)."""
        months = _months_of(year)
        amounts = [0] * len(self.households)
        for h in self.households:
            if h.start < months.stop and h.end > months.start:
                cap = self.standard[(h.category, year)] * h.size
                amounts[h.key] = min(cap, max(1, round(scale * h.ratio * cap)))
        return amounts

    def _weights(self, year: int) -> tuple[list[int], int]:
        """Regular rows per household in the year, and the year's fixed amounts (problems)."""
        months = _months_of(year)
        weights = [h.months_in(months) for h in self.households]
        fixed = 0
        for m, key in self.zero | set(self.over):
            if m in months:
                weights[key] -= 1
                fixed += self.over.get((m, key), 0)
        for m, key in self.dup:
            if m in months:
                weights[key] += 1
        return weights, fixed

    def _year_total(self, year: int, weights: list[int], fixed: int) -> Callable[[float], int]:
        """The year's total as a function of the scale (weights: regular rows per household)."""
        rows = [
            (weights[h.key], cap, h.ratio * cap)
            for h in self.households
            if weights[h.key]
            for cap in (self.standard[(h.category, year)] * h.size,)
        ]

        def total(scale: float) -> int:
            return fixed + sum(w * min(cap, max(1, round(scale * base))) for w, cap, base in rows)

        return total

    def natural_total(self, year: int) -> int:
        return self._year_total(year, *self._weights(year))(1.0)

    def fit_amount(self, year: int, target: int) -> None:
        """Find the scale that lands the year's total just under target; top up a few rows."""
        weights, fixed = self._weights(year)
        if self.plan.full_share:
            self._fit_categories(year, target, weights, fixed)
        total = self._year_total(year, weights, fixed)
        low, high = 0.0, 3.0
        if total(high) < target:
            raise RuntimeError(f"{self.plan.county} {year}: standards cannot pay {target}")
        for _ in range(36):
            mid = (low + high) / 2
            low, high = (mid, high) if total(mid) <= target else (low, mid)
        self.scale = low
        amounts = self.year_amounts(year, low)
        rest = target - total(low)
        rng = random.Random(f"{self.plan.county}/{self.plan.program}/top-up")
        problems = self.zero | self.blank | set(self.over) | self.dup
        rows = [(m, key) for m in _months_of(year) for key in self.active[m] if (m, key) not in problems]
        for m, key in rng.sample(rows, len(rows)):
            if rest <= 0:
                break
            h = self.households[key]
            room = min(self.standard[(h.category, year)] * h.size - amounts[key], 40, rest)
            if room > 0:
                self.adjust[(m, key)] = room
                rest -= room
        if rest:
            raise RuntimeError(f"{self.plan.county} {year}: {rest} 元 left over")

    def _fit_categories(self, year: int, target: int, weights: list[int], fixed: int) -> None:
        """Where each category is paid its whole standard, move a few households between
        categories until the target lies between the year's partial and full payments."""
        rng = random.Random(f"{self.plan.county}/{self.plan.program}/categories")
        order = ["C类", "B类", "A类"]
        protected = {key for _, key in self.over}
        movable = [h for h in self.households if weights[h.key] > 0 and h.key not in protected]
        rng.shuffle(movable)

        def paid(h: _Household) -> tuple[int, int]:
            cap = self.standard[(h.category, year)] * h.size
            return weights[h.key] * cap, weights[h.key] * min(cap, max(1, round(h.ratio * cap)))

        full = partial = fixed
        for h in self.households:
            if weights[h.key] > 0:
                whole, part = paid(h)
                full, partial = full + whole, partial + part
        for h in movable:
            if partial <= target <= full - (full - partial) // 4:
                return
            rank = order.index(h.category) + (1 if target > partial else -1)
            if 0 <= rank < len(order):
                whole, part = paid(h)
                h.category = order[rank]
                new_whole, new_part = paid(h)
                full, partial = full + new_whole - whole, partial + new_part - part
        raise RuntimeError(f"{self.plan.county} {year}: categories cannot reach {target}")

    def settle_amounts(self) -> None:
        """Every year's regular amounts at the seed year's scale: the same share of the gap."""
        self.amounts = {year: self.year_amounts(year, self.scale) for year in range(FIRST_YEAR, LAST_YEAR + 1)}

    # rows

    def lines(self, m: int) -> Iterator[tuple[_Household, str | _ExcelNumber, int, date | None]]:
        """Roster rows of month m: household, ID as written, amount, payment date."""
        amounts = self.amounts[_year_month(m)[0]]
        dates = self.dates[m]
        households = self.households
        for key in self.active[m]:
            h = households[key]
            spot = (m, key)
            amount = amounts[key] + self.adjust.get(spot, 0)
            if spot in self.zero:
                amount = 0
            elif spot in self.over:
                amount = self.over[spot]
            paid = None if spot in self.blank else self.late.get(spot) or dates[h.township]
            yield h, self.id_text.get(spot, h.raw), amount, paid
            if spot in self.dup:  # the same household keyed in twice
                yield h, h.raw, amount, paid


def _build() -> list[_Stream]:
    """Every county's programme, fitted to the seeds; independent of what gets written."""
    counties = _read_counties()
    standards = _Standards()
    ids = _Ids()
    streams = {(p.county, p.program): _Stream(p, counties[p.county], standards, ids) for p in PLANS}
    qufu, xinping = streams[("370881", "rural")], streams[("530427", "rural")]
    zhanjiang, chenggong = streams[("440840", "rural")], streams[("530114", "urban")]
    county_rural, county_urban = streams[("900001", "rural")], streams[("900001", "urban")]

    # Seed figures that rest on who is on the roster and how many persons they are.
    qufu.fit_person_months(2023, 147_624, keep_december=False)  # 12,302 a month on average
    xinping.fit_flow_year(2020, new=1289, exited=561, person_months=95_508, december_before=8210 - 1289 + 561)
    xinping.break_ids(2020, 2)
    zhanjiang.fit_december(2022, 5745)
    zhanjiang.fit_person_months(2022, 67_222, keep_december=True)  # 26,620,000 / 67,222 = 396.0
    chenggong.fit_flow_year(2023, new=17, exited=14, person_months=1992)
    chenggong.break_ids(2023, 2)
    county_rural.fit_december(2023, 9060)
    county_urban.fit_december(2023, 1363)

    # The same person paid by two counties: short stays in one carry an ID of the other.
    rng = random.Random("cross-county")
    taken: dict[tuple[tuple[str, str], int], int] = defaultdict(int)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for source_key, target_key in CROSS_COUNTY:
            source, target = streams[source_key], streams[target_key]
            stays = [h for h in target.placeholders if h.start in _months_of(year)]
            stay = stays[taken[(target_key, year)]]
            taken[(target_key, year)] += 1
            candidates = [h for h in source.households if h.start <= stay.start and stay.end <= h.end and not h.special]
            other = rng.choice(candidates)
            other.special = True
            stay.id18 = stay.raw = other.id18
            stay.name, stay.male = other.name, other.male

    for stream in streams.values():
        stream.finish()

    # Annual amounts of the seed years, then every other year at the same share of the gap.
    for stream in (qufu, xinping, zhanjiang, chenggong):
        stream.fit_amount(stream.plan.seed_year, AMOUNT_TARGETS[stream.plan.county])
    both = AMOUNT_TARGETS["900001"]
    urban_share = county_urban.natural_total(2023) / (
        county_urban.natural_total(2023) + county_rural.natural_total(2023)
    )
    urban = int(round(both * urban_share, -2))
    county_urban.fit_amount(2023, urban)
    county_rural.fit_amount(2023, both - urban)
    for stream in streams.values():
        stream.settle_amounts()
    return list(streams.values())


# --- writing ------------------------------------------------------------------------------


def _amount_text(amount: int, separators: bool) -> str:
    return f"{amount:,}" if separators else str(amount)


def _write_qufu(stream: _Stream, m: int, path: Path) -> None:
    """曲阜: the civil-affairs system's GB18030 export with title, unit, date, totals, footer."""
    year, month = _year_month(m)
    rng = random.Random(f"370881/{m}/sheet")
    separators = rng.random() < 0.3
    first_day = min(stream.dates[m].values())
    buffer = io.StringIO()
    out = csv.writer(buffer)
    blank = [""] * 7
    out.writerow([f"{year}年{month}月农村低保发放明细", *blank])
    out.writerow(["制表单位：曲阜市民政局", *blank])
    out.writerow([f"日期：{first_day.year}年{first_day.month}月{first_day.day}日", *blank])
    out.writerow(
        ["乡镇（街道）", "村（社区）", "户主姓名", "身份证号码", "保障人数", "保障标准", "发放金额", "发放日期"]
    )
    persons = total = 0
    for h, number, amount, paid in stream.lines(m):
        standard = stream.standard[("", year)]
        when = f"{paid.year}/{paid.month}/{paid.day}" if paid else ""
        out.writerow([h.township, h.village, h.name, number, h.size, standard, _amount_text(amount, separators), when])
        persons += h.size
        total += amount
    out.writerow(["合计", "", "", "", persons, "", f"{total:,}", ""])
    out.writerow([""] * 8)
    clerk, reviewer = _name(rng, _QUFU_SURNAMES, True), _name(rng, _QUFU_SURNAMES, False)
    out.writerow([f"制表人：{clerk}", "", "", "", "", f"审核人：{reviewer}", "", ""])
    path.write_bytes(buffer.getvalue().encode("gb18030"))


def _write_zhanjiang(stream: _Stream, m: int, path: Path) -> None:
    """湛江开发区: a UTF-8-with-BOM CSV; ID numbers typed by hand now and then."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["镇街", "村（居）委会", "姓名", "身份证号", "享受人数", "发放合计（元）", "发放时间"])
    for h, number, amount, paid in stream.lines(m):
        if number == h.raw:
            if number.endswith("X") and h.key % 3 == 0:
                number = number[:17] + "x"
            if (h.key * 31 + m * 17) % 97 == 0:
                number = f"{number[:6]} {number[6:14]} {number[14:]}"
            elif (h.key * 13 + m * 7) % 211 == 0:
                number = "\t" + number
        when = f"{paid.year}年{paid.month}月{paid.day}日" if paid else ""
        out.writerow([h.township, h.village, h.name, number, h.size, f"{amount:.2f}", when])
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def _write_county_x(stream: _Stream, m: int, path: Path) -> None:
    """The unnamed county of seed 000: plain UTF-8, 保障金 and 分类施保金 without a total."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["所属乡镇", "所属村", "姓名", "户主身份证号", "人数", "保障金（元）", "分类施保金", "打卡日期"])
    for h, number, amount, paid in stream.lines(m):
        extra = round(amount * h.supplement)
        when = f"{paid.year}.{paid.month}.{paid.day}" if paid else ""
        out.writerow([h.township, h.village, h.name, number, h.size, amount - extra, extra, when])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def _write_xinping(stream: _Stream, m: int, path: Path) -> None:
    """新平: a 花名册 with a merged title; 乡镇 merged (to 2020) or left blank as "same as above"."""
    year, month = _year_month(m)
    merged = year <= 2020
    rows: list[list[object]] = [
        [f"新平县{year}年{month}月农村低保金发放花名册"],
        ["乡镇", "村委会", "户主", "公民身份号码", "保障人口数", "保障类别", "月保障金额", "到账日期"],
    ]
    merges = ["A1:H1"]
    block_start, previous = 0, ("", "")
    persons = total = 0
    for h, number, amount, paid in stream.lines(m):
        row = len(rows) + 1
        township = village = None
        if h.township != previous[0]:
            if merged and row - 1 > block_start > 0:
                merges.append(f"A{block_start}:A{row - 1}")
            block_start, township, village = row, h.township, h.village
        elif merged or h.village != previous[1]:
            village = h.village
        previous = (h.township, h.village)
        rows.append([township, village, h.name, number, h.size, h.category, amount, paid])
        persons += h.size
        total += amount
    if merged and len(rows) > block_start > 0:
        merges.append(f"A{block_start}:A{len(rows)}")
    rows.append(["合计", None, None, None, persons, None, total, None])
    book = _Workbook(created=_day(m, _last_day(m)), creator="新平县民政局")
    book.add_sheet("花名册", rows, merges=merges, widths=[12, 14, 10, 22, 10, 10, 12, 12])
    book.save(path)


def _write_chenggong(stream: _Stream, m: int, path: Path) -> None:
    """呈贡: one sheet per 街道, dates typed as text (20230108), a 小计 row per sheet."""
    year, month = _year_month(m)
    sheets: dict[str, list[list[object]]] = {}
    for h, number, amount, paid in stream.lines(m):
        rows = sheets.setdefault(
            h.township,
            [
                [f"呈贡区{year}年{month}月城市低保金发放表（{h.township}）"],
                ["街道", "社区", "户主姓名", "证件号码", "保障人数", "保障金额", "发放日期"],
            ],
        )
        when = f"{paid:%Y%m%d}" if paid else None
        rows.append([h.township, h.village, h.name, number, h.size, amount, when])
    book = _Workbook(created=_day(m, _last_day(m)), creator="呈贡区民政局")
    for township in stream.county.townships:
        if township in sheets:
            rows = sheets[township]
            persons = sum(row[4] for row in rows[2:])  # type: ignore[misc]
            total = sum(row[5] for row in rows[2:])  # type: ignore[misc]
            rows.append(["小计", None, None, None, persons, total, None])
            book.add_sheet(township, rows, merges=["A1:G1"], widths=[12, 14, 10, 22, 10, 12, 12])
    book.save(path)


_WRITERS: dict[str, Callable[[_Stream, int, Path], None]] = {
    "370881": _write_qufu,
    "530427": _write_xinping,
    "440840": _write_zhanjiang,
    "530114": _write_chenggong,
    "900001": _write_county_x,
}


# --- a small XLSX writer --------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's date serials
_COLUMNS = "ABCDEFGHIJ"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/m/d"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/><charset val="134"/></font>'
    '<font><b/><sz val="14"/><name val="宋体"/><charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


_NEEDS_CARE = re.compile(r"[&<>]|^\s|\s$")


def _xml_text(text: str) -> str:
    if not _NEEDS_CARE.search(text):
        return f"<t>{text}</t>"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<t xml:space="preserve">{text}</t>' if text != text.strip() else f"<t>{text}</t>"


class _Workbook:
    """Inline strings, real dates, merged cells and fixed metadata: the same rows give the
    same bytes. (xlsxwriter writes the same kind of file, ten times slower.)"""

    def __init__(self, *, created: date, creator: str) -> None:
        self.created = created
        self.creator = creator
        self.sheets: list[tuple[str, bytes]] = []

    def add_sheet(self, name: str, rows: list[list[object]], *, merges: list[str], widths: list[int]) -> None:
        parts = []
        for r, values in enumerate(rows, start=1):
            cells = []
            for column, value in zip(_COLUMNS, values, strict=False):
                kind = type(value)
                if kind is str:
                    if value:
                        style = ' s="2"' if r == 1 else ""
                        cells.append(f'<c r="{column}{r}"{style} t="inlineStr"><is>{_xml_text(value)}</is></c>')
                elif kind is int or kind is float:
                    cells.append(f'<c r="{column}{r}"><v>{value}</v></c>')
                elif isinstance(value, date):
                    cells.append(f'<c r="{column}{r}" s="1"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>')
                elif isinstance(value, _ExcelNumber):
                    cells.append(f'<c r="{column}{r}"><v>{value.text}</v></c>')
                elif value is not None:
                    raise TypeError(f"cannot write {value!r} to a cell")
            parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        columns = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1)
        )
        merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
        xml = (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<dimension ref="A1:{_COLUMNS[len(widths) - 1]}{len(rows)}"/>'
            f"<cols>{columns}</cols><sheetData>{''.join(parts)}</sheetData>"
            f'<mergeCells count="{len(merges)}">{merged}</mergeCells></worksheet>'
        )
        self.sheets.append((name, xml.encode("utf-8")))

    def save(self, path: Path) -> None:
        stamp = f"{self.created.isoformat()}T18:00:00Z"
        count = len(self.sheets)
        sheets = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(self.sheets, start=1)
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        package = "http://schemas.openxmlformats.org/package/2006"
        parts = {
            "[Content_Types].xml": (
                f'{_XML}<Types xmlns="{package}/content-types">'
                f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                f"{sheet_types}"
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                '<Override PartName="/docProps/core.xml" '
                'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
                '<Override PartName="/docProps/app.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
            ),
            "_rels/.rels": (
                f'{_XML}<Relationships xmlns="{package}/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                f'<Relationship Id="rId2" Type="{package}/relationships/metadata/core-properties" '
                'Target="docProps/core.xml"/>'
                f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
                "</Relationships>"
            ),
            "docProps/core.xml": (
                f'{_XML}<cp:coreProperties xmlns:cp="{package}/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                f"<dc:creator>{self.creator}</dc:creator>"
                f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
                f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
            ),
            "docProps/app.xml": (
                f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                "<Application>Microsoft Excel</Application></Properties>"
            ),
            "xl/workbook.xml": f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{sheets}</sheets></workbook>',
            "xl/_rels/workbook.xml.rels": (
                f'{_XML}<Relationships xmlns="{package}/relationships">{sheet_rels}'
                f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": _STYLES,
        }
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in parts.items():
                self._store(archive, name, text.encode("utf-8"))
            for i, (_, xml) in enumerate(self.sheets, start=1):
                self._store(archive, f"xl/worksheets/sheet{i}.xml", xml)

    @staticmethod
    def _store(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data, compresslevel=1)


# --- entry point ---------------------------------------------------------------------------


def write_rosters(
    out_dir: Path, *, years: Iterable[int] = range(2019, 2025), counties: Iterable[str] | None = None
) -> list[RosterFile]:
    """Write one roster file per county, programme and month; return them in month order."""
    wanted_years = sorted(set(years))
    if any(not FIRST_YEAR <= year <= LAST_YEAR for year in wanted_years):
        raise ValueError(f"demo rosters cover {FIRST_YEAR}–{LAST_YEAR} only")
    known = {plan.county for plan in PLANS}
    wanted = sorted(set(counties) if counties is not None else known)
    if set(wanted) - known:
        raise ValueError(f"no demo rosters for county {', '.join(sorted(set(wanted) - known))}")
    months = [m for year in wanted_years for m in _months_of(year)]
    if len(months) > 1 and (os.cpu_count() or 1) > 1:
        # A second process builds the same (deterministic) model and writes every other month.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            helper = pool.submit(_write_share, Path(out_dir), months[1::2], wanted)
            _write_share(Path(out_dir), months[0::2], wanted)
            helper.result()
    else:
        _write_share(Path(out_dir), months, wanted)
    plans = sorted((p for p in PLANS if p.county in wanted), key=lambda p: (p.county, p.program))
    return [
        RosterFile(path=_path(Path(out_dir), plan, m), county=plan.county, program=plan.program, month=_label(m))
        for m in months
        for plan in plans
    ]


def _path(out_dir: Path, plan: _Plan, m: int) -> Path:
    return out_dir / plan.county / plan.program / f"{_label(m)}.{plan.ext}"


def _write_share(out_dir: Path, months: list[int], counties: list[str]) -> None:
    """Write the given months' files of the given counties."""
    streams = [s for s in _build() if s.plan.county in counties]
    for m in months:
        for stream in streams:
            path = _path(out_dir, stream.plan, m)
            path.parent.mkdir(parents=True, exist_ok=True)
            _WRITERS[stream.plan.county](stream, m, path)
