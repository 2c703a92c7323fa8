"""Password policy for NEW passwords (user add, admin reset, own change): length, not the user
name, not a common password (zxcvbn's ranked list of 30,000 leaked passwords and its guess
estimate). Existing passwords (the demo logins' Demo@2026) keep working: only new ones are checked."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import gettext as _
from zxcvbn import zxcvbn
from zxcvbn.matching import RANKED_DICTIONARIES

COMMON = RANKED_DICTIONARIES["passwords"]  # lower-cased password → rank


def problems(password: str, username: str | None = None) -> list[str]:
    """What is wrong with `password` as a new password of `username` (empty: acceptable)."""
    password = password or ""
    out = []
    min_length = current_app.config.get("PASSWORD_MIN_LENGTH", 10)
    if len(password) < min_length:
        out.append(_("The password must have at least %(n)s characters.", n=min_length))
    name = (username or "").strip().lower()
    if len(name) >= 3 and name in password.lower():
        out.append(_("The password must not contain the user name."))
    if password.lower() in COMMON:
        out.append(_("This password is on the list of common passwords."))
    elif len(password) >= min_length and zxcvbn(password[:100], user_inputs=[name] if name else [])["score"] < 3:
        out.append(_("This password is too easy to guess: avoid words, names, dates and keyboard patterns."))
    return out


def check(password: str, username: str | None = None) -> None:
    found = problems(password, username)
    if found:
        raise PasswordComplexityValidationError(" ".join(found))


def _username_in_request() -> str | None:
    """Whose password is being set: the add form's user name, the reset form's ?pk, or oneself."""
    if not has_request_context():
        return None
    from app.extensions import db
    from app.org.models import AppUser

    if request.form.get("username"):
        return request.form["username"]
    if request.is_json and isinstance(request.get_json(silent=True), dict) and request.get_json().get("username"):
        return str(request.get_json()["username"])
    endpoint = request.endpoint or ""
    pk = request.args.get("pk") or (request.view_args or {}).get("pk")
    if endpoint.startswith(("ResetPasswordView", "UserApi")) and pk:
        try:
            user = db.session.get(AppUser, int(pk))
        except (TypeError, ValueError):
            user = None
        return user.username if user is not None else None
    user = getattr(g, "user", None)
    return getattr(user, "username", None)


def fab_validator(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: FAB calls it with the password only."""
    check(password, _username_in_request())
