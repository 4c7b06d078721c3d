"""Every page in a real headless Chromium against `streamlit run`, on a copy of the demo warehouse.

Visits each page through the sidebar, asserts its text and that no exception box shows, clicks
one drill-down, uploads one roster and confirms it, creates an account on the 账户管理 page and
finds both in the 审计日志, and saves a screenshot per page to docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from tests.browser.server import CHROMIUM, ROOT, chromium, running_app
from tests.conftest import copy_warehouse
from tests.files import make_id, write_csv

SHOTS = ROOT / "docs" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (scripts/test installs it as root)"
)

PASSWORD = "browser-test-password"  # an account made on the test's own copy of the demo warehouse

# page title → (file stem for the screenshot, text that proves the page rendered)
PAGES = {
    "总览": ("", "曲阜市"),  # its screenshots, at two widths: test_the_cockpit_fits_a_laptop_and_a_phone
    "保障人数": ("recipients", "保障人数"),
    "保障标准": ("standards", "保障标准"),
    "按时发放": ("on_time", "按时发放"),
    "指标得分": ("scores", "指标得分"),
    "等级趋势": ("grades", "等级趋势"),
    "评分": ("scoring", "适用的指标体系"),
    "数据质量": ("findings", "数据质量"),
    "整改台账": ("", "整改台账"),  # its screenshot: test_an_evaluator_closes_an_anomaly_as_a_false_alarm
    "上传": ("upload", "上传"),
    "审核": ("approval", "报送及时率"),
    "县区与指标体系": ("admin_registry", "报告原文问题"),
}


@pytest.fixture(scope="module")
def database(demo_database, tmp_path_factory):
    return copy_warehouse(demo_database, tmp_path_factory.mktemp("browser") / "warehouse.db")


@pytest.fixture(scope="module")
def server(database, small_cells):
    from access.accounts import add_user
    from warehouse.db import make_engine

    engine = make_engine(f"sqlite:///{database}")
    add_user(engine, username="browser", role="admin", password=PASSWORD, display_name="浏览器测试", by="test")
    add_user(engine, username="reviewer", role="evaluator", counties=["370881"], password=PASSWORD, by="test")
    add_user(engine, username="leader", role="viewer", password=PASSWORD, by="test")
    engine.dispose()
    with running_app(f"sqlite:///{database}") as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium(playwright)
        tab = browser.new_page(viewport={"width": 1440, "height": 1500}, locale="zh-CN")
        tab.goto(f"{server}/?year=2023")  # the seed year of Qufu and Chenggong: real evaluations on screen
        tab.get_by_label("用户名").fill("browser")
        tab.get_by_label("密码").fill(PASSWORD)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "login.png"))
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("曲阜市").first.wait_for(timeout=90_000)
        yield tab
        browser.close()


def settle(page) -> None:
    """Wait until Streamlit has finished running the script (and any rerun a chart's first drawing starts: the
    running sign must stay away for a second) and drawn its charts."""
    running = page.locator('[data-testid="stStatusWidget"]')
    for _ in range(60):
        page.wait_for_timeout(500)
        running.wait_for(state="hidden", timeout=60_000)
        page.wait_for_timeout(1000)
        if running.count() == 0 or not running.is_visible():
            break
    charts = page.locator(".vega-embed")
    for index in range(charts.count()):
        charts.nth(index).locator("svg, canvas").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)


def whole_page(page, path) -> None:
    """A screenshot of the finished page from top to bottom: Streamlit scrolls its main area inside the
    window, so the window is first made as tall as that area's content."""
    width = page.viewport_size["width"]
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": height + 40})
    settle(page)
    page.screenshot(path=str(path), full_page=True)


@contextmanager
def new_session(page, url: str, *, username: str = "browser", width: int = 1440):
    """A tab of its own browser context (a new Streamlit session) at `url`, with the login form filled in."""
    tab = page.context.browser.new_page(viewport={"width": width, "height": 1500}, locale="zh-CN")
    try:
        tab.goto(url)
        tab.get_by_label("用户名").fill(username)
        tab.get_by_label("密码").fill(PASSWORD)
        yield tab
    finally:
        tab.close()


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator("body").inner_text()[:2000]


