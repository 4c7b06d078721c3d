"""保障人数: monthly series per county and programme, household flows, and one month's township and category split."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from warehouse.frames import marks
from warehouse.frames.anomalies import band
from warehouse.frames.withheld import any_withheld, marked, sum_at_least, written
from warehouse.vocabulary import PROGRAM_WORDS

SERIES_COLUMNS = (
    "county_code",
    "program",
    "county",
    "programme",
    "series",
    "month",
    "month_key",
    "month_label",
    "households",
    "persons",
    "change",
    "new_households",
    "exited_households",
    "new_persons",
    "exited_persons",
    "amount",
    "amount_wan",
    "source",
    "hidden",
    "shown_as",
    "flows_hidden",
)
SPLIT_COLUMNS = ("households", "persons", "amount_wan", "new_households", "exited_households")
# where each figure is withheld from a reader who may not see small counts (warehouse.small_counts)
WITHHELD_BY = {
    "households": "hidden",
    "persons": "hidden",
    "amount": "hidden",
    "amount_wan": "hidden",
    "persons_share": "hidden",
    "change": "hidden",
    "new_households": "flows_hidden",
    "exited_households": "flows_hidden",
    "new_persons": "flows_hidden",
    "exited_persons": "flows_hidden",
}


def _withheld_marks(frame: pl.DataFrame) -> pl.DataFrame:
    return marked(frame, "hidden", "shown_as", "flows_hidden")


def with_texts(frame: pl.DataFrame) -> pl.DataFrame:
    """Where a figure is withheld from the reader, a `<column>_text` twin of each figure as the reader reads it
    («<5» households, «隐去» the rest) for tables and tooltips; the frame as it is where nothing is withheld."""
    if not any_withheld(frame):
        return frame
    columns = {name: flag for name, flag in WITHHELD_BY.items() if name in frame.columns}
    texts = written(
        frame.select(*columns, *set(columns.values()), "shown_as"), columns, marks={"households": "shown_as"}
    )
    return frame.with_columns(texts[name].alias(f"{name}_text") for name in columns)


def as_read(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame for a table or a download: each figure replaced by its `_text` twin where it has one."""
    twins = [name for name in frame.columns if f"{name}_text" in frame.columns]
    return frame.with_columns(pl.col(f"{name}_text").alias(name) for name in twins)


def _wan(column: str = "amount") -> pl.Expr:
    """元 → 万元, two decimals."""
    return (pl.col(column) / 10_000).round(2).alias("amount_wan")


def _label(column: str, labels: Mapping[str, str]) -> pl.Expr:
    return pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)


def monthly_series(
    monthly: pl.DataFrame,
    *,
    names: Mapping[str, str],
    programs: Mapping[str, str] = PROGRAM_WORDS,
    month_format: str = "%Y年%-m月",
    pending_mark: str = marks.PENDING_MARK,
) -> pl.DataFrame:
    """One row per county, programme and month, labelled for charts and tables (a month waiting for
    approval carries `pending_mark`).

    `change` is the month's net change in households (new − exited), which is exactly the
    difference from the previous stored month, January included.
    """
    series = ["county_code", "program"]
    difference = pl.col("households") - pl.col("households").shift(1).over(series)
    return (
        _withheld_marks(marks.with_pending(monthly))
        .sort("county_code", "program", "month")
        .with_columns(
            county=_label("county_code", names),
            programme=_label("program", programs),
            month_key=pl.col("month").dt.strftime("%Y-%m-%d"),
            month_label=marks.month_label(month_format, pending_mark),
            # flows withheld from a reader still leave the change they add up to, which the households show
            change=pl.coalesce(
                pl.col("new_households") - pl.col("exited_households"),
                pl.when(pl.col("flows_hidden")).then(difference),
            ),
            amount_wan=_wan(),
        )
        .with_columns(series=pl.col("county") + " · " + pl.col("programme"))
        .select(SERIES_COLUMNS)
        .pipe(with_texts)
    )


def with_expectations(series: pl.DataFrame, earlier: pl.DataFrame, flags: pl.DataFrame) -> pl.DataFrame:
    """`series` (monthly_series) with each month's usual range of households and persons, the 12 months before
    it (`earlier`: the previous year's monthly_totals; null until six months are stored), and the anomalies
    found in its townships that month (`flags`: warehouse.anomalies.find): how many, and their sentences."""
    slot = ["county_code", "program", "month"]
    history = pl.concat([frame.select(*slot, "households", "persons") for frame in (earlier, series)])
    history = history.unique(slot, keep="last").sort(slot)
    for measure in ("households", "persons"):
        history = band(history, measure, over=["county_code", "program"])
    flagged = flags.group_by(slot).agg(flags=pl.len(), flag_words=pl.col("words").str.join("；"))
    return (
        series.join(history.drop("households", "persons"), on=slot, how="left")
        .join(flagged, on=slot, how="left")
        .with_columns(pl.col("flags").fill_null(0).cast(pl.Int64))
    )


