"""The 管理 pages: only administrators open them; accounts change through access.accounts (audited, a
password shown once); the audit log filters; the county registry imports; the rubric library lists."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import add_user, authenticate
from tests.files import write_csv
from tests.pages.apptest import open_app, seat, table
from warehouse import audit

ROOT = Path(__file__).resolve().parents[2]
USERS, AUDIT, REGISTRY = "app_pages/admin/users.py", "app_pages/admin/audit.py", "app_pages/admin/registry.py"
ADMIN_PAGES = (USERS, AUDIT, REGISTRY)
ADMIN = {"name": "chen", "role": "admin", "counties": []}
EVALUATOR = {"name": "wang", "role": "evaluator", "counties": ["370881"]}
VIEWER = {"name": "li", "role": "viewer", "counties": []}


@pytest.fixture
def accounts(warehouse):
    """The logged-in administrator's own account, and a second administrator (so one may be demoted)."""
    add_user(warehouse, username="chen", role="admin", display_name="陈管理", by="运维")
    add_user(warehouse, username="zhou", role="admin", display_name="周管理", by="运维")
    return warehouse


def main_texts(app: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(app.main, kind)]


def choose_account(app: AppTest, username: str) -> AppTest:
    app.selectbox(key="edit-account").set_value(username).run()
    return app


def add_evaluator(app: AppTest, username: str, counties: list[str]) -> str:
    """Fill in the new-account form as an administrator would; the password the page shows."""
    app.text_input(key="new-account-0-username").set_value(username)
    app.text_input(key="new-account-0-display-name").set_value("王评价")
    app.radio(key="new-account-0-role").set_value("evaluator").run()
    app.multiselect(key="new-account-0-counties").set_value(counties)
    app.button(key="new-account-create").click().run()
    assert not app.exception and not main_texts(app, "error")
    assert main_texts(app, "success") == [f"已新建账户「{username}」，初始密码："]
    assert "只显示这一次" in main_texts(app, "warning")[0]
    return app.code[0].value


@pytest.mark.parametrize("account", [VIEWER, EVALUATOR], ids=["viewer", "evaluator"])
def test_viewers_and_evaluators_cannot_open_the_admin_pages(accounts, account):
    app = open_app(account=account)
    for page in ADMIN_PAGES:  # the 管理 group is not in their navigation
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)
    for page in ADMIN_PAGES:  # and each page refuses by itself, opened some other way
        script = AppTest.from_file(str(ROOT / page), default_timeout=60)
        script.session_state["account"] = seat(account)
        script.run()
        assert not script.exception
        assert [warning.value for warning in script.warning] == ["此页面仅供管理员使用。"]
        assert not script.dataframe and not script.metric and not script.main.button and not script.text_input


def test_an_administrator_sees_the_admin_group(accounts):
    for page in ADMIN_PAGES:
        app = open_app(page, account=ADMIN)
        assert not app.exception and not app.warning, page
        assert app.title[0].value in ("账户管理", "审计日志", "县区与指标体系")


def test_the_account_list_shows_roles_and_counties_in_words_and_no_password(accounts):
    add_user(accounts, username="wang", role="evaluator", counties=["370881", "530427"], by="运维")
    app = open_app(USERS, account=ADMIN)
    shown = table(app, "用户名")
    assert list(shown.columns) == ["用户名", "显示名称", "角色", "可上传县区", "状态", "锁定至"]
    wang = shown[shown["用户名"] == "wang"].iloc[0]
    assert wang["角色"] == "评价人员（上传本县区数据）" and wang["可上传县区"] == "曲阜市、新平彝族傣族自治县"
    assert wang["状态"] == "正常" and wang["锁定至"] == ""
    assert shown.set_index("用户名").loc["chen", "可上传县区"] == "全部县区"
    assert "$argon2" not in shown.to_string()