@pytest.mark.parametrize("title", list(PAGES))
def test_every_page_renders_without_an_exception(page, title):
    stem, proof = PAGES[title]
    link = page.get_by_role("link", name=title)
    if link.count() == 0:
        pytest.skip(f"page {title} is not built yet")
    link.first.click()
    page.get_by_text(proof).first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    if stem:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{stem}.png"), full_page=True)


@pytest.mark.parametrize(("width", "shot"), [(1440, "overview.png"), (390, "overview_phone.png")])
def test_the_cockpit_fits_a_laptop_and_a_phone(server, page, tmp_path, width, shot):
    """总览 as leadership opens it: nothing wider than the window, the counties' table without a horizontal
    scroll at 1440 px (at 390 px it scrolls with the county pinned), and the brief downloads as a PDF."""
    with new_session(page, f"{server}/?year=2023", username="leader", width=width) as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("heading", name="需关注").wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        shown = tab.locator("body").inner_text()
        # leadership reads the one unpaid household as fewer than 5 (small counts withheld), never as 1
        assert "19,007 户" in shown and "呈贡区" in shown and "2023年12月有 <5 户未发放" in shown
        assert "户未发放（占" not in shown and "小数保护" in shown
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        table = tab.evaluate("[...document.querySelectorAll('.dvn-scroller')].map(e => e.scrollWidth - e.clientWidth)")
        if width >= 1440:
            assert table == [0]
        with tab.expect_download() as download:
            tab.get_by_role("button", name="下载月度简报（PDF）").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        assert saved.name == "低保月度简报_2023年12月_5个县区.pdf" and saved.read_bytes().startswith(b"%PDF")
        whole_page(tab, SHOTS / shot)


def test_a_drill_down_opens_the_next_level(page):
    """指标得分: Qufu 2023 is the first seed evaluation; opening 过程 shows its level-2 indicators."""
    page.get_by_role("link", name="指标得分").first.click()
    page.get_by_text("指标得分（逐级展开）").first.wait_for(timeout=60_000)
    settle(page)
    shown = page.locator("body").inner_text()
    assert "92.46" in shown and "曲阜市财政局" in shown  # the default: Qufu's 2023 finance evaluation
    assert "按报告数字重算" in shown and "93.46" in shown and "报告与重算对照" in shown  # the rubric re-check
    page.get_by_test_id("stSelectbox").filter(has_text="展开下一级").click()
    page.get_by_role("option", name="过程").click()
    page.get_by_text("资金管理").first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    assert "组织实施" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "scores_drill_down.png"))


def test_a_grade_that_changes_only_on_a_reading_says_so_on_screen(server, page):
    """指标得分 for 新平 2020: 88 良 on the report's own figures; 91 优 only on a reading, said in words."""
    with new_session(page, f"{server}/scores?county=530427&year=2020") as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("只按报告自身的数字重算").first.wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        tab.screenshot(path=str(SHOTS / "scores_basis.png"), full_page=True)
        shown = tab.locator("body").inner_text()
        assert "按报告数字重算" in shown and "88.00" in shown
        assert "取决于解读的差异" in shown  # the table under it is drawn on a canvas: its cells are not text
        tab.get_by_text("取决于解读的差异").first.scroll_into_view_if_needed()
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(SHOTS / "scores_basis_differences.png"))


def qufu_january(folder, rows: list[list[str]]):
    return write_csv(
        folder / "曲阜市2025年1月农村低保发放明细.csv",
        rows,
        header=["乡镇（街道）", "身份证号码", "保障人数", "发放金额", "发放日期"],
        title=[["曲阜市2025年1月农村低保发放明细"]],
        encoding="gb18030",
    )


def upload(page, roster) -> None:
    """The 上传 page: choose the roster, read its report, confirm."""
    page.get_by_role("link", name="上传").first.click()
    page.get_by_text("月度发放名册").first.wait_for(timeout=60_000)
    page.locator("input[type=file]").set_input_files(str(roster))
    page.get_by_text("保障户数").first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    assert "曲阜市 2025年1月 农村低保" in page.locator("body").inner_text()
    page.get_by_role("button", name="确认入库").click()
    page.get_by_text("已入库").first.wait_for(timeout=60_000)
    no_exception(page)


