"""账户管理: every account; a new one, whose password is shown once; role, counties, disable, re-enable, reset.

Every change goes through access.accounts (app_ui.accounts_admin) under the logged-in administrator's
name, so the audit log has it.
"""

import polars as pl
import streamlit as st

from app_ui import accounts_admin, after_change, session
from app_ui.filters import ADMINS, Filters, page_start
from app_ui.i18n import tr
from app_ui.tables import show_table


def account_table(users: pl.DataFrame, filters: Filters) -> None:
    show_table(
        accounts_admin.account_rows(users, filters.names),
        accounts_admin.ACCOUNT_COLUMNS,
        name=("账户", "accounts"),
        key="accounts",
    )
    st.caption(
        tr(
            "密码只以 argon2 哈希保存，任何页面和导出都不显示。连续 5 次密码错误锁定 15 分钟；重置密码即解除锁定。",
            "Passwords are kept only as argon2 hashes and never shown. Five wrong passwords lock an account for "
            "15 minutes; a reset lifts the lock.",
        )
    )


def county_picker(filters: Filters, role: str, key: str, chosen: list[str] | None = None) -> list[str]:
    """The counties an evaluator may upload for (no one else has any)."""
    if not accounts_admin.takes_counties(role):
        return []
    return st.multiselect(
        tr("可上传的县区", "Counties they may upload for"),
        list(filters.names),
        default=[code for code in chosen or [] if code in filters.names],
        format_func=filters.names.get,
        key=key,
        placeholder=tr("选择县区", "Choose counties"),
    )


def new_account_section(filters: Filters) -> None:
    form = after_change.form_key(accounts_admin.NEW_ACCOUNT)
    roles = accounts_admin.role_words()
    left, right = st.columns(2)
    username = left.text_input(
        tr("用户名", "Username"),
        key=f"{form}-username",
        help=tr("单点登录的账户，用户名写电子邮箱地址。", "For single sign-on, the username is the e-mail address."),
    )
    display_name = right.text_input(tr("显示名称", "Display name"), key=f"{form}-display-name")
    role = st.radio(tr("角色", "Role"), list(roles), format_func=roles.get, horizontal=True, key=f"{form}-role")
    counties = county_picker(filters, role, f"{form}-counties")
    st.caption(tr("初始密码由系统生成，只在新建后显示一次。", "The first password is generated and shown once."))
    if st.button(tr("新建账户", "Create the account"), type="primary", key="new-account-create"):
        accounts_admin.add_account(username=username, role=role, counties=counties, display_name=display_name)


def change_account_section(users: pl.DataFrame, filters: Filters, me: str) -> None:
    usernames = users["username"].to_list()
    if not usernames:
        st.info(tr("还没有账户。", "No accounts yet."))
        return
    index = usernames.index(me) if me in usernames else 0  # one's own account first
    chosen = st.selectbox(tr("账户", "Account"), usernames, index=index, key="edit-account")
    if chosen == me:
        st.info(
            tr(
                "这是您自己的账户：不能停用，也不能取消管理员角色（请另一位管理员操作）。",
                "This is your own account: you cannot disable it or take away its administrator role.",
            )
        )
    account = accounts_admin.account(users, chosen)
    role_and_counties(account, filters)
    st.divider()
    state_and_password(account)


def role_and_counties(account: dict, filters: Filters) -> None:
    chosen, roles = account["username"], accounts_admin.role_words()
    left, right = st.columns(2)
    display_name = left.text_input(
        tr("显示名称", "Display name"), value=account["display_name"], key=f"edit-{chosen}-display-name"
    )
    role = right.selectbox(
        tr("角色", "Role"),
        list(roles),
        index=list(roles).index(account["role"]),
        format_func=roles.get,
        key=f"edit-{chosen}-role",
    )
    counties = county_picker(filters, role, f"edit-{chosen}-counties", account["counties"])
    if st.button(tr("保存角色和县区", "Save role and counties"), type="primary", key="edit-save"):
        accounts_admin.save_account(chosen, role=role, counties=counties, display_name=display_name)


def state_and_password(account: dict) -> None:
    chosen = account["username"]
    state, reset = st.columns(2)
    if account["disabled"]:
        state.markdown(tr("**此账户已停用。**", "**This account is disabled.**"))
        if state.button(tr("重新启用（沿用原密码）", "Re-enable (same password)"), key="edit-enable"):
            accounts_admin.enable_account(chosen)
    else:
        state.markdown(
            tr(
                "停用后不能再登录，记录保留，可随时重新启用。",
                "A disabled account cannot log in; it can be re-enabled.",
            )
        )
        if state.button(tr("停用账户", "Disable the account"), key="edit-disable"):
            accounts_admin.disable_account(chosen)
    reset.markdown(
        tr(
            "生成新密码（只显示一次），同时解除锁定并启用账户；原密码作废。",
            "A new password (shown once); lifts a lock and re-enables the account; the old password stops working.",
        )
    )
    if reset.button(tr("重置密码", "Reset the password"), key="edit-reset"):
        accounts_admin.reset_account_password(chosen)


filters = page_start("page_users", who=ADMINS, needs_counties=False, needs_year=False)
after_change.show_notice()
users = accounts_admin.accounts()
account_table(users, filters)
new_tab, edit_tab = st.tabs([tr("新建账户", "New account"), tr("修改账户", "Change an account")])
with new_tab:
    new_account_section(filters)
with edit_tab:
    change_account_section(users, filters, session.actor().name)
