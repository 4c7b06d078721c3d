"""Recompute the seed years' figures straight from written roster files and compare them
with the five reports (shared/seeds). Independent of demo.rosters and of the loaders: a
plain reader of the five formats the demo writes.

    python -m demo.check_rosters OUTDIR          # seed years; exit status 1 on a miss
    python -m demo.check_rosters OUTDIR --all    # and the planted problems of every year
"""

from __future__ import annotations

import argparse
import calendar
import csv
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

SEEDS = Path(__file__).resolve().parent / "seeds"

HEADERS = {
    "township": ("乡镇（街道）", "乡镇", "街道", "镇街", "所属乡镇"),
    "id": ("身份证号码", "身份证号", "公民身份号码", "证件号码", "户主身份证号"),
    "persons": ("保障人数", "保障人口数", "享受人数", "人数"),
    "category": ("保障类别",),
    "standard": ("保障标准",),
    "amount": ("发放金额", "发放合计（元）", "月保障金额", "保障金额", "保障金（元）"),
    "extra": ("分类施保金",),
    "paid": ("发放日期", "发放时间", "打卡日期", "到账日期"),
}
TOTAL_WORDS = ("合计", "小计", "总计")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Row:
    id: str
    persons: int
    amount: float
    paid: date | None
    category: str
    standard: int | None


# --- reading ------------------------------------------------------------------------------


def _check_char(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _id(value: object) -> str:
    if isinstance(value, float | int):
        return repr(value)  # stored as a number by Excel: digits are gone
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).upper()
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        return first17 + _check_char(first17)
    return text


def valid_id(number: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dX]", number)) and _check_char(number[:17]) == number[17]


def _date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    for pattern in (r"(\d{4})[/.\-年](\d{1,2})[/.\-月](\d{1,2})日?", r"(\d{4})(\d{2})(\d{2})"):
        if match := re.fullmatch(pattern, text):
            return date(*map(int, match.groups()))
    raise ValueError(f"unreadable date {value!r}")


def _number(value: object) -> float:
    if value is None or value == "":
        return 0.0
    return float(str(value).replace(",", "").replace("¥", "").strip())


def _table(path: Path) -> list[list[object]]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        rows: list[list[object]] = []
        for sheet in book.worksheets:
            rows.extend(list(r) for r in sheet.iter_rows(values_only=True))
        book.close()
        return rows
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
    return [list(r) for r in csv.reader(text.splitlines())]


def read_roster(path: Path) -> list[Row]:
    columns: dict[str, int] = {}
    rows = []
    for values in _table(path):
        cells = ["" if v is None else str(v).strip() for v in values]
        if any(c in HEADERS["id"] for c in cells):  # a header row (each sheet has one)
            columns = {}
            for key, names in HEADERS.items():
                for i, cell in enumerate(cells):
                    if cell in names and key not in columns:
                        columns[key] = i
            continue
        if not columns or columns["id"] >= len(cells) or not re.search(r"\d", cells[columns["id"]]):
            continue  # before the header, blank, or a signature footer
        if cells[0] in TOTAL_WORDS:
            continue

        def get(key: str, values: list[object] = values, columns: dict[str, int] = columns) -> object:
            return values[columns[key]] if key in columns and columns[key] < len(values) else None

        amount = _number(get("amount")) + _number(get("extra"))
        standard = get("standard")
        rows.append(
            Row(
                id=_id(get("id")),
                persons=int(_number(get("persons"))),
                amount=amount,
                paid=_date(get("paid")),
                category=str(get("category") or ""),
                standard=int(_number(standard)) if standard not in (None, "") else None,
            )
        )
    return rows


# --- figures --------------------------------------------------------------------------------


def deadlines() -> dict[str, int | None]:
    with (SEEDS / "counties.csv").open(encoding="utf-8-sig") as f:
        result: dict[str, int | None] = {}
        for row in csv.DictReader(f):
            result.setdefault(row["县区代码"], int(row["发放截止日"]) if row["发放截止日"] else None)
        return result


def standards() -> dict[tuple[str, str, str], list[tuple[date, int]]]:
    table: dict[tuple[str, str, str], list[tuple[date, int]]] = defaultdict(list)
    with (SEEDS / "standards.csv").open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            program = {"农村": "rural", "城市": "urban"}[row["项目"]]
            table[(row["县区代码"], program, row["保障类别"])].append(
                (date.fromisoformat(row["生效日期"]), int(row["保障标准（元/人/月）"]))
            )
    return table