def test_upload_a_roster_and_confirm(page, tmp_path):
    rows = [
        ["鲁城街道", make_id(sequence=1), "2", "1,490", "2025年1月10日"],
        ["书院街道", make_id(sequence=2), "1", "745", "2025/1/12"],
    ]
    upload(page, qufu_january(tmp_path, rows))
    assert "待审核" in page.get_by_text("已入库").first.inner_text()


def leadership_sees(
    server, page, *, pending: bool = False, shot: str = "", username: str = "leader"
) -> tuple[str, str]:
    """What a viewer (leadership; or `username`) reads on 保障人数 for Qufu in 2025, in a session of their own
    (with the 「含待审核数据」 toggle on when `pending`): the page's text, and January's households ("" if not
    shown). A month of 2 or 3 households is below 5: leadership reads it as withheld, Qufu's evaluator as it is."""
    url = f"{server}/recipients?county=370881&year=2025" + ("&pending=1" if pending else "")
    with new_session(page, url, username=username) as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("heading", name="保障人数").first.wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        if shot:
            tab.screenshot(path=str(SHOTS / shot), full_page=True)
        january = tab.get_by_test_id("stMetric").filter(has_text="2025年1月")
        households = january.filter(has_text="保障户数").get_by_test_id("stMetricValue")
        return tab.locator("body").inner_text(), households.inner_text() if households.count() else ""


def test_a_second_account_approves_the_uploaded_month(server, page):
    """The month the last test uploaded (as 「browser」) waits on 审核, out of leadership's sight; Qufu's
    other evaluator approves it, and leadership sees it."""
    assert leadership_sees(server, page)[1] == ""
    with new_session(page, f"{server}/approval?county=370881&year=2025", username="reviewer") as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("要处理的月份").first.wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        tab.get_by_test_id("stMultiSelect").filter(has_text="要处理的月份").click()
        tab.get_by_role("option", name="曲阜市 · 农村低保 · 2025-01（待审核，上传 browser）").click()
        tab.keyboard.press("Escape")
        tab.get_by_role("button", name="审核通过所选月份").click()
        tab.get_by_text("所选县区没有待审核的月份").first.wait_for(timeout=60_000)
        settle(tab)
        no_exception(tab)
        tab.screenshot(path=str(SHOTS / "approval_done.png"), full_page=True)
    assert leadership_sees(server, page)[1] == "隐去"  # approved and shown, as fewer than 5 households
    assert leadership_sees(server, page, username="reviewer")[1] == "2"


def test_a_replacement_shows_what_it_changes_and_counts_once_approved(server, page, tmp_path):
    """A corrected January: household 1 paid more, 2 gone, 3 and 4 new. Leadership keeps seeing the approved
    two households (the toggle shows the three waiting, marked); the reviewer sees the change, approves it."""
    rows = [
        ["鲁城街道", make_id(sequence=1), "2", "1,600", "2025年1月10日"],
        ["书院街道", make_id(sequence=3), "1", "745", "2025/1/12"],
        ["书院街道", make_id(sequence=4), "1", "745", "2025/1/12"],
    ]
    upload(page, qufu_january(tmp_path, rows))
    assert leadership_sees(server, page, username="reviewer")[1] == "2"
    waiting, households = leadership_sees(server, page, pending=True, shot="pending_toggle.png", username="reviewer")
    assert households == "3" and "以下为待审核数据，尚未经审核：曲阜市 2025-01" in waiting
    with new_session(page, f"{server}/approval?county=370881&year=2025", username="reviewer") as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("要处理的月份").first.wait_for(timeout=90_000)
        settle(tab)
        tab.get_by_test_id("stMultiSelect").filter(has_text="要处理的月份").click()
        tab.get_by_role("option", name="曲阜市 · 农村低保 · 2025-01（待审核，上传 browser）").click()
        tab.keyboard.press("Escape")
        tab.get_by_text("与已审核版本相比").first.wait_for(timeout=60_000)
        settle(tab)
        no_exception(tab)
        tab.screenshot(path=str(SHOTS / "approval_changes.png"), full_page=True)
        counts = {
            label: tab.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").inner_text()
            for label in ("新增户", "退出户", "变更户")
        }
        assert counts == {"新增户": "2", "退出户": "1", "变更户": "1"}
        tab.get_by_role("button", name="审核通过所选月份").click()
        tab.get_by_text("所选县区没有待审核的月份").first.wait_for(timeout=60_000)
    assert leadership_sees(server, page, username="reviewer")[1] == "3"


