"""总览 as a cockpit: the month's headline figures with sparklines, 需关注 in words, the counties side by side,
and the monthly brief of the same view to download. Every figure comes from briefs.figures.gather, which
`dibao brief` and `dibao summary` read the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial

import polars as pl
import streamlit as st

from app_ui import data, withheld
from app_ui.filters import Filters
from app_ui.i18n import language, t, tr
from app_ui.tables import Column, Drawn, show_table
from briefs.files import MIME, brief_bytes, file_name
from briefs.model import ON_TIME_TARGET, Brief
from briefs.pdf import FontMissing, font_folder
from briefs.words import month_words
from loaders.values import month_label, parse_month
from warehouse.frames import texts

ATTENTION_SHOWN = 8  # a short list: the rest stay one click away
# How a change reads: fewer households is neither good nor bad, more findings is bad
DELTA_COLOURS = {"households": "off", "persons": "off", "funds": "off", "on_time": "normal", "findings": "inverse"}


def month_picker(filters: Filters) -> dt.date | None:
    """The month the cockpit shows, among the sidebar year's months with a roster for the chosen counties (or
    the months before it, for a year with none): the latest, or the one the link names."""
    monthly = data.monthly(filters.counties, filters.program, pending=filters.pending)
    months = sorted(set(monthly["month"].to_list()), reverse=True)
    if filters.year is not None:
        months = [month for month in months if month.year == filters.year] or [
            month for month in months if month.year < filters.year
        ]
    if not months:
        return None
    asked = parse_month(st.query_params.get("month", ""))
    if st.session_state.get("cockpit_month") not in months:  # a new year in the sidebar: its latest month
        st.session_state["cockpit_month"] = asked if asked in months else months[0]
    chosen = st.selectbox(tr("月份", "Month"), months, format_func=_month_title, key="cockpit_month")
    st.query_params["month"] = month_label(chosen)
    return chosen


def brief_of(filters: Filters, month: dt.date) -> Brief:
    return data.brief(month=month, counties=filters.counties, program=filters.program, pending=filters.pending)


def downloads(brief: Brief) -> None:
    """下载月度简报: the same brief `dibao brief` writes, made when the button is pressed."""
    brief = replace(brief, scope=replace(brief.scope, made_at=dt.datetime.now().replace(microsecond=0)))
    buttons = st.container(horizontal=True, vertical_alignment="bottom")
    try:
        font_folder()
        no_font = None
    except FontMissing as missing:
        no_font = str(missing)  # said on the button, never a PDF with boxes for characters
    made = {
        ".pdf": (tr("下载月度简报（PDF）", "Monthly brief (PDF)"), ":material/picture_as_pdf:", no_font),
        ".xlsx": (tr("下载月度简报（Excel）", "Monthly brief (Excel)"), ":material/table:", None),
    }
    for suffix, (title, icon, refused) in made.items():
        buttons.download_button(
            title,
            data=partial(brief_bytes, brief, suffix),  # made when pressed, not on every rerun
            file_name=file_name(brief, suffix),
            mime=MIME[suffix],
            icon=icon,
            disabled=refused is not None,
            help=refused or tr("封面写明筛选条件与生成时间", "The filters and the time made are on its cover"),
            key=f"brief{suffix.replace('.', '_')}",
        )


def notes(brief: Brief) -> None:
    """Say which figures the month lacks, and what the figures rest on, before any of them is read."""
    if brief.missing:
        st.warning(tr("缺少：", "Missing: ") + "；".join(brief.missing), icon=":material/warning:")
    if brief.synthetic:
        st.caption(t("synthetic_note"))
    withheld.note(brief.withheld)
    if brief.scope.pending and brief.counties["pending"].any():
        st.caption(tr("标注「含待审核」的县区含有待审核的名册版本。", "Counties marked pending show waiting versions."))


def headline(brief: Brief) -> None:
    """Six figures, three to a row (a phone stacks them), each with its sparkline and what it rests on."""
    sparks = brief.sparks.partition_by("key", as_dict=True)
    rows = list(brief.headline.iter_rows(named=True))
    for start in range(0, len(rows), 3):
        for column, row in zip(st.columns(3), rows[start : start + 3], strict=False):
            with column.container(border=True):
                _figure(row, sparks.get((row["key"],)))


def _figure(row: dict, points: pl.DataFrame | None) -> None:
    delta, description = _delta(row)
    st.metric(
        row["label"],
        row["text"] if row["value"] is not None else tr("缺", "missing"),
        delta,
        delta_color=DELTA_COLOURS.get(row["key"], "normal"),
        delta_description=description,
        chart_data=_spark(points),
        chart_type="bar" if row["key"] == "findings" else "area",
        help=tr(f"依据：{row['basis']}", f"Rests on: {row['basis']}"),
    )
    if said := _beside(row):
        st.caption(said)


def _spark(points: pl.DataFrame | None) -> list[float] | None:
    """The sparkline's values: a month without a figure (no roster, or withheld from the reader) carries the
    one before it; months before the first figure are left out (st.metric draws numbers only)."""
    if points is None:
        return None
    values = points["value"].fill_null(strategy="forward").drop_nulls().to_list()
    return values if len(values) > 1 else None


def _beside(row: dict) -> str | None:
    """What the figure's delta does not say: why it is missing, a year's change beside a month's, the grades."""
    if row["value"] is None:
        return row["missing"]
    if row["key"] in ("households", "persons") and row["year_change"] is not None:
        return tr("较上年同月 ", "vs a year earlier ") + f"{row['year_change']:+.1%}"
    return row["comparison"] if row["key"] == "grade" else None


