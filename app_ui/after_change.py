"""Show a change's outcome once, on the rerun that draws the page with the change, its forms started empty."""

from __future__ import annotations

import streamlit as st

from app_ui.i18n import tr

NOTICE = "change-notice"  # session key: (what was done, a password or None), shown by the next run only


def done(notice: str, *, password: str | None = None, fresh_form: str | None = None) -> None:
    """Keep the notice (and a new password) for the next run and draw the page again, so tables above show it.

    `fresh_form` names a form whose widgets start empty (see `form_key`).
    """
    st.session_state[NOTICE] = (notice, password)
    if fresh_form:
        st.session_state[f"{fresh_form}-round"] = _round(fresh_form) + 1
    st.rerun()


def form_key(form: str) -> str:
    """The start of a form's widget keys: after `done(..., fresh_form=form)` a new one, so new, empty widgets."""
    return f"{form}-{_round(form)}"


def _round(form: str) -> int:
    return st.session_state.get(f"{form}-round", 0)


def show_notice() -> None:
    """The last change's outcome; a password is on screen this once and forgotten with the next click."""
    notice = st.session_state.pop(NOTICE, None)
    if notice is None:
        return
    text, password = notice
    st.success(text)
    if password:
        st.code(password, language=None)
        st.warning(
            tr(
                "请现在把这个密码交给账户本人：它只显示这一次，离开或刷新此页后不会再显示，系统中也只保存其哈希值。"
                "忘记了只能重置密码。",
                "Hand this password over now: it is shown this once and never again (only its hash is stored). "
                "If it is lost, reset the password.",
            )
        )
