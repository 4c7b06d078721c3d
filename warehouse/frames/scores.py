"""Indicator trees of evaluations: subtotals, one level at a time, lost points, counties side by side.

A subtotal the report gives is shown as reported. Where the report gives none, the sum of the
children is shown instead, with its basis marked `computed` (合计（计算）) so that it is never
taken for a reported figure. Checking reported subtotals against the rubric is another job.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

REPORTED = "reported"
COMPUTED = "computed"

_LEVELS = pl.concat_list("level1", "level2", "level3", "level4")
_TREE_COLUMNS = (
    "evaluation_id",
    "position",
    "level1",
    "path",
    "parent",
    "name",
    "depth",
    "leaf",
    "points",
    "score",
    "points_basis",
    "score_basis",
    "score_rate",
    "lost",
    "target",
    "actual",
    "note",
)


def evaluation_options(
    evaluations: pl.DataFrame, *, names: Mapping[str, str], words: Mapping[str, str]
) -> pl.DataFrame:
    """One label per evaluation, e.g. 「曲阜市 2023 农村 财政评价 92.46 优」; synthetic ones marked as such.

    `words` gives the display word of each programme (rural, urban, all), kind (self,
    department, finance) and of `synthetic`.
    """
    labels = []
    for row in evaluations.iter_rows(named=True):
        parts = [names.get(row["county_code"], row["county_code"]), str(row["year"])]
        parts += [words[row["program"]], words[row["kind"]]]
        if row["total_score"] is not None:
            parts.append(f"{row['total_score']:.2f}")
        if row["grade"]:
            parts.append(row["grade"])
        if row["source"] == "synthetic":
            parts.append(f"（{words['synthetic']}）")
        labels.append(" ".join(parts))
    return evaluations.select("id", "county_code", "source").with_columns(label=pl.Series(labels, dtype=pl.String))


def counties_without(evaluations: pl.DataFrame, counties: tuple[str, ...]) -> list[str]:
    """The counties (codes, in the order given) that have no evaluation in `evaluations`."""
    evaluated = set(evaluations["county_code"].to_list())
    return [code for code in counties if code not in evaluated]


def default_option(options: pl.DataFrame) -> int:
    """Position of the first evaluation taken from a real report (a seed), else 0."""
    seeds = options["source"].to_list()
    return seeds.index("seed") if "seed" in seeds else 0


def _sum_of(name: str) -> pl.Expr:
    """Sum of the children's values; null (not 0) when no child has one."""
    return pl.when(pl.col(name).is_not_null().any()).then(pl.col(name).sum().round(2)).alias(f"children_{name}")


def indicator_tree(indicators: pl.DataFrame) -> pl.DataFrame:
    """Indicator rows with their parent, a leaf flag, and missing subtotals filled in from the children.

    `points_basis` and `score_basis` say where each figure comes from: `reported`, `computed`
    (the sum of the children) or null (no figure at all).
    """
    tree = indicators.sort("evaluation_id", "position").with_columns(
        path=_LEVELS.list.head(pl.col("depth")).list.join("/"),
        parent=_LEVELS.list.head(pl.col("depth") - 1).list.join("/"),
        name=_LEVELS.list.get(pl.col("depth") - 1),
        points_basis=pl.when(pl.col("points").is_not_null()).then(pl.lit(REPORTED)),
        score_basis=pl.when(pl.col("score").is_not_null()).then(pl.lit(REPORTED)),
    )
    parents = tree.select("evaluation_id", pl.col("parent").alias("path")).unique()
    tree = tree.join(parents.with_columns(leaf=pl.lit(False)), on=["evaluation_id", "path"], how="left")
    tree = tree.with_columns(pl.col("leaf").fill_null(True))
    for depth in (3, 2, 1):  # bottom-up: a node's children are final before the node is filled
        sums = (
            tree.filter(pl.col("depth") == depth + 1)
            .group_by("evaluation_id", "parent")
            .agg(_sum_of("points"), _sum_of("score"))
            .rename({"parent": "path"})
        )
        tree = tree.join(sums, on=["evaluation_id", "path"], how="left").with_columns(
            _filled(depth, "points"), _filled(depth, "score")
        )
        tree = tree.with_columns(
            pl.coalesce("points", "children_points").alias("points"),
            pl.coalesce("score", "children_score").alias("score"),
        ).drop("children_points", "children_score")
    return tree.with_columns(
        score_rate=pl.when(pl.col("points") > 0).then((pl.col("score") / pl.col("points")).round(4)),
        lost=(pl.col("points") - pl.col("score")).round(2),
    ).select(_TREE_COLUMNS)


