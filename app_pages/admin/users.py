"""账户管理: every account; a new one, whose password is shown once; role, counties, disable, re-enable, reset.

Every change goes through access.accounts under the logged-in administrator's name, so the audit log has it.
"""

import streamlit as st

from access.accounts import add_user, change_user, disable_user, enable_user, reset_password
from access.roles import EVALUATOR
from app_ui import admin, session
from app_ui.filters import current
from app_ui.i18n import t, tr

me = session.require_admin()
filters = current()
st.title(t("page_users"))
admin.show_notice()

roles = admin.role_words()
users = admin.accounts()
st.dataframe(admin.account_rows(users, filters.names), hide_index=True, width="stretch")
st.caption(
    tr(
        "密码只以 argon2 哈希保存，任何页面和导出都不显示。连续 5 次密码错误锁定 15 分钟；重置密码即解除锁定。",
        "Passwords are kept only as argon2 hashes and never shown. Five wrong passwords lock an account for "
        "15 minutes; a reset lifts the lock.",
    )
)


def county_picker(label: str, key: str, chosen: list[str] | None = None) -> list[str]:
    """The counties an evaluator may upload for (only evaluators have them)."""
    return st.multiselect(
        label,
        list(filters.names),
        default=[code for code in chosen or [] if code in filters.names],
        format_func=filters.names.get,
        key=key,
        placeholder=tr("选择县区", "Choose counties"),
    )


new_tab, edit_tab = st.tabs([tr("新建账户", "New account"), tr("修改账户", "Change an account")])

with new_tab:
    form = f"new-account-{admin.form_round('new-account')}"
    left, right = st.columns(2)
    username = left.text_input(
        tr("用户名", "Username"),
        key=f"{form}-username",
        help=tr("单点登录的账户，用户名写电子邮箱地址。", "For single sign-on, the username is the e-mail address."),
    )
    display_name = right.text_input(tr("显示名称", "Display name"), key=f"{form}-display-name")
    role = st.radio(tr("角色", "Role"), list(roles), format_func=roles.get, horizontal=True, key=f"{form}-role")
    counties = (
        county_picker(tr("可上传的县区", "Counties they may upload for"), f"{form}-counties")
        if (role == EVALUATOR)
        else []
    )
    st.caption(tr("初始密码由系统生成，只在新建后显示一次。", "The first password is generated and shown once."))
    if st.button(tr("新建账户", "Create the account"), type="primary", key="new-account-create"):
        admin.change(
            tr(f"已新建账户「{username.strip()}」，初始密码：", f"Account “{username.strip()}” created. Its password:"),
            add_user,
            username=username,
            role=role,
            counties=counties,
            display_name=display_name.strip(),
            fresh_form="new-account",
        )

with edit_tab:
    usernames = users["username"].to_list()
    if not usernames:
        st.info(tr("还没有账户。", "No accounts yet."))
        st.stop()
    chosen = st.selectbox(
        tr("账户", "Account"),
        usernames,
        index=usernames.index(me.name) if me.name in usernames else 0,
        key="edit-account",
    )
    account = admin.account(users, chosen)
    if chosen == me.name:
        st.info(
            tr(
                "这是您自己的账户：不能停用，也不能取消管理员角色（请另一位管理员操作）。",
                "This is your own account: you cannot disable it or take away its administrator role.",
            )
        )
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
    counties = (
        county_picker(
            tr("可上传的县区", "Counties they may upload for"), f"edit-{chosen}-counties", account["counties"]
        )
        if role == EVALUATOR
        else []
    )
    if st.button(tr("保存角色和县区", "Save role and counties"), type="primary", key="edit-save"):
        admin.change(
            tr(f"已修改账户「{chosen}」。", f"Account “{chosen}” changed."),
            change_user,
            chosen,
            role=role,
            counties=counties,
            display_name=display_name,
        )
    st.divider()
    state, reset = st.columns(2)
    if account["disabled"]:
        state.markdown(tr("**此账户已停用。**", "**This account is disabled.**"))
        if state.button(tr("重新启用（沿用原密码）", "Re-enable (same password)"), key="edit-enable"):
            admin.change(tr(f"已重新启用账户「{chosen}」。", f"Account “{chosen}” re-enabled."), enable_user, chosen)
    else:
        state.markdown(
            tr(
                "停用后不能再登录，记录保留，可随时重新启用。",
                "A disabled account cannot log in; it can be re-enabled.",
            )
        )
        if state.button(tr("停用账户", "Disable the account"), key="edit-disable"):
            admin.change(tr(f"已停用账户「{chosen}」。", f"Account “{chosen}” disabled."), disable_user, chosen)
    reset.markdown(
        tr(
            "生成新密码（只显示一次），同时解除锁定并启用账户；原密码作废。",
            "A new password (shown once); lifts a lock and re-enables the account; the old password stops working.",
        )
    )
    if reset.button(tr("重置密码", "Reset the password"), key="edit-reset"):
        admin.change(
            tr(f"已重置账户「{chosen}」的密码，新密码：", f"Password of “{chosen}” reset. The new password:"),
            reset_password,
            chosen,
        )
