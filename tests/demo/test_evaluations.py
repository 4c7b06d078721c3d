"""Synthetic score sheets keep the seed's rubric, add up, follow the bands, never replace a seed."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from demo.evaluations import HEADER, conclusion, grade, write_synthetic_evaluations

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


def synthesise(tmp_path: Path, seed: Path | str = SAMPLE, *, years=YEARS) -> tuple[Path, list[Path]]:
    """Copy one seed sheet into a fresh seed folder and write its synthetic years."""
    seed_dir = tmp_path / "seeds"
    seed_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(seed, Path):
        copy = Path(shutil.copy(seed, seed_dir))
    else:
        copy = seed_dir / "900098_2023_all.csv"
        copy.write_text(seed, encoding="utf-8")
    return copy, write_synthetic_evaluations(seed_dir, tmp_path / "out", years=years)


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
