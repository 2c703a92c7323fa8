"""The sign-in steps every way in goes through — the login form, its code page and the API
login: the limits (app.access.ratelimit), the password, the second factor where the user has
enrolled it or must, and the forced password change. Each step raises Refused with the status
and message to answer; the callers only render it."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.core import audit

from . import ratelimit, totp


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def too_many(minutes: int) -> str:
    return _("Too many sign-in attempts. For your account's safety, try again in %(minutes)s minutes.", minutes=minutes)


def _not_blocked(username: str) -> None:
    wait = ratelimit.blocked(username)
    if wait is not None:
        audit.log_event("login_limited", None, {"username": (username or "")[:128]})
        raise Refused(429, too_many(wait))


def password(username: str, password_: str):
    """The user whose password this is (counts a failure otherwise)."""
    _not_blocked(username)
    user = current_app.appbuilder.sm.auth_user_db(username, password_)
    if not user:
        ratelimit.failed(username)
        raise Refused(401, _("Invalid login. Please try again."))
    return user


def needs_code(user) -> bool:
    """A second factor is asked of users who enrolled it, and of those who must (TOTP_REQUIRED)."""
    return bool(user.totp_secret) or totp.required_for(user)


def code(user, code_: str) -> None:
    """Check and spend the user's TOTP code (counts a failure otherwise)."""
    _not_blocked(user.username)
    if not totp.verify(user, code_):
        ratelimit.failed(user.username)
        audit.log_event("login_failed", user.id, {"username": user.username, "step": "totp"})
        raise Refused(401, _("The verification code is wrong or has expired."))
