"""What the sessions of the load benchmark do: the month's mix of leadership, evaluators and uploaders.

Each session is a `tests.wire.Wire` (the app's own websocket protocol) that logs in and then, until its
deadline, does one step after another with a pause between (a person reading the page): a step opens a page
and often changes a filter or drills down on it. Every script run is one `View`, timed from the request to
the server's «script finished».

- leadership (领导): the cockpit and its month, 保障人数 with a county and a township, 按时发放 with a county,
  保障标准 and a rise, 指标得分 and a branch, 等级趋势 and an evaluation, a year in the sidebar;
- evaluators of a county: the same pages, plus 数据质量 with a kind and 整改台账 with a status;
- uploaders (evaluators of 曲阜市, in pairs): upload the next month's roster (6,000 households, the messy CSV
  offices export), confirm it, then approve the months their partner uploaded on 审核.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rosters import households, write_messy  # noqa: E402
from tests.wire import Run, Wire, WireError  # noqa: E402

PASSWORD = "load-bench-password-0123"
TITLES = {
    "": "总览", "recipients": "保障人数", "standards": "保障标准", "on_time": "按时发放", "scores": "指标得分",
    "grades": "等级趋势", "findings": "数据质量", "followup": "整改台账", "upload": "上传", "approval": "审核",
}  # fmt: skip
UPLOAD_ROWS = 6_000  # 曲阜市's rural programme pays about 12,300 persons in 6,200 households
UPLOAD_COUNTY = "曲阜市"
UPLOAD_LABEL = "选择文件（CSV、XLSX 或 XLS）"
# Red boxes that are a page's content, not a failure: 按时发放 names the county furthest below the target in red
CONTENT_IN_RED = ("按时发放率最低",)


@dataclass
class View:
    """One script run a person waited for."""

    page: str  # the page's title, and what was done on it after a «·»
    seconds: float
    started: float
    session: int
    uploading: bool = False  # a step of the upload and approval flow, not a page read


@dataclass
class Tally:
    """Everything the sessions saw, shared by all of them (one event loop: no locks needed)."""

    views: list[View] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    uploads: int = 0
    approvals: int = 0
    approvals_retried: int = 0

    def saw(self, session: int, what: str, run: Run, *, uploading: bool = False) -> Run:
        self.views.append(View(what, run.seconds, time.monotonic() - run.seconds, session, uploading))
        self.exceptions += [f"{what}: {text[:300]}" for text in run.exceptions]
        failures = [text for text in run.errors if not any(words in text for words in CONTENT_IN_RED)]
        self.errors += [f"{what}: {text[:300]}" for text in failures]
        return run


@dataclass
class Person:
    """Who a session is: its account and what it does."""

    index: int
    username: str
    role: str  # viewer, evaluator or uploader
    county: str = ""  # an evaluator's county, by name


Step = Callable[[Wire, random.Random, Person, Tally], Awaitable[None]]


async def _open(wire: Wire, page: str, person: Person, tally: Tally) -> Run:
    return tally.saw(person.index, TITLES[page], await wire.rerun(page=page))


async def _pick(wire: Wire, rng: random.Random, person: Person, tally: Tally, page: str, label: str) -> None:
    """Choose another option of a picker on the page, if the page shows it (a drill-down, a filter)."""
    try:
        options = list(wire.widget(label, "selectbox").options)
    except WireError:
        return  # nothing to pick on this page as it stands (no data for the choice made)
    if options:
        run = await wire.choose(label, rng.choice(options), "selectbox")
        tally.saw(person.index, f"{TITLES[page]} · {label}", run)


def _page(page: str, *labels: str) -> Step:
    async def step(wire: Wire, rng: random.Random, person: Person, tally: Tally) -> None:
        await _open(wire, page, person, tally)
        for label in labels:
            await _pick(wire, rng, person, tally, page, label)

    return step


async def _year(wire: Wire, rng: random.Random, person: Person, tally: Tally) -> None:
    """Another year in the sidebar, on the page the session is on."""
    proto = wire.widget("年度", "selectbox")
    run = await wire.choose("年度", rng.choice(list(proto.options)[:4]), "selectbox")
    tally.saw(person.index, f"{TITLES.get(run.page, run.page)} · 年度", run)


LEADERSHIP: list[Step] = [
    _page("", "月份"),
    _page("recipients", "县区", "乡镇（街道）"),
    _page("on_time", "县区 · 项目"),
    _page("standards", "查看一次提标的依据"),
    _page("scores", "展开下一级（或点击图中的条形）"),
    _page("grades", "查看一次评价的一级指标得分"),
    _year,
]
EVALUATORS: list[Step] = LEADERSHIP + [_page("findings", "问题类型"), _page("followup", "状态")]


async def reader(wire: Wire, person: Person, tally: Tally, *, until: float, think: tuple[float, float]) -> None:
    """Log in, then read pages until the deadline."""
    rng = random.Random(person.index)
    steps = EVALUATORS if person.role == "evaluator" else LEADERSHIP
    await _log_in(wire, person, tally)
    while time.monotonic() < until:
        await rng.choice(steps)(wire, rng, person, tally)
        await asyncio.sleep(rng.uniform(*think))


async def _log_in(wire: Wire, person: Person, tally: Tally) -> None:
    tally.saw(person.index, "登录页", await wire.open(query="year=2024"))
    run = tally.saw(person.index, "登录", await wire.log_in(person.username, PASSWORD))
    if "退出登录" not in run.labels():
        raise WireError(f"{person.username} could not log in: {run.texts()[:3]}")


# --- uploading and approving -----------------------------------------------------------------------------------


class Months:
    """The next month to upload, shared by the uploaders so no two upload the same one."""

    def __init__(self, first_year: int = 2025) -> None:
        self.year, self.month = first_year, 0

    def next(self) -> tuple[int, int]:
        self.month += 1
        if self.month > 12:
            self.year, self.month = self.year + 1, 1
        return self.year, self.month


def write_roster(folder: Path, year: int, month: int) -> Path:
    """曲阜市's rural roster of a month as offices export it: a title row, thousands separators, 8 columns."""
    path = folder / f"{UPLOAD_COUNTY}{year}年{month}月农村低保发放明细.csv"
    write_messy(path, households(UPLOAD_ROWS, year=year, month=month), year=year, month=month, county=UPLOAD_COUNTY)
    return path


