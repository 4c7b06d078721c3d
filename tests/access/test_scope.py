"""County scope is enforced by the loaders themselves: an evaluator cannot store another county's data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from access.roles import Actor, OutOfScope, as_actor
from demo import SEEDS
from loaders.counties import ingest_counties
from loaders.evaluation import ingest_evaluation
from loaders.roster_store import ingest_roster
from loaders.standards import ingest_standards
from tests.files import make_id, write_csv
from warehouse import audit
from warehouse.models import Evaluation, HouseholdMonth, Standard, Upload

HEADER = ["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"]
QUFU = Actor("wang", "evaluator", frozenset({"370881"}))
LEADER = Actor("li", "viewer")


def roster(tmp_path, county_town: str = "鲁城街道", region: str = "370881"):
    return write_csv(
        tmp_path / f"{region}.csv",
        [[county_town, make_id(region, sequence=1), "2", "1490", "2023-01-10"]],
        header=HEADER,
        title=[["2023年1月农村低保发放明细"]],
    )


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_evaluator_stores_their_own_county(tmp_path, warehouse):
    report = ingest_roster(warehouse, roster(tmp_path), county="370881", user=QUFU)
    assert report.upload_id is not None and count(warehouse, HouseholdMonth) == 1
    event = audit.events(warehouse).row(0, named=True)
    assert (event["actor"], event["action"], event["county_code"]) == ("wang", "upload", "370881")
    assert event["file_hash"] == report.file_hash and "2023-01" in event["detail"]


def test_an_evaluator_cannot_store_another_county(tmp_path, warehouse):
    path = roster(tmp_path, "戛洒镇", "530427")
    with pytest.raises(OutOfScope) as refused:
        ingest_roster(warehouse, path, county="530427", user=QUFU)
    assert "账户「wang」无权上传县区 530427 的名册（可上传：370881）" in refused.value.report()
    assert count(warehouse, HouseholdMonth) == 0 and count(warehouse, Upload) == 0


def test_a_viewer_cannot_upload_at_all(tmp_path, warehouse):
    with pytest.raises(OutOfScope, match="查看角色"):
        ingest_roster(warehouse, roster(tmp_path), county="370881", user=LEADER)
    assert count(warehouse, Upload) == 0


def test_a_score_sheet_with_one_foreign_county_is_refused_whole(tmp_path, warehouse):
    text = (SEEDS / "evaluations" / "370881_2023_rural.csv").read_text(encoding="utf-8-sig")
    other = (SEEDS / "evaluations" / "530427_2020_rural.csv").read_text(encoding="utf-8-sig").split("\n", 1)[1]
    both = tmp_path / "both.csv"
    both.write_text(text.rstrip("\n") + "\n" + other, encoding="utf-8")
    with pytest.raises(OutOfScope, match="530427"):
        ingest_evaluation(warehouse, both, user=QUFU)
    assert count(warehouse, Evaluation) == 0
    assert ingest_evaluation(warehouse, SEEDS / "evaluations" / "370881_2023_rural.csv", user=QUFU) == 1


def test_standards_outside_the_scope_are_refused(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "standards.csv",
        [["530427", "农村", "", "2024-01-01", "400", ""]],
        header=["县区代码", "项目", "保障类别", "生效日期", "保障标准（元/人/月）", "文号"],
    )
    before = count(warehouse, Standard)
    with pytest.raises(OutOfScope, match="保障标准"):
        ingest_standards(warehouse, path, user=QUFU)
    assert count(warehouse, Standard) == before


def test_only_an_administrator_changes_the_county_registry(warehouse):
    with pytest.raises(OutOfScope, match="只有管理员"):
        ingest_counties(warehouse, SEEDS / "counties.csv", user=QUFU)
    assert ingest_counties(warehouse, SEEDS / "counties.csv", user=Actor("admin", "admin")) == 5


def test_the_command_line_operator_is_an_administrator(tmp_path, warehouse):
    path = roster(tmp_path, "戛洒镇", "530427")
    assert ingest_roster(warehouse, path, county="530427", user="运维").upload_id is not None
    assert audit.events(warehouse)["actor"].to_list() == ["运维"]


@pytest.mark.parametrize("nobody", [None, "", "  ", 42])
def test_no_actor_is_no_right(nobody):
    with pytest.raises(TypeError):
        as_actor(nobody)
