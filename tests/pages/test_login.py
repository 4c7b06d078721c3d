"""No page shows data before login; roles decide what a person can open; scope holds on the upload page."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from access.accounts import add_user
from tests.files import make_id, write_csv
from tests.pages.apptest import open_app, seat
from warehouse.models import HouseholdMonth, Upload

ROOT = Path(__file__).resolve().parents[2]
EVALUATOR = {"name": "wang", "role": "evaluator", "counties": ["370881"]}
VIEWER = {"name": "li", "role": "viewer", "counties": []}


def test_without_login_only_the_login_form_is_shown(warehouse):
    add_user(warehouse, username="li", role="viewer", by="测试")
    for page in (None, "app_pages/dashboard/recipients.py", "app_pages/data/upload.py"):
        app = open_app(page, account=None, county="370881", year="2023")
        assert not app.exception
        assert [button.label for button in app.button] == ["登录"] or app.get("form_submit_button")
        assert not app.dataframe and not app.metric and not app.get("vega_lite_chart")
        assert [box.label for box in app.text_input] == ["用户名", "密码"]


def test_with_no_account_at_all_the_page_says_how_to_make_one(warehouse):
    app = open_app(account=None)
    assert "dibao user add" in app.info[0].value and not app.text_input


def test_logging_in_through_the_form(warehouse):
    password = add_user(warehouse, username="li", role="viewer", by="测试")
    app = open_app(account=None)
    app.text_input(key="login-username").set_value("li")
    app.text_input(key="login-password").set_value("wrong password")
    app.get("form_submit_button")[0].click().run()
    assert app.error[0].value == "用户名或密码不正确"
    app.text_input(key="login-password").set_value(password)
    app.get("form_submit_button")[0].click().run()
    assert not app.exception and app.session_state["account"]["name"] == "li"
    assert "已登录：li（领导）" in [caption.value for caption in app.sidebar.caption]


def test_a_viewer_cannot_open_the_upload_approval_or_scoring_page(warehouse):
    for page in ("app_pages/data/upload.py", "app_pages/data/approval.py", "app_pages/performance/scoring.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_app(page, account=VIEWER, county="370881", year="2023")  # not in a viewer's navigation
        # and the page itself refuses, should it be run some other way
        script = AppTest.from_file(str(ROOT / page), default_timeout=60)
        script.session_state["account"] = seat(VIEWER)
        script.run()
        assert not script.exception
        assert script.warning[0].value == "此页面仅供评价人员和管理员使用。"
        assert not script.get("file_uploader") and not script.main.get("radio")


def test_an_evaluator_uploading_another_county_is_refused_and_nothing_is_stored(tmp_path, warehouse):
    path = write_csv(
        tmp_path / "xinping.csv",
        [["戛洒镇", make_id("530427", sequence=1), "2", "700", "2023-01-10"]],
        header=["乡镇", "身份证号码", "保障人数", "发放金额", "发放日期"],
        title=[["2023年1月农村低保发放明细"]],
    )
    app = open_app("app_pages/data/upload.py", account=EVALUATOR)
    app.selectbox(key="upload_county").set_value("530427").run()
    app.get("file_uploader")[0].set_value(("xinping.csv", path.read_bytes(), "text/csv")).run()
    assert not app.exception
    shown = " ".join(str(frame.value.values.tolist()) for frame in app.dataframe) + app.error[0].value
    assert "账户「wang」无权上传县区 530427 的名册（可上传：370881）" in shown
    assert not [button for button in app.button if button.key == "confirm"]
    with warehouse.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HouseholdMonth)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(Upload)).scalar_one() == 0


def test_an_account_disabled_during_a_session_is_logged_out_at_the_next_click(warehouse):
    from access.accounts import change_user, disable_user

    add_user(warehouse, username="admin2", role="admin", by="测试")
    add_user(warehouse, username="wang", role="evaluator", counties=["370881"], by="测试")
    app = open_app(account=EVALUATOR)
    assert app.session_state["account"]["role"] == "evaluator"
    change_user(warehouse, "wang", role="viewer", display_name="", by="admin2")
    app.run()
    assert app.session_state["account"] == {"name": "wang", "role": "viewer", "counties": []}  # demoted at once
    disable_user(warehouse, "wang", by="admin2")
    app.run()
    assert "account" not in app.session_state and not app.metric
    assert app.warning[0].value == "您的账户已被停用，请重新登录或联系管理员。"
