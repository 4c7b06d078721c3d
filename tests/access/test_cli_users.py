"""`dibao user add|list|disable|reset`: passwords shown once, plain messages, every change audited."""

from __future__ import annotations

from click.testing import CliRunner

from access.accounts import authenticate
from cli import main
from warehouse import audit


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_add_list_disable_reset(warehouse):
    added = run("user", "add", "wang", "--role", "evaluator", "--county", "370881", "--name", "王评价")
    assert added.exit_code == 0, added.output
    password = added.output.strip().rsplit("：", 1)[1]
    assert authenticate(warehouse, "wang", password).actor.counties == {"370881"}
    listed = run("user", "list")
    assert "wang" in listed.output and "370881" in listed.output and password not in listed.output
    assert run("user", "disable", "wang").exit_code == 0
    assert "停用" in run("user", "list").output
    reset = run("user", "reset", "wang")
    new = reset.output.strip().rsplit("：", 1)[1]
    assert new != password and authenticate(warehouse, "wang", new).actor is not None
    actions = audit.events(warehouse, action=None)["action"].to_list()
    assert {"user_add", "user_disable", "user_reset", "login"} <= set(actions)
    assert not any(password in detail or new in detail for detail in audit.events(warehouse)["detail"])


def test_refusals_are_plain_messages(warehouse):
    for args, message in (
        (("user", "add", "wang", "--role", "evaluator"), "至少一个可上传的县区"),
        (("user", "reset", "nobody"), "用户名「nobody」不存在"),
        (("user", "disable", "nobody"), "用户名「nobody」不存在"),
    ):
        result = run(*args)
        assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_a_rejected_file_is_in_the_audit_log(tmp_path, warehouse):
    bad = tmp_path / "bad.csv"
    bad.write_text("不是名册\n", encoding="utf-8")
    result = run("ingest", "roster", str(bad), "--county", "370881")
    assert result.exit_code == 1
    event = audit.events(warehouse).row(0, named=True)
    assert event["action"] == "reject" and event["file_name"] == "bad.csv"
