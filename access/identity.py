"""Single sign-on: a person the bureau's OpenID Connect provider vouches for, mapped to an account.

The provider proves who someone is; what they may do stays with the warehouse's accounts. An
account whose username is the person's e-mail address gives the role and county scope, so an
administrator grants access the same way for both kinds of login (`dibao user add
zhang@mzj.gov.cn --role evaluator --county 370881`), and disabling the account shuts the door
even while the provider still says yes.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from access.accounts import Login
from access.roles import Actor
from warehouse import audit
from warehouse.models import Account


def sign_in(engine: Engine, *, email: str | None, email_verified: bool | None, provider: str) -> Login:
    """The account for an identity the provider returned; every attempt is audited."""
    address = (email or "").strip()
    source = f"单点登录（{provider}）"
    if not address:
        audit.record(engine, actor="（未知）", action="login_failed", detail=f"{source}：身份中没有电子邮箱")
        return Login(None, "身份认证没有提供电子邮箱地址，无法对应到账户，请联系管理员")
    if email_verified is False:  # providers that say nothing about it are trusted to have checked
        audit.record(engine, actor=address[:64], action="login_failed", detail=f"{source}：邮箱未验证")
        return Login(None, f"身份认证服务未验证邮箱 {address}，请先在该服务中完成验证")
    with engine.begin() as conn:
        account = conn.execute(select(Account).where(func.lower(Account.username) == address.lower())).first()
        if account is None:
            audit.record(conn, actor=address[:64], action="login_failed", detail=f"{source}：无此账户")
            return Login(None, f"{address} 尚未开通本系统账户，请联系管理员开通")
        if account.disabled:
            audit.record(conn, actor=account.username, action="login_failed", detail=f"{source}：账户已停用")
            return Login(None, "此账户已停用，请联系管理员")
        audit.record(conn, actor=account.username, action="login", detail=source)
    counties = frozenset(code for code in account.counties.split(",") if code)
    return Login(Actor(account.username, account.role, counties))
