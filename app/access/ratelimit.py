"""Sign-in limits, per account and per address, over failed attempts only (wrong passwords and
TOTP codes, from the login form and the API alike). The failures are rows of `login_failure`, so
every app process — several gunicorn workers, with or without Redis — counts the same attempts.

LOGIN_RATE_LIMIT_ACCOUNT counts the failures of one account from anywhere, whatever spelling of
its name was typed (other case, spaces, its e-mail address); LOGIN_RATE_LIMIT_ADDRESS counts the
failures from one client address, so an office behind one NAT address signs in freely while a
password-guessing address is stopped. Values are `limits` strings ("5 per 15 minutes"); None
turns a limit off (TestConfig: the suite signs in thousands of times from 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import math

import sqlalchemy as sa
from flask import current_app, request
from limits import parse

from app.core import clock
from app.extensions import db

from .models import LoginFailure

ACCOUNT, ADDRESS = "account", "address"
_CONFIG = {ACCOUNT: "LOGIN_RATE_LIMIT_ACCOUNT", ADDRESS: "LOGIN_RATE_LIMIT_ADDRESS"}


def _limit(kind: str) -> tuple[int, dt.timedelta] | None:
    text = current_app.config.get(_CONFIG[kind])
    if not text:
        return None
    item = parse(text)
    return item.amount, dt.timedelta(seconds=item.get_expiry())


def account_key(username: str) -> str:
    """The account a typed name means (by user name, case-insensitive, or e-mail), as "#<id>";
    a name of no account stays itself, normalised."""
    from app.org.models import AppUser

    name = (username or "").strip().lower()[:128]
    if not name:
        return "-"
    user_id = db.session.execute(
        sa.select(AppUser.id)
        .where(sa.or_(sa.func.lower(AppUser.username) == name, sa.func.lower(AppUser.email) == name))
        .order_by(AppUser.id)
        .limit(1)
    ).scalar()
    return f"#{user_id}" if user_id is not None else name


def _address() -> str:
    return request.remote_addr or "-"


def _keys(username: str) -> dict[str, str]:
    return {ACCOUNT: account_key(username), ADDRESS: _address()}


def _wait_minutes(kind: str, key: str) -> int | None:
    limit = _limit(kind)
    if limit is None:
        return None
    amount, window = limit
    since = clock.now() - window
    recent = sa.select(LoginFailure.at).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at > since
    )
    count = db.session.execute(sa.select(sa.func.count()).select_from(recent.subquery())).scalar()
    if count < amount:
        return None
    # the window frees a place when the oldest failure that fills it leaves
    oldest = db.session.execute(recent.order_by(LoginFailure.at.desc()).offset(amount - 1).limit(1)).scalar()
    seconds = ((oldest or clock.now()) + window - clock.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def blocked(username: str) -> int | None:
    """Minutes to wait when the account or the address is over its limit of failures, else None."""
    for kind, key in _keys(username).items():
        wait = _wait_minutes(kind, key)
        if wait is not None:
            return wait
    return None


def failed(username: str) -> None:
    """A wrong password or code for `username` from this address."""
    now = clock.now()
    for kind, key in _keys(username).items():
        limit = _limit(kind)
        if limit is None:
            continue
        db.session.add(LoginFailure(kind=kind, key=key, at=now))
        db.session.execute(sa.delete(LoginFailure).where(LoginFailure.kind == kind, LoginFailure.at < now - limit[1]))
    db.session.commit()
