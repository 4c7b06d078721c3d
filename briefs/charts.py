"""The brief's charts as Vega-Lite specs (plain dicts), drawn to SVG by vl-convert for the PDF.

Each chart says what it rests on in a one-line caption, and a chart without data is no chart: its note
says what is missing instead. Months are read as UTC dates and labelled 2023年1月, whatever the machine's
time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from briefs.model import EXCELLENT, ON_TIME_TARGET, Brief
from briefs.words import month_words, source_words
from warehouse.frames import texts

FONT = "Noto Sans CJK SC"
WIDTH = 640  # px, the whole chart (autosize fit): every chart is scaled alike to the page's width
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
# One colour per county, the same on every chart (Tableau 10)
COUNTY_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
MONTH_LABEL = "utcFormat(datum.value, '%Y年%-m月')"
GREY = "#6b7280"

CONFIG = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": "normal",
        "labelColor": "#374151",
        "titleColor": "#374151",
        "gridColor": "#e5e7eb",
        "domainColor": "#9ca3af",
        "tickColor": "#9ca3af",
    },
    "legend": {
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": "normal",
        "orient": "top",
        "direction": "horizontal",
        "labelLimit": 220,
    },
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str  # what the chart rests on
    spec: dict | None  # None: nothing to draw, `note` says why
    note: str = ""


def brief_charts(brief: Brief) -> list[Chart]:
    """The four charts of the brief, in the order they are printed."""
    return [households_chart(brief), on_time_chart(brief), standards_chart(brief), scores_chart(brief)]


def svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def households_chart(brief: Brief) -> Chart:
    series = brief.series.filter(pl.col("households").is_not_null())
    title = "保障户数（户）"
    if series.is_empty():
        return Chart("households", title, "", None, f"{_span_words(brief)}没有名册，无法绘制。")
    last = series.filter(pl.col("month") == pl.col("month").max().over("county_code"))
    lines = {
        "mark": {"type": "line", "strokeWidth": 2, "point": {"size": 14}},
        "encoding": {"y": {"field": "households", "type": "quantitative", "title": None}},
    }
    ends = {
        "data": {"values": _records(last, "name", "month", "households")},
        "mark": {"type": "text", "align": "left", "dx": 5, "fontSize": 10, "color": GREY},
        "encoding": {
            "y": {"field": "households", "type": "quantitative"},
            "text": {"field": "households", "type": "quantitative", "format": ","},
        },
    }
    spec = _spec(
        height=190,
        data=_records(series, "name", "month", "households"),
        encoding={
            "x": _month_x((_window(brief)[0], brief.scope.month), title=None),
            "color": _county_colour(brief, series["name"]),
        },
        layer=[lines, ends],
    )
    caption = f"各县区每月名册的户数合计，{_span_words(brief)}。依据：{_sources(series['source'])}。"
    return Chart("households", title, caption, spec)


def on_time_chart(brief: Brief) -> Chart:
    series = brief.series.filter(pl.col("on_time_rate").is_not_null())
    title = "按时发放率（县区 × 月份）"
    if series.is_empty():
        return Chart("on_time", title, "", None, f"{_span_words(brief)}没有名册，无法绘制。")
    data = series.with_columns(
        label=texts.month_text(pl.col("month")),  # as month_words writes it
        # rounded down: a month with one household paid late never reads 100 %
        cell=pl.when(pl.col("on_time_rate") < ON_TIME_TARGET)
        .then((pl.col("on_time_rate") * 100 + 1e-9).floor().cast(pl.Int64).cast(pl.String) + "%")
        .otherwise(pl.lit("")),
    ).sort("month")
    months = [month_words(month) for month in _window(brief)]  # every month, a month without a roster blank
    names = [name for name in brief.scope.names.values() if name in set(data["name"])]
    # months as 1月…12月 under the cells, the year over each January
    x = {"field": "label", "type": "ordinal", "sort": months, "scale": {"domain": months}, "title": None}
    under = {"labelExpr": "split(datum.value, '年')[1]", "labelAngle": 0, "labelFontSize": 9, "ticks": False}
    over = {
        "orient": "top",
        "labelExpr": "slice(datum.value, -3) == '年1月' ? split(datum.value, '年')[0] + '年' : ''",
        "labelAngle": 0,
        "labelAlign": "left",
        "labelPadding": 2,
        "labelFontWeight": "bold",
        "ticks": False,
        "domain": False,
    }
    y = {"field": "name", "type": "nominal", "sort": names, "title": None, "axis": {"ticks": False, "domain": False}}
    cells = {
        "mark": {"type": "rect", "stroke": "white", "strokeWidth": 1},
        "encoding": {
            "x": {**x, "axis": under},
            "color": {
                "field": "on_time_rate",
                "type": "quantitative",
                "title": f"按时发放率（目标 {ON_TIME_TARGET:.0%}）",
                "scale": {"scheme": "redyellowgreen", "domain": [0.5, 1.0], "domainMid": ON_TIME_TARGET, "clamp": True},
                "legend": {"format": ".0%", "values": [0.5, 0.6, 0.7, 0.8, 0.9, 1.0], "gradientLength": 260},
            },
        },
    }
    text = {
        "mark": {"type": "text", "fontSize": 9},
        "encoding": {
            "x": {**x, "axis": over},
            "text": {"field": "cell", "type": "nominal"},
            "color": {"condition": {"test": "datum.on_time_rate < 0.7", "value": "white"}, "value": "#111827"},
        },
    }
    spec = _spec(
        height=max(26 * len(names), 60),
        data=_records(data, "name", "label", "on_time_rate", "cell"),
        encoding={"y": y},
        layer=[cells, text],
    )
    spec["resolve"] = {"axis": {"x": "independent"}}
    spec["config"] = {**CONFIG, "view": {"stroke": None, "fill": "#eceff3"}}  # a month without a roster: grey
    caption = (
        f"按时发放户数 ÷ 保障户数；低于目标 {ON_TIME_TARGET:.0%} 的月份标出百分数（向下取整），灰色为无名册。"
        f"依据：{_sources(series['source'])}。"
    )
    return Chart("on_time", title, caption, spec)


def standards_chart(brief: Brief) -> Chart:
    title = "保障标准（元/人/月）"
    steps = standard_steps(brief.standards, month=brief.scope.month)
    if steps.is_empty():
        return Chart("standards", title, "", None, f"没有 {month_words(brief.scope.month)} 以前生效的保障标准。")
    months = (steps["month"].min(), brief.scope.month)
    lines = {
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2},
        "encoding": {"y": {"field": "yuan", "type": "quantitative", "title": None, "scale": {"zero": False}}},
    }
    points = {
        "transform": [{"filter": "datum.change"}],
        "mark": {"type": "point", "filled": True, "opacity": 1, "size": 28},
        "encoding": {"y": {"field": "yuan", "type": "quantitative"}},
    }
    spec = _spec(
        height=180,
        data=_records(steps, "name", "month", "yuan", "change"),
        encoding={"x": _month_x(months, title=None, every=12), "color": _county_colour(brief, steps["name"])},
        layer=[lines, points],
    )
    documents = [doc for doc in brief.standards["document"].unique(maintain_order=True).to_list() if doc]
    cited = f"文件：{'、'.join(documents)}" if documents else "登记中未写文号"
    caption = f"各县区登记的保障标准；分类施保取统一标准，没有则取最高一档，城乡并列取较高者。{cited}。"
    return Chart("standards", title, caption, spec)


def standard_steps(standards: pl.DataFrame, *, month: dt.date) -> pl.DataFrame:
    """Per county, the standard from each date it changed, and once more at `month` so the last step shows.

    The same rule as the county table: the '' (all categories) standard, else the top category; the higher
    programme where a county has both.
    """
    if standards.is_empty():
        return pl.DataFrame(schema={"name": pl.String, "month": pl.Date, "yuan": pl.Float64, "change": pl.Boolean})
    per_programme = (
        standards.with_columns(_all=pl.col("category") == "")
        .group_by("county_code", "name", "program", "effective_from")
        .agg(
            pl.when(pl.col("_all").any())
            .then(pl.col("yuan_per_person_month").filter(pl.col("_all")).max())
            .otherwise(pl.col("yuan_per_person_month").max())
            .first()
            .alias("yuan")
        )
        .sort("county_code", "program", "effective_from")
    )
    in_force = (  # a programme's standard stays in force until its next change
        per_programme.group_by("county_code", "name", "effective_from")
        .agg(pl.col("yuan").max())
        .rename({"effective_from": "month"})
        .sort("county_code", "month")
    )
    changes = in_force.with_columns(change=pl.lit(True))
    last = (
        in_force.group_by("county_code", "name")
        .agg(pl.col("yuan").last())
        .with_columns(month=pl.lit(month), change=pl.lit(False))
    )
    return pl.concat(
        [changes.select("name", "month", "yuan", "change"), last.select("name", "month", "yuan", "change")]
    )


def scores_chart(brief: Brief) -> Chart:
    title = "绩效评价得分（分）"
    evaluations = brief.evaluations
    scored = evaluations.filter(pl.col("score").is_not_null())
    note = _unscored_note(evaluations)
    if scored.is_empty():
        reason = "没有带总分的绩效评价，无法绘制。" if evaluations.height else "没有绩效评价，无法绘制。"
        return Chart("scores", title, "", None, " ".join(part for part in (reason, note) if part))
    data = scored.with_columns(
        label=pl.col("year").cast(pl.String) + "年度",
        tag=pl.col("grade").fill_null("") + " " + texts.fixed(pl.col("score"), 2),
        last=pl.col("year") == pl.col("year").max().over("county_code"),
    ).sort("year")
    data = data.with_columns(tag_y=pl.Series(_apart(data["score"].to_list(), data["last"].to_list())))
    years = data["label"].unique(maintain_order=True).to_list()
    lowest = min(80.0, (data["score"].min() // 5) * 5 - 5)
    y = {"field": "score", "type": "quantitative", "title": None, "scale": {"domain": [lowest, 100], "nice": False}}
    lines = {"mark": {"type": "line", "strokeWidth": 2, "point": {"filled": True, "size": 36}}, "encoding": {"y": y}}
    tags = {
        "transform": [{"filter": "datum.last"}],
        "mark": {"type": "text", "align": "left", "dx": 7, "fontSize": 10},
        "encoding": {"y": {"field": "tag_y", "type": "quantitative"}, "text": {"field": "tag", "type": "nominal"}},
    }
    excellent = {
        "data": {"values": [{"score": EXCELLENT, "words": f"{EXCELLENT} 分（优）"}]},
        "layer": [
            {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#9ca3af"}, "encoding": {"y": y}},
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "bottom",
                    "dy": -2,
                    "color": GREY,
                    "fontSize": 10,
                },
                "encoding": {
                    "y": {"field": "score", "type": "quantitative"},
                    "text": {"field": "words"},
                    "x": {"value": 2},
                },
            },
        ],
    }
    spec = _spec(
        height=190,
        data=_records(data, "name", "label", "score", "tag", "tag_y", "last"),
        encoding={
            "x": {
                "field": "label",
                "type": "ordinal",
                "sort": years,
                "title": None,
                "scale": {"padding": 0.3},
                "axis": {"labelAngle": 0},
            },
            "color": _county_colour(brief, data["name"]),
        },
        layer=[lines, tags],
        apart=(excellent,),
    )
    chosen = "每年取最独立的一次评价（财政评价先于部门评价、自评）"
    caption = f"{chosen}；末点标等级与得分。依据：{_sources(scored['source'])}。"
    return Chart("scores", title, caption, spec, note)


def _apart(scores: list[float], labelled: list[bool], gap: float = 1.6) -> list[float]:
    """Where each labelled point's words go: at its score, pushed down until no two labels are nearer than `gap`
    points (the labels of the last year sit one above the other; the top one can be 100)."""
    placed = list(scores)
    chosen = [(score, index) for index, (score, on) in enumerate(zip(scores, labelled, strict=True)) if on]
    above = None
    for score, index in sorted(chosen, reverse=True):
        placed[index] = score if above is None else min(score, above - gap)
        above = placed[index]
    return placed


def _unscored_note(evaluations: pl.DataFrame) -> str:
    """Counties graded without a total score: said, since the chart cannot place them."""
    unscored = evaluations.filter(pl.col("score").is_null())
    if unscored.is_empty():
        return ""
    said = []
    for (name,), rows in unscored.group_by("name", maintain_order=True):
        years = "、".join(f"{year}" for year in rows["year"].to_list())
        grades = "、".join(dict.fromkeys(grade or "无等级" for grade in rows["grade"].to_list()))
        said.append(f"{name}（{years}年度，等级：{grades}）")
    return "以下评价只有等级、没有总分，未画入：" + "；".join(said) + "。"


def _spec(*, height: int, data: list[dict], encoding: dict, layer: list[dict], apart: tuple[dict, ...] = ()) -> dict:
    """A layered chart: `encoding` shared by every layer of `layer` (a layer's own channels win), none of `apart`."""
    shared = [{**one, "encoding": {**encoding, **one.get("encoding", {})}} for one in layer]
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "config": CONFIG,
        "data": {"values": data},
        "layer": [*apart, *shared],
    }