def test_an_administrator_creates_an_evaluator_and_sees_the_password_once(page):
    page.get_by_role("link", name="账户管理").first.click()
    page.get_by_role("tab", name="新建账户").wait_for(timeout=60_000)
    settle(page)
    page.get_by_role("textbox", name="用户名").first.fill("zhang")
    page.get_by_role("textbox", name="显示名称").first.fill("张评价（曲阜）")
    page.get_by_test_id("stRadio").get_by_text("评价人员（上传本县区数据）").first.click()  # not the user list's cell
    page.get_by_text("可上传的县区").first.wait_for(timeout=60_000)
    settle(page)
    page.get_by_test_id("stMain").get_by_test_id("stMultiSelect").first.click()
    page.get_by_role("option", name="曲阜市").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="新建账户").click()
    page.get_by_text("已新建账户「zhang」").first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    password = page.get_by_test_id("stCode").first.inner_text().strip()
    assert len(password) >= 16 and "只显示这一次" in page.locator("body").inner_text()
    page.screenshot(path=str(SHOTS / "admin_users.png"), full_page=True)


def test_the_audit_log_shows_the_upload_and_the_new_account(page):
    page.get_by_role("link", name="审计日志").first.click()
    page.get_by_text("按操作统计").first.wait_for(timeout=60_000)
    settle(page)
    no_exception(page)
    shown = page.locator("body").inner_text()
    assert "新建账户" in shown and "上传入库" in shown and "登录" in shown
    page.screenshot(path=str(SHOTS / "admin_audit.png"), full_page=True)


def test_a_shared_link_opens_its_page_once_logged_in(server, page):
    """A link to 保障人数 for 新平 2020, opened before logging in, shows that page and view after the login."""
    with new_session(page, f"{server}/recipients?county=530427&year=2020") as tab:
        assert tab.get_by_text("Page not found").count() == 0
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("heading", name="保障人数", exact=True).wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        assert tab.url.split("?")[0].endswith("/recipients")
        assert "county=530427" in tab.url and "year=2020" in tab.url
        assert tab.get_by_text("新平彝族傣族自治县 · 农村").count() > 0  # the township drill-down of the linked county


def test_the_households_chart_draws_the_usual_range_and_rings_an_anomaly(server, page):
    """保障人数 for 呈贡区 2020: the band of the 12 months before behind each line, August and September ringed
    (七甸街道's amount per person), the ring's tooltip saying it in words."""
    with new_session(page, f"{server}/recipients?county=530114&year=2020") as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_text("正常范围").first.wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        chart = tab.locator(".vega-embed").first
        chart.scroll_into_view_if_needed()
        chart.screenshot(path=str(SHOTS / "recipients_band.png"))
        labels = chart.locator("[aria-roledescription='point']").evaluate_all(
            "marks => marks.map(m => m.getAttribute('aria-label') || '')"
        )  # Vega labels each mark with its tooltip: the rings are the marks that carry a sentence
        ringed = [label for label in labels if "七甸街道" in label]
        assert len(ringed) == 2 and all("人均发放金额" in label for label in ringed), labels[:3]


def test_an_evaluator_closes_an_anomaly_as_a_false_alarm(server, page):
    """数据质量 › 异常 for 曲阜市 2023 lists the demo's flags with their sentences; 「在整改台账中处理 ›」 opens the
    register, where Qufu's evaluator sets one to 误报 with a note; the table then says so."""
    with new_session(page, f"{server}/findings?county=370881&year=2023", username="reviewer") as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("tab", name="异常").click()
        tab.get_by_text("演示合成数据的名册").first.wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        shown = tab.locator("body").inner_text()
        assert "与近12个月中位数相比" in shown and "稳健 z 分数" in shown
        whole_page(tab, SHOTS / "anomalies.png")
        tab.get_by_role("button", name="在整改台账中处理 ›").click()
        tab.get_by_role("heading", name="处理事项").wait_for(timeout=60_000)
        settle(tab)
        tab.get_by_role("textbox", name="负责人").fill("王科员")
        tab.get_by_role("textbox", name="说明").fill("4月大排查集中退出，有乡镇审批表，非数据错误")
        tab.get_by_test_id("stSelectbox").filter(has_text="状态").last.click()
        tab.get_by_role("option", name="误报").click()
        tab.get_by_role("button", name="保存").click()
        tab.get_by_text("已保存").first.wait_for(timeout=60_000)
        settle(tab)
        no_exception(tab)
        assert "→ 误报" in tab.locator("body").inner_text()
        whole_page(tab, SHOTS / "followup.png")


