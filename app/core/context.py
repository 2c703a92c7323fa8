"""Who is acting: the logged-in user in a request, nobody in the CLI."""

from __future__ import annotations

from flask import g, has_request_context


def current_user():
    """The logged-in user, or None (anonymous, CLI, seed scripts)."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None:
        from flask_login import current_user as cu

        user = cu._get_current_object() if cu else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_user_id() -> int | None:
    user = current_user()
    return user.id if user is not None else None


def client_ip() -> str | None:
    if not has_request_context():
        return None
    from flask import request

    return request.remote_addr
