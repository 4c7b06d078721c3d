"""The brief as PDF: its Chinese font embedded, its figures in the words of the headline, what is missing said,
nothing in the warehouse read as Typst markup, and no PDF at all without the font.

Read back with poppler (pdffonts, pdftotext, pdftoppm); those tests skip where poppler is not installed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest

from briefs import pdf
from briefs.figures import gather
from briefs.model import Brief
from briefs.pdf import FontMissing, brief_pdf, spark_points

DECEMBER = dt.date(2023, 12, 1)
NO_DATA = dt.date(2030, 1, 1)
QUFU = "370881"
POPPLER = ("pdffonts", "pdftotext", "pdftoppm")

needs_poppler = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in POPPLER),
    reason="poppler-utils (pdffonts, pdftotext, pdftoppm) not installed",
)
needs_font = pytest.mark.skipif(
    not any((folder / pdf.FONT_FILE).is_file() for folder in pdf.FONT_FOLDERS),
    reason="Noto Sans CJK is not installed (Debian: fonts-noto-cjk)",
)


def written(brief: Brief, folder: Path, name: str = "brief.pdf") -> Path:
    path = folder / name
    path.write_bytes(brief_pdf(brief))
    return path


def run(*command: str | Path) -> str:
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


def text_of(path: Path) -> str:
    return run("pdftotext", "-layout", "-enc", "UTF-8", path, "-")


def flat(text: str) -> str:
    """The text with every run of white space as one space, as a reader sees it."""
    return re.sub(r"\s+", " ", text)


def fonts_of(path: Path) -> list[tuple[str, str]]:
    """(name, emb) of every font in the PDF, from pdffonts' table."""
    lines = run("pdffonts", path).splitlines()[2:]  # a header and a rule
    return [(line.split()[0], line.split()[-5]) for line in lines if line.strip()]


@needs_poppler
@needs_font
def test_one_county_brief_embeds_its_chinese_font_and_says_the_figures(demo_warehouse, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the template, data and charts are written
    brief = gather(demo_warehouse, month=DECEMBER, counties=[QUFU])
    path = written(brief, tmp_path)

    assert path.read_bytes().startswith(b"%PDF-")
    assert list(scratch.iterdir()) == []  # nothing left behind
    fonts = fonts_of(path)
    assert fonts and all(emb == "yes" for _, emb in fonts), fonts
    assert all("NotoSansCJK" in name for name, _ in fonts), fonts  # no glyph fell back to another font

    text = text_of(path)
    said = flat(text)
    households = brief.headline.filter(key="households")["text"].item()
    assert households == "7,620 户" and households in said
    for words in ("低保月度简报 · 2023年12月", "曲阜市", "需关注", "仅含已审核数据", "演示合成数据", "第 1 页 / 共"):
        assert words in said, words
    assert "\ufffd" not in text and "\u25a1" not in text  # no replacement characters, no drawn boxes
    qufu = brief.counties.row(0, named=True)
    assert "6,615.24" in said and "100.0%" in said and qufu["funds_wan"] == pytest.approx(6615.24)

    run("pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", path, tmp_path / "page")
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 20_000  # a drawn page, not a blank one


@needs_poppler
@needs_font
def test_every_page_has_the_footer_with_its_number(demo_warehouse, tmp_path):
    brief = gather(demo_warehouse, month=DECEMBER)
    pages = text_of(written(brief, tmp_path)).split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"低保月度简报 · 2023年12月 · 第 {number} 页 / 共 {len(pages)} 页" in flat(page)
    said = flat("".join(pages))
    assert "县区：曲阜市、湛江经济技术开发区、呈贡区、新平彝族傣族自治县、某县(报告未具名)" in said
    example = brief.findings["examples"].explode().drop_nulls()[0]
    assert example.split("：")[0] in said  # a finding's example, its ID masked as stored
    assert re.search(r"\d{4}\*{10}\d{3}[\dX]", said) and not re.search(r"\d{17}[\dXx]", said)  # masked IDs only
    assert "无总分" in said  # the unnamed county is graded without a total score


@needs_poppler
@needs_font
def test_a_month_without_rosters_says_what_is_missing(demo_warehouse, tmp_path):
    brief = gather(demo_warehouse, month=NO_DATA)
    assert brief.missing and brief.series.is_empty()
    said = flat(text_of(written(brief, tmp_path)))
    assert "缺" in said and "没有2030年1月的名册" in said
    for sentence in brief.missing:  # a long sentence may wrap
        assert sentence.replace(" ", "") in said.replace(" ", ""), sentence
    assert "无名册" in said and "无法绘制" in said


@needs_poppler
@needs_font
def test_pending_figures_are_marked(demo_warehouse, tmp_path):
    brief = gather(demo_warehouse, month=DECEMBER, counties=[QUFU], pending=True)
    brief = dataclasses.replace(brief, counties=brief.counties.with_columns(pending=pl.lit(True)))
    said = flat(text_of(written(brief, tmp_path)))
    assert "含待审核数据（已标注）" in said and "（待审核）" in said


@needs_poppler
@needs_font
def test_names_are_printed_as_written_never_read_as_markup(demo_warehouse, tmp_path):
    brief = gather(demo_warehouse, month=DECEMBER, counties=[QUFU])
    name = '曲阜市 #panic("x") *粗* _斜_ $x^2$ <a> @b [c] \\ // d'
    renamed = dataclasses.replace(
        brief,
        scope=dataclasses.replace(brief.scope, names={QUFU: name}),
        counties=brief.counties.with_columns(name=pl.lit(name)),
        attention=brief.attention.with_columns(name=pl.lit(name)),
    )
    said = flat(text_of(written(renamed, tmp_path)))
    assert name in said


def test_without_the_chinese_font_no_pdf_is_written(demo_warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "FONT_FOLDERS", (tmp_path,))
    brief = gather(demo_warehouse, month=DECEMBER, counties=[QUFU])
    with pytest.raises(FontMissing, match="fonts-noto-cjk") as raised:
        brief_pdf(brief)
    assert "Noto Sans CJK SC" in str(raised.value)


def test_sparkline_points_span_the_box_and_skip_missing_values():
    assert spark_points([10, None, 20, 15]) == [[0.0, 0.0], [0.6667, 1.0], [1.0, 0.5]]
    assert spark_points([5, 5]) == [[0.0, 0.5], [1.0, 0.5]]  # a flat line in the middle
    assert spark_points([7]) == [] and spark_points([]) == []