# 呈贡区's urban roster of March 2025, township → category → households: two B类 cells of 2 and 3 households
SMALL_CELLS = {
    "七甸街道": {"A类": 30, "B类": 2},
    "乌龙街道": {"A类": 25, "B类": 3},
    "吴家营街道": {"A类": 12, "B类": 9},
}


@pytest.fixture(scope="module")
def small_cells(database, tmp_path_factory):
    """The roster above, stored and approved in the app's warehouse before it starts (a county, programme and
    year no other test reads)."""
    from access.approval import approve
    from loaders.roster_store import ingest_roster
    from warehouse.db import make_engine
    from warehouse.month_states import Slot
    from warehouse.settings import get_settings

    rows, sequence = [], 0
    for township, categories in SMALL_CELLS.items():
        for category, households in categories.items():
            for _ in range(households):
                sequence += 1
                rows.append([township, make_id("530114", sequence=sequence), "1", category, "682", "2025-03-06"])
    folder = tmp_path_factory.mktemp("small")
    header = ["乡镇（街道）", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
    roster = write_csv(folder / "呈贡区2025年3月城市低保.csv", rows, header=header, encoding="gb18030")
    with pytest.MonkeyPatch.context() as patch:  # the warehouse's own ID key, beside it, as the app uses
        patch.setenv("DIBAO_WAREHOUSE_URL", f"sqlite:///{database}")
        get_settings.cache_clear()
        engine = make_engine()
        report = ingest_roster(engine, roster, county="530114", month="2025-03", program="urban", user="上传员")
        approve(engine, "审核员", [Slot("530114", "urban", report.month)])
        engine.dispose()
    get_settings.cache_clear()


def category_download(tab, tmp_path) -> tuple[str, str]:
    """The categories table's CSV as the reader downloads it: its file name and text."""
    with tab.expect_download() as download:
        tab.get_by_role("button", name="下载 CSV").last.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    return saved.name, saved.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(("username", "width"), [("leader", 1440), ("leader", 390), ("browser", 1440)])
def test_a_township_drill_down_withholds_small_counts_from_leadership(server, page, tmp_path, username, width):
    """保障人数 drilled to 呈贡区 · 城市 · 2025年3月 and its largest township, 七甸街道 (B类: 2 households):
    leadership reads 「<5」 and its partner 「≥5」 in the chart's labels and the download, never 2 or 28; an
    administrator reads the true figures in a download marked internal."""
    url = f"{server}/recipients?county=530114&year=2025&program=urban"
    with new_session(page, url, username=username, width=width) as tab:
        tab.get_by_role("button", name="登录").click()
        tab.get_by_role("heading", name="类别构成").wait_for(timeout=90_000)
        settle(tab)
        no_exception(tab)
        shown = tab.locator("body").inner_text()
        assert "呈贡区 · 城市 · 2025年3月" in shown
        bars = (
            tab.locator(".vega-embed")
            .last.locator("[aria-roledescription='bar']")
            .evaluate_all("marks => marks.map(m => m.getAttribute('aria-label') || '')")
        )
        name, text = category_download(tab, tmp_path)
        if username == "leader":
            assert "小数保护" in shown and tab.evaluate("document.documentElement.scrollWidth") <= width
            assert not name.startswith("内部_") and "<5" in text and "≥5" in text and ",2," not in text
            assert not any("B类" in bar for bar in bars)  # a withheld category draws no bar
            whole_page(tab, SHOTS / ("small_counts.png" if width >= 1440 else "small_counts_phone.png"))
        else:
            assert "小数保护" not in shown
            assert name.startswith("内部_") and text.startswith("使用范围") and ",2," in text and "<5" not in text