def _filled(depth: int, name: str) -> pl.Expr:
    """The basis becomes `computed` where a node at `depth` has no figure and its children have one."""
    basis = f"{name}_basis"
    missing = (pl.col("depth") == depth) & pl.col(name).is_null() & pl.col(f"children_{name}").is_not_null()
    return pl.when(missing).then(pl.lit(COMPUTED)).otherwise(pl.col(basis)).alias(basis)


def children(tree: pl.DataFrame, parent: str = "") -> pl.DataFrame:
    """The rows one level below `parent` ("" = the level-1 indicators), in report order."""
    return tree.filter(pl.col("parent") == parent).sort("position")


def indicator_table(rows: pl.DataFrame, *, basis_words: Mapping[str, str]) -> pl.DataFrame:
    """The rows of one level as a table: figures, where they come from (in words), target, actual, note, lost or not.

    `basis_words` names `reported` and `computed` (the score's basis) and `points_computed`,
    added when the points too are the sum of the children.
    """
    score_word = pl.col("score_basis").replace_strict(basis_words, default=None, return_dtype=pl.String)
    points_word = pl.when(pl.col("points_basis") == COMPUTED).then(pl.lit(basis_words["points_computed"]))
    return rows.select(
        "name",
        "points",
        "score",
        pl.concat_str(score_word, points_word, separator="；", ignore_nulls=True).alias("score_basis"),
        "score_rate",
        "lost",
        "target",
        "actual",
        "note",
        (pl.col("lost") > 0).fill_null(False).alias("lost_points"),  # the rows to look at first
    )


def ancestors(path: str) -> list[str]:
    """Every node from the top down to `path`: "过程/资金管理" → ["过程", "过程/资金管理"]."""
    parts = path.split("/") if path else []
    return ["/".join(parts[: end + 1]) for end in range(len(parts))]


def lost_points(tree: pl.DataFrame) -> pl.DataFrame:
    """Leaves that lost points, the largest loss first (report order among equals)."""
    return (
        tree.filter(pl.col("leaf"), pl.col("lost") > 0)
        .sort(["lost", "position"], descending=[True, False])
        .select("level1", "path", "name", "points", "score", "lost", "target", "actual", "note")
    )


def unscored_leaves(tree: pl.DataFrame) -> int:
    """Leaves the report gives no score for (they cannot be ranked by lost points)."""
    return tree.filter(pl.col("leaf"), pl.col("score").is_null()).height


def computed_total(tree: pl.DataFrame) -> float | None:
    """The sum of the level-1 scores, for an evaluation that reports no total."""
    scores = tree.filter(pl.col("depth") == 1)["score"].drop_nulls()
    return round(scores.sum(), 2) if scores.len() else None


def level1_side_by_side(
    evaluations: pl.DataFrame, tree: pl.DataFrame, *, names: Mapping[str, str], words: Mapping[str, str]
) -> pl.DataFrame:
    """Level-1 scores of several evaluations, one row per evaluation and level-1 name.

    `series` names the evaluation by its county (with programme and kind when a county has
    more than one evaluation); `order` ranks names shared by more evaluations first.
    """
    repeated = evaluations.filter(pl.col("county_code").is_duplicated())["id"].to_list()
    series = [
        " ".join(
            [names.get(row["county_code"], row["county_code"])]
            + ([words[row["program"]], words[row["kind"]]] if row["id"] in repeated else [])
        )
        for row in evaluations.iter_rows(named=True)
    ]
    labelled = evaluations.select(
        pl.col("id").alias("evaluation_id"),
        "county_code",
        pl.Series("series", series, dtype=pl.String),
        pl.int_range(pl.len()).alias("evaluation_order"),
    )
    level1 = (
        tree.filter(pl.col("depth") == 1)
        .join(labelled, on="evaluation_id")
        .sort("evaluation_order", "position")
        .with_columns(
            shared_by=pl.len().over("name"),
            first_seen=pl.int_range(pl.len()).min().over("name"),
        )
        .sort(["shared_by", "first_seen", "evaluation_order"], descending=[True, False, False])
    )
    order = level1["name"].unique(maintain_order=True)
    return level1.select(
        "evaluation_id",
        "county_code",
        "series",
        pl.col("name").alias("level1"),
        pl.col("name").replace_strict(order, list(range(order.len())), return_dtype=pl.Int64).alias("order"),
        "points",
        "score",
        "score_basis",
        "score_rate",
    )


def side_by_side_table(level1: pl.DataFrame) -> pl.DataFrame:
    """Score rate per evaluation (rows) and level-1 name (columns, shared names first)."""
    if level1.is_empty():
        return pl.DataFrame(schema={"series": pl.String})
    columns = level1.sort("order")["level1"].unique(maintain_order=True).to_list()
    wide = level1.pivot("level1", index="series", values="score_rate", maintain_order=True)
    return wide.select("series", *columns)