async def uploader(
    wire: Wire, person: Person, tally: Tally, *, until: float, think: tuple[float, float], months: Months, folder: Path
) -> None:
    """Log in; then, until the deadline, upload the next month, confirm it, and approve the partner's months."""
    rng = random.Random(person.index)
    await _log_in(wire, person, tally)
    while time.monotonic() < until:
        year, month = months.next()
        roster = await asyncio.to_thread(write_roster, folder, year, month)
        await _open(wire, "upload", person, tally)
        run = tally.saw(person.index, "上传 · 校验", await wire.upload(UPLOAD_LABEL, roster), uploading=True)
        if "确认入库" not in run.labels("button"):
            tally.errors.append(f"{roster.name}: no 确认入库 after the report: {run.texts()[:4]}")
            continue
        run = tally.saw(person.index, "上传 · 确认入库", await wire.click("确认入库"), uploading=True)
        if any("已入库" in text for text in run.texts()):
            tally.uploads += 1
        else:
            tally.errors.append(f"{roster.name}: not stored: {run.texts()[:4]}")
        await asyncio.sleep(rng.uniform(*think))
        await _approve(wire, person, tally, year)
        await asyncio.sleep(rng.uniform(*think))


async def _approve(wire: Wire, person: Person, tally: Tally, year: int) -> None:
    """On 审核, approve every month of `year` waiting that another account uploaded."""
    await _open(wire, "approval", person, tally)
    if f"{year}年" not in wire.widget("年度", "selectbox").options:
        tally.errors.append(f"{year} is not among the years after an upload of it")
        return
    tally.saw(person.index, "审核 · 年度", await wire.choose("年度", f"{year}年", "selectbox"))
    try:
        waiting = wire.options("要处理的月份")
    except WireError:
        return  # nothing waits (the partner has not uploaded yet)
    theirs = [option for option in waiting if f"上传 {person.username}）" not in option]
    if not theirs:
        return
    tally.saw(person.index, "审核 · 选择月份", await wire.choose("要处理的月份", theirs))
    run = tally.saw(person.index, "审核 · 通过", await wire.click("审核通过所选月份"), uploading=True)
    if any("已审核" in text for text in run.texts()):
        tally.approvals += len(theirs)
    elif not run.errors:
        # the list changed between the pick and the click (the partner stored another month: a new picker),
        # so the click approved nothing, as in a browser; they are approved next round
        tally.approvals_retried += 1
