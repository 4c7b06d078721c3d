"""Synthetic score sheets keep the seed's rubric, add up, follow the bands, never replace a seed.

Without a warehouse (and where no rubric applies) a synthetic sheet is the story on the seed's
own tree; with one, a county-year that a rubric applies to is scored by the rubric and re-checks
clean under `dibao rubric check`.
"""

from __future__ import annotations

import csv
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
import pytest

from demo import SEEDS
from demo.evaluations import (
    HEADER,
    conclusion,
    grade,
    read_seed,
    synthetic_sheet,
    write_synthetic_evaluations,
)
from loaders.counties import ingest_counties
from loaders.roster_parse import file_hash
from loaders.standards import ingest_standards
from rubrics.check import check_evaluations
from rubrics.load import rubric_for
from tests.files import store_approved_evaluation
from warehouse import read

SAMPLE = Path(__file__).parent / "data" / "sample_eval.csv"
REAL_SEEDS = sorted((Path(__file__).parents[2] / "demo" / "seeds" / "evaluations").glob("*.csv"))
YEARS = range(2019, 2025)
LEVELS = ("一级指标", "二级指标", "三级指标", "四级指标")

# A self-assessment shaped like seed 000: no total, no subtotal scores, points summing to 90,
# a leaf without points, and only the spent figure among the money columns.
NINETY_POINTS = """\
县区代码,项目,年度,评价类型,评价机构,总分,等级,预算安排（万元）,实际到位（万元）,实际支出（万元）,计划保障人数,数据来源,一级指标,二级指标,三级指标,四级指标,分值,得分,年度指标值,实际完成值,说明
900098,城乡,2023,部门评价,,,好,,,1234.56,,seed,成本指标,,,,,,,,
,,,,,,,,,,,,成本指标,经济成本指标,,,,,,,
,,,,,,,,,,,,成本指标,经济成本指标,城镇低保月标准,,30,30,＝825元/人/月,825,
,,,,,,,,,,,,成本指标,生态环境成本指标,,,,,,,
,,,,,,,,,,,,产出指标,,,,,,,,
,,,,,,,,,,,,产出指标,时效指标,资金每月10号发放到位,,30,30,＜10日,10,
,,,,,,,,,,,,效益指标,,,,,,,,
,,,,,,,,,,,,效益指标,社会效益指标,困难群众满意度,,30,30,＞95%,95,
,,,,,,,,,,,,满意度指标,,,,,,,,
,,,,,,,,,,,,满意度指标,服务对象满意度,,,,,,,
"""


def synthesise(tmp_path: Path, seed: Path | str = SAMPLE, *, years=YEARS, engine=None) -> tuple[Path, list[Path]]:
    """Copy one seed sheet into a fresh seed folder and write its synthetic years."""
    seed_dir = tmp_path / "seeds"
    seed_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(seed, Path):
        copy = Path(shutil.copy(seed, seed_dir))
    else:
        copy = seed_dir / "900098_2023_all.csv"
        copy.write_text(seed, encoding="utf-8")
    return copy, write_synthetic_evaluations(seed_dir, tmp_path / "out", years=years, engine=engine)


