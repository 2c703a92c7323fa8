"""Access: sign-in limits, password policy, forced password change, session lifetime and epoch,
optional TOTP, CSRF on cookie-authenticated API writes, and the CSP nonce (README "Security").

install(app) is called once from create_app after AppBuilder is up."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, flash, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_jwt_extended import verify_jwt_in_request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from . import models, sessions, totp  # noqa: F401  (models: the login_failure / login_session tables)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
#: endpoints that never need a signed-in, fully set-up session
OPEN_ENDPOINTS = {"static", "appbuilder.static", "healthz", "readyz", "LocaleView.index"}
#: what a user who must change the password (or enrol TOTP) may still open
SETUP_ENDPOINTS = {
    "AuthDBView.login",
    "AuthDBView.logout",
    "AuthDBView.code",
    "ResetMyPasswordView.this_form_get",
    "ResetMyPasswordView.this_form_post",
    "AccountSecurityView.security",
    "AccountSecurityView.totp_enable",
    "AccountSecurityView.end_sessions",
}
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")


def _api() -> bool:
    return request.path.startswith("/api/")


def _valid_bearer() -> bool:
    """Does the request authenticate by a valid API token (the refresh endpoint: a refresh token)?"""
    if not _api() or not request.headers.get("Authorization", "").startswith("Bearer "):
        return False
    try:
        verify_jwt_in_request(refresh=request.endpoint == "SecurityApi.refresh")
    except Exception:  # expired, forged, revoked, malformed: flask_jwt_extended and PyJWT errors
        return False
    return True


def _refuse(message: str, status: int, to: str | None = None):
    if _api():
        return jsonify(message=message), status
    flash(message, "warning")
    return redirect(to or current_app.appbuilder.get_url_for_login_with(request.full_path))


def guard():
    """Before every request, after FAB has loaded the user."""
    endpoint = request.endpoint or ""
    if endpoint in OPEN_ENDPOINTS:
        return None
    cookie_user = "_user_id" in session and not _valid_bearer()
    # FAB exempts its REST API from CSRFProtect, but the API also accepts the browser's session
    # cookie: a cookie-authenticated write must carry the page's CSRF token in a header.
    # (A valid bearer token cannot be sent cross-site, so JWT clients need nothing more; any
    # other Authorization header can, and leaves the request to the cookie.)
    if _api() and request.method not in SAFE_METHODS and cookie_user:
        token = next((request.headers[h] for h in CSRF_HEADERS if request.headers.get(h)), None)
        try:
            validate_csrf(token)
        except (ValidationError, CSRFError):
            return jsonify(message=_("The request is missing its CSRF token (send it in the X-CSRFToken header).")), 400
    if not current_user.is_authenticated:
        return None
    user = current_user
    if cookie_user:
        if sessions.expired():
            sessions.end_here()
            g.user = None
            return _refuse(_("Your session has expired. Please sign in again."), 401)
        sessions.touch()
    if endpoint in SETUP_ENDPOINTS:
        return None
    if getattr(user, "must_change_password", False):
        return _refuse(
            _("Please set a new password of your own before you continue."),
            403,
            url_for("ResetMyPasswordView.this_form_get"),
        )
    if not user.totp_secret and totp.required_for(user):
        return _refuse(
            _("Two-step verification is required for your role: set it up to continue."),
            403,
            url_for("AccountSecurityView.security"),
        )
    return None


def csp_nonce() -> str:
    """The request's script nonce; FAB's templates call csp_nonce() (baselib.get_nonce)."""
    if "jiedao_csp_nonce" not in g:
        g.jiedao_csp_nonce = secrets.token_urlsafe(16)
    return g.jiedao_csp_nonce


def install(app: Flask, appbuilder) -> None:
    from .views import AccountSecurityView

    appbuilder.add_view_no_menu(AccountSecurityView())
    sessions.install()
    app.before_request(guard)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def content_security_policy() -> str:
    """Scripts only from our own origin or inline with this response's nonce (every inline
    script in FAB's and our templates carries it); no plugins, no framing, forms post home.
    Styles keep 'unsafe-inline': FAB's and our templates use style="" attributes."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{csp_nonce()}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )
