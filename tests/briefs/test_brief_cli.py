"""`dibao brief`: the workbook it writes equals `dibao summary --json`; missing figures are said, or with
--strict stop it before any file is written; one file per county for cron; plain refusals with their exit codes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cli import main
from tests.files import make_id, store_plain_roster

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def dibao(*arguments: str):
    return CliRunner().invoke(main, list(arguments))


def summary(county: str) -> dict:
    result = dibao("summary", "--county", county, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_workbook_equals_dibao_summary_for_every_county(demo_warehouse, tmp_path):
    out = tmp_path / "brief.xlsx"
    result = dibao("brief", "--month", "2023-12", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"已写入 {out}" in result.output
    counties = pl.read_excel(out, sheet_name="县区")
    monthly = pl.read_excel(out, sheet_name="月度")
    assert counties.height == 5 and counties["保障户数"].dtype == pl.Int64
    for row in counties.iter_rows(named=True):
        said = summary(row["县区代码"])
        months = pl.DataFrame(said["months"])
        december, year = months.filter(month="2023-12"), months.filter(pl.col("month").str.starts_with("2023-"))
        assert (row["保障户数"], row["保障人数"]) == (december["households"].sum(), december["persons"].sum())
        assert row["本年累计资金（万元）"] == pytest.approx(year["amount"].sum() / 10_000, abs=1e-6)
        assert row["近12个月按时率"] == pytest.approx(year["on_time_households"].sum() / year["households"].sum())
        evaluation = next(
            e for e in said["evaluations"] if e["year"] == row["评价年度"] and e["grade"] == row["评价等级"]
        )
        assert row["评价得分"] == evaluation["score"]
        by_month = monthly.filter(县区代码=row["县区代码"]).sort("月份")
        two_years = months.filter(pl.col("month").str.slice(0, 4).is_in(["2022", "2023"]))
        expected = two_years.group_by("month").agg(pl.col("households").sum()).sort("month")
        assert by_month["保障户数"].to_list() == expected["households"].to_list()
    headline = dict(pl.read_excel(out, sheet_name="概览").select("指标", "数值").iter_rows())
    assert headline["保障户数"] == counties["保障户数"].sum()


def test_a_month_without_rosters_is_said_or_refused_with_strict(demo_warehouse, tmp_path):
    out = tmp_path / "brief.xlsx"
    refused = dibao("brief", "--month", "2030-01", "--county", "370881", "--out", str(out), "--strict")
    assert refused.exit_code == 3 and not out.exists() and not list(tmp_path.iterdir())
    assert "曲阜市：没有2030年1月的已审核名册" in refused.output and "未写入（--strict）" in refused.output
    written = dibao("brief", "--month", "2030-01", "--county", "370881", "--out", str(out))
    assert written.exit_code == 0 and out.exists()
    assert "缺少" in written.output
    cover = dict(pl.read_excel(out, sheet_name="说明").iter_rows())
    assert "曲阜市：没有2030年1月的已审核名册" in cover["缺少的数字"]


def test_one_file_per_county_for_cron(demo_warehouse, tmp_path):
    result = dibao("brief", "--month", "2023-12", "--out", str(tmp_path / "{month}" / "{county}.xlsx"), "--strict")
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in (tmp_path / "2023-12").iterdir())
    assert written == ["370881.xlsx", "440840.xlsx", "530114.xlsx", "530427.xlsx", "900001.xlsx"]
    qufu = pl.read_excel(tmp_path / "2023-12" / "370881.xlsx", sheet_name="县区")
    assert qufu["县区"].to_list() == ["曲阜市"]


def test_strict_skips_only_the_counties_whose_figures_are_missing(demo_copy, tmp_path):
    """January 2025 has only Qufu's roster: its file is written, the others are not, and cron sees 3."""
    roster = [["鲁城街道", make_id(sequence=1), "2", "1490", "2025-01-10"]]
    store_plain_roster(demo_copy, tmp_path, roster, county="370881", month="2025-01")
    out = tmp_path / "briefs" / "{county}.xlsx"
    result = dibao("brief", "--month", "2025-01", "--out", str(out), "--strict")
    assert result.exit_code == 3
    assert "湛江经济技术开发区：没有2025年1月的已审核名册" in result.output
    assert [path.name for path in (tmp_path / "briefs").iterdir()] == ["370881.xlsx"]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--month", "2023-13"], "月份「2023-13」无法识别"),
        (["--month", "2023-12", "--county", "999999"], "县区代码 999999 不在县区名录中"),
        (["--month", "2023-12", "--out-suffix"], "只能写 .pdf 或 .xlsx"),
    ],
)
def test_refusals_say_why_and_exit_1(demo_warehouse, tmp_path, arguments, said):
    out = tmp_path / ("brief.docx" if "--out-suffix" in arguments else "brief.pdf")
    result = dibao("brief", *[a for a in arguments if a != "--out-suffix"], "--out", str(out))
    assert result.exit_code == 1 and said in result.output and not out.exists()


def test_previous_month_is_the_calendar_month_before_today(demo_warehouse, tmp_path):
    result = dibao("brief", "--month", "previous", "--county", "370881", "--out", str(tmp_path / "{month}.xlsx"))
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.iterdir()
    today = dt.date.today()
    previous = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert written.name == f"{previous}.xlsx"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_pdf_shows_the_figures_of_dibao_summary(demo_warehouse, tmp_path):
    out = tmp_path / "brief.pdf"
    result = dibao("brief", "--month", "2023-12", "--county", "370881", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    december = [m for m in summary("370881")["months"] if m["month"] == "2023-12"]
    assert f"{sum(m['households'] for m in december):,}" in text and f"{sum(m['persons'] for m in december):,}" in text
    assert "2023年12月" in text and "曲阜市" in text and "需关注" in text
    # the first page as the README shows it
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(out), str(SHOTS / "brief_page1")]
    subprocess.run(page, check=True)
    assert (SHOTS / "brief_page1.png").stat().st_size > 50_000
