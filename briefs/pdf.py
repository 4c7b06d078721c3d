"""The monthly brief (月度简报) as an A4 PDF, laid out by Typst from briefs/brief.typ.

Every word and figure is written here, in Python, as display text (briefs.words and the helpers below);
the template only lays it out. The text reaches Typst as JSON through `sys.inputs`, so a county's name or a
finding's detail is never read as Typst markup. The charts are drawn to SVG by vl-convert (briefs.charts);
the headline's sparklines are drawn by Typst itself from a few normalised points: six tiny vl-convert
renders would cost more than the rest of the brief, and a line without axes needs no chart library.

The Chinese font must be installed: without it Typst would fall back to a font without Chinese glyphs and
print empty boxes, so the brief refuses (FontMissing) rather than write such a PDF.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import polars as pl

from briefs.charts import Chart, brief_charts, svg
from briefs.model import ON_TIME_TARGET, Brief
from briefs.words import change_words, kind_words, made_words, month_words, program_words, rate_words, source_words
from warehouse.frames.withheld import HIDDEN
from warehouse.settings import get_settings

TEMPLATE = Path(__file__).with_name("brief.typ")
FONT_FAMILY = "Noto Sans CJK SC"
FONT_FILE = "NotoSansCJK-Regular.ttc"  # Debian's fonts-noto-cjk; the bold face lies beside it
FONT_FOLDERS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian, Ubuntu
    Path("/usr/share/fonts/noto-cjk"),  # Arch, Alpine
    Path("/usr/share/fonts/google-noto-cjk"),  # Fedora
    Path("/usr/local/share/fonts"),
)
FIRST_PAGE_ATTENTION = 8  # items of 需关注 on page 1; the rest follow at the end
NAMED_COUNTIES = 8  # more counties than this are counted on the cover, the first few named

PENDING = "（待审核）"
NO_ROSTER = "无名册"
NO_EVALUATION = "无评价"
NONE = "—"


class FontMissing(Exception):
    """The Chinese font the brief is set in is not installed."""


def brief_pdf(brief: Brief) -> bytes:
    """The whole brief as PDF bytes; nothing is left on disk."""
    import typst

    fonts = font_folder()
    charts = brief_charts(brief)
    with tempfile.TemporaryDirectory(prefix="dibao-brief-") as folder:
        root = Path(folder)
        shutil.copyfile(TEMPLATE, root / TEMPLATE.name)
        files = write_charts(charts, root)
        data = brief_data(brief, charts=charts, files=files)
        return typst.compile(
            str(root / TEMPLATE.name),
            root=str(root),
            font_paths=[str(fonts)],
            ignore_system_fonts=True,  # the font found above or nothing: never a silent fallback
            sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
            timestamp=brief.scope.made_at.astimezone(),  # a naive time is local time
        )


def font_folder() -> Path:
    """The folder holding the brief's Chinese font, or FontMissing."""
    for folder in FONT_FOLDERS:
        if (folder / FONT_FILE).is_file():
            return folder
    raise FontMissing(
        f"找不到中文字体 {FONT_FAMILY}（{FONT_FILE}），无法生成 PDF 简报。"
        "请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk）后重试。"
    )


def write_charts(charts: list[Chart], root: Path) -> dict[str, str]:
    """Each chart with something to draw as an SVG file in `root`: chart key → file name."""
    files = {}
    for chart in charts:
        if chart.spec is not None:
            name = f"chart-{chart.key}.svg"
            (root / name).write_text(svg(chart.spec), encoding="utf-8")
            files[chart.key] = name
    return files


def brief_data(brief: Brief, *, charts: list[Chart], files: dict[str, str]) -> dict:
    """Everything the template prints, as display text."""
    month = month_words(brief.scope.month)
    attention = brief.attention.sort("rank")
    return {
        "title": f"低保月度简报 · {month}",
        "footer": f"低保月度简报 · {month}",
        "cover": cover_words(brief),
        "synthetic": synthetic_note(brief),
        "missing": list(brief.missing),
        "headline": [headline_box(row, brief.sparks) for row in brief.headline.iter_rows(named=True)],
        "attention": [attention_item(row) for row in attention.head(FIRST_PAGE_ATTENTION).iter_rows(named=True)],
        "attention_more": [attention_item(row) for row in attention.slice(FIRST_PAGE_ATTENTION).iter_rows(named=True)],
        "counties": county_table(brief.counties),
        "county_note": county_note(brief),
        "charts": [{"title": c.title, "caption": c.caption, "note": c.note, "file": files.get(c.key)} for c in charts],
        "findings": findings_table(brief.findings),
        "no_findings": no_findings_words(brief),
        "evaluations": evaluations_table(brief.evaluations),
    }


