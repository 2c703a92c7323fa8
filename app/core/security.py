"""FAB security manager: our AppUser model, login auditing."""
from __future__ import annotations

from flask_appbuilder.security.sqla.manager import SecurityManager

from app.org.models import AppUser

from . import audit


class JiedaoSecurityManager(SecurityManager):
    user_model = AppUser

    def auth_user_db(self, username, password):
        user = super().auth_user_db(username, password)
        if user is None:
            audit.log_event("login_failed", None, {"username": (username or "")[:128]})
        else:
            audit.log_event("login", user.id)
        return user
