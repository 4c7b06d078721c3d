"""Thousands of malformed rosters, generated: each is stored with exactly the figures its rows give,
or refused with messages that name the file — never a traceback, never a partial write.

Three families, each file written for real and ingested into one warehouse per test:

* rosters shaped the way offices send them (aliases, column order, titles, totals, footers,
  blank and repeated header rows, every number and date spelling, CSV in five encodings or
  XLSX over one or two sheets) with unreadable values or missing columns mixed in; the test
  knows which rows must be refused, or the exact households, persons and amount;
* the same files damaged at the byte level (flips, truncation, NULs, lying BOMs, mixed
  encodings, odd UTF-16, broken zips);
* files that are not tables at all under a table's name (PDF, pictures, web pages, zips,
  Word files).

How many files were tried is printed at the end of the module and kept in pytest's cache
(`pytest --cache-show 'dibao/*'`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import random
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select, text

from loaders.headers import ROSTER
from loaders.roster_store import ingest_roster
from tests.files import make_id
from warehouse.errors import Rejected
from warehouse.models import HouseholdMonth, MonthlyFigure, Upload

SLOT = {"county": "370881", "month": "2023-01", "program": "rural"}
TOWNSHIPS = ("鲁城街道", "书院街道", "吴村镇")
TRIED: Counter[str] = Counter()

PROPERTY = settings(
    deadline=None,
    database=None,  # no .hypothesis folder in the repository
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)


def examples(count: int) -> int:
    """Examples per test; DIBAO_MALFORMED_SCALE=0.1 for a quick run, 10 for a long one."""
    return max(1, int(count * float(os.environ.get("DIBAO_MALFORMED_SCALE", "1"))))


@pytest.fixture(scope="module", autouse=True)
def tally(request):
    """Report how many files the module tried, and how they ended."""
    TRIED.clear()
    failed_before = request.session.testsfailed
    yield
    clean = request.session.testsfailed == failed_before
    total = sum(count for key, count in TRIED.items() if key.endswith(":tried"))
    summary = {"files": total, "all_passed": clean, **dict(sorted(TRIED.items()))}
    if getattr(request.config, "cache", None) is not None:
        request.config.cache.set("dibao/malformed_rosters", summary)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and total:
        details = ", ".join(f"{key} {count}" for key, count in sorted(TRIED.items()) if key != "written")
        with capture.global_and_fixture_disabled():
            verdict = "none crashed or half-stored" if clean else "SOME FAILED (see above)"
            reporter.write_line(f"\nmalformed rosters: {total} files tried, {verdict} ({details})")


# The warehouse, before and after.


def snapshot(engine) -> dict[str, tuple[int, str]]:
    """Row count and checksum of every table but the audit log (the page and CLI audit a rejection, not the loader)."""
    with engine.connect() as conn:
        tables = sorted(name for name in inspect(conn).get_table_names() if name != "audit_event")
        state = {}
        for table in tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(text(f'SELECT * FROM "{table}"')))
            state[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return state


@dataclass
class Stored:
    households: int
    persons: int
    amount_fen: int
    rows: int


def stored(engine, report) -> Stored:
    """The active version of the roster's month, as the warehouse holds it, checked for consistency with itself."""
    month = report.month
    with engine.connect() as conn:
        upload = conn.execute(
            select(Upload).where(
                Upload.kind == "roster",
                Upload.county_code == report.county_code,
                Upload.program == report.program,
                Upload.month == month,
                Upload.status == "active",
            )
        ).one()
        slot = (
            HouseholdMonth.county_code == report.county_code,
            HouseholdMonth.program == report.program,
            HouseholdMonth.month == month,
        )
        rows = conn.execute(
            select(HouseholdMonth.household_key, HouseholdMonth.persons, HouseholdMonth.amount_fen)
            .where(*slot)
            .order_by(HouseholdMonth.position)
        ).all()
        figures = conn.execute(
            select(
                func.sum(MonthlyFigure.households), func.sum(MonthlyFigure.persons), func.sum(MonthlyFigure.amount_fen)
            ).where(MonthlyFigure.upload_id == upload.id)
        ).one()
    first_persons: dict[str, int] = {}
    for key, persons, _ in rows:
        first_persons.setdefault(key, persons)
    from_rows = Stored(len(first_persons), sum(first_persons.values()), sum(amount for *_, amount in rows), len(rows))
    assert upload.file_hash == report.file_hash
    assert (upload.households, upload.persons, upload.amount_fen, upload.rows_stored) == (
        from_rows.households,
        from_rows.persons,
        from_rows.amount_fen,
        from_rows.rows,
    )
    assert tuple(figures) == (from_rows.households, from_rows.persons, from_rows.amount_fen)
    assert (report.households, report.persons, report.amount_fen) == tuple(figures)
    return from_rows


