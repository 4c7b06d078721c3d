"""Who may set a flag's follow-up: the county's evaluators and admins (leadership reads the register), and
what a setting must say. Checked here, beside the county scope, so no page or command goes around it."""

from __future__ import annotations

from sqlalchemy import Engine

from access.roles import Actor, as_actor, scope
from warehouse.errors import Refused
from warehouse.followup import EXPLAINED, FALSE_ALARM, STATUS_WORDS, Decision, decide

NEEDS_NOTE = (EXPLAINED, FALSE_ALARM)  # closing a flag without changing the data needs a reason on record


class FollowUpRefused(Refused):
    """A follow-up setting that may not be made; nothing changed."""


def set_follow_up(engine: Engine, user: Actor | str, item: dict, decision: Decision) -> None:
    """Record `decision` on `item` (a row of the register) for `user`, or refuse with the reason."""
    actor = as_actor(user)
    if not actor.may_upload(item["county_code"]):
        raise FollowUpRefused(
            f"账户「{actor.name}」不能处理县区 {item['county_code']} 的整改台账（可处理：{scope(actor)}）"
        )
    if decision.status not in STATUS_WORDS:
        raise FollowUpRefused(f"状态「{decision.status}」无法识别，应为 {'、'.join(STATUS_WORDS.values())}")
    if decision.status in NEEDS_NOTE and not decision.note.strip():
        raise FollowUpRefused(f"标为「{STATUS_WORDS[decision.status]}」须写明说明（核实了什么、为何不需整改）")
    decide(engine, item, decision, by=actor.name)
