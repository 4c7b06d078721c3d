"""What changed: the version of a month waiting for approval against the approved one.

Households are matched by their keyed hash and never shown by it. A household is counted as
the month's figures count it: at its first row in the file, with the persons of that row and
the amount of all its rows (a duplicate row adds money, not a household). A household is
*added* when only the waiting version has it, *exited* when only the approved one does, and
*changed* when both have it with another amount, category or number of persons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

KINDS = ("added", "exited", "changed")
KIND_WORDS = {"added": "新增", "exited": "退出", "changed": "变更"}
FIGURES = ("households", "persons", "amount")
HOUSEHOLD_COLUMNS = {
    "id_masked": pl.String,
    "township": pl.String,
    "village": pl.String,
    "category_old": pl.String,
    "category_new": pl.String,
    "persons_old": pl.Int64,
    "persons_new": pl.Int64,
    "amount_old": pl.Float64,
    "amount_new": pl.Float64,
}
TOWNSHIP_COLUMNS = {"township": pl.String} | {
    f"{figure}_{side}": (pl.Float64 if figure == "amount" else pl.Int64)
    for figure in FIGURES
    for side in ("old", "new", "diff")
}
# The download's column titles, for people opening the file (the page titles its table the same way).
DOWNLOAD_TITLES = {
    "change": "变化",
    "id_masked": "身份证号（脱敏）",
    "township": "乡镇",
    "village": "村（社区）",
    "category_old": "原类别",
    "category_new": "新类别",
    "persons_old": "原保障人数",
    "persons_new": "新保障人数",
    "amount_old": "原金额（元）",
    "amount_new": "新金额（元）",
}


@dataclass(frozen=True)
class VersionChange:
    """The households added, exited and changed, and the township figures old, new and their difference."""

    added: pl.DataFrame
    exited: pl.DataFrame
    changed: pl.DataFrame
    townships: pl.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        return {kind: getattr(self, kind).height for kind in KINDS}


def households(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per household of a version (rows as `read.version_rows` gives them): where and what it is at
    its first row, the amount of all its rows (rounded to the fen, so that sums of floats compare)."""
    amounts = rows.group_by("household_key").agg(amount=pl.col("amount").sum().round(2))
    firsts = rows.unique("household_key", keep="first", maintain_order=True)
    return firsts.select(
        "household_key", "id_masked", "township", "village", "category", pl.col("persons").cast(pl.Int64)
    ).join(amounts, on="household_key", how="left")


def compare(
    approved_rows: pl.DataFrame,
    waiting_rows: pl.DataFrame,
    *,
    approved_figures: pl.DataFrame,
    waiting_figures: pl.DataFrame,
) -> VersionChange:
    """The change from the approved version to the one waiting (rows as `read.version_rows`, figures as
    `read.version_figures` give them). With no approved version, pass empty frames: every household is added."""
    old, new = _side(approved_rows, "old"), _side(waiting_rows, "new")
    both = old.join(new, on="household_key", how="full", coalesce=True)
    in_old, in_new = pl.col("in_old").fill_null(False), pl.col("in_new").fill_null(False)
    differs = (
        pl.col("amount_old").ne_missing(pl.col("amount_new"))
        | pl.col("category_old").ne_missing(pl.col("category_new"))
        | pl.col("persons_old").ne_missing(pl.col("persons_new"))
    )
    return VersionChange(
        added=_shown(both.filter(in_new & ~in_old)),
        exited=_shown(both.filter(in_old & ~in_new)),
        changed=_shown(both.filter(in_old & in_new & differs)),
        townships=township_changes(approved_figures, waiting_figures),
    )


def _side(rows: pl.DataFrame, side: str) -> pl.DataFrame:
    """A version's households with their columns suffixed _old or _new, and `in_<side>` marking them there."""
    found = households(rows).with_columns(pl.lit(True).alias("in"))
    return found.rename(lambda name: name if name == "household_key" else f"{name}_{side}")


def _shown(both: pl.DataFrame) -> pl.DataFrame:
    """Households as shown: masked ID, where they are now (where they were, for an exited one), old and new
    values; no key. Ordered by township, village and masked ID."""
    return (
        both.select(
            pl.coalesce("id_masked_new", "id_masked_old").alias("id_masked"),
            pl.coalesce("township_new", "township_old").alias("township"),
            pl.coalesce("village_new", "village_old").alias("village"),
            *(name for name in HOUSEHOLD_COLUMNS if name.endswith(("_old", "_new"))),
        )
        .cast(HOUSEHOLD_COLUMNS)
        .sort("township", "village", "id_masked")
    )


def township_changes(approved_figures: pl.DataFrame, waiting_figures: pl.DataFrame) -> pl.DataFrame:
    """Per township with households in either version: households, persons and amount (元) old, new and the
    difference (a registered township neither version pays is left out)."""
    old = approved_figures.select("township", *(pl.col(name).alias(f"{name}_old") for name in FIGURES))
    new = waiting_figures.select("township", *(pl.col(name).alias(f"{name}_new") for name in FIGURES))
    joined = old.join(new, on="township", how="full", coalesce=True)
    filled = joined.with_columns(pl.exclude("township").fill_null(0))
    diffs = [(pl.col(f"{name}_new") - pl.col(f"{name}_old")).alias(f"{name}_diff") for name in FIGURES]
    rounded = filled.with_columns(diffs).with_columns(pl.col("amount_diff").round(2))
    paid = (pl.col("households_old") > 0) | (pl.col("households_new") > 0)
    return rounded.filter(paid).select(*TOWNSHIP_COLUMNS).cast(TOWNSHIP_COLUMNS).sort("township")


def download(change: VersionChange) -> pl.DataFrame:
    """Added, exited and changed households in one flat frame, `change` saying which (新增 / 退出 / 变更)."""
    parts = [getattr(change, kind).select(pl.lit(KIND_WORDS[kind]).alias("change"), pl.all()) for kind in KINDS]
    return pl.concat(parts)


def titled(frame: pl.DataFrame) -> pl.DataFrame:
    """The download with the column titles a person reads (DOWNLOAD_TITLES)."""
    return frame.rename(DOWNLOAD_TITLES)


def as_dict(change: VersionChange) -> dict:
    """The change as JSON-able data: counts, the households of each kind and the township figures."""
    return {
        "counts": change.counts,
        **{kind: getattr(change, kind).to_dicts() for kind in KINDS},
        "townships": change.townships.to_dicts(),
    }


def version_dict(version: dict) -> dict:
    """A version (as `read.month_versions` gives it) as JSON-able data: its upload time in ISO 8601, UTC."""
    uploaded_at = version["uploaded_at"]
    if isinstance(uploaded_at, dt.datetime) and uploaded_at.tzinfo is None:
        uploaded_at = uploaded_at.replace(tzinfo=dt.UTC)  # stored in UTC
    return version | {"uploaded_at": uploaded_at.isoformat() if uploaded_at else None}