def year_summary(series: pl.DataFrame, earlier: pl.DataFrame) -> pl.DataFrame:
    """One row: the latest month's households and persons beside the same month a year earlier, and the year's totals.

    `earlier` is the previous year's monthly figures; the year-earlier figures are null unless
    every series of the latest month is stored then too. The year's totals: amount paid (万元),
    persons on an average month, new and exited households.
    """
    schema = {
        "month": pl.Date,
        "month_label": pl.String,
        "households": pl.Int64,
        "persons": pl.Int64,
        "households_year_earlier": pl.Int64,
        "persons_year_earlier": pl.Int64,
        "amount_wan": pl.Float64,
        "persons_average": pl.Int64,
        "new_households": pl.Int64,
        "exited_households": pl.Int64,
    }
    if series.is_empty():
        return pl.DataFrame(schema=schema)
    last: dt.date = series["month"].max()  # type: ignore[assignment]
    now = series.filter(pl.col("month") == last)
    before = earlier.filter(pl.col("month") == last.replace(year=last.year - 1)).join(
        now.select("county_code", "program"), on=["county_code", "program"], how="semi"
    )
    complete = before.height == now.height
    persons_by_month = series.group_by("month").agg(pl.col("persons").sum())["persons"]
    flows = {
        name: _flow_total(series, name) for name in ("new_households", "exited_households")
    }  # 「≥N」 where a month's flows are withheld from the reader
    withheld = series["hidden"].fill_null(False).any() if "hidden" in series.columns else False
    return pl.DataFrame(
        {
            "month": [last],
            "month_label": [now["month_label"][0]],
            "households": [now["households"].sum()],
            "persons": [now["persons"].sum()],
            "households_year_earlier": [before["households"].sum() if complete else None],
            "persons_year_earlier": [before["persons"].sum() if complete else None],
            "amount_wan": [round(series["amount"].sum() / 10_000, 2)],
            "persons_average": [round(persons_by_month.mean())],  # type: ignore[arg-type]
            "new_households": [series["new_households"].sum()],
            "exited_households": [series["exited_households"].sum()],
            "flows_text": [f"{flows['new_households']} / {flows['exited_households']}"],
            "withheld": [withheld],
        },
        schema=schema | {"flows_text": pl.String, "withheld": pl.Boolean},
    )


def _flow_total(series: pl.DataFrame, name: str) -> str:
    """A year's new or exited households as the reader reads them: 「≥N」 where a month's are withheld."""
    marked = _withheld_marks(series).with_columns(shown_as=pl.lit(None, pl.String))
    total = marked.select(sum_at_least(name, hidden="flows_hidden")).row(0, named=True)
    return total["shown_as"] or f"{total[name] or 0:,}"


def household_flows(series: pl.DataFrame) -> pl.DataFrame:
    """New and exited households per series and month, long: `value` is negative for exits (bars below zero)."""
    index = ["county_code", "program", "county", "programme", "series", "month", "month_key", "month_label"]
    return (
        series.filter(pl.col("new_households").is_not_null())
        .select(*index, "new_households", "exited_households")
        .unpivot(index=index, on=["new_households", "exited_households"], variable_name="flow", value_name="households")
        .with_columns(pl.col("flow").str.strip_suffix("_households"))
        .with_columns(
            value=pl.when(pl.col("flow") == "exited").then(-pl.col("households")).otherwise(pl.col("households"))
        )
        .sort("county_code", "program", "month", "flow", descending=[False, False, False, True])
    )


def counties_in(series: pl.DataFrame) -> list[str]:
    """County codes with stored months, in the series' order."""
    return series["county_code"].unique(maintain_order=True).to_list()


def programs_in(series: pl.DataFrame, *, county: str) -> list[str]:
    return series.filter(pl.col("county_code") == county)["program"].unique(maintain_order=True).to_list()


def months_in(series: pl.DataFrame, *, county: str, program: str) -> dict[str, str]:
    """Month key → label for one county and programme, newest first (the drill-down's default)."""
    months = series.filter(pl.col("county_code") == county, pl.col("program") == program).sort("month", descending=True)
    return dict(zip(months["month_key"].to_list(), months["month_label"].to_list(), strict=True))


def township_table(figures: pl.DataFrame) -> pl.DataFrame:
    """One month's townships, largest first: households, persons, amount (万元), new and exited households."""
    return (
        _withheld_marks(figures)
        .with_columns(_wan())
        .select("township", *SPLIT_COLUMNS, "hidden", "shown_as", "flows_hidden")
        .sort(["households", "township"], descending=[True, False], nulls_last=True)
        .pipe(with_texts)
    )


def category_table(figures: pl.DataFrame, *, uncategorised: str = "未分类") -> pl.DataFrame:
    """One month's categories (A类/B类/C类, or 未分类 where the roster gives none), with each one's share of persons."""
    # a share of the persons shown would not be a share of the township's: none where any is withheld
    total = None if _withheld_marks(figures)["hidden"].any() else figures["persons"].sum()
    return (
        _withheld_marks(figures)
        .with_columns(
            pl.col("category").fill_null("").replace("", uncategorised),
            _wan(),
            persons_share=(pl.col("persons") / total).round(4) if total else pl.lit(None, pl.Float64),
        )
        .select("category", *SPLIT_COLUMNS, "persons_share", "hidden", "shown_as", "flows_hidden")
        .sort("category")
        .pipe(with_texts)
    )
