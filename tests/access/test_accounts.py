"""Accounts: argon2 hashes, a lock after repeated failures, disable and reset, all in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from access import audit
from access.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    AccountError,
    add_user,
    authenticate,
    demo_accounts,
    disable_user,
    list_users,
    reset_password,
)
from warehouse.models import Account, AuditEvent
from warehouse.settings import sqlite_path


def add(engine, username="wang", role="evaluator", counties=("370881",), **options) -> str:
    return add_user(engine, username=username, role=role, counties=list(counties), by="管理员", **options)


def test_a_password_is_stored_only_as_an_argon2id_hash(warehouse, settings):
    password = add(warehouse)
    with warehouse.connect() as conn:
        stored = conn.execute(select(Account.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and password not in stored
    with warehouse.begin() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(FULL)"))
    database = sqlite_path(settings.warehouse_url)
    for path in (database, database.with_name(database.name + "-wal")):
        if path.exists():
            assert password.encode() not in path.read_bytes()


def test_login_gives_the_role_and_county_scope(warehouse):
    password = add(warehouse, counties=("370881", "530427"))
    login = authenticate(warehouse, "wang", password)
    assert login.actor is not None and login.actor.role == "evaluator"
    assert login.actor.counties == {"370881", "530427"}
    assert login.actor.may_upload("370881") and not login.actor.may_upload("440840")


def test_a_wrong_password_and_an_unknown_user_read_the_same(warehouse):
    add(warehouse)
    assert authenticate(warehouse, "wang", "not-the-password").message == "用户名或密码不正确"
    assert authenticate(warehouse, "nobody", "whatever").message == "用户名或密码不正确"


def test_five_failures_lock_the_account_even_against_the_right_password(warehouse):
    password = add(warehouse)
    for _ in range(MAX_FAILURES):
        assert authenticate(warehouse, "wang", "wrong password").actor is None
    locked = authenticate(warehouse, "wang", password)
    assert locked.actor is None and "已锁定" in locked.message
    # the lock lapses after LOCK_MINUTES
    with warehouse.begin() as conn:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        conn.execute(update(Account).values(locked_until=past))
    assert authenticate(warehouse, "wang", password).actor is not None
    actions = audit.events(warehouse, actor="wang")["action"].to_list()[::-1]
    assert actions == ["login_failed"] * MAX_FAILURES + ["locked", "login_failed", "login"]
    assert LOCK_MINUTES == 15


def test_four_failures_then_success_do_not_lock(warehouse):
    password = add(warehouse)
    for _ in range(MAX_FAILURES - 1):
        authenticate(warehouse, "wang", "wrong password")
    assert authenticate(warehouse, "wang", password).actor is not None
    for _ in range(MAX_FAILURES - 1):  # the count started again after the success
        authenticate(warehouse, "wang", "wrong password")
    assert authenticate(warehouse, "wang", password).actor is not None


def test_disable_and_reset(warehouse):
    old = add(warehouse)
    disable_user(warehouse, "wang", by="管理员")
    refused = authenticate(warehouse, "wang", old)
    assert refused.actor is None and "停用" in refused.message
    new = reset_password(warehouse, "wang", by="管理员")
    assert new != old and authenticate(warehouse, "wang", old).actor is None
    assert authenticate(warehouse, "wang", new).actor is not None
    users = list_users(warehouse)
    assert users.columns == ["username", "display_name", "role", "counties", "disabled", "locked_until"]
    kinds = set(audit.events(warehouse, actor="管理员")["action"])
    assert kinds == {"user_add", "user_disable", "user_reset"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "evaluator", "counties": ()}, "至少一个可上传的县区"),
        ({"role": "evaluator", "counties": ("999999",)}, "999999 不在县区名录中"),
        ({"role": "boss", "counties": ()}, "角色「boss」不存在"),
        ({"role": "viewer", "counties": (), "password": "short"}, "密码至少 10 个字符"),
        ({"username": "  ", "role": "viewer", "counties": ()}, "用户名不能为空"),
    ],
)
def test_refused_accounts_say_why(warehouse, options, message):
    with pytest.raises(AccountError, match=message):
        add(warehouse, **options)


def test_a_username_is_taken_once(warehouse):
    add(warehouse)
    with pytest.raises(AccountError, match="已存在"):
        add(warehouse)


def test_the_audit_log_refuses_update_and_delete(warehouse):
    add(warehouse)
    with pytest.raises(DatabaseError, match="append-only"), warehouse.begin() as conn:
        conn.execute(update(AuditEvent).values(actor="someone else"))
    with pytest.raises(DatabaseError, match="append-only"), warehouse.begin() as conn:
        conn.execute(delete(AuditEvent))
    assert audit.events(warehouse)["actor"].to_list() == ["管理员"]


def test_demo_accounts_only_when_there_are_none(warehouse):
    made = demo_accounts(warehouse, by="demo")
    assert {name: role for name, (role, _) in made.items()} == {
        "admin": "admin",
        "leader": "viewer",
        "qufu": "evaluator",
    }
    assert all(len(password) >= 16 for _, password in made.values())
    assert authenticate(warehouse, "qufu", made["qufu"][1]).actor.counties == {"370881"}
    assert demo_accounts(warehouse, by="demo") == {}
