"""Who is logged in, as the session holds it: read by the login (app_ui.session) and by the cached reads
(app_ui.data), which withhold small counts from those who may not see them."""

from __future__ import annotations

import streamlit as st

from access.roles import VIEWER, Actor

ACCOUNT = "account"  # session key: {"name", "role", "counties"} of the logged-in account


def actor() -> Actor | None:
    found = st.session_state.get(ACCOUNT)
    if not found:
        return None
    return Actor(found["name"], found["role"], frozenset(found.get("counties", ())))


def acting() -> Actor:
    """The logged-in actor, or an anonymous viewer (who may upload nothing) should a caller run without one."""
    return actor() or Actor("（未登录）", VIEWER)