def attempt(engine, path: Path, name: str, family: str):
    """Ingest one file: a report whose figures the warehouse holds, or a rejection that changed nothing."""
    TRIED[f"{family}:tried"] += 1
    before = snapshot(engine)
    try:
        report = ingest_roster(engine, path, display_name=name, **SLOT)
    except Rejected as rejected:
        TRIED[f"{family}:rejected"] += 1
        assert rejected.problems
        for problem in rejected.problems:
            assert problem.file == name and problem.message.strip(), problem
        assert snapshot(engine) == before, "a rejected file changed the warehouse"
        return rejected
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a panic in Rust code is no Exception: make it one Hypothesis can shrink
        raise AssertionError(f"{name}: {type(error).__name__}: {error}") from error
    TRIED[f"{family}:stored"] += 1
    return report


# Rosters as offices write them, with what the test expects of each.

ALIASES = {f.key: f.aliases for f in ROSTER.fields}
LABELS = {f.key: f.label for f in ROSTER.fields}
REQUIRED = ("township", "id_number", "persons", "amount", "paid_on")
OPTIONAL = ("village", "name", "category", "standard")
EXTRA_HEADERS = [h for h in ("备注", "联系电话", "开户银行", "序号", "家庭住址") if not ROSTER.match([h]).columns]
NAMES = ("张三", "李四", "王五", "赵敏", "孙丽", "周强")
SAFE_TEXT = "备注说明甲乙丙丁abcXYZ 0123（）-_/"
CONTROL = "\x07\x0b\x0c\x1b\x1c\x1f\x7f\x85\u2028"
EPOCH = dt.date(1899, 12, 30)


@dataclass
class Household:
    key: str  # who the test knows this household to be
    id_forms: list[str]  # ways its ID number may be written


@dataclass
class Expected:
    bad_cells: set[tuple[str, int]] = field(default_factory=set)  # (sheet, row) that must be reported
    missing: set[str] = field(default_factory=set)  # labels of required columns that must be reported
    other_problem: bool = False  # refused for a reason without a row (e.g. title month contradicts)
    households: int = 0
    persons: int = 0
    amount_fen: int = 0
    rows: int = 0

    @property
    def accepted(self) -> bool:
        return not (self.bad_cells or self.missing or self.other_problem)


@dataclass
class Roster:
    sheets: list[tuple[str, list[list[object]]]]  # (sheet name, rows of cells) in file order
    expected: Expected
    header_rows: set[tuple[str, int]]  # (sheet, row) of header rows, which may be reported too


def households(rng: random.Random, count: int) -> list[Household]:
    found = []
    for number in range(count):
        born = f"19{40 + number:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        sequence = rng.randint(1, 999)
        kind = rng.random()
        if kind < 0.08:
            garbage = rng.choice(["待补录", "无", "（空）", "abc"]) + str(number)
            found.append(Household(f"text:{garbage.upper()}", [garbage]))
            continue
        valid = kind > 0.15
        number_18 = make_id("370881", born, sequence, valid=valid)
        forms = [number_18, " ".join([number_18[:6], number_18[6:14], number_18[14:]]), "\t" + number_18]
        forms += ["'" + number_18, number_18.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))]
        if number_18.endswith("X"):
            forms.append(number_18[:-1] + "x")
        if valid:
            forms.append(number_18[:6] + number_18[8:17])  # the legacy 15-digit form
        found.append(Household(number_18, forms))
    return found


def spell_persons(rng: random.Random, persons: int, workbook: bool) -> object:
    forms: list[object] = [str(persons), f"{persons}.0", f" {persons} ", chr(0xFF10 + persons)]
    if workbook:
        forms += [persons, float(persons)]
    return rng.choice(forms)


