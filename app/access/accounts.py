"""The first administrator, made by `flask --app run init` on an empty user table."""

from __future__ import annotations

import os
import secrets

from flask import current_app

from app.extensions import db


def create_initial_admin() -> tuple[str, str, bool] | None:
    """Create the administrator when no user exists: user name JIEDAO_ADMIN_USER (admin), password
    JIEDAO_ADMIN_PASSWORD or a random one. It must be changed at the first sign-in
    (must_change_password). Returns (user name, password, generated) or None."""
    from app.core import permissions
    from app.org.models import AppUser

    sm = current_app.appbuilder.sm
    if sm.count_users():
        return None
    username = os.environ.get("JIEDAO_ADMIN_USER", "admin")
    password = os.environ.get("JIEDAO_ADMIN_PASSWORD") or ""
    generated = not password
    if generated:
        password = secrets.token_urlsafe(12)
    role = sm.find_role(permissions.ROLES[permissions.ADMIN_ROLE][0])
    user = sm.add_user(username, "管理员", "系统", f"{username}@localhost", [role], password)
    if not user:
        raise RuntimeError("could not create the administrator")
    user = db.session.get(AppUser, user.id)
    user.must_change_password = True
    db.session.commit()
    return username, password, generated


def is_untouched_initial_admin(user) -> bool:
    """Made by init and never signed in (seed-demo turns it into the demo admin)."""
    return bool(user.must_change_password) and not user.login_count