def _month_x(months: tuple[dt.date, dt.date], *, title: str | None, every: int = 3) -> dict:
    """A month axis from the first to the last month, a tick every `every` months, labelled 2023年1月."""
    first, last = months
    return {
        "field": "month",
        "type": "temporal",
        "title": title,
        "scale": {"type": "utc", "domain": [_utc(first), _utc(last)]},
        "axis": {
            "labelExpr": MONTH_LABEL,
            "tickCount": {"interval": "month", "step": every},
            "labelAngle": 0,
            "labelOverlap": True,
            "grid": True,
        },
    }


def _county_colour(brief: Brief, drawn: pl.Series) -> dict:
    """A county's colour by its place in the brief, so it is the same on every chart; the legend names only
    the counties drawn."""
    present = set(drawn.to_list())
    places = [(index, name) for index, name in enumerate(brief.scope.names.values()) if name in present]
    names = [name for _, name in places]
    colours = [COUNTY_COLOURS[index % len(COUNTY_COLOURS)] for index, _ in places]
    return {
        "field": "name",
        "type": "nominal",
        "title": None,
        "scale": {"domain": names, "range": colours},
        "legend": {"columns": min(len(names), 5)} if len(names) > 1 else None,  # one county: the title names it
    }


def _records(frame: pl.DataFrame, *columns: str) -> list[dict]:
    """Rows for Vega-Lite, dates as ISO text (read as UTC by the scale)."""
    chosen = frame.select(columns).with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
    return chosen.to_dicts()


def _utc(month: dt.date) -> dict:
    return {"year": month.year, "month": month.month, "date": 1, "utc": True}


def _window(brief: Brief) -> list[dt.date]:
    """The months of brief.series: January of the year before up to the brief's month."""
    month = brief.scope.month
    return [dt.date(month.year - 1 + index // 12, index % 12 + 1, 1) for index in range(12 + month.month)]


def _span_words(brief: Brief) -> str:
    month = brief.scope.month
    return f"{month.year - 1}年1月至{month_words(month)}"


def _sources(sources: pl.Series) -> str:
    present = [source for source in ("seed", "upload", "synthetic") if source in set(sources.drop_nulls().to_list())]
    return "、".join(source_words(source) for source in present) or "—"
