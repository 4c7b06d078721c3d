"""保障标准: each county's standard month by month since 2019, every rise with its document, this year against last."""

import polars as pl
import streamlit as st

from app_ui import data, drill
from app_ui.charts import standards as charts
from app_ui.filters import Filters, page_start
from app_ui.i18n import Label, t, tr
from app_ui.tables import Column, retitled, show_table
from warehouse.frames import standards as views

CATEGORY = retitled("category_label", ("类别", "Category"))


def yuan(key: str, title: Label) -> Column:
    """A column of yuan, whole."""
    return Column(key, title, "%.0f")


def stored_standards(filters: Filters) -> pl.DataFrame:
    """The chosen counties' standards; a plain message instead of the page where there are none."""
    stored = data.standards(filters.counties, filters.program)
    if stored.is_empty():
        st.info(
            tr(
                "所选县区和项目没有保障标准。请换选县区或项目，"
                "或在「上传」页（或用 `dibao ingest standards`）导入保障标准。",
                "No benefit standards for the chosen counties and programme. Choose others, or import standards "
                "on the Upload page (or with `dibao ingest standards`).",
            )
        )
        st.stop()
    if (stored["source"] == "synthetic").any():
        st.caption(t("synthetic_note"))
    return stored


def standard_steps(filters: Filters, stored: pl.DataFrame, *, years: list[int], words: views.Words):
    """The long story: the standard in force month by month, each rise marked with its document; return the clicks."""
    st.subheader(tr("保障标准的变化（元/人/月）", "Benefit standard over time (yuan per person per month)"))
    st.caption(
        tr(
            "每个点是一次提标，标注文号和较上一标准的增幅；阴影为所选年度。点击一个点查看提标依据。",
            "Each point is a rise, labelled with its document and the rise over the previous standard; the shaded "
            "band is the chosen year. Click a point for the grounds of the rise.",
        )
    )
    monthly = views.monthly_in_force(
        stored,
        first_year=min(years, default=None),
        last_year=max(years, default=None),
        names=filters.names,
        words=words,
    )
    return st.altair_chart(
        charts.standard_steps(monthly, year=filters.year), on_select="rerun", key="standard-steps", width="content"
    )


def rise_grounds(rises: pl.DataFrame, event) -> None:
    """A clicked rise point, or the same choice from a list: the new and old standard and the document behind it."""
    clicked = (drill.clicked_point(event, charts.RISE) or {}).get("key")
    rise = drill.pick_row(tr("查看一次提标的依据", "Grounds of one rise"), rises, key="standards-rise", clicked=clicked)
    if rise is None:
        return
    with st.container(border=True):
        left, middle, right = st.columns(3)
        left.metric(
            tr("新标准（元/人/月）", "New standard (yuan/person/month)"),
            f"{rise['standard']:,.0f}",
            f"{rise['rise']:+,.0f} {tr('元', 'yuan')}（{rise['rise_pct']:+.2f}%）",
        )
        middle.metric(tr("原标准（元/人/月）", "Previous standard"), f"{rise['previous']:,.0f}")
        right.metric(t("col_effective_from"), f"{rise['effective_from']:%Y-%m-%d}")
        st.markdown(f"**{t('col_document')}：** {rise['document']}")
        if rise["note"]:
            st.markdown(f"**{tr('依据', 'Grounds')}：** {rise['note']}")
        if rise["demo"]:
            st.caption(f"{rise['demo']}：{tr('此次提标含合成的演示数据。', 'this rise involves synthetic demo data.')}")


