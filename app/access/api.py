"""The API's sign-in (/api/v1/security/login, /refresh) under the rules of the login form
(app.access.signin): the same limits, the TOTP code for users who enrolled it or must, no tokens
while the password must be changed. Tokens carry the session epoch (JiedaoSecurityManager) and
`mfa`, whether the second factor was checked: a token without it is refused for a user who needs
one (JiedaoSecurityManager.load_user_jwt), refresh tokens included."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import safe
from flask_appbuilder.const import API_SECURITY_ACCESS_TOKEN_KEY, API_SECURITY_REFRESH_TOKEN_KEY
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.views import expose
from flask_babel import gettext as _
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt, get_jwt_identity, jwt_required
from marshmallow import Schema, ValidationError, fields, validate

from . import signin

MFA_CLAIM = "mfa"


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=256))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))
    provider = fields.String(load_default="db", validate=validate.OneOf(["db"]))
    refresh = fields.Boolean(load_default=False)
    totp = fields.String(load_default=None, validate=validate.Length(max=16))  # the 6-digit code


class SecurityApi(FabSecurityApi):
    """FAB's security API with our sign-in steps (same name: endpoints SecurityApi.login/refresh)."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Sign in for API tokens: {"username", "password", "provider": "db", "refresh": bool,
        "totp": "123456" — required when the user has two-step verification or must have it}."""
        if not request.is_json:
            return self.response_400(message="Request payload is not JSON")
        try:
            payload = LoginSchema().load(request.get_json(silent=True) or {})
        except ValidationError as error:
            return self.response_400(message=error.messages)
        try:
            user = signin.password(payload["username"], payload["password"])
            mfa = signin.needs_code(user)
            if mfa and not user.totp_secret:
                return self.response(
                    403, message=_("Two-step verification is required for your role: set it up to continue.")
                )
            if mfa:
                if not payload["totp"]:
                    return self.response(
                        401, message=_("Enter the 6-digit code shown by your authenticator app."), totp_required=True
                    )
                signin.code(user, payload["totp"])
        except signin.Refused as refused:
            return self.response(refused.status, message=refused.message)
        if user.must_change_password:
            return self.response(403, message=_("Please set a new password of your own before you continue."))
        claims = {MFA_CLAIM: mfa}
        tokens = {
            API_SECURITY_ACCESS_TOKEN_KEY: create_access_token(
                identity=str(user.id), fresh=True, additional_claims=claims
            )
        }
        if payload["refresh"]:
            tokens[API_SECURITY_REFRESH_TOKEN_KEY] = create_refresh_token(
                identity=str(user.id), additional_claims=claims
            )
        return self.response(200, **tokens)

    @expose("/refresh", methods=["POST"])
    @jwt_required(refresh=True)
    @safe
    def refresh(self):
        """A new access token for a valid refresh token (its user checked by load_user_jwt);
        it keeps the refresh token's `mfa`."""
        claims = {MFA_CLAIM: bool(get_jwt().get(MFA_CLAIM))}
        token = create_access_token(identity=get_jwt_identity(), fresh=False, additional_claims=claims)
        return self.response(200, **{API_SECURITY_ACCESS_TOKEN_KEY: token})
