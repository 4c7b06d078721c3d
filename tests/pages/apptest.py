"""Open the app (or one of its pages) with AppTest, as a person following a link would."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"


ADMIN = {"name": "测试管理员", "role": "admin", "counties": []}


def seat(account: dict) -> dict:
    """Make sure the account a test logs in as exists in the warehouse under test, as a session's account
    is checked on every run. Written directly, not through access.accounts, so the audit log stays as the
    test made it."""
    import datetime as dt

    from sqlalchemy import insert, select

    from warehouse.db import make_engine
    from warehouse.models import Account

    engine = make_engine()
    with engine.begin() as conn:
        if conn.execute(select(Account.id).where(Account.username == account["name"])).first() is None:
            now = dt.datetime.now(dt.UTC)
            row = {"username": account["name"], "role": account["role"], "counties": ",".join(account["counties"])}
            conn.execute(insert(Account).values(**row, password_hash="-", created_at=now, changed_at=now))
    engine.dispose()
    return account


def new_app() -> AppTest:
    """app.py, not run yet, with Streamlit's caches emptied (they outlive one AppTest)."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=90)


def run(app: AppTest, page: str | None = None, **query: str) -> AppTest:
    """Run `app` with `query` as the query string, then switch to `page` ("app_pages/dashboard/recipients.py")."""
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def open_app(page: str | None = None, *, account: dict | None = ADMIN, **query: str) -> AppTest:
    """Run app.py logged in as `account` (None: not logged in) with `query` as the query string, then
    switch to `page` ("app_pages/dashboard/recipients.py")."""
    app = new_app()
    if account is not None:
        app.session_state["account"] = seat(account)
    return run(app, page, **query)


def chart_specs(app: AppTest) -> list[dict]:
    """The Vega-Lite specs of every Altair chart on the page."""
    import json

    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def open_with(page: str, counties: list[str], year: int, program: str = "") -> AppTest:
    """`page` opened from a link that carries these filters."""
    app = open_app(page, county=",".join(counties), year=str(year), program=program)
    assert app.multiselect(key="counties").value == counties and app.selectbox(key="year").value == year
    return app


def metrics(app: AppTest) -> dict[str, str]:
    """The page's metrics, label → value as shown."""
    return {metric.label: metric.value for metric in app.metric}


def table(app: AppTest, header: str):
    """The table whose columns include `header`, as pandas."""
    return next(frame.value for frame in app.dataframe if header in frame.value.columns)