def test_an_administrator_adds_an_evaluator_who_can_log_in_with_the_password_shown_once(accounts):
    app = open_app(USERS, account=ADMIN)
    password = add_evaluator(app, "wang", ["370881", "440840"])
    login = authenticate(accounts, "wang", password)
    assert login.actor is not None and login.actor.role == "evaluator"
    assert login.actor.counties == {"370881", "440840"}
    listed = table(app, "用户名")
    assert listed[listed["用户名"] == "wang"].iloc[0]["可上传县区"] == "曲阜市、湛江经济技术开发区"
    assert app.text_input(key="new-account-1-username").value == ""  # a fresh form for the next account
    event = audit.events(accounts, action="user_add").row(0, named=True)
    assert event["actor"] == "chen" and event["detail"] == "wang：evaluator 370881,440840"
    assert not any(password in detail for detail in audit.events(accounts)["detail"])
    app.run()  # any further click: the password is gone from the screen
    assert not app.code and not main_texts(app, "success")


def test_a_refused_account_is_an_error_message_not_a_traceback(accounts):
    app = open_app(USERS, account=ADMIN)
    app.text_input(key="new-account-0-username").set_value("chen")
    app.button(key="new-account-create").click().run()
    assert not app.exception and main_texts(app, "error") == ["用户名「chen」已存在"]
    app.radio(key="new-account-0-role").set_value("evaluator").run()
    app.text_input(key="new-account-0-username").set_value("wang")
    app.button(key="new-account-create").click().run()
    assert main_texts(app, "error") == ["评价人员须指定至少一个可上传的县区（--county）"]
    assert not app.code


def test_disable_re_enable_and_reset(accounts):
    old = add_user(accounts, username="wang", role="evaluator", counties=["370881"], by="运维")
    app = choose_account(open_app(USERS, account=ADMIN), "wang")
    app.button(key="edit-disable").click().run()
    assert main_texts(app, "success") == ["已停用账户「wang」。"]
    assert "停用" in authenticate(accounts, "wang", old).message
    assert table(app, "用户名").set_index("用户名").loc["wang", "状态"] == "已停用"

    app.button(key="edit-enable").click().run()
    assert main_texts(app, "success") == ["已重新启用账户「wang」。"]
    assert authenticate(accounts, "wang", old).actor is not None

    app.button(key="edit-reset").click().run()
    assert main_texts(app, "success") == ["已重置账户「wang」的密码，新密码："]
    new = app.code[0].value
    assert new != old and authenticate(accounts, "wang", old).actor is None
    assert authenticate(accounts, "wang", new).actor is not None
    mine = audit.events(accounts, actor="chen")["action"].to_list()[::-1]
    assert mine == ["user_disable", "user_enable", "user_reset"]


def test_a_reset_lifts_a_lock(accounts):
    password = add_user(accounts, username="wang", role="evaluator", counties=["370881"], by="运维")
    for _ in range(5):
        authenticate(accounts, "wang", "wrong password")
    assert "已锁定" in authenticate(accounts, "wang", password).message
    app = open_app(USERS, account=ADMIN)
    assert table(app, "用户名").set_index("用户名").loc["wang", "状态"] == "锁定中"
    choose_account(app, "wang").button(key="edit-reset").click().run()
    assert authenticate(accounts, "wang", app.code[0].value).actor is not None


def test_change_role_and_counties(accounts):
    add_user(accounts, username="wang", role="evaluator", counties=["370881"], by="运维")
    app = choose_account(open_app(USERS, account=ADMIN), "wang")
    assert app.multiselect(key="edit-wang-counties").value == ["370881"]
    app.multiselect(key="edit-wang-counties").set_value(["530427"])
    app.text_input(key="edit-wang-display-name").set_value("王新平")
    app.button(key="edit-save").click().run()
    assert not app.exception and main_texts(app, "success") == ["已修改账户「wang」。"]
    row = table(app, "用户名").set_index("用户名").loc["wang"]
    assert (row["显示名称"], row["可上传县区"]) == ("王新平", "新平彝族傣族自治县")
    app.selectbox(key="edit-wang-role").set_value("viewer").run()
    assert not [box for box in app.multiselect if box.key == "edit-wang-counties"]  # only evaluators have counties
    app.button(key="edit-save").click().run()
    assert table(app, "用户名").set_index("用户名").loc["wang", "角色"] == "领导（查看）"
    event = audit.events(accounts, action="user_change").row(0, named=True)
    assert event["actor"] == "chen" and event["detail"] == "wang：viewer"