@dataclass
class Month:
    rows: list[Row]
    deadline: date

    @property
    def households(self) -> dict[str, Row]:
        first: dict[str, Row] = {}
        for row in self.rows:
            first.setdefault(row.id, row)
        return first

    @property
    def persons(self) -> int:
        return sum(row.persons for row in self.households.values())

    @property
    def amount(self) -> float:
        return sum(row.amount for row in self.rows)

    def late(self) -> set[str]:
        return {r.id for r in self.rows if r.paid and r.paid > self.deadline}

    def on_time(self) -> set[str]:
        return {r.id for r in self.rows if r.paid and r.paid <= self.deadline and r.amount > 0}


class Out:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.deadline = deadlines()
        self.cache: dict[tuple[str, str, str], Month] = {}

    def month(self, county: str, program: str, label: str) -> Month:
        key = (county, program, label)
        if key not in self.cache:
            files = sorted((self.root / county / program).glob(f"{label}.*"))
            if not files:
                raise FileNotFoundError(f"no roster {county}/{program}/{label}")
            year, month = map(int, label.split("-"))
            last = calendar.monthrange(year, month)[1]
            day = min(self.deadline[county] or last, last)
            self.cache[key] = Month(read_roster(files[0]), date(year, month, day))
        return self.cache[key]

    def year(self, county: str, program: str, year: int) -> list[Month]:
        return [self.month(county, program, f"{year}-{m:02d}") for m in range(1, 13)]

    def flows(self, county: str, program: str, year: int) -> tuple[int, int, int, int]:
        """New households and persons, exited households and persons, over the year."""
        before = self.month(county, program, f"{year - 1}-12").households
        new_h = new_p = out_h = out_p = 0
        for month in self.year(county, program, year):
            now = month.households
            joined = now.keys() - before.keys()
            left = before.keys() - now.keys()
            new_h, new_p = new_h + len(joined), new_p + sum(now[k].persons for k in joined)
            out_h, out_p = out_h + len(left), out_p + sum(before[k].persons for k in left)
            before = now
        return new_h, new_p, out_h, out_p


# --- the seed figures -----------------------------------------------------------------------


def checks(out: Out) -> list[tuple[str, str, object, object, bool]]:
    """(seed, figure, target, got, hit) for every figure the reports give."""
    results: list[tuple[str, str, object, object, bool]] = []

    def exact(seed: str, figure: str, target: object, got: object) -> None:
        results.append((seed, figure, target, got, target == got))

    def near(seed: str, figure: str, target: float, got: float, tolerance: float) -> None:
        results.append((seed, figure, f"{target} ± {tolerance}", round(got, 3), abs(got - target) <= tolerance))

    # 001 曲阜市 农村 2023
    qufu = out.year("370881", "rural", 2023)
    exact("001 曲阜 2023", "persons, sum of Jan–Dec", 147_624, sum(m.persons for m in qufu))
    exact("001 曲阜 2023", "persons, monthly mean", 12_302, sum(m.persons for m in qufu) / 12)
    exact("001 曲阜 2023", "amount 元", 66_152_400, sum(m.amount for m in qufu))
    exact("001 曲阜 2023", "months with a late payment (deadline month end)", 0, sum(bool(m.late()) for m in qufu))
    exact("001 曲阜 2023", "保障标准 column 2023", {745}, {r.standard for m in qufu for r in m.rows})
    exact(
        "001 曲阜 2023",
        "保障标准 column 2022",
        {700},
        {r.standard for m in out.year("370881", "rural", 2022) for r in m.rows},
    )

    # 003 新平县 农村 2020
    xinping = out.year("530427", "rural", 2020)
    exact("003 新平 2020", "December households", 4102, len(xinping[-1].households))
    exact("003 新平 2020", "December persons", 8210, xinping[-1].persons)
    new_h, new_p, out_h, out_p = out.flows("530427", "rural", 2020)
    exact("003 新平 2020", "new households Jan–Dec", 577, new_h)
    exact("003 新平 2020", "new persons Jan–Dec", 1289, new_p)
    exact("003 新平 2020", "exited households Jan–Dec", 223, out_h)
    exact("003 新平 2020", "exited persons Jan–Dec", 561, out_p)
    exact("003 新平 2020", "amount 元", 31_944_300, sum(m.amount for m in xinping))
    exact("003 新平 2020", "person-months (累计发放 95508 人次)", 95_508, sum(m.persons for m in xinping))
    exact("003 新平 2020", "late household-payments (deadline 30 / month end)", 0, sum(len(m.late()) for m in xinping))
    exact("003 新平 2020", "categories", {"A类", "B类", "C类"}, {r.category for m in xinping for r in m.rows})

    # 002 湛江经济技术开发区 农村 2022
    zhanjiang = out.year("440840", "rural", 2022)
    exact("002 湛江开发区 2022", "December households", 1728, len(zhanjiang[-1].households))
    exact("002 湛江开发区 2022", "December persons", 5745, zhanjiang[-1].persons)
    amount = sum(m.amount for m in zhanjiang)
    exact("002 湛江开发区 2022", "amount 元", 26_620_000, amount)
    near("002 湛江开发区 2022", "元 per person-month", 396, amount / sum(m.persons for m in zhanjiang), 0.5)
    paid = sum(len(m.households) for m in zhanjiang)
    near(
        "002 湛江开发区 2022",
        "on-time % of household-payments (20th)",
        60,
        100 * sum(len(m.on_time()) for m in zhanjiang) / paid,
        1,
    )
    near(
        "002 湛江开发区 2022", "late % of household-payments", 40, 100 * sum(len(m.late()) for m in zhanjiang) / paid, 1
    )

    # 004 呈贡区 城市 2023
    chenggong = out.year("530114", "urban", 2023)
    exact("004 呈贡 2023", "households, sum of Jan–Dec (mean 139)", 1668, sum(len(m.households) for m in chenggong))
    exact("004 呈贡 2023", "persons, sum of Jan–Dec (mean 166)", 1992, sum(m.persons for m in chenggong))
    new_h, new_p, out_h, out_p = out.flows("530114", "urban", 2023)
    exact("004 呈贡 2023", "new households / persons", (16, 17), (new_h, new_p))
    exact("004 呈贡 2023", "exited households / persons", (10, 14), (out_h, out_p))
    exact("004 呈贡 2023", "amount 元 (1,180,785 − 16,100 春节慰问金)", 1_164_685, sum(m.amount for m in chenggong))
    exact("004 呈贡 2023", "late household-payments (10th)", 0, sum(len(m.late()) for m in chenggong))

    # 000 某县 城乡 2023
    rural = out.year("900001", "rural", 2023)
    urban = out.year("900001", "urban", 2023)
    exact(
        "000 某县 2023",
        "December rural households / persons",
        (4605, 9060),
        (len(rural[-1].households), rural[-1].persons),
    )
    exact(
        "000 某县 2023",
        "December urban households / persons",
        (820, 1363),
        (len(urban[-1].households), urban[-1].persons),
    )
    exact("000 某县 2023", "amount 元, rural + urban", 54_393_900, sum(m.amount for m in rural + urban))
    exact("000 某县 2023", "late household-payments (10th)", 0, sum(len(m.late()) for m in rural + urban))
    return results