def cover_words(brief: Brief) -> list[list[str]]:
    """The filters the brief was made for, as (what, words) pairs."""
    scope = brief.scope
    names = list(scope.names.values())
    counties = "、".join(names)
    if len(names) > NAMED_COUNTIES:  # the count, never 全部: the scope does not say whether every county was chosen
        counties = f"{len(names)} 个县区：{'、'.join(names[:NAMED_COUNTIES])} 等"
    return [
        ["县区", counties or NONE],
        ["项目", program_words(scope.program)],
        ["月份", month_words(scope.month)],
        ["数据", "含待审核数据（已标注）" if scope.pending else "仅含已审核数据"],
        ["生成于", made_words(scope.made_at)],
        ["使用范围", scope.use_words(get_settings().min_cell)],
    ]


def synthetic_note(brief: Brief) -> str | None:
    """What of the brief is the demo's synthetic data, said plainly (None when nothing is)."""
    said = []
    if brief.synthetic:
        said.append("本简报的名册数字（户数、人数、资金、按时发放、数据问题）为演示合成数据，不是真实数据")
    if (brief.evaluations["source"] == "synthetic").any():
        said.append("部分绩效评价为演示合成数据，不是真实评价")
    return "；".join(said) + "。" if said else None


def headline_box(row: dict, sparks: pl.DataFrame) -> dict:
    missing = row["value"] is None
    return {
        "label": row["label"],
        "text": "缺" if missing else row["text"],
        "missing": (row["missing"] or "没有这个数字") if missing else None,
        "comparison": None if missing else row["comparison"],
        "basis": row["basis"],
        "spark": spark_points(sparks.filter(key=row["key"])["value"].to_list(), rate=row["key"] == "on_time"),
    }


def spark_points(values: list[float | None], *, rate: bool = False) -> list[list[float]]:
    """The sparkline as (x, y) in 0..1, y up; a flat line sits in the middle, a missing value is left out.
    A rate is drawn from 10 points below the target to 100 %, so that 99.9 % against 100 % is no plunge."""
    present = [(index, value) for index, value in enumerate(values) if value is not None]
    if len(present) < 2:
        return []
    low = min(value for _, value in present)
    high = max(value for _, value in present)
    if rate:
        low, high = min(low, ON_TIME_TARGET - 0.1), max(high, 1.0)
    last = len(values) - 1
    return [
        [round(index / last, 4), round((value - low) / (high - low), 4) if high > low else 0.5]
        for index, value in present
    ]


def attention_item(row: dict) -> dict:
    return {"number": f"{row['rank']}.", "name": row["name"], "words": row["words"]}


COUNTY_HEADER = [  # "\n": where a header breaks, so it never breaks inside a word
    "县区",
    "保障户数",
    "较上月",
    "较上年\n同月",
    "保障人数",
    "本年累计资金\n（万元）",
    "近12个月\n按时率",
    "现行标准\n（元/人/月）",
    "最近评价",
    "本月\n数据问题",
]


def county_table(counties: pl.DataFrame) -> dict:
    return {
        "header": COUNTY_HEADER,
        "widths": [2.0, 0.95, 0.75, 0.8, 0.95, 1.35, 1.05, 1.25, 1.4, 1.0],
        "align": ["left", *["right"] * 7, "left", "right"],
        "rows": [county_row(row) for row in counties.iter_rows(named=True)],
    }


def county_row(row: dict) -> list[dict]:
    """A county's cells: its month's figures (「无名册」 without a roster), marked when they wait for approval."""
    roster = not row["roster_missing"]
    mark = PENDING if row["pending"] else None

    def figure(text: str) -> dict:
        return cell(text, sub=mark) if roster else cell(NO_ROSTER, tone="missing")

    def over_months(value: float | None, words) -> dict:  # the year's or 12 months' figure outlives one month
        if value is None:
            return cell(NONE) if roster else cell(NO_ROSTER, tone="missing")
        return cell(words(value), sub=mark)

    return [
        cell(row["name"]),
        figure(count_text(row["households"])),
        figure(change_words(row["households_month_change"])),
        figure(change_words(row["households_year_change"])),
        figure(count_text(row["persons"])),
        over_months(row["funds_wan"], money_text),
        over_months(row["on_time_12m"], lambda rate: rate_words(rate, at_least=bool(row.get("on_time_12m_bounded")))),
        cell(yuan_text(row["standard"])),
        evaluation_cell(row),
        figure(row.get("findings_text") or count_text(row["findings"] or 0)),  # «<5», «≥12» where withheld
    ]