def read_sheet(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def path_of(row: dict[str, str]) -> tuple[str, ...]:
    names = [row[level] for level in LEVELS]
    return tuple(names[: names.index("")] if "" in names else names)


def children(rows: list[dict[str, str]], parent: tuple[str, ...]) -> list[dict[str, str]]:
    return [row for row in rows if len(path_of(row)) == len(parent) + 1 and path_of(row)[: len(parent)] == parent]


def is_leaf(rows: list[dict[str, str]], node: dict[str, str]) -> bool:
    path = path_of(node)
    return not any(len(path_of(row)) > len(path) and path_of(row)[: len(path)] == path for row in rows)


def value(rows: list[dict[str, str]], node: dict[str, str]) -> Decimal:
    """A node's score: as written, or (blank subtotal) the sum of the scored leaves beneath it."""
    if node["得分"]:
        return Decimal(node["得分"])
    path = path_of(node)
    leaves = [row for row in rows if path_of(row)[: len(path)] == path and row["得分"] and is_leaf(rows, row)]
    return sum((Decimal(row["得分"]) for row in leaves), Decimal(0))


def check_sheet(seed: Path, sheet: Path) -> None:
    """Everything a synthetic sheet owes its seed, whichever seed it is."""
    seed_rows, rows = read_sheet(seed), read_sheet(sheet)
    seed_rows = [row for row in seed_rows if not row.get("绩效指标")]  # the report's targets are not a year's scores
    first = rows[0]

    # same rubric: paths, points and targets unchanged, in the report's order
    assert [(path_of(r), r["分值"], r["年度指标值"]) for r in rows] == [
        (path_of(r), r["分值"], r["年度指标值"]) for r in seed_rows
    ]
    for seed_row, row in zip(seed_rows, rows, strict=True):
        assert bool(row["得分"]) == bool(seed_row["得分"]), f"{path_of(row)}: blank only where the seed is blank"
        kids = children(rows, path_of(row))
        if kids and row["得分"]:
            assert Decimal(row["得分"]) == sum((value(rows, kid) for kid in kids), Decimal(0)), path_of(row)
        if is_leaf(rows, row) and row["得分"] and row["分值"]:
            assert Decimal(0) <= Decimal(row["得分"]) <= Decimal(row["分值"]), path_of(row)

    # evaluation-level cells on the first row only, marked synthetic
    assert first["县区代码"] == seed_rows[0]["县区代码"]
    assert first["评价类型"] == seed_rows[0]["评价类型"]
    assert first["评价机构"] == first["说明"] == "演示数据"
    assert first["数据来源"] == "synthetic"
    assert all(not row[name] for row in rows[1:] for name in HEADER[:12])
    assert all(not row["说明"] and not row["实际完成值"] for row in rows[1:])
    assert not first["实际完成值"]
    for name in HEADER[7:11]:
        assert bool(first[name]) == bool(seed_rows[0][name]), f"{name}: blank exactly where the seed is blank"

    # total = sum of level-1 subtotals; grade from the bands on 100 points
    level_one = [row for row in rows if len(path_of(row)) == 1]
    leaf_points = sum(
        (Decimal(r["分值"]) for r in rows if r["分值"] and r["得分"] and is_leaf(rows, r)),
        Decimal(0),
    )
    summed = sum((value(rows, row) for row in level_one), Decimal(0))
    if seed_rows[0]["总分"]:
        assert first["总分"] == f"{summed:.2f}"
        assert first["等级"] == grade(Decimal(first["总分"]) * 100 / leaf_points)
    else:
        assert first["总分"] == ""
        assert first["等级"] == conclusion(summed / leaf_points)


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("100", "优"),
        ("90.00", "优"),
        ("89.99", "良"),
        ("80.00", "良"),
        ("79.99", "中"),
        ("60.00", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_follows_the_ministry_of_finance_bands(total, expected):
    assert grade(Decimal(total)) == expected


def test_every_other_year_is_written_and_adds_up(tmp_path):
    seed, written = synthesise(tmp_path)
    assert [path.name for path in written] == [f"900099_{year}_rural.csv" for year in (2019, 2020, 2021, 2023, 2024)]
    for sheet in written:
        check_sheet(seed, sheet)
        assert read_sheet(sheet)[0]["年度"] == sheet.name.split("_")[1]


def test_the_seed_year_is_never_written(tmp_path):
    seed, written = synthesise(tmp_path, years=[2021, 2022, 2023])
    assert not (tmp_path / "out" / "900099_2022_rural.csv").exists()
    assert [path.name for path in written] == ["900099_2021_rural.csv", "900099_2023_rural.csv"]

    # not even into the seed folder itself, where earlier output is not taken for a seed
    before = seed.read_bytes()
    assert write_synthetic_evaluations(seed.parent, seed.parent, years=[2022]) == []
    for _ in range(2):
        again = write_synthetic_evaluations(seed.parent, seed.parent, years=[2021, 2022, 2023])
        assert [path.name for path in again] == [path.name for path in written]
        assert all(one.read_bytes() == two.read_bytes() for one, two in zip(again, written, strict=True))
    assert seed.read_bytes() == before


def test_same_inputs_give_identical_bytes(tmp_path):
    _, first = synthesise(tmp_path / "a")
    _, second = synthesise(tmp_path / "b", years=reversed(YEARS))
    assert [path.name for path in first] == [path.name for path in second]
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


def test_years_differ_and_scores_stay_on_the_reports_steps(tmp_path):
    _, written = synthesise(tmp_path)
    sheets = [read_sheet(path) for path in written]
    assert len({sheet[0]["总分"] for sheet in sheets}) > 1, "every year scored the same"
    for sheet in sheets:
        leaves = [row for row in sheet if row["二级指标"] and row["二级指标"] != "服务对象满意度"]
        assert all(Decimal(row["得分"]) % Decimal("0.5") == 0 for row in leaves)  # in halves
        # the rate-scored indicator (20 × 92.55 %) stays rate-scored: points × a rate, to the cent
        satisfaction = next(row for row in sheet if row["二级指标"] == "服务对象满意度")
        assert Decimal(satisfaction["得分"]).as_tuple().exponent >= -2


def test_earlier_years_score_lower_than_later_ones(tmp_path):
    _, written = synthesise(tmp_path)
    totals = [Decimal(read_sheet(path)[0]["总分"]) for path in written]
    assert totals == sorted(totals)  # the steady trend: a county improves year by year


def test_a_self_assessment_without_total_keeps_its_shape(tmp_path):
    seed, written = synthesise(tmp_path, NINETY_POINTS)
    assert len(written) == 5
    for sheet in written:
        check_sheet(seed, sheet)
        first = read_sheet(sheet)[0]
        assert first["总分"] == "" and first["等级"] in {"好", "较好", "一般", "较差"}
        assert first["预算安排（万元）"] == first["实际到位（万元）"] == first["计划保障人数"] == ""
        assert first["实际支出（万元）"].split(".")[1].isdigit()  # 万元 to the cent, like the seed
        assert len(first["实际支出（万元）"].split(".")[1]) == 2


@pytest.mark.parametrize(
    ("share", "expected"),
    [("1", "好"), ("0.9", "好"), ("0.8999", "较好"), ("0.6", "一般"), ("0.59", "较差")],
)
def test_conclusion_words_follow_the_share_of_points(share, expected):
    assert conclusion(Decimal(share)) == expected


@pytest.mark.skipif(not REAL_SEEDS, reason="no seed evaluations in demo/seeds/evaluations")
@pytest.mark.parametrize("seed", REAL_SEEDS, ids=lambda path: path.stem)
def test_real_seeds_give_consistent_sheets(tmp_path, seed):
    copy, written = synthesise(tmp_path, seed)
    code, year, program = seed.stem.split("_")
    assert [path.name for path in written] == [f"{code}_{y}_{program}.csv" for y in YEARS if y != int(year)]
    for sheet in written:
        check_sheet(copy, sheet)


# --- scored by the rubric ---------------------------------------------------------------------

IMPOSSIBLE = "不是评分规则能给出的分数"


@pytest.fixture
def registry(empty_warehouse):
    """The demo's counties and standards, no rosters: the metrics that need rosters cannot be computed."""
    ingest_counties(empty_warehouse, SEEDS / "counties.csv", user="测试员")
    ingest_standards(empty_warehouse, SEEDS / "standards.csv", user="测试员")
    return empty_warehouse


NO_RUBRIC = "没有适用于此评价的指标体系（rubrics/ 中无对应文件），无法重算"


def assert_clean(checked) -> None:
    """A rubric-scored evaluation: every score one the rule gives, nothing recomputed differently."""
    name = f"{checked.county} {checked.year}"
    assert checked.rubric, name
    assert checked.differences == [], (name, checked.differences)
    assert not [problem for problem in checked.problems if IMPOSSIBLE in problem], (name, checked.problems)
    assert not [problem for problem in checked.problems if not problem.startswith("指标体系：")], name
    assert checked.reported_total == checked.recomputed_total, name
    assert checked.reported_grade == checked.recomputed_grade, name


def test_rubric_scored_sheets_recheck_clean_without_rosters(registry, tmp_path):
    written = write_synthetic_evaluations(SEEDS / "evaluations", tmp_path, years=YEARS, engine=registry)
    assert len(written) == 25  # five seeds, five other years each
    kinds = {seed.code: seed.evaluation["评价类型"] for seed in map(read_seed, (SEEDS / "evaluations").glob("*.csv"))}
    for path in written:
        assert read_sheet(path)[0]["评价类型"] == kinds[path.name.split("_")[0]]
        assert store_approved_evaluation(registry, path) == 1
    checks = check_evaluations(registry)
    assert len(checks) == 25 and {checked.source for checked in checks} == {"synthetic"}
    for checked in checks:
        if checked.county == "900001":  # its rubric is that year's target table: 2023 only
            assert checked.problems == [NO_RUBRIC], checked.year
            continue
        assert_clean(checked)
        # no rosters: the roster metrics are left to the evaluator, and the check says so
        assert all(line.reason for line in checked.unchecked)


def test_rubric_scored_sheet_keeps_the_seeds_kind_and_figures(registry, tmp_path):
    seed = read_seed(SEEDS / "evaluations" / "370881_2023_rural.csv")
    written = write_synthetic_evaluations(SEEDS / "evaluations", tmp_path, years=[2022], engine=registry)
    sheet = read_sheet(next(path for path in written if path.name == "370881_2022_rural.csv"))
    first = sheet[0]
    story = dict(zip(HEADER, synthetic_sheet(seed, 2022)[1], strict=True))
    assert (first["评价类型"], first["评价机构"], first["数据来源"]) == ("财政评价", "演示数据", "synthetic")
    assert [first[name] for name in HEADER[7:11]] == [story[name] for name in HEADER[7:11]]  # as the seed writes them
    rubric = rubric_for(county="370881", program="rural", year=2022)
    assert len(sheet) == len(rubric.indicators)  # the rubric's tree, every node scored
    level_one = [row for row in sheet if row["一级指标"] and not row["二级指标"]]
    assert Decimal(first["总分"]) == sum((Decimal(row["得分"]) for row in level_one), Decimal(0))
    assert first["等级"] == rubric.grade(float(first["总分"]))
    # a survey rate is written where the rule reads it, and the score is rate × points
    awareness = next(row for row in sheet if row["三级指标"] == "政策知晓率")
    rate = Decimal(awareness["实际完成值"].removesuffix("%")) / 100
    assert Decimal(awareness["得分"]) == (rate * 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_rubric_scored_sheets_are_the_same_bytes_every_run(registry, tmp_path):
    first = write_synthetic_evaluations(SEEDS / "evaluations", tmp_path / "a", years=YEARS, engine=registry)
    second = write_synthetic_evaluations(SEEDS / "evaluations", tmp_path / "b", years=YEARS, engine=registry)
    assert [path.name for path in first] == [path.name for path in second]
    assert all(one.read_bytes() == two.read_bytes() for one, two in zip(first, second, strict=True))


def test_a_county_year_without_rubric_keeps_the_story_sheet(registry, tmp_path):
    seed, written = synthesise(tmp_path, engine=registry)  # 900099: no rubric applies
    for sheet in written:
        check_sheet(seed, sheet)
    _, plain = synthesise(tmp_path / "plain")
    assert [path.read_bytes() for path in written] == [path.read_bytes() for path in plain]


def test_demo_synthetic_evaluations_recheck_clean(demo_warehouse):
    checks = check_evaluations(demo_warehouse)
    synthetic = [checked for checked in checks if checked.source == "synthetic"]
    assert len(synthetic) == 25
    for checked in synthetic:
        if checked.county == "900001":
            assert checked.problems == [NO_RUBRIC]
        else:
            assert_clean(checked)
    years = {(checked.county, checked.year) for checked in checks if checked.source == "seed"}
    assert years == {("370881", 2023), ("440840", 2022), ("530114", 2023), ("530427", 2020), ("900001", 2023)}


def test_demo_stores_the_seed_files_unchanged_and_rewrites_the_same_synthetic_files(demo_warehouse, tmp_path):
    stored = set(read.uploads(demo_warehouse, kind="evaluation")["file_hash"])
    seeds = sorted((SEEDS / "evaluations").glob("*.csv"))
    assert {file_hash(path) for path in seeds} <= stored
    again = write_synthetic_evaluations(SEEDS / "evaluations", tmp_path, engine=demo_warehouse)
    assert len(again) == 25
    assert {file_hash(path) for path in again} <= stored  # a second `dibao demo` stores nothing new


def test_demo_zhanjiang_slips_to_liang_in_2023_under_completion(demo_warehouse):
    evaluations = read.evaluations(demo_warehouse, counties=["440840"]).sort("year")
    grades = dict(zip(evaluations["year"], evaluations["grade"], strict=True))
    assert grades == {2019: "优", 2020: "优", 2021: "优", 2022: "优", 2023: "良", 2024: "优"}
    scores = read.indicator_scores(demo_warehouse, evaluation_ids=evaluations["id"].to_list())
    progress = scores.filter(pl.col("path") == "产出/效率性/完成进度").join(
        evaluations.select(pl.col("id").alias("evaluation_id"), "year"), on="evaluation_id"
    )
    by_year = {
        year: score for year, score in zip(progress["year"], progress["score"], strict=True) if score is not None
    }
    assert set(by_year) == {2019, 2020, 2021, 2023, 2024}  # the seed (2022) leaves this subtotal blank
    assert by_year[2023] == min(by_year.values()) and by_year[2023] <= 22 - 5
