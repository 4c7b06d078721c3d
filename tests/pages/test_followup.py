"""The 整改台账 page: leadership reads it; the county's evaluators set an item (a note for 误报), through
access.followup and into the audit log; other counties' evaluators cannot; overdue items stand out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from access.followup import FollowUpRefused, set_follow_up
from access.roles import Actor
from briefs.followup import follow_up
from tests.files import make_id, store_plain_roster
from tests.pages.apptest import metrics, open_app, table
from warehouse import audit
from warehouse.followup import FIXED, OPEN, Decision, stored

PAGE = "app_pages/data/followup.py"
WANG = {"name": "wang", "role": "evaluator", "counties": ["370881"]}
LI = {"name": "li", "role": "evaluator", "counties": ["530427"]}
LEADER = {"name": "leader", "role": "viewer", "counties": []}
DROP = "鲁城街道 2023年3月 保障户数 42，较上月下降 30%（上月 60），近12个月正常范围 60–60；去年同月持平"
# the same flag for a reader who may not see Qufu's small counts: no figure (a percentage of a count is one)
DROP_WITHHELD = "鲁城街道 2023年3月 保障户数较上月明显下降（具体数字仅本县区评价人员和管理员可见）"


def store_township_drop(engine, folder: Path) -> None:
    """Qufu's 鲁城街道: 60 one-person households paid 600 元 on the 10th, January 2022 to February 2023, then 42
    in March 2023 (18 exited: 30 % fewer); every month approved. No findings: valid IDs, paid on time, below
    the standard."""
    for month in (dt.date(2022 + index // 12, index % 12 + 1, 1) for index in range(15)):
        households = 42 if month == dt.date(2023, 3, 1) else 60
        paid = f"{month:%Y-%m}-10"
        rows = [["鲁城街道", make_id(sequence=number), "1", "600", paid] for number in range(1, households + 1)]
        store_plain_roster(engine, folder, rows, county="370881", month=f"{month:%Y-%m}")


@pytest.fixture
def dropped(tmp_path, warehouse):
    store_township_drop(warehouse, tmp_path)
    return warehouse


def open_register(account: dict, **query: str):
    app = open_app(PAGE, account=account, county="370881", year="2023", **query)
    assert not app.exception
    return app


def form_widget(widgets, field: str):
    """The edit form's `field` widget (status, owner, due, note): its key ends with the field's name."""
    return next(
        widget for widget in widgets if (widget.key or "").startswith("followup-form") and widget.key.endswith(field)
    )


def save(app):
    next(button for button in app.button if button.label == "保存").click().run()
    assert not app.exception
    return app


def item(engine, words: str) -> dict:
    return follow_up(engine, counties=["370881"], year=2023).filter(words=words).row(0, named=True)


def pick(app, engine, words: str):
    """Open the edit form on the item that `words` says."""
    app.selectbox(key="followup-item-zh").set_value(item(engine, words)["key"]).run()
    return app


def row_of(app, words: str):
    shown = table(app, "内容")
    return shown[shown["内容"] == words].iloc[0]


def test_leadership_reads_the_register_without_a_form(dropped):
    app = open_register(LEADER)
    assert app.title[0].value == "整改台账"
    assert metrics(app) == {"待核实": "3", "其中逾期": "0", "已说明": "0", "已整改": "0", "误报": "0"}
    assert "这些事项的依据：上传名册 3 项。" in app.caption[0].value
    shown = table(app, "内容")
    assert DROP_WITHHELD in shown["内容"].tolist() and DROP not in shown["内容"].tolist()
    after_the_month = [words.split("月", 1)[1].replace("近12个月", "") for words in shown["内容"]]
    assert not any(character.isdigit() for words in after_the_month for character in words)
    assert set(shown["类型"]) == {"异常"} and set(shown["状态"]) == {"待核实"} and set(shown["县区"]) == {"曲阜市"}
    assert not [button for button in app.button if button.label == "保存"]
    assert any("只能查看整改台账" in caption.value for caption in app.caption)


def test_the_county_evaluator_sets_a_false_alarm_with_a_note(dropped):
    app = pick(open_register(WANG), dropped, DROP)
    form_widget(app.selectbox, "status").set_value("false_alarm")
    form_widget(app.text_input, "owner").set_value("wang")
    form_widget(app.text_area, "note").set_value("3 月有 18 户集中退出，经核实为年度复核清退，名册无误")
    save(app)
    key = item(dropped, DROP)["key"]
    assert app.success[0].value.startswith(f"已保存 {key}（曲阜市）：鲁城街道 2023年3月 保障户数 42")
    assert app.success[0].value.endswith("→ 误报")
    row = row_of(app, DROP)
    assert (row["状态"], row["负责人"], row["更新人"]) == ("误报", "wang", "wang")
    assert "年度复核清退" in row["说明"]
    assert metrics(app)["误报"] == "1" and metrics(app)["待核实"] == "2"
    decided = stored(dropped).row(0, named=True)
    assert (decided["key"], decided["status"], decided["updated_by"]) == (key, "false_alarm", "wang")
    events = audit.events(dropped, action="followup")
    assert events["actor"].to_list() == ["wang"]
    assert f"[{key}]" in events["detail"][0] and "待核实 → 误报" in events["detail"][0]


def test_a_false_alarm_without_a_note_is_refused_and_changes_nothing(dropped):
    app = pick(open_register(WANG), dropped, DROP)
    form_widget(app.selectbox, "status").set_value("false_alarm")
    save(app)
    assert "标为「误报」须写明说明" in app.error[0].value
    assert stored(dropped).is_empty()
    assert audit.events(dropped, action="followup").is_empty()
    assert row_of(app, DROP)["状态"] == "待核实"


def test_an_evaluator_of_another_county_gets_no_form(dropped):
    app = open_register(LI)
    assert DROP_WITHHELD in table(app, "内容")["内容"].tolist()  # the register reads for everyone, figures withheld
    assert not [button for button in app.button if button.label == "保存"]
    assert "没有您可处理的县区（新平彝族傣族自治县）的事项" in app.info[0].value
    with pytest.raises(FollowUpRefused, match="不能处理县区 370881"):  # nor can any other path set it
        set_follow_up(dropped, Actor("li", "evaluator", frozenset({"530427"})), item(dropped, DROP), Decision(FIXED))


def test_an_open_item_past_its_due_date_is_marked_overdue(dropped):
    set_follow_up(dropped, "审核员", item(dropped, DROP), Decision(OPEN, owner="wang", due=dt.date(2023, 6, 30)))
    app = open_register(LEADER)
    assert metrics(app)["其中逾期"] == "1"
    assert "1 项已过期限仍待核实" in app.warning[0].value
    row = row_of(app, DROP_WITHHELD)
    assert (row["状态"], row["负责人"], row["期限"].date()) == ("待核实 · ⚠ 逾期", "wang", dt.date(2023, 6, 30))
    app.toggle(key="followup-overdue").set_value(True).run()
    assert table(app, "内容")["内容"].tolist() == [DROP_WITHHELD]


def test_a_closed_item_whose_figure_changes_opens_again(dropped, tmp_path):
    set_follow_up(dropped, "审核员", item(dropped, DROP), Decision(FIXED, note="已补录"))
    rows = [["鲁城街道", make_id(sequence=number), "1", "600", "2023-03-10"] for number in range(1, 41)]
    (again := tmp_path / "again").mkdir()
    store_plain_roster(dropped, again, rows, county="370881", month="2023-03")  # 40 households, not 42
    shown = table(open_register(WANG), "内容")
    reopened = shown[shown["内容"].str.startswith("鲁城街道 2023年3月 保障户数 40")].iloc[0]
    assert reopened["状态"] == "待核实 · 重新打开（原为已整改：数值已变）"
    # leadership sees it reopened too, judged on the true figures it may not read
    assert row_of(open_register(LEADER), DROP_WITHHELD)["状态"] == "待核实 · 重新打开（原为已整改：数值已变）"


def test_the_register_in_english(dropped):
    app = open_register(WANG)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Follow-up register"
    assert list(metrics(app)) == ["Open", "of which overdue", "Explained", "Fixed", "False alarm"]
    shown = table(app, "What")
    assert set(shown["Kind"]) == {"Anomaly"} and set(shown["Status"]) == {"Open"}
    assert set(shown["Basis"]) == {"uploaded rosters"}
    assert [button.label for button in app.button if button.label == "Save"] == ["Save"]