def spell_amount(rng: random.Random, fen: int, workbook: bool) -> object:
    yuan = fen / 100
    forms: list[object] = [f"{yuan:.2f}", f"{yuan:,.2f}", f"¥{yuan:,.2f}", f"{yuan:.2f}元", f"'{yuan:.2f}"]
    forms.append(f"{yuan:.2f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．")))
    if fen % 100 == 0:
        forms.append(str(fen // 100))
    if workbook:
        forms += [yuan, yuan]
    return rng.choice(forms)


def spell_date(rng: random.Random, day: dt.date, workbook: bool) -> object:
    forms: list[object] = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        f"{day.isoformat()} 08:30:00",
        str((day - EPOCH).days),
    ]
    if workbook:
        forms += [day, day]
    return rng.choice(forms)


BAD_VALUES = {
    "persons": ["两", "0", "-1", "1.5", "", "abc", "1e12", "nan", "3人"],
    "amount": ["七百", "-5", "abc", "inf", "1e30", "nan", "7OO"],
    "paid_on": ["2023-13-45", "昨天", "2023-02-30", "2023年1月", "1/10"],
    "id_number": [""],
}


@st.composite
def rosters(draw, *, damaged: bool = True, workbook: bool | None = None) -> tuple[Roster, bool]:
    """A roster and whether it is to be written as a workbook."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    workbook = draw(st.booleans()) if workbook is None else workbook
    expected = Expected()
    columns = list(REQUIRED) + [key for key in OPTIONAL if rng.random() < 0.5]
    columns += ["extra"] * rng.randint(0, 2)
    dropped = draw(st.sampled_from([None] * 6 + list(REQUIRED))) if damaged else None
    if dropped:
        columns.remove(dropped)
    rng.shuffle(columns)
    if damaged and rng.random() < 0.1:
        columns.append(rng.choice(columns))  # the same column twice: the first one counts
    header = []
    for key in columns:
        text = rng.choice(EXTRA_HEADERS) if key == "extra" else rng.choice(ALIASES[key])
        header.append(rng.choice(["", "*", " "]) + text + rng.choice(["", " ", "："]) if key != "extra" else text)
    for index, key in enumerate(columns):
        if key in columns[:index] and key != "extra":
            header[index] = header[columns.index(key)]
    several = workbook and rng.random() < 0.3
    sheet_names = list(rng.sample(TOWNSHIPS, 2)) if several else ["名册" if workbook else ""]
    if dropped == "township" and several:
        dropped = None  # one sheet per township: the sheet name says which
    if dropped:
        expected.missing.add(LABELS[dropped])

    people = households(rng, rng.randint(1, 10))
    bad_budget = draw(st.integers(0, 2)) if damaged else 0
    first_persons: dict[str, int] = {}
    sheets = []
    header_rows: set[tuple[str, int]] = set()
    for sheet_name in sheet_names:
        rows: list[list[object]] = []
        titles = rng.sample(
            [
                ["2023年1月农村低保发放明细"],
                ["制表单位：曲阜市民政局", "", "单位：元"],
                ["日期：2023-02-01"],
                ["基本信息", "", "", "发放情况"],
                [],
            ],
            rng.randint(0, 3),
        )
        if damaged and not sheets and rng.random() < 0.05:
            titles.insert(0, ["2023年3月农村低保发放明细"])  # the first month the titles name contradicts the one given
            expected.other_problem = True
        rows += titles
        rows.append(list(header))
        header_rows.add((sheet_name, len(rows)))
        township = sheet_name if several and "township" not in columns else None
        for _ in range(rng.randint(1, 8)):
            roll = rng.random()
            if roll < 0.08:
                rows.append([])
                continue
            if roll < 0.12 and dropped != "id_number":
                rows.append(list(header))  # a header repeated at a page break: known by its ID cell
                continue
            person = rng.choice(people)
            values: dict[str, object] = {
                "id_number": rng.choice(person.id_forms),
                "persons": rng.randint(1, 6),
                "amount": rng.choice([0, rng.randint(1, 400_000), rng.randint(1, 3000) * 100]),
                "paid_on": dt.date(2023, 1, rng.randint(1, 31)) if rng.random() > 0.1 else None,
            }
            written = {
                "id_number": values["id_number"],
                "persons": spell_persons(rng, values["persons"], workbook),
                "amount": spell_amount(rng, values["amount"], workbook) if rng.random() > 0.05 else None,
                "paid_on": spell_date(rng, values["paid_on"], workbook) if values["paid_on"] else None,
                "village": rng.choice(["东关村", "西关村", "", "村" + rng.choice(CONTROL)]),
                "name": rng.choice(NAMES),
                "category": rng.choice(["A类", "B类", "一类", "C", ""]),
                "standard": rng.choice(["745", "700.00", "", "¥745"]),
            }
            if written["amount"] is None:
                values["amount"] = 0
            explicit = township is None or rng.random() < 0.7
            if damaged and township is None and rng.random() < 0.05:
                explicit = False  # blank, with no township above to take
            if "township" in columns:
                written["township"] = rng.choice(TOWNSHIPS) if explicit else ""
            row_number = len(rows) + 1
            broken = None
            if bad_budget and rng.random() < 0.4:
                broken = rng.choice([key for key in BAD_VALUES if key in columns])
                written[broken] = rng.choice(BAD_VALUES[broken])
                bad_budget -= 1
            cells = []
            for key in columns:
                if key == "extra":
                    cells.append("".join(rng.choice(SAFE_TEXT + CONTROL) for _ in range(rng.randint(0, 6))))
                else:
                    cells.append(written.get(key))
            rows.append(cells)
            substance = [written.get(key) for key in ("id_number", "persons", "amount") if key in columns]
            if all(value is None or str(value).strip() == "" for value in substance):
                continue  # no ID, persons or amount: not a data row, whatever else it holds
            township = written.get("township") or township  # a blank township is the one above
            if "township" in columns and township is None:
                broken = broken or "township"
            if broken:
                expected.bad_cells.add((sheet_name, row_number))
                continue
            expected.rows += 1
            first_persons.setdefault(person.key, values["persons"])
            expected.amount_fen += values["amount"]
        if rng.random() < 0.5:
            totals = [""] * len(columns)
            totals[0] = "合计"
            rows.append(totals)
        if rng.random() < 0.5:
            footer = [""] * len(columns)
            footer[next(i for i, key in enumerate(columns) if key != "id_number")] = "制表人：赵六"
            rows.append(footer)
        sheets.append((sheet_name, rows))
    expected.households = len(first_persons)
    expected.persons = sum(first_persons.values())
    if expected.rows == 0 and not expected.bad_cells:
        expected.other_problem = True  # no data rows at all
    return Roster(sheets, expected, header_rows), workbook


def write_workbook(path: Path, roster: Roster) -> Path:
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    workbook.set_properties({"created": dt.datetime(2024, 1, 1)})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in roster.sheets:
        sheet = workbook.add_worksheet(name)
        for row, cells in enumerate(rows):
            for column, value in enumerate(cells):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(row, column, dt.datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, str):
                    sheet.write_string(row, column, value)
                else:
                    sheet.write_number(row, column, value)
    workbook.close()
    return path


def delimited_text(roster: Roster, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for cells in roster.sheets[0][1]:
        writer.writerow(["" if cell is None else cell for cell in cells])
    return buffer.getvalue()


ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le")


def write_roster(folder: Path, roster: Roster, workbook: bool, encoding: str, delimiter: str) -> tuple[Path, str]:
    TRIED["written"] += 1
    stem = f"{TRIED['written']:05d}"
    if workbook:
        return write_workbook(folder / f"{stem}.xlsx", roster), f"{stem}-2023年1月名册.xlsx"
    path = folder / f"{stem}.csv"
    path.write_bytes(delimited_text(roster, delimiter).encode(encoding))
    return path, f"{stem}-2023年1月名册.csv"


@settings(PROPERTY, max_examples=examples(450))
@given(
    case=rosters(),
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from([",", ",", "\t"]),
)
def test_generated_rosters_are_stored_exactly_or_refused_by_row(tmp_path, warehouse, case, encoding, delimiter):
    roster, workbook = case
    path, name = write_roster(tmp_path, roster, workbook, encoding, delimiter)
    outcome = attempt(warehouse, path, name, "shaped")
    expected = roster.expected
    if expected.accepted:
        assert not isinstance(outcome, Rejected), (outcome.report(), roster)
        figures = stored(warehouse, outcome)
        assert (figures.households, figures.persons, figures.amount_fen, figures.rows) == (
            expected.households,
            expected.persons,
            expected.amount_fen,
            expected.rows,
        ), roster
        return
    assert isinstance(outcome, Rejected), roster
    reported_rows = {(problem.sheet, problem.row) for problem in outcome.problems if problem.row is not None}
    assert expected.bad_cells <= reported_rows, (outcome.report(), expected.bad_cells)
    messages = " ".join(problem.message for problem in outcome.problems)
    for label in expected.missing:
        assert f"缺少必需的列「{label}」" in messages, outcome.report()
    assert reported_rows <= expected.bad_cells | roster.header_rows, (outcome.report(), expected.bad_cells)


# The same files, damaged byte by byte.

DAMAGE = (
    "flip",
    "truncate",
    "nul",
    "insert",
    "append",
    "lying_utf8_bom",
    "lying_utf16_bom",
    "mixed",
    "odd_utf16",
    "lone_surrogate",
    "cut_zip",
)
MUST_REFUSE = {"lying_utf8_bom", "odd_utf16", "lone_surrogate", "cut_zip", "mixed"}


def damage(content: bytes, roster: Roster, kind: str, rng: random.Random) -> bytes:
    if not content:
        return content  # cut to nothing by an earlier damage
    if kind == "flip":
        data = bytearray(content)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        return bytes(data)
    if kind == "truncate":
        return content[: rng.randrange(len(content))]
    if kind == "nul":
        at = rng.randrange(len(content) + 1)
        return content[:at] + b"\x00" * rng.randint(1, 3) + content[at:]
    if kind == "insert":
        at = rng.randrange(len(content) + 1)
        return content[:at] + rng.randbytes(rng.randint(1, 64)) + content[at:]
    if kind == "append":
        return content + rng.choice([rng.randbytes(rng.randint(1, 200)), b"\x00" * 4096, b"\r\n" * 50])
    text = delimited_text(roster, ",")
    if kind == "lying_utf8_bom":
        return b"\xef\xbb\xbf" + text.encode("gb18030")
    if kind == "lying_utf16_bom":
        return b"\xff\xfe" + text.encode(rng.choice(["utf-8", "gb18030"]))
    if kind == "mixed":
        lines = text.split("\r\n")
        cut = next(index for index, line in enumerate(lines) if any(ord(c) > 127 for c in line)) + 1
        cut = rng.randint(cut, max(cut, len(lines) - 1))
        tail = "\r\n".join(lines[cut:])
        if not any(ord(c) > 127 for c in tail):
            tail += "\r\n乡镇,"  # something after the UTF-8 lines that is not UTF-8 in GBK
        return ("\r\n".join(lines[:cut]) + "\r\n").encode("utf-8") + tail.encode("gb18030")
    if kind == "odd_utf16":
        return text.encode("utf-16")[:-1]
    if kind == "lone_surrogate":
        data = text.encode("utf-16-le")
        at = rng.randrange(0, len(data) // 2) * 2
        return b"\xff\xfe" + data[:at] + b"\x00\xd8" + data[at:]
    # cut_zip: a workbook cut short, anywhere from its middle to its last byte
    return content[: rng.randint(len(content) // 2, len(content) - 1)]


@settings(PROPERTY, max_examples=examples(900))
@given(
    case=rosters(damaged=False),
    kinds=st.lists(st.sampled_from(DAMAGE), min_size=1, max_size=2),
    seed=st.integers(0, 2**32 - 1),
    encoding=st.sampled_from(ENCODINGS),
    extension=st.sampled_from([".csv", ".xlsx", ".xls", ".txt", ""]),
)
def test_damaged_files_are_refused_or_stored_consistently(tmp_path, warehouse, case, kinds, seed, encoding, extension):
    roster, workbook = case
    rng = random.Random(seed)
    path, _ = write_roster(tmp_path, roster, workbook, encoding, ",")
    content = path.read_bytes()
    for kind in kinds:
        if kind == "cut_zip" and not workbook:
            kind = "truncate"
        content = damage(content, roster, kind, rng)
    path.write_bytes(content)
    name = f"{path.stem}-损坏{extension}"
    outcome = attempt(warehouse, path, name, "damaged")
    if len(kinds) == 1 and kinds[0] in MUST_REFUSE and not (kinds[0] == "cut_zip" and not workbook):
        assert isinstance(outcome, Rejected), (kinds, content[:200])
    if not isinstance(outcome, Rejected):
        stored(warehouse, outcome)


# Files that are not tables at all.


def _zip(members: dict[str, bytes], *, gbk_names: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    data = buffer.getvalue()
    if gbk_names:  # as zips made on Chinese Windows: GBK names, no UTF-8 flag
        for member in members:
            encoded = member.encode("utf-8")
            if encoded != member.encode("gbk"):
                data = data.replace(encoded, member.encode("gbk").ljust(len(encoded), b"_"))
        data = data.replace(b"\x00\x08", b"\x00\x00")
    return data


def _ole(stream: str) -> bytes:
    """A compound file whose directory names one stream (enough for the sniffing, not a real document)."""
    entry = bytearray(128)
    name = stream.encode("utf-16-le") + b"\x00\x00"
    entry[: len(name)] = name
    entry[64:66] = len(name).to_bytes(2, "little")
    root = bytearray(128)
    root_name = "Root Entry".encode("utf-16-le") + b"\x00\x00"
    root[: len(root_name)] = root_name
    root[64:66] = len(root_name).to_bytes(2, "little")
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + bytes(root) + bytes(entry) + bytes(256)


TABLE_HTML = "<table><tr><td>乡镇</td><td>身份证号码</td><td>保障人数</td></tr><tr><td>鲁城街道</td></tr></table>"


@st.composite
def not_tables(draw) -> tuple[bytes, str]:
    """Content that is not a table, and a word the refusal must use to say what it is."""
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    noise = rng.randbytes(rng.randint(0, 300))
    kind = draw(
        st.sampled_from(
            [
                "pdf",
                "png",
                "jpeg",
                "gif",
                "html",
                "html_table",
                "mht",
                "spreadsheetml",
                "zip_csv",
                "docx",
                "pptx",
                "ods",
                "xlsb",
                "ole_word",
                "ole_encrypted",
                "rar",
                "gzip",
                "rtf",
            ]
        )
    )
    lead = rng.choice(["", " ", "\r\n"])
    encoding = rng.choice(["utf-8", "utf-8-sig", "gbk", "utf-16"])
    options = {
        "pdf": (b"%PDF-1.7\n" + noise, "PDF"),
        "png": (b"\x89PNG\r\n\x1a\n" + noise, "PNG"),
        "jpeg": (b"\xff\xd8\xff\xe0" + noise, "JPEG"),
        "gif": (b"GIF89a" + noise, "GIF"),
        "html": (
            (
                lead + '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta charset="gbk"></head>'
                f"<body>{TABLE_HTML}</body></html>"
            ).encode(encoding),
            "HTML",
        ),
        "html_table": ((lead + TABLE_HTML).encode(encoding), "HTML"),
        "mht": (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="x"\r\n\r\n' + noise, "MHT"),
        "spreadsheetml": (
            (
                lead + '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>'
            ).encode(encoding),
            "Excel 2003 XML",
        ),
        "zip_csv": (
            _zip({"名册.csv": "乡镇,身份证号码\n".encode("gbk"), "说明.txt": noise}, gbk_names=rng.random() < 0.5),
            "ZIP",
        ),
        "docx": (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "Word"),
        "pptx": (_zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "PowerPoint"),
        "ods": (_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}), ".ods"),
        "xlsb": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": noise}), ".xlsb"),
        "ole_word": (_ole("WordDocument"), "Word"),
        "ole_encrypted": (_ole("EncryptedPackage"), "密码"),
        "rar": (b"Rar!\x1a\x07\x01\x00" + noise, "RAR"),
        "gzip": (b"\x1f\x8b\x08\x00" + noise, "gzip"),
        "rtf": (b"{\\rtf1\\ansi " + noise, "RTF"),
    }
    return options[kind]


@settings(PROPERTY, max_examples=examples(1000))
@given(case=not_tables(), extension=st.sampled_from([".xlsx", ".xls", ".csv", "", ".txt", ".pdf", ".zip"]))
def test_files_that_are_not_tables_are_refused_saying_what_they_are(tmp_path, warehouse, case, extension):
    content, word = case
    TRIED["written"] += 1
    path = tmp_path / f"{TRIED['written']:05d}.bin"
    path.write_bytes(content)
    name = f"名册{extension}"
    outcome = attempt(warehouse, path, name, "not_a_table")
    assert isinstance(outcome, Rejected)
    message = outcome.problems[0].message
    assert word in message, message
    natural = {".pdf": "PDF", ".zip": "ZIP"}
    if extension and natural.get(extension) != word and word != "密码":
        assert f"扩展名为 {extension}" in message, message