def evaluation_cell(row: dict) -> dict:
    if row["evaluation_year"] is None:
        return cell(NO_EVALUATION, tone="missing")
    grade = row["evaluation_grade"] or "无等级"
    score = row["evaluation_score"]
    words = f"{grade} {score:.2f}" if score is not None else f"{grade}（无总分）"
    return cell(words, sub=f"{row['evaluation_year']}年 {kind_words(row['evaluation_kind'])}", sub_tone="muted")


def county_note(brief: Brief) -> str:
    said = ["变化以保障户数计；资金为本年 1 月至本月合计；按时率为近 12 个月按时发放户数 ÷ 保障户数"]
    if brief.scope.pending:
        said.append(f"标「{PENDING}」的数字含待审核的名册")
    return "。".join(said) + "。"


def findings_table(findings: pl.DataFrame) -> dict:
    rows = []
    previous = None
    for row in findings.iter_rows(named=True):
        rows.append(
            [
                cell("" if row["name"] == previous else row["name"]),
                cell(row["kind_words"] or row["kind"]),
                cell(row.get("findings_text") or count_text(row["findings"])),
                cell("\n".join(row["examples"] or [])),
            ]
        )
        previous = row["name"]
    return {
        "header": ["县区", "问题类型", "条数", "示例（身份证号已遮蔽）"],
        "widths": [1.5, 1.2, 0.6, 6.2],
        "align": ["left", "left", "right", "left"],
        "rows": rows,
        "total": _total(findings),
    }


def _total(findings: pl.DataFrame) -> str:
    """The findings' total: 「≥N」 over a count withheld from the reader, whose exact total would give it away."""
    if not findings.height:
        return "0"
    withheld = "findings_text" in findings.columns and findings["findings_text"].is_not_null().any()
    shown = findings["findings"].sum()
    if withheld:
        return f"≥{count_text(shown)}" if shown else HIDDEN
    return count_text(shown)


def no_findings_words(brief: Brief) -> str:
    """Why the month lists no findings: none were found, or there was no roster to look in."""
    without = brief.counties.filter(pl.col("roster_missing"))["name"].to_list()
    if without and len(without) == brief.counties.height:
        return f"没有{month_words(brief.scope.month)}的名册，无从检查数据问题。"
    if without:
        return f"本月没有数据问题；{'、'.join(without)}没有本月名册，未能检查。"
    return "本月没有数据问题。"


def evaluations_table(evaluations: pl.DataFrame) -> dict:
    """Each county's latest evaluation with its re-check (the years before are in the chart above)."""
    rows = []
    previous = None
    for row in evaluations.filter("latest").iter_rows(named=True):
        rows.append(
            [
                cell("" if row["name"] == previous else row["name"]),
                cell(f"{row['year']}年度"),
                cell(kind_words(row["kind"])),
                score_cell(row["score"], pending=bool(row.get("pending"))),
                cell(row["grade"] or "无等级"),
                cell(source_words(row["source"])),
                differences_cell(row["differences"]),
            ]
        )
        previous = row["name"]
    return {
        "header": ["县区", "年度", "类型", "得分", "等级", "依据", "重算差异"],
        "widths": [1.9, 0.9, 1.0, 0.8, 0.7, 1.3, 1.0],
        "align": ["left", "left", "left", "right", "left", "left", "right"],
        "rows": rows,
    }


def score_cell(score: float | None, *, pending: bool) -> dict:
    mark = PENDING if pending else None
    return cell(f"{score:.2f}", sub=mark) if score is not None else cell("无总分", sub=mark, tone="muted")


def differences_cell(differences: int | None) -> dict:
    """What the re-check proves from the report's own figures (None: no rubric to re-check with)."""
    if differences is None:
        return cell("无细则", tone="muted")
    if differences == 0:
        return cell("一致")
    return cell(f"{differences} 处", tone="alert")


def cell(text: str, *, sub: str | None = None, tone: str = "normal", sub_tone: str = "missing") -> dict:
    """A table cell: its text, a small line under it, and their tones (normal, muted, missing, alert)."""
    return {"text": text, "sub": sub, "tone": tone, "sub_tone": sub_tone}


def count_text(value: float | None) -> str:
    return NONE if value is None else f"{int(value):,}"


def money_text(value: float | None) -> str:
    """万元 with two decimals, the unit in the column's header."""
    return NONE if value is None else f"{value:,.2f}"


def yuan_text(value: float | None) -> str:
    if value is None:
        return NONE
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
