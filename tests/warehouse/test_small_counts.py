"""A county's figures as a reader may see them: a viewer (or another county's evaluator) sees no household count
of 1–4 at any level and cannot work one out from the totals beside it; the county's evaluator sees every true
figure. Rosters with small township × category cells are written and stored through the loader."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from click.testing import CliRunner

from access.approval import approve
from access.roles import EVALUATOR, VIEWER, Actor
from briefs.figures import gather
from cli import main
from loaders.roster_store import ingest_roster
from tests.files import make_id, write_csv
from warehouse.disclosure import derivable, protect
from warehouse.month_states import Slot
from warehouse.small_counts import figures_for, finding_counts, month_split, monthly_totals

QUFU = "370881"
VIEWER_ACCOUNT = Actor("领导", VIEWER)
QUFU_EVALUATOR = Actor("曲阜评价员", EVALUATOR, frozenset({QUFU}))
OTHER_EVALUATOR = Actor("新平评价员", EVALUATOR, frozenset({"530427"}))
# township → category → households (two persons each, 745 元 a household): 鲁城街道's B类 has 2, 书院街道's 3
CELLS = {"鲁城街道": {"A类": 30, "B类": 2}, "书院街道": {"A类": 25, "B类": 3}, "时庄街道": {"A类": 12, "B类": 9}}


@pytest.fixture
def small_cells(warehouse, tmp_path):
    rows, sequence = [], 0
    for township, categories in CELLS.items():
        for category, households in categories.items():
            for _ in range(households):
                sequence += 1
                rows.append([township, make_id(sequence=sequence), "2", category, "745", "2023-03-05"])
    path = write_csv(
        tmp_path / "roster.csv", rows, header=["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
    )
    report = ingest_roster(warehouse, path, county=QUFU, month="2023-03", program="rural", user="上传员")
    approve(warehouse, "审核员", [Slot(QUFU, "rural", report.month)])
    return warehouse


@pytest.mark.parametrize("reader", [VIEWER_ACCOUNT, OTHER_EVALUATOR], ids=["viewer", "other county"])
def test_a_restricted_reader_sees_no_small_count_at_any_level(small_cells, reader):
    cells = figures_for(small_cells, reader, county=QUFU, year=2023, level="category")
    assert not cells["restricted"].any()
    visible = cells.filter(~pl.col("hidden"))
    assert visible.filter(pl.col("households").is_between(1, 4)).is_empty()
    primary = cells.filter(pl.col("households").is_between(1, 4))
    assert primary["hidden"].all() and set(primary["shown_as"]) == {"<5"}
    assert cells["hidden"].sum() >= 4  # each small cell has a partner in its township and its category
    for level in ("township", "county"):
        shown = figures_for(small_cells, reader, county=QUFU, year=2023, level=level)
        assert shown.filter(~pl.col("hidden") & pl.col("households").is_between(1, 4)).is_empty()


def test_what_a_viewer_sees_side_by_side_gives_no_hidden_count_away(small_cells):
    levels = {
        level: figures_for(small_cells, VIEWER_ACCOUNT, county=QUFU, year=2023, level=level)
        for level in ("category", "township", "county")
    }
    # the viewer's three levels together are one protected table: checked by the protection's own bounds
    cells = levels["category"].select("township", "category", "households", "hidden")
    rebuilt = protect(cells.drop("hidden"), row="township", column="category", count="households")
    assert rebuilt.cells["hidden"].to_list() == cells["hidden"].to_list()
    assert derivable(rebuilt).is_empty()
    township_hidden = dict(levels["township"].select("township", "hidden").iter_rows())
    assert township_hidden == dict(rebuilt.rows.select("township", "hidden").iter_rows())
    assert levels["county"]["households"].to_list() == [81] and not levels["county"]["hidden"][0]


def test_the_county_evaluator_sees_every_true_figure(small_cells):
    cells = figures_for(small_cells, QUFU_EVALUATOR, county=QUFU, year=2023, level="category")
    assert not cells["hidden"].any() and cells["restricted"].all()
    got = {(row["township"], row["category"]): row["households"] for row in cells.iter_rows(named=True)}
    assert got == {(t, c): n for t, categories in CELLS.items() for c, n in categories.items()}
    assert cells.filter(township="鲁城街道", category="B类")["persons"].to_list() == [4]


def test_dibao_export_figures_as_a_viewer_and_as_the_evaluator(small_cells, tmp_path):
    base = ["export", "figures", "--county", QUFU, "--year", "2023", "--level", "category"]
    viewer_csv, evaluator_csv = tmp_path / "viewer.csv", tmp_path / "evaluator.csv"
    assert CliRunner().invoke(main, [*base, "--as-role", "viewer", "--out", str(viewer_csv)]).exit_code == 0
    assert CliRunner().invoke(main, [*base, "--as-role", "evaluator", "--out", str(evaluator_csv)]).exit_code == 0
    viewer = pl.read_csv(viewer_csv, infer_schema=False)
    evaluator = pl.read_csv(evaluator_csv, infer_schema=False)
    assert viewer.columns[:7] == ["县区", "项目", "月份", "乡镇（街道）", "类别", "保障户数", "保障人数"]
    assert not set(viewer["保障户数"]) & {"1", "2", "3", "4"} and not set(viewer["保障人数"]) & {"1", "2", "3", "4"}
    assert "<5" in set(viewer["保障户数"]) and "隐去" in set(viewer["保障人数"])
    assert set(viewer["使用范围"]) == {"可对外：小于 5 户的数字已隐去"}
    assert {"2", "3"} <= set(evaluator["保障户数"]) and set(evaluator["使用范围"]) == {"内部：含真实小额数字，不得对外"}


def test_an_account_outside_the_county_cannot_export_its_true_figures(small_cells, tmp_path, monkeypatch):
    from access.accounts import add_user
    from warehouse.settings import get_settings

    add_user(small_cells, username="xp", role="evaluator", counties=["530427"], password="pw-0123456789", by="t")
    monkeypatch.setenv("DIBAO_USER", "xp")
    get_settings.cache_clear()
    out = tmp_path / "true.csv"
    arguments = ["export", "figures", "--county", QUFU, "--year", "2023", "--as-role", "evaluator", "--out", str(out)]
    refused = CliRunner().invoke(main, arguments)
    assert refused.exit_code == 1 and "不能以县区 370881 评价人员的身份导出" in refused.output and not out.exists()


def test_a_month_split_for_a_viewer_comes_from_the_protected_table(small_cells):
    month = dt.date(2023, 3, 1)
    split = {
        reader: {
            by: month_split(small_cells, by=by, county=QUFU, program="rural", month=month, min_cell=cell, **where)
            for by, where in (("township", {}), ("category", {"township": "鲁城街道"}))
        }
        for reader, cell in (("viewer", 5), ("evaluator", 1))
    }
    seen = split["viewer"]["category"]
    assert seen.filter(pl.col("households").is_between(1, 4)).is_empty()
    assert seen.filter(category="B类")["shown_as"].to_list() == ["<5"]
    assert seen["new_households"].is_null().all() and seen["flows_hidden"].all()  # flows stay at the county
    # the township list shows what the one protected table shows (all three townships' totals are large)
    assert split["viewer"]["township"]["households"].sort().to_list() == [21, 28, 32]
    true = split["evaluator"]["category"]
    assert dict(true.select("category", "households").iter_rows()) == {"A类": 30, "B类": 2}
    assert not true["hidden"].any() and not true["flows_hidden"].any()


@pytest.fixture
def a_second_month(small_cells, tmp_path):
    """April 2023: 鲁城街道's two B类 households leave, three new A类 households arrive in 时庄街道, and one
    household of 书院街道 is not paid."""
    rows, sequence = [], 0
    for township, categories in CELLS.items():
        for category, households in categories.items():
            for _ in range(households):
                sequence += 1
                if township == "鲁城街道" and category == "B类":
                    continue
                paid = "" if sequence == 40 else "2023-04-05"
                rows.append([township, make_id(sequence=sequence), "2", category, "745", paid])
    rows += [["时庄街道", make_id(sequence=100 + n), "2", "A类", "745", "2023-04-05"] for n in range(3)]
    path = write_csv(
        tmp_path / "april.csv", rows, header=["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
    )
    report = ingest_roster(small_cells, path, county=QUFU, month="2023-04", program="rural", user="上传员")
    approve(small_cells, "审核员", [Slot(QUFU, "rural", report.month)])
    return small_cells


def test_county_flows_and_payments_for_a_viewer_pin_nothing_down(a_second_month):
    viewer = monthly_totals(a_second_month, counties=[QUFU], year=2023, restricted=[QUFU]).filter(
        pl.col("month") == dt.date(2023, 4, 1)
    )
    row = viewer.row(0, named=True)
    assert row["households"] == 82 and not row["hidden"]  # 81 − 2 + 3
    assert row["flows_hidden"] and row["new_households"] is None and row["exited_households"] is None
    assert row["payment_hidden"] and row["unpaid_households"] is None and row["unpaid_shown_as"] == "<5"
    assert row["on_time_households"] is None and row["on_time_at_least"] == 82 - 4
    true = monthly_totals(a_second_month, counties=[QUFU], year=2023).filter(pl.col("month") == dt.date(2023, 4, 1))
    assert true.select("new_households", "exited_households", "unpaid_households").row(0) == (3, 2, 1)


def test_finding_counts_of_one_to_four_read_as_fewer_than_five(a_second_month):
    viewer = finding_counts(a_second_month, counties=[QUFU], year=2023, restricted=[QUFU])
    unpaid = viewer.filter(kind="unpaid").row(0, named=True)
    assert unpaid["findings"] is None and unpaid["hidden"] and unpaid["shown_as"] == "<5"
    true = finding_counts(a_second_month, counties=[QUFU], year=2023)
    assert true.filter(kind="unpaid")["findings"].to_list() == [1] and not true["hidden"].any()


def brief_sheets(path) -> dict[str, pl.DataFrame]:
    return {name: pl.read_excel(path, sheet_name=name, infer_schema_length=0) for name in ("说明", "县区", "月度")}


def test_the_brief_as_a_viewer_withholds_and_says_so(a_second_month, tmp_path):
    base = ["brief", "--month", "2023-04", "--county", QUFU]
    public, internal = tmp_path / "public.xlsx", tmp_path / "internal.xlsx"
    made = CliRunner().invoke(main, [*base, "--as-role", "viewer", "--out", str(public)])
    assert made.exit_code == 0, made.output
    assert CliRunner().invoke(main, [*base, "--out", str(internal)]).exit_code == 0  # the operator: every figure
    viewer, operator = brief_sheets(public), brief_sheets(internal)
    cover = dict(viewer["说明"].iter_rows())
    assert cover["使用范围"].startswith("可对外：少于 5 户的数字显示为「<5」")
    assert dict(operator["说明"].iter_rows())["使用范围"].startswith("内部：含真实小额数字")
    april = viewer["月度"].filter(pl.col("月份").str.starts_with("2023-04"))
    assert april["未发放户数"].to_list() == ["<5"] and april["按时发放户数"].to_list() == ["≥78"]
    assert viewer["县区"]["本月未发放户数"].to_list() == ["<5"]
    counts = pl.concat(
        [
            viewer["月度"].select("未发放户数", "数据问题"),
            viewer["县区"].select(
                pl.col("本月未发放户数").alias("未发放户数"), pl.col("本月数据问题").alias("数据问题")
            ),
        ]
    )
    assert not set(counts["未发放户数"].to_list() + counts["数据问题"].to_list()) & {"1", "2", "3", "4"}
    true_april = operator["月度"].filter(pl.col("月份").str.starts_with("2023-04"))
    assert true_april["未发放户数"].to_list() == ["1"]


def test_summary_json_as_a_viewer_and_findings_refused_to_one(a_second_month, monkeypatch):
    said = CliRunner().invoke(main, ["summary", "--county", QUFU, "--year", "2023", "--json", "--as-role", "viewer"])
    april = next(month for month in json.loads(said.output)["months"] if month["month"] == "2023-04")
    assert april["unpaid_households"] == "<5" and april["new_households"] == april["exited_households"] == "隐去"
    assert april["households"] == 82 and april["late_households"] == 0
    from access.accounts import add_user
    from warehouse.settings import get_settings

    add_user(a_second_month, username="ld", role="viewer", counties=[], password="pw-0123456789", by="t")
    monkeypatch.setenv("DIBAO_USER", "ld")
    get_settings.cache_clear()
    refused = CliRunner().invoke(main, ["findings", "--county", QUFU, "--json"])
    assert refused.exit_code == 1 and "每条指向一户" in refused.output
    change = ["changes", "--county", QUFU, "--program", "rural", "--month", "2023-04"]
    refused = CliRunner().invoke(main, change)
    assert refused.exit_code == 1 and "不能查看县区 370881 的逐户变化" in refused.output
    as_viewer = CliRunner().invoke(main, ["summary", "--county", QUFU, "--year", "2023", "--json"])
    assert (
        next(m for m in json.loads(as_viewer.output)["months"] if m["month"] == "2023-04")["unpaid_households"] == "<5"
    )


def test_a_tiny_programme_hides_the_county_figure_and_every_sum_over_it(small_cells, tmp_path):
    """Qufu's urban roster of March 2023: 3 households. The month's table is one small cell, its own total: the
    county's urban figure is withheld from the viewer (「<5」), and so is the brief's sum over both programmes."""
    rows = [["鲁城街道", make_id(sequence=500 + n), "1", "A类", "745", "2023-03-05"] for n in range(3)]
    header = ["乡镇", "身份证号码", "保障人数", "保障类别", "发放金额", "发放日期"]
    report = ingest_roster(
        small_cells,
        write_csv(tmp_path / "urban.csv", rows, header=header),
        county=QUFU,
        month="2023-03",
        program="urban",
        user="上传员",
    )
    approve(small_cells, "审核员", [Slot(QUFU, "urban", report.month)])
    viewer = monthly_totals(small_cells, counties=[QUFU], year=2023, restricted=[QUFU])
    urban, rural = (viewer.filter(program=program).row(0, named=True) for program in ("urban", "rural"))
    assert urban["hidden"] and urban["households"] is None and urban["persons"] is None and urban["amount"] is None
    assert urban["shown_as"] == "<5" and urban["flows_hidden"] and urban["payment_hidden"]
    assert not rural["hidden"] and rural["households"] == 81
    brief = gather(small_cells, month=dt.date(2023, 3, 1), counties=[QUFU], restricted=[QUFU])
    assert brief.counties["households"].to_list() == [None]  # rural 81 + urban withheld: no exact sum
    assert gather(small_cells, month=dt.date(2023, 3, 1), counties=[QUFU]).counties["households"].to_list() == [84]