def test_an_administrator_cannot_disable_or_demote_their_own_account(accounts):
    app = open_app(USERS, account=ADMIN)
    assert app.selectbox(key="edit-account").value == "chen"  # one's own account comes first
    assert "这是您自己的账户" in main_texts(app, "info")[0]
    app.button(key="edit-disable").click().run()
    assert not app.exception and main_texts(app, "error") == ["不能停用自己的账户（请另一位管理员操作）"]
    app.selectbox(key="edit-chen-role").set_value("viewer").run()
    app.button(key="edit-save").click().run()
    assert main_texts(app, "error") == ["不能取消自己的管理员角色（请另一位管理员操作）"]
    row = table(app, "用户名").set_index("用户名").loc["chen"]
    assert (row["角色"], row["状态"]) == ("管理员", "正常")
    assert audit.events(accounts, actor="chen").is_empty()
    # another administrator may be disabled and demoted
    choose_account(app, "zhou").button(key="edit-disable").click().run()
    assert main_texts(app, "success") == ["已停用账户「zhou」。"]


def test_audit_filters_narrow_the_rows(accounts):
    password = add_user(accounts, username="wang", role="evaluator", counties=["370881"], by="chen")
    for _ in range(2):
        authenticate(accounts, "wang", "wrong password")
    authenticate(accounts, "wang", password)
    audit.record(accounts, actor="wang", action="upload", county="370881", file_name="曲阜1月.csv", file_hash="ab12cd")
    app = open_app(AUDIT, account=ADMIN)
    assert not app.exception
    everything = table(app, "操作人")
    assert list(everything.columns) == ["时间（北京时间）", "操作人", "操作", "县区", "说明", "文件名", "文件哈希"]
    assert everything["操作"].tolist()[:4] == ["上传入库", "登录", "登录失败", "登录失败"]  # newest first
    assert everything.iloc[0]["县区"] == "曲阜市"
    assert {m.label: m.value for m in app.metric} == {"新建账户": "3", "登录失败": "2", "登录": "1", "上传入库": "1"}
    # times are Beijing time
    beijing = dt.datetime.now(audit.ZONE).replace(tzinfo=None)
    assert abs(everything.iloc[0]["时间（北京时间）"].to_pydatetime() - beijing) < dt.timedelta(minutes=2)

    app.selectbox(key="audit-action").set_value("login_failed").run()
    failed = table(app, "操作人")
    assert failed["操作"].tolist() == ["登录失败", "登录失败"] and set(failed["操作人"]) == {"wang"}
    assert {m.label: m.value for m in app.metric} == {"登录失败": "2"}

    app.selectbox(key="audit-action").set_value("").run()
    app.selectbox(key="audit-actor").set_value("chen").run()
    assert table(app, "操作人")["说明"].tolist() == ["wang：evaluator 370881"]

    app.selectbox(key="audit-actor").set_value("").run()
    app.text_input(key="audit-text").set_value("AB12").run()  # part of a hash, any case
    assert table(app, "操作人")["文件名"].tolist() == ["曲阜1月.csv"]

    app.text_input(key="audit-text").set_value("").run()
    app.selectbox(key="audit-county").set_value("530427").run()
    assert not app.dataframe and "没有记录" in main_texts(app, "info")[0]

    app.selectbox(key="audit-county").set_value("").run()
    yesterday = dt.datetime.now(audit.ZONE).date() - dt.timedelta(days=1)
    app.date_input(key="audit-dates").set_value((yesterday - dt.timedelta(days=7), yesterday)).run()
    assert not app.dataframe and not app.metric


def test_the_audit_page_only_reads_and_exports(accounts):
    app = open_app(AUDIT, account=ADMIN)
    assert not app.main.button  # no delete, no edit
    downloads = [button.proto.label for button in app.get("download_button")]
    assert downloads == ["下载 CSV", "下载 Excel"]


