"""Sessions: absolute lifetime and idle timeout, and "log out everywhere".

Flask-Login keeps AppUser.get_id() = "<id>.<session_epoch>" in the session (and in a remember
cookie); JiedaoSecurityManager.load_user refuses a token whose epoch is not the user's current
one. Bumping the epoch (a password change, the 账号安全 page's button) ends every other session."""
from __future__ import annotations

import time

from flask import current_app, session
from flask_login import login_user, logout_user

from app.extensions import db

STARTED, SEEN = "_jiedao_started", "_jiedao_seen"


def start(user) -> None:
    """Sign `user` in on this browser (after password and, where enrolled, the code)."""
    session.pop("_jiedao_totp", None)
    login_user(user, remember=False)
    session.permanent = True  # PERMANENT_SESSION_LIFETIME
    now = time.time()
    session[STARTED] = now
    session[SEEN] = now


def end_everywhere(user, keep_this: bool = False) -> None:
    """Invalidate every session (and remember cookie) of `user`; optionally keep this one."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()
    if keep_this:
        started = session.get(STARTED)
        login_user(user, remember=False)  # the session now carries the new epoch
        session[STARTED] = started or time.time()


def expired() -> bool:
    """Has the signed-in session outlived its lifetime or its idle timeout?"""
    now = time.time()
    started, seen = session.get(STARTED), session.get(SEEN)
    lifetime = current_app.config.get("PERMANENT_SESSION_LIFETIME")
    lifetime = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime
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
    logout_user()
    for key in (STARTED, SEEN, "_jiedao_totp"):
        session.pop(key, None)
