"""Where secrets.toml names an OpenID Connect provider, people log in there and their e-mail picks the account."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from access.accounts import add_user, disable_user
from tests.pages.apptest import new_app, run
from warehouse import audit

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-cookie-secret-that-is-long-enough",
    "client_id": "dibao",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
}


def open_as(user: dict, page: str | None = None, **query: str) -> AppTest:
    """The app behind the provider of AUTH, with `user` as the identity Streamlit holds for this session."""
    app = new_app()
    app.secrets["auth"] = AUTH
    app.user = user
    return run(app, page, **query)


def signed_in(email: str, **claims) -> dict:
    return {"is_logged_in": True, "email": email, "iss": "https://sso.mzj.example", **claims}


def test_before_sign_on_only_the_provider_button_is_shown(warehouse):
    add_user(warehouse, username="zhang@mzj.example", role="viewer", by="测试")
    app = open_as({"is_logged_in": False}, county="370881", year="2023")
    assert not app.exception
    assert [button.label for button in app.button] == ["统一身份认证登录"]
    assert not app.text_input  # no password form when the bureau signs people on centrally
    assert not app.dataframe and not app.metric and not app.get("vega_lite_chart")


def test_a_signed_on_evaluator_gets_the_role_and_counties_of_their_account(warehouse):
    add_user(warehouse, username="Zhang@MZJ.example", role="evaluator", counties=["370881"], by="测试")
    app = open_as(signed_in("zhang@mzj.example"))
    assert not app.exception
    assert app.session_state["account"] == {"name": "Zhang@MZJ.example", "role": "evaluator", "counties": ["370881"]}
    assert "已登录：Zhang@MZJ.example（评价人员）" in [caption.value for caption in app.sidebar.caption]
    app.switch_page("app_pages/data/upload.py").run()  # evaluators upload
    assert not app.exception and app.get("file_uploader")
    events = audit.events(warehouse, action="login")
    assert events["detail"].to_list() == ["单点登录（https://sso.mzj.example）"]


def test_someone_without_an_account_is_told_so_and_sees_nothing(warehouse):
    add_user(warehouse, username="zhang@mzj.example", role="admin", by="测试")
    app = open_as(signed_in("stranger@mzj.example"), county="370881", year="2023")
    assert "stranger@mzj.example 尚未开通本系统账户" in app.error[0].value
    assert not app.dataframe and not app.metric and "account" not in app.session_state
    assert [button.label for button in app.button] == ["退出登录"]
    failed = audit.events(warehouse, action="login_failed")
    assert failed["actor"].to_list() == ["stranger@mzj.example"] and "无此账户" in failed["detail"][0]


def test_unverified_or_disabled_identities_are_refused(warehouse):
    add_user(warehouse, username="zhang@mzj.example", role="admin", by="测试")
    add_user(warehouse, username="li@mzj.example", role="viewer", by="测试")
    unverified = open_as(signed_in("li@mzj.example", email_verified=False))
    assert "未验证邮箱" in unverified.error[0].value and "account" not in unverified.session_state
    disable_user(warehouse, "li@mzj.example", by="zhang@mzj.example")
    disabled = open_as(signed_in("li@mzj.example"))
    assert disabled.error[0].value == "此账户已停用，请联系管理员" and not disabled.metric


def test_logging_out_ends_the_sign_on_too(warehouse):
    add_user(warehouse, username="li@mzj.example", role="viewer", by="测试")
    app = open_as(signed_in("li@mzj.example"))
    assert app.session_state["account"]["name"] == "li@mzj.example"
    app.sidebar.button(key="logout").click().run()
    assert not app.exception
    assert [button.label for button in app.button] == ["统一身份认证登录"] and not app.metric
    assert audit.events(warehouse, action="logout")["actor"].to_list() == ["li@mzj.example"]
