"""Who is logged in: the login form or single sign-on, logout, and the Actor the loaders check.

No page draws data before this says someone is logged in: app.py asks first, and every page's
sidebar (app_ui.filters) asks again, so a page opened by its own URL is covered too.

Where `.streamlit/secrets.toml` has an `[auth]` section naming an OpenID Connect provider, people
log in there (Streamlit's st.login / st.user) and access.identity maps them to an account by
e-mail; otherwise they use the warehouse's own accounts and passwords.
"""

from __future__ import annotations

import streamlit as st

from access.accounts import Login, any_accounts, authenticate, current_actor
from access.identity import sign_in
from access.roles import ADMIN, EVALUATOR, ROLES, Actor
from app_ui import data
from app_ui.account import ACCOUNT, actor
from app_ui.account import acting as acting  # re-exported: pages ask the session who acts
from app_ui.i18n import t, tr
from warehouse import audit


def may_upload() -> bool:
    current = actor()
    return current is not None and current.role in (EVALUATOR, ADMIN)


def require_uploader() -> None:
    """Stop a page that stores data for an account that may not (a page opened by its URL, too)."""
    require_login()
    if not may_upload():
        st.warning(tr("此页面仅供评价人员和管理员使用。", "This page is for evaluators and administrators."))
        st.stop()


def is_admin() -> bool:
    current = actor()
    return current is not None and current.role == ADMIN


def require_admin() -> Actor:
    """Stop a page for anyone but an administrator (a page opened by its URL, too)."""
    current = require_login()
    if current.role != ADMIN:
        st.warning(tr("此页面仅供管理员使用。", "This page is for administrators."))
        st.stop()
    return current


def providers() -> list[str | None]:
    """The OpenID Connect providers configured in secrets.toml: None for an unnamed `[auth]` provider."""
    try:
        auth = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets.toml at all
        return []
    if not auth:
        return []
    found: list[str | None] = [None] if "client_id" in auth else []
    return found + [name for name, value in auth.items() if hasattr(value, "get") and "client_id" in value]


def require_login() -> Actor:
    """The logged-in actor; otherwise the login form (or single sign-on), and nothing else of the page."""
    sso = providers()
    if sso:
        return _single_sign_on(sso)
    current = _still_allowed()
    if current is not None:
        return current
    st.title(t("app_title"))
    if not any_accounts(data.engine()):
        st.info(
            tr(
                "还没有任何账户。请在服务器上运行 `dibao user add 用户名 --role admin` 新建管理员，"
                "或运行 `dibao demo` 载入演示数据并创建演示账户。",
                "There are no accounts yet. Run `dibao user add NAME --role admin` on the server, "
                "or `dibao demo` to load the demo data and create demo accounts.",
            )
        )
        st.stop()
    with st.form("login"):
        st.subheader(tr("登录", "Log in"))
        username = st.text_input(tr("用户名", "Username"), key="login-username")
        password = st.text_input(tr("密码", "Password"), type="password", key="login-password")
        submitted = st.form_submit_button(tr("登录", "Log in"), type="primary")
    if submitted:
        _enter(authenticate(data.engine(), username, password))
    st.stop()


def _still_allowed(*, warn: bool = True) -> Actor | None:
    """The session's actor as the account stands now: a disable or a role change takes effect on the next
    click, not at the next login."""
    current = actor()
    if current is None:
        return None
    fresh = current_actor(data.engine(), current.name)
    if fresh is None:
        st.session_state.pop(ACCOUNT, None)
        if warn:
            st.warning(tr("您的账户已被停用，请重新登录或联系管理员。", "Your account has been disabled."))
        return None
    if fresh != current:
        _keep(fresh)
    return fresh


def _keep(current: Actor) -> None:
    st.session_state[ACCOUNT] = {"name": current.name, "role": current.role, "counties": sorted(current.counties)}


def _enter(login: Login) -> None:
    """Keep a successful login in the session and draw the page again; show why not otherwise."""
    if login.actor is None:
        st.error(login.message)
        return
    _keep(login.actor)
    st.rerun()


def _single_sign_on(sso: list[str | None]) -> Actor:
    """Log in through the provider; the account is looked up once per session and per identity."""
    if not st.user.is_logged_in:
        st.session_state.pop(ACCOUNT, None)
        st.title(t("app_title"))
        st.subheader(tr("登录", "Log in"))
        st.caption(tr("本系统使用单位统一身份认证登录。", "This app logs you in through your organisation's sign-on."))
        for provider in sso:
            label = tr("统一身份认证登录", "Log in with single sign-on") + (f"（{provider}）" if provider else "")
            if st.button(label, type="primary", key=f"sso-{provider or 'default'}"):
                st.login(provider)
        st.stop()
    email = st.user.get("email")
    current = actor()
    if current is not None and email and current.name.lower() == str(email).lower():
        current = _still_allowed(warn=False)  # disabled since: sign_in below says so, with a logout button
        if current is not None:
            return current
    login = sign_in(data.engine(), email=email, email_verified=st.user.get("email_verified"), provider=_issuer(sso))
    if login.actor is None:
        st.title(t("app_title"))
        st.error(login.message)
        if st.button(tr("退出登录", "Log out"), key="sso-logout"):
            st.logout()
        st.stop()
    _enter(login)
    raise AssertionError("unreachable: _enter reruns the page")  # pragma: no cover


def _issuer(sso: list[str | None]) -> str:
    return str(st.user.get("iss") or next((name for name in sso if name), "OIDC"))


def logout() -> None:
    current = actor()
    if current is not None:
        audit.record(data.engine(), actor=current.name, action="logout")
    st.session_state.pop(ACCOUNT, None)
    if providers():
        st.logout()  # ends the identity cookie; the browser is sent to the provider's logout
    st.rerun()


def account_box() -> None:
    """Who is logged in, in the sidebar, with a logout button."""
    current = actor()
    if current is None:
        return
    role = ROLES.get(current.role, current.role).split("（")[0]
    st.sidebar.caption(tr(f"已登录：{current.name}（{role}）", f"Logged in: {current.name} ({current.role})"))
    if st.sidebar.button(tr("退出登录", "Log out"), key="logout"):
        logout()
