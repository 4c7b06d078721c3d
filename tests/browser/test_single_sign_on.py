"""Single sign-on end to end: `streamlit run` with an [auth] secrets section, a real OpenID Connect exchange
with a provider on 127.0.0.1, and headless Chromium following the redirects."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.browser.server import CHROMIUM, chromium, free_port, running_app
from tests.browser.test_in_chromium import SHOTS, no_exception

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def secrets_file(folder: Path, port: int, provider: Provider) -> Path:
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-cookie-secret-for-this-test-only"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.url}/.well-known/openid-configuration"\n'
    )
    return path


@pytest.fixture(scope="module")
def signed_on(tmp_path_factory):
    """The app on a small warehouse with one evaluator account, behind the test provider."""
    from access.accounts import add_user
    from tests.conftest import register_counties
    from warehouse.db import open_warehouse
    from warehouse.settings import Settings

    folder = tmp_path_factory.mktemp("sso")
    url = f"sqlite:///{folder / 'warehouse.db'}"
    engine = open_warehouse(Settings(warehouse_url=url))
    register_counties(engine)
    add_user(engine, username="zhang@mzj.example", role="evaluator", counties=["370881"], by="test")
    port = free_port()
    with Provider() as provider:
        secrets = secrets_file(folder, port, provider)
        with running_app(url, f"--secrets.files={secrets}", port=port) as app:
            yield app, provider, engine
    engine.dispose()


def test_signing_on_maps_the_identity_to_its_account_and_logs_out(signed_on):
    from playwright.sync_api import sync_playwright

    from warehouse import audit

    app, provider, engine = signed_on
    with sync_playwright() as playwright:
        browser = chromium(playwright)
        tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab.goto(app)
        button = tab.get_by_role("button", name="统一身份认证登录")
        button.wait_for(timeout=60_000)
        assert tab.get_by_label("密码").count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "login_sso.png"))

        provider.identity = {"sub": "u-1001", "email": "zhang@mzj.example", "email_verified": True}
        button.click()  # → /auth/login → provider /authorize → /oauth2callback → the app
        tab.get_by_text("已登录：zhang@mzj.example（评价人员）").wait_for(timeout=60_000)
        no_exception(tab)
        assert tab.get_by_role("link", name="上传").count() == 1  # an evaluator's navigation
        assert audit.events(engine, action="login")["detail"].to_list() == [f"单点登录（{provider.url}）"]

        tab.get_by_role("button", name="退出登录").click()
        tab.get_by_role("button", name="统一身份认证登录").wait_for(timeout=60_000)
        assert audit.events(engine, action="logout")["actor"].to_list() == ["zhang@mzj.example"]

        provider.identity = {"sub": "u-2002", "email": "stranger@mzj.example", "email_verified": True}
        tab.get_by_role("button", name="统一身份认证登录").click()
        tab.get_by_text("stranger@mzj.example 尚未开通本系统账户").wait_for(timeout=60_000)
        assert tab.get_by_text("已登录").count() == 0
        browser.close()
