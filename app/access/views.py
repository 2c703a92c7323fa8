"""Sign-in (rate limits, TOTP step), own password change (current password + policy) and the
账号安全 page (TOTP enrolment, log out everywhere)."""

from __future__ import annotations

import time

from flask import abort, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db, ResetPasswordForm
from flask_appbuilder.security.views import AuthDBView as FabAuthDBView
from flask_appbuilder.security.views import ResetMyPasswordView as FabResetMyPasswordView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, ValidationError

from app.core import audit
from app.extensions import db

from . import sessions, signin, totp

PENDING = "_jiedao_totp"
PENDING_SECONDS = 300


class CodeForm(FlaskForm):
    code = StringField(_l("Verification code"), validators=[DataRequired()])


class AuthDBView(FabAuthDBView):
    """FAB's database sign-in with rate limits and a second step for TOTP users.
    (Same class name as FAB's, so the endpoint stays AuthDBView.login.)"""

    login_template = "appbuilder/general/security/login_db.html"

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            next_url = get_safe_redirect(request.args.get("next", ""))
            try:
                user = signin.password(form.username.data or "", form.password.data)
            except signin.Refused as refused:
                if refused.status != 429:
                    flash(as_unicode(self.invalid_login_message), "warning")
                    return redirect(self.appbuilder.get_url_for_login_with(next_url))
                flash(refused.message, "danger")
                return self.render_template(
                    self.login_template, title=self.title, form=form, appbuilder=self.appbuilder
                ), 429
            if user.totp_secret:
                session[PENDING] = {"uid": user.id, "next": next_url, "at": time.time()}
                return redirect(url_for(f"{self.endpoint}.code"))
            sessions.start(user)  # TOTP required but not enrolled: the guard sends them to enrol
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form, appbuilder=self.appbuilder)

    @expose("/login/code", methods=["GET", "POST"])
    @no_cache
    def code(self):
        from app.org.models import AppUser

        pending = session.get(PENDING)
        if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
            session.pop(PENDING, None)
            return redirect(self.appbuilder.get_url_for_login)
        user = db.session.get(AppUser, pending["uid"])
        if user is None or not user.is_active or not user.totp_secret:
            session.pop(PENDING, None)
            return redirect(self.appbuilder.get_url_for_login)
        form = CodeForm()
        status = 200
        if form.validate_on_submit():
            try:
                signin.code(user, form.code.data)
            except signin.Refused as refused:
                flash(refused.message, "danger" if refused.status == 429 else "warning")
                status = refused.status
            else:
                next_url = pending.get("next") or self.appbuilder.get_url_for_index
                sessions.start(user)
                return redirect(get_safe_redirect(next_url))
        return self.render_template(
            "access/code.html", title=_("Two-step verification"), form=form, appbuilder=self.appbuilder
        ), status

    @expose("/logout/")
    def logout(self):
        session.pop(PENDING, None)
        sessions.end_here()  # revokes the session on the server: a copied cookie dies too
        return super().logout()


class CurrentPassword:
    def __call__(self, form, field):
        user = getattr(g, "user", None)
        if user is None or not user.password or not check_password_hash(user.password, field.data or ""):
            raise ValidationError(_("The current password is wrong."))


class OwnPasswordForm(ResetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), CurrentPassword()])


class ResetMyPasswordView(FabResetMyPasswordView):
    """Own password change: asks the current password; the policy checks the new one
    (FAB_PASSWORD_COMPLEXITY_VALIDATOR). Same class name as FAB's (permissions, endpoint)."""

    form = OwnPasswordForm
    form_title = _l("Change your password")

    def form_get(self, form) -> None:
        if getattr(g.user, "must_change_password", False):
            flash(_("Please set a new password of your own before you continue."), "warning")


class AccountSecurityView(BaseView):
    """账号安全: two-step verification and "log out everywhere", for one's own account."""

    route_base = "/account"
    default_view = "security"

    def _user(self):
        if not current_user.is_authenticated:
            abort(redirect(self.appbuilder.get_url_for_login_with(request.full_path)))
        return current_user._get_current_object()

    @expose("/security/")
    @no_cache
    def security(self):
        user = self._user()
        enrol = None
        if not user.totp_secret and totp.offered_to(user):
            secret = session.get("_jiedao_enrol") or totp.new_secret()
            session["_jiedao_enrol"] = secret
            uri = totp.uri(secret, user.username)
            enrol = {"secret": secret, "qr": totp.qr_svg(uri)}
        return self.render_template(
            "access/security.html",
            title=_("Account security"),
            user=user,
            enrol=enrol,
            offered=totp.offered_to(user),
            required=totp.required_for(user),
            form=CodeForm(),
            appbuilder=self.appbuilder,
        )

    @expose("/totp/enable", methods=["POST"])
    def totp_enable(self):
        user = self._user()
        form = CodeForm()
        secret = session.get("_jiedao_enrol")
        if not (form.validate_on_submit() and secret and totp.offered_to(user)):
            abort(400)
        step = totp.matching_step(secret, form.code.data)
        if step is None:
            flash(_("The verification code is wrong or has expired."), "warning")
            return redirect(url_for(f"{self.endpoint}.security"))
        user.totp_secret, user.totp_last_step = secret, step
        session.pop("_jiedao_enrol", None)
        audit.log_event("totp_enabled", user.id)
        sessions.end_everywhere(user, keep_this=True)
        flash(_("Two-step verification is on. Other sessions of your account were signed out."), "success")
        return redirect(url_for(f"{self.endpoint}.security"))

    @expose("/totp/disable", methods=["POST"])
    def totp_disable(self):
        user = self._user()
        form = CodeForm()
        if not form.validate_on_submit() or not user.totp_secret:
            abort(400)
        if totp.required_for(user):
            flash(_("Two-step verification is required for your role."), "danger")
        elif not totp.verify(user, form.code.data):
            flash(_("The verification code is wrong or has expired."), "warning")
        else:
            user.totp_secret, user.totp_last_step = None, None
            db.session.commit()
            audit.log_event("totp_disabled", user.id)
            flash(_("Two-step verification is off."), "success")
        return redirect(url_for(f"{self.endpoint}.security"))

    @expose("/sessions/end", methods=["POST"])
    def end_sessions(self):
        user = self._user()
        FlaskForm().validate_on_submit() or abort(400)
        sessions.end_everywhere(user, keep_this=True)
        audit.log_event("logout_everywhere", user.id)
        flash(_("Every other session of your account was signed out."), "success")
        return redirect(url_for(f"{self.endpoint}.security"))