def problems(out: Out, years: range) -> list[list[object]]:
    """The planted problems per county, programme and year, as a loader should find them."""
    table = standards()
    streams = [
        ("370881", "rural"),
        ("530427", "rural"),
        ("440840", "rural"),
        ("530114", "urban"),
        ("900001", "rural"),
        ("900001", "urban"),
    ]
    lines = []
    for year in years:
        ids_by_month: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        counts = {}
        for county, program in streams:
            invalid: set[str] = set()
            duplicates = over = unpaid = late = rows = 0
            for i, month in enumerate(out.year(county, program, year), start=1):
                seen: set[str] = set()
                for row in month.rows:
                    rows += 1
                    invalid |= {row.id} if not valid_id(row.id) else set()
                    duplicates += row.id in seen
                    seen.add(row.id)
                    ids_by_month[i][row.id].add(county)
                    standard = row.standard or max(
                        (
                            v
                            for since, v in table.get((county, program, row.category), table[(county, program, "")])
                            if since <= date(year, i, 1)
                        ),
                        default=0,
                    )
                    over += row.amount > standard * row.persons
                    unpaid += row.paid is None or row.amount == 0
                    late += bool(row.paid and row.paid > month.deadline)
            counts[(county, program)] = [rows, len(invalid), duplicates, over, unpaid, late]
        cross: dict[str, set[str]] = defaultdict(set)
        for ids in ids_by_month.values():
            for number, where in ids.items():
                if len(where) > 1:
                    for county in where:
                        cross[county].add(number)
        for (county, program), values in counts.items():
            lines.append([year, county, program, *values, len(cross[county])])
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--all", action="store_true", help="also list every year's planted problems")
    args = parser.parse_args(argv)
    out = Out(args.out_dir)
    results = checks(out)
    width = max(len(f"{seed}  {figure}") for seed, figure, *_ in results)
    for seed, figure, target, got, hit in results:
        print(f"{'ok  ' if hit else 'MISS'} {f'{seed}  {figure}':<{width}}  target {target}  got {got}")
    misses = sum(not hit for *_, hit in results)
    print(f"{len(results) - misses}/{len(results)} seed figures hit")
    if args.all:
        print("\nyear county program rows invalid_id duplicate_rows over_standard unpaid late cross_county_ids")
        for line in problems(out, range(2019, 2025)):
            print(" ".join(str(v) for v in line))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
