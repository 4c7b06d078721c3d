"""Roles and county scope, checked by the loaders themselves so no page or command can go around them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from warehouse.errors import Problem, Rejected

VIEWER, EVALUATOR, ADMIN = "viewer", "evaluator", "admin"
ROLES = {VIEWER: "领导（查看）", EVALUATOR: "评价人员（上传本县区数据）", ADMIN: "管理员"}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a logged-in account, or the operator at the command line (an admin)."""

    name: str
    role: str
    counties: frozenset[str] = frozenset()  # where an evaluator may upload

    @classmethod
    def operator(cls, name: str) -> Actor:
        """The person running `dibao` on the server: they hold the database file, so they hold every right."""
        return cls(name, ADMIN)

    def may_upload(self, county: str | None) -> bool:
        if self.role == ADMIN:
            return True
        return self.role == EVALUATOR and county is not None and county in self.counties

    @property
    def may_manage(self) -> bool:
        return self.role == ADMIN


class OutOfScope(Rejected):
    """An upload for a county outside the actor's scope: nothing is stored."""


def as_actor(user: Actor | str) -> Actor:
    """Loaders take an Actor; a plain name is the command-line operator. Anything else is refused."""
    if isinstance(user, Actor):
        return user
    if isinstance(user, str) and user.strip():
        return Actor.operator(user)
    raise TypeError(f"no actor: {user!r}")


def require_upload(user: Actor | str, counties: Iterable[str | None], *, file_name: str, what: str) -> Actor:
    """Refuse the whole file if any county in it is outside the actor's scope (or the role may not upload)."""
    actor = as_actor(user)
    refused = sorted({county or "（无）" for county in counties if not actor.may_upload(county)})
    if refused:
        if actor.role == VIEWER:
            message = f"账户「{actor.name}」为查看角色，不能上传{what}"
        else:
            message = f"账户「{actor.name}」无权上传县区 {'、'.join(refused)} 的{what}（可上传：{scope(actor)}）"
        raise OutOfScope([Problem(file_name, message=message)])
    return actor


def require_admin(user: Actor | str, *, file_name: str, what: str) -> Actor:
    actor = as_actor(user)
    if not actor.may_manage:
        raise OutOfScope([Problem(file_name, message=f"只有管理员可以导入{what}（账户「{actor.name}」不是管理员）")])
    return actor


def scope(actor: Actor) -> str:
    if actor.role == ADMIN:
        return "全部县区"
    return "、".join(sorted(actor.counties)) or "无"