def _delta(row: dict) -> tuple[str | None, str | None]:
    """The change shown under a figure: against the month before, the year before, or the target."""
    if row["key"] == "on_time" and row["value"] is not None:
        bound = "≥" if row["text"].startswith("≥") else ""  # the least it can be: small counts withheld
        gap = f"{bound}{(row['value'] - ON_TIME_TARGET) * 100:+.1f} pp"
        return gap, tr(f"对目标 {ON_TIME_TARGET:.0%}", "vs target")
    if row["month_change"] is not None:
        return f"{row['month_change']:+.1%}", tr("较上月", "vs last month")
    if row["year_change"] is not None:
        return f"{row['year_change']:+.1%}", tr("较上年同期", "vs a year earlier")
    return None, None


def attention(brief: Brief) -> None:
    """需关注: the worst items first, each a sentence and a way to the page that shows it."""
    st.subheader(tr("需关注", "Needs attention"))
    items = brief.attention
    if items.is_empty():
        st.success(tr("本月没有需关注事项。", "Nothing needs attention this month."), icon=":material/check:")
        return
    for row in items.head(ATTENTION_SHOWN).iter_rows(named=True):
        _item(row)
    if items.height > ATTENTION_SHOWN:
        with st.expander(tr(f"其余 {items.height - ATTENTION_SHOWN} 项", f"{items.height - ATTENTION_SHOWN} more")):
            for row in items.slice(ATTENTION_SHOWN).iter_rows(named=True):
                _item(row)


def _item(row: dict) -> None:
    line = st.container(horizontal=True, vertical_alignment="center", wrap=False)
    line.markdown(f"{row['rank']}. **{row['name']}**：{row['words']}", width="stretch")
    if line.button(tr("查看 ›", "Open ›"), key=f"attention-{row['rank']}", type="tertiary"):
        st.session_state["filter_counties"] = [row["county_code"]]  # the page opens on this county alone
        st.switch_page(f"app_pages/{row['page']}")


def county_table(brief: Brief) -> None:
    """The counties side by side: few enough columns to fit a laptop without scrolling, the name pinned."""
    st.subheader(tr("各县区", "Counties"))
    shown = brief.counties.with_columns(
        evaluation=pl.when(pl.col("evaluation_grade").is_not_null()).then(
            pl.concat_str(
                pl.col("evaluation_year").cast(pl.String),
                pl.lit(tr("年 ", " ")),
                pl.col("evaluation_grade"),
                pl.lit(" "),
                texts.fixed(pl.col("evaluation_score"), 2).fill_null(""),
                ignore_nulls=True,
            )
        ),
        # where small counts are withheld from the reader: the least rate, and findings as they read («<5», «≥12»)
        on_time_text=pl.when(pl.col("on_time_12m").is_null())
        .then(pl.lit("—"))
        .when(pl.col("on_time_12m_bounded"))
        .then(pl.concat_str(pl.lit("≥"), texts.percent_down(pl.col("on_time_12m"))))
        .otherwise(texts.percent(pl.col("on_time_12m"))),  # as briefs.words.rate_words says it
        findings_text=pl.coalesce("findings_text", texts.grouped(pl.col("findings"))),
        note=pl.when(pl.col("roster_missing"))
        .then(pl.lit(tr("无名册", "no roster")))
        .when(pl.col("pending"))
        .then(pl.lit(tr("含待审核", "pending"))),
    )
    columns = [
        Drawn("name", "col_county", drawn=st.column_config.TextColumn(pinned=True)),
        Column("households", "col_households", "localized"),
        Column("households_month_change", ("较上月", "vs last month"), "{:+.1%}"),
        Column("persons", "col_persons", "localized"),
        Column("funds_wan", ("本年资金（万元）", "Funds this year (10k yuan)"), "{:,.2f}"),
        Drawn(
            "on_time_12m",
            "on_time_12m",
            drawn=st.column_config.ProgressColumn(format="percent", min_value=0, max_value=1),
        )
        if not brief.withheld
        else Column("on_time_text", "on_time_12m"),
        Column("evaluation", ("最近评价", "Latest evaluation")),
        Column("findings", ("本月问题", "Findings"), "localized")
        if not brief.withheld
        else Column("findings_text", ("本月问题", "Findings")),
    ]
    if shown["note"].is_not_null().any():
        columns.append(Column("note", ("备注", "Note")))
    show_table(shown, columns, name="page_overview", key="overview", hide_index=True)


def _month_title(month: dt.date) -> str:
    return month.strftime("%b %Y") if language() == "en" else month_words(month)
