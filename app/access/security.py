"""FAB security manager: our AppUser model, login auditing."""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager

from app.core import audit
from app.core.context import current_user_id
from app.org.models import AppUser

from . import sessions, signin
from .api import MFA_CLAIM, SecurityApi
from .views import AuthDBView, ResetMyPasswordView


class JiedaoSecurityManager(SecurityManager):
    user_model = AppUser
    authdbview = AuthDBView  # rate limits, TOTP step (app.access)
    resetmypasswordview = ResetMyPasswordView  # asks the current password
    security_api = SecurityApi  # API login: the form's limits and second factor

    def load_user(self, pk):
        """Session and remember cookie hold "<id>.<epoch>" (AppUser.get_id): a token of an older
        epoch (password changed, "log out everywhere") no longer signs anyone in; nor does a
        session revoked on the server (logged out: a copy of its cookie)."""
        user_id, _sep, epoch = str(pk).partition(".")
        try:
            user = self.get_user_by_id(int(user_id))
        except ValueError:
            return None
        if user is None or not user.is_active or not _sep or epoch != str(user.session_epoch or 0):
            return None
        if has_request_context() and not sessions.live():
            return None
        return user

    def create_jwt_manager(self, app):
        """API tokens carry the session epoch too: "log out everywhere" and a password change
        end them (refresh tokens included) like browser sessions."""
        jwt_manager = super().create_jwt_manager(app)

        @jwt_manager.additional_claims_loader
        def _epoch_claim(identity):
            user = self.get_user_by_id(int(identity))
            return {"epoch": (user.session_epoch or 0) if user is not None else -1}

        return jwt_manager

    def load_user_jwt(self, _jwt_header, jwt_data):
        user = self.get_user_by_id(int(jwt_data["sub"]))
        if user is None or jwt_data.get("epoch") != (user.session_epoch or 0):
            return None
        if signin.needs_code(user) and not jwt_data.get(MFA_CLAIM):
            return None  # made without the second factor this user now needs
        if user.is_active and not user.must_change_password:
            g.user = user
            return user
        return None

    def reset_password(self, userid, password):
        """A new password (own change or an administrator's reset) ends every other session;
        one set by someone else must be changed by its owner at the next sign-in."""
        super().reset_password(userid, password)
        user = self.get_user_by_id(int(userid))
        own = current_user_id() == user.id
        user.must_change_password = not own
        audit.log_event("password_changed" if own else "password_reset", user.id)
        sessions.end_everywhere(user, keep_this=own)

    def auth_user_db(self, username, password):
        user = super().auth_user_db(username, password)
        if user is None:
            audit.log_event("login_failed", None, {"username": (username or "")[:128]})
        else:
            audit.log_event("login", user.id)
        return user
