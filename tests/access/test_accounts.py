"""Accounts: argon2 hashes, a lock after repeated failures, disable and reset, all in the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from access.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    AccountError,
    add_user,
    authenticate,
    change_user,
    current_actor,
    demo_accounts,
    disable_user,
    enable_user,
    list_users,
    reset_password,
)
from warehouse import audit
from warehouse.models import Account, AuditEvent
from warehouse.settings import sqlite_path


def add(engine, username="wang", role="evaluator", counties=("370881",), **options) -> str:
    return add_user(engine, username=username, role=role, counties=list(counties), by="管理员", **options)


@pytest.mark.sqlite_only
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


def test_enable_lets_a_disabled_account_in_again_with_its_old_password(warehouse):
    password = add(warehouse)
    disable_user(warehouse, "wang", by="管理员")
    enable_user(warehouse, "wang", by="管理员")
    assert authenticate(warehouse, "wang", password).actor is not None
    assert audit.events(warehouse, actor="管理员")["action"].to_list()[::-1] == [
        "user_add",
        "user_disable",
        "user_enable",
    ]
    with pytest.raises(AccountError, match="用户名「nobody」不存在"):
        enable_user(warehouse, "nobody", by="管理员")


def test_change_role_counties_and_name(warehouse):
    password = add(warehouse)
    change_user(warehouse, "wang", role="evaluator", counties=["530427", "370881"], display_name=" 王二 ", by="管理员")
    row = list_users(warehouse).row(0, named=True)
    assert (row["counties"], row["display_name"]) == ("370881,530427", "王二")
    assert authenticate(warehouse, "wang", password).actor.counties == {"370881", "530427"}
    change_user(warehouse, "wang", role="viewer", counties=["370881"], display_name="王二", by="管理员")
    actor = authenticate(warehouse, "wang", password).actor
    assert actor.role == "viewer" and actor.counties == frozenset()  # only evaluators keep counties
    event = audit.events(warehouse, action="user_change").row(0, named=True)
    assert (event["actor"], event["detail"]) == ("管理员", "wang：viewer")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "evaluator", "counties": []}, "至少一个可上传的县区"),
        ({"role": "evaluator", "counties": ["999999"]}, "999999 不在县区名录中"),
        ({"role": "boss"}, "角色「boss」不存在"),
    ],
)
def test_refused_changes_change_nothing(warehouse, change, message):
    add(warehouse)
    with pytest.raises(AccountError, match=message):
        change_user(warehouse, "wang", display_name="", by="管理员", **change)
    assert list_users(warehouse).row(0, named=True)["counties"] == "370881"
    assert audit.events(warehouse, action="user_change").is_empty()


def test_nobody_disables_or_demotes_their_own_account(warehouse):
    add(warehouse, username="chen", role="admin", counties=())
    add(warehouse, username="zhou", role="admin", counties=())
    with pytest.raises(AccountError, match="不能停用自己的账户"):
        disable_user(warehouse, "chen", by="chen")
    with pytest.raises(AccountError, match="不能取消自己的管理员角色"):
        change_user(warehouse, "chen", role="viewer", display_name="", by="chen")
    change_user(warehouse, "chen", role="admin", display_name="陈", by="chen")  # one's own name is fine
    assert list_users(warehouse).filter(username="chen").row(0, named=True)["role"] == "admin"
    disable_user(warehouse, "zhou", by="chen")  # another administrator may be disabled


def test_the_last_enabled_administrator_stays(warehouse):
    """The command line acts as an operator with no account: it too cannot leave the bureau without an admin."""
    add(warehouse, username="chen", role="admin", counties=())
    add(warehouse, username="zhou", role="admin", counties=())
    disable_user(warehouse, "zhou", by="运维")
    with pytest.raises(AccountError, match="唯一可用的管理员"):
        disable_user(warehouse, "chen", by="运维")
    with pytest.raises(AccountError, match="唯一可用的管理员"):
        change_user(warehouse, "chen", role="viewer", display_name="", by="运维")
    enable_user(warehouse, "zhou", by="运维")
    change_user(warehouse, "chen", role="viewer", display_name="", by="运维")
    assert set(list_users(warehouse).filter(role="admin")["username"]) == {"zhou"}


def test_audit_filters_by_days_words_and_counts(warehouse):
    add(warehouse)
    authenticate(warehouse, "wang", "wrong password")
    audit.record(warehouse, actor="wang", action="upload", file_name="曲阜_2023-01.csv", file_hash="AbC123", detail="x")
    today = dt.datetime.now(audit.ZONE).date()
    assert audit.events(warehouse, since=today, until=today).height == 3
    assert audit.events(warehouse, until=today - dt.timedelta(days=1)).is_empty()
    assert audit.events(warehouse, since=today + dt.timedelta(days=1)).is_empty()
    assert audit.events(warehouse, text="abc1")["action"].to_list() == ["upload"]  # a hash, any case
    assert audit.events(warehouse, text="2023-01")["action"].to_list() == ["upload"]  # a file name
    assert audit.events(warehouse, text="第 1 次")["action"].to_list() == ["login_failed"]  # a detail
    assert audit.events(warehouse, text="%").is_empty()  # LIKE wildcards are plain characters
    assert audit.counts(warehouse).rows() == [("login_failed", 1), ("upload", 1), ("user_add", 1)]
    assert audit.counts(warehouse, actor="wang").rows() == [("login_failed", 1), ("upload", 1)]
    assert audit.actors(warehouse) == ["wang", "管理员"]


def test_a_local_day_starts_at_beijing_midnight(warehouse):
    """An event at 23:30 UTC belongs to the next day in Beijing (07:30)."""
    from sqlalchemy import insert

    late = dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.UTC)
    with warehouse.begin() as conn:
        conn.execute(insert(AuditEvent).values(at=late, actor="a", action="login"))
    assert audit.events(warehouse, since=dt.date(2024, 3, 2), until=dt.date(2024, 3, 2)).height == 1
    assert audit.events(warehouse, since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 1)).is_empty()
    shown = audit.events(warehouse).select(audit.local_time()).item()
    assert shown == dt.datetime(2024, 3, 2, 7, 30)


def test_the_current_actor_follows_changes_made_after_login(warehouse):
    add(warehouse)
    assert current_actor(warehouse, "wang").counties == {"370881"}
    change_user(warehouse, "wang", role="viewer", display_name="", by="管理员")
    assert current_actor(warehouse, "wang").role == "viewer"
    disable_user(warehouse, "wang", by="管理员")
    assert current_actor(warehouse, "wang") is None and current_actor(warehouse, "nobody") is None
