"""Sessions: absolute lifetime and idle timeout, server-side revocation, and "log out everywhere".

Flask-Login keeps AppUser.get_id() = "<id>.<session_epoch>" in the session (and in a remember
cookie); JiedaoSecurityManager.load_user refuses a token whose epoch is not the user's current
one. Bumping the epoch (a password change, the 账号安全 page's button, (re)activation of the
account) ends every other session. Each session made by our sign-in also holds a secret whose
hash is a `login_session` row: logout deletes it, so a copy of the signed cookie taken before
logout is refused after it."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user

from app.extensions import db

from .models import LoginSession

STARTED, SEEN, SID = "_jiedao_started", "_jiedao_seen", "_jiedao_sid"


def _hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def lifetime_seconds() -> float:
    lifetime = current_app.config.get("PERMANENT_SESSION_LIFETIME")
    return lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else float(lifetime or 0)


def start(user) -> None:
    """Sign `user` in on this browser (after password and, where enrolled, the code)."""
    session.pop("_jiedao_totp", None)
    login_user(user, remember=False)
    session.permanent = True  # PERMANENT_SESSION_LIFETIME
    now = time.time()
    session[STARTED] = now
    session[SEEN] = now
    sid = secrets.token_urlsafe(32)
    session[SID] = sid
    # a session's age is elapsed real time (as STARTED in the cookie), in UTC: not the office's clock,
    # which a test or an operator may move
    created = dt.datetime.fromtimestamp(now, dt.UTC).replace(tzinfo=None)
    db.session.add(LoginSession(id=_hash(sid), user_id=user.id, created_at=created))
    # sessions past their lifetime can no longer be used: forget them
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.created_at < created - dt.timedelta(seconds=lifetime_seconds() or 86400)
        )
    )
    db.session.commit()


def end_everywhere(user, keep_this: bool = False) -> None:
    """Invalidate every session (and remember cookie) of `user`; optionally keep this one."""
    user.session_epoch = (user.session_epoch or 0) + 1
    others = sa.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_this and session.get(SID):
        others = others.where(LoginSession.id != _hash(session[SID]))
    db.session.execute(others)
    db.session.commit()
    if keep_this:
        started = session.get(STARTED)
        login_user(user, remember=False)  # the session now carries the new epoch
        session[STARTED] = started or time.time()


def live() -> bool:
    """Is this request's session one our sign-in made and logout has not revoked?
    (JiedaoSecurityManager.load_user: a revoked cookie loads no user, whatever else it carries.)"""
    sid = session.get(SID)
    return bool(sid) and db.session.get(LoginSession, _hash(sid)) is not None


def expired() -> bool:
    """Has the signed-in session outlived its lifetime or its idle timeout?"""
    now = time.time()
    started, seen = session.get(STARTED), session.get(SEEN)
    lifetime = lifetime_seconds()
    idle = current_app.config.get("SESSION_IDLE_SECONDS")
    if started is None:
        return True  # a session not made by our sign-in (e.g. a restored remember cookie)
    if lifetime and now - started > lifetime:
        return True
    return bool(idle and seen is not None and now - seen > idle)


def touch() -> None:
    now = time.time()
    if now - session.get(SEEN, 0) > 15:  # do not rewrite the cookie on every request
        session[SEEN] = now


def end_here() -> None:
    """Log this browser out, and revoke its session on the server."""
    sid = session.get(SID)
    if sid:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.id == _hash(sid)))
        db.session.commit()
    logout_user()
    for key in (STARTED, SEEN, SID, "_jiedao_totp"):
        session.pop(key, None)


def _new_epoch_on_activation_change(user, value, oldvalue, _initiator):
    """An account switched off and on again must not revive the sessions it had."""
    if oldvalue in (True, False) and bool(value) != bool(oldvalue):
        user.session_epoch = (user.session_epoch or 0) + 1


def install() -> None:
    from app.org.models import AppUser

    if not sa.event.contains(AppUser.active, "set", _new_epoch_on_activation_change):
        sa.event.listen(AppUser.active, "set", _new_epoch_on_activation_change)