def year_against_last(filters: Filters, stored: pl.DataFrame, *, words: views.Words) -> None:
    """The chosen year's December standards against the December before, as bars and a table."""
    year = filters.year
    if year is None:
        st.info(tr("请在左侧选择年度，查看该年提标情况。", "Choose a year in the sidebar to see that year's rises."))
        return
    st.subheader(
        tr(f"{year}年提标情况（12月标准较上年12月）", f"Rises in {year} (December against December {year - 1})")
    )
    compared = views.year_on_year(stored, year=year, names=filters.names, words=words)
    if compared.is_empty():
        st.info(
            tr(
                f"{year}年12月还没有生效的保障标准。请选择其他年度，或导入该年的保障标准。",
                f"No standard was in force in December {year}. Choose another year, or import that year's standards.",
            )
        )
        return
    if compared["rise_pct"].is_not_null().any():
        st.caption(tr("浅色条含演示数据。", "Lighter bars involve demo data."))
        st.altair_chart(charts.year_rises(compared, year=year), width="stretch")
    else:
        st.info(
            tr(
                f"没有{year - 1}年12月的标准可比，只列出{year}年12月的标准。",
                f"No December {year - 1} standard to compare with; December {year} standards only.",
            )
        )
    show_table(
        compared,
        [
            "county",
            "program_label",
            CATEGORY,
            yuan("previous", (f"{year - 1}年12月（元/人/月）", f"Dec {year - 1} (yuan/person/month)")),
            yuan("standard", (f"{year}年12月（元/人/月）", f"Dec {year} (yuan/person/month)")),
            Column("rise", ("增加（元）", "Rise (yuan)"), "%+.0f"),
            "rise_pct",
            "documents",
            "demo",
        ],
        name=(f"{year}年提标", f"rises-{year}"),
        key="standards-year",
    )


def every_rise(rises: pl.DataFrame) -> None:
    """Every rise on record, with its document."""
    st.subheader(tr("历次提标", "Every rise"))
    if rises.is_empty():
        st.info(tr("所选县区只有一个标准，还没有提标记录。", "Only one standard per series so far: no rise on record."))
        return
    show_table(
        rises,
        [
            "county",
            "program_label",
            CATEGORY,
            "effective_from",
            yuan("previous", ("原标准（元/人/月）", "From (yuan/person/month)")),
            yuan("standard", ("新标准（元/人/月）", "To (yuan/person/month)")),
            "rise_pct",
            "document",
            "demo",
        ],
        name=("历次提标", "rises"),
        key="standards-rises",
    )


def urban_rural_gap(filters: Filters, *, years: list[int], words: views.Words) -> None:
    """Urban against rural, where a county has both: the chosen year's gap as figures, every year's as a table."""
    st.subheader(tr("城乡标准差距", "Urban–rural gap"))
    both = data.standards(filters.counties, None)  # the gap needs both programmes, whichever is chosen
    gaps = views.urban_rural_gap(both, years=years or None, names=filters.names, words=words)
    if gaps.is_empty():
        st.info(
            tr(
                "所选县区没有同时设城市和农村标准的；选择同时有城乡低保的县区即可比较。",
                "None of the chosen counties has both an urban and a rural standard; choose one that has both.",
            )
        )
        return
    for gap in gaps.filter(gaps["year"] == filters.year).iter_rows(named=True):
        st.metric(
            tr(f"{gap['county']} {gap['year']}年12月 城市 − 农村", f"{gap['county']} Dec {gap['year']}: urban − rural"),
            f"{gap['gap']:,.0f} {tr('元/人/月', 'yuan/person/month')}",
            tr(
                f"城市 {gap['urban']:,.0f}，农村 {gap['rural']:,.0f}，城市为农村的 {gap['ratio']:.2f} 倍",
                f"urban {gap['urban']:,.0f}, rural {gap['rural']:,.0f}, ratio {gap['ratio']:.2f}",
            ),
            delta_color="off",
            delta_arrow="off",
        )
    show_table(
        gaps,
        [
            "county",
            retitled("year", ("年度（12月）", "Year (December)")),
            yuan("rural", ("农村（元/人/月）", "Rural (yuan/person/month)")),
            yuan("urban", ("城市（元/人/月）", "Urban (yuan/person/month)")),
            yuan("gap", ("城市 − 农村（元）", "Urban − rural (yuan)")),
            Column("ratio", ("城市 ÷ 农村", "Urban ÷ rural"), "%.2f"),
            "demo",
        ],
        name=("城乡标准差距", "urban-rural-gap"),
        key="standards-gap",
    )


filters = page_start("page_standards", needs_year=False)
stored = stored_standards(filters)
words = charts.words()
years = data.years()  # the span of the rosters and evaluations: 2019–2024 in the demo
rises = views.rises(stored, names=filters.names, words=words)
rise_grounds(rises, standard_steps(filters, stored, years=years, words=words))
year_against_last(filters, stored, words=words)
every_rise(rises)
urban_rural_gap(filters, years=years, words=words)