def test_the_registry_page_shows_the_demo_counties_and_the_six_rubrics(demo_warehouse):
    app = open_app(REGISTRY, account=ADMIN)
    assert not app.exception
    counties = table(app, "县区代码").set_index("县区代码")
    assert list(counties.index) == ["370881", "440840", "530114", "530427", "900001"]
    assert counties.loc["370881", "县区名称"] == "曲阜市" and counties.loc["370881", "发放截止日"] == "月末"
    assert counties.loc["530427", "发放截止日"] == "30" and counties.loc["530427", "乡镇（街道）数"] == 12
    rubrics = table(app, "末级指标").set_index("文件")
    assert list(rubrics.index) == [
        "county-900001-2023.toml",
        "guangdong-self-2022.toml",
        "kunming-self-2023.toml",
        "mof-2020.toml",
        "qufu-2023.toml",
        "xinping-2020.toml",
    ]
    assert rubrics.loc["qufu-2023.toml", "适用于"] == "曲阜市 农村 2019–2024年"
    assert rubrics.loc["county-900001-2023.toml", "总分值"] == 90
    errata = table(app, "报告原文问题")
    assert "60%≤资金到位率<60%" in " ".join(errata["报告原文问题"])
    assert "dibao rubric validate" in main_texts(app, "info")[0]


def test_a_registry_file_is_checked_then_imported_by_the_administrator(tmp_path, accounts):
    path = write_csv(
        tmp_path / "县区名录.csv",
        [
            ["530114", "呈贡区", "呈贡", "云南", "昆明市", "10", "001", "龙城街道"],
            ["", "", "", "", "", "", "002", "洛龙街道"],
        ],
        header=["县区代码", "县区名称", "简称", "省份", "地市", "发放截止日", "乡镇代码", "乡镇名称"],
        encoding="gb18030",
    )
    app = open_app(REGISTRY, account=ADMIN)
    app.get("file_uploader")[0].set_value(("县区名录.csv", path.read_bytes(), "text/csv")).run()
    assert not app.exception
    preview = table(app, "入库后").iloc[0]
    assert (preview["县区代码"], preview["乡镇（街道）数"], preview["入库后"]) == ("530114", 2, "新增")
    assert len(table(app, "县区代码")) == 3  # nothing stored yet
    app.button(key="registry-confirm").click().run()
    assert not app.exception and main_texts(app, "success") == ["「县区名录.csv」已导入：1 个县区。"]
    counties = table(app, "县区代码").set_index("县区代码")
    assert counties.loc["530114", "县区名称"] == "呈贡区" and counties.loc["530114", "乡镇（街道）数"] == 2
    event = audit.events(accounts, action="upload").row(0, named=True)
    assert (event["actor"], event["file_name"], event["detail"]) == ("chen", "县区名录.csv", "县区名录")
    assert len(event["file_hash"]) == 64


def test_a_rejected_registry_file_stores_nothing_and_is_audited(tmp_path, accounts):
    path = write_csv(tmp_path / "bad.csv", [["530114", "10"]], header=["县区代码", "发放截止日"])
    app = open_app(REGISTRY, account=ADMIN)
    app.get("file_uploader")[0].set_value(("bad.csv", path.read_bytes(), "text/csv")).run()
    assert not app.exception and "文件未导入" in main_texts(app, "error")[0]
    assert "县区名称" in table(app, "问题").to_string()
    assert not [button for button in app.button if button.key == "registry-confirm"]
    assert len(table(app, "县区代码")) == 3
    app.run()  # a rerun does not log the same rejection twice
    rejected = audit.events(accounts, action="reject")
    assert rejected.height == 1 and rejected.row(0, named=True)["actor"] == "chen"


def test_the_admin_pages_speak_english_too(accounts):
    authenticate(accounts, "chen", "wrong password")
    app = open_app(AUDIT, account=ADMIN)
    app.radio(key="lang").set_value("en").run()
    assert not app.exception and app.title[0].value == "Audit log"
    shown = table(app, "Who")
    assert list(shown.columns) == ["Time (Beijing)", "Who", "Action", "County", "Detail", "File", "File hash"]
    assert shown["Action"].tolist() == ["Failed login", "Account created", "Account created"]
    app = open_app(USERS, account=ADMIN)
    app.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Accounts" and "Role" in table(app, "Username").columns
