"""Every way in obeys the same rules: the API login asks the second factor where the form does
(app/access/api.py, app/access/signin.py), and tokens made without it are refused for users who
need it (JiedaoSecurityManager.load_user_jwt), refresh tokens included."""

from __future__ import annotations

import time

import pyotp

from app.extensions import db as _db
from app.org.models import AppUser

from ..conftest import PASSWORD, Client
from ..test_access import new_user

LOGIN, REFRESH = "/api/v1/security/login", "/api/v1/security/refresh"


def api_login(app, username, password=PASSWORD, addr="127.0.0.1", **extra):
    http = Client(app, None)  # each request in its own app context, as in production
    http.http.environ_base["REMOTE_ADDR"] = addr
    return http, http._open(
        LOGIN, method="POST", json={"username": username, "password": password, "provider": "db", **extra}
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def with_totp(app, name) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    with app.app_context():
        user = _db.session.execute(_db.select(AppUser).filter_by(username=name)).scalar_one()
        user.totp_secret = secret
        _db.session.commit()
    return pyotp.TOTP(secret)


def test_password_alone_is_enough_only_without_a_second_factor(app):
    name = new_user(app)
    http, r = api_login(app, name, refresh=True)
    assert r.status_code == 200
    assert http.get("/api/v1/meeting/", headers=bearer(r.get_json()["access_token"])).status_code == 200


def test_enrolled_user_needs_the_code_at_api_login_and_refresh_keeps_it(app):
    name = new_user(app, "grid_worker")
    t = with_totp(app, name)
    http, r = api_login(app, name, refresh=True)
    assert r.status_code == 401 and r.get_json().get("totp_required") is True
    assert "access_token" not in r.get_json()
    _h, r = api_login(app, name, refresh=True, totp="000000")
    assert r.status_code == 401 and "access_token" not in r.get_json()
    _h, r = api_login(app, name, "wrong-password", totp=t.now())
    assert r.status_code == 401 and "access_token" not in r.get_json()  # the code does not replace the password
    _h, r = api_login(app, name, refresh=True, totp=t.now())
    assert r.status_code == 200
    tokens = r.get_json()
    assert http.get("/api/v1/meeting/", headers=bearer(tokens["access_token"])).status_code == 200
    r = http._open(REFRESH, method="POST", headers=bearer(tokens["refresh_token"]))
    assert r.status_code == 200
    assert http.get("/api/v1/meeting/", headers=bearer(r.get_json()["access_token"])).status_code == 200
    _h, r = api_login(app, name, totp=t.now())
    assert r.status_code == 401  # a code is good once, as on the form


def test_tokens_without_the_second_factor_end_when_it_becomes_compulsory(app, monkeypatch):
    name = new_user(app, "grid_worker")  # a role that sees personal data
    http, r = api_login(app, name, refresh=True)
    assert r.status_code == 200
    tokens = r.get_json()
    monkeypatch.setitem(app.config, "TOTP_REQUIRED", True)
    assert http.get("/api/v1/meeting/", headers=bearer(tokens["access_token"])).status_code == 401
    assert http._open(REFRESH, method="POST", headers=bearer(tokens["refresh_token"])).status_code == 401
    _h, r = api_login(app, name, refresh=True)
    assert r.status_code == 403 and "access_token" not in r.get_json()  # must enrol on 账号安全 first
    t = with_totp(app, name)
    _h, r = api_login(app, name, totp=t.now())
    assert r.status_code == 200


def test_no_api_tokens_while_the_password_must_be_changed(app):
    name = new_user(app, must_change_password=True)
    _h, r = api_login(app, name)
    assert r.status_code == 403 and "access_token" not in r.get_json()


def test_refresh_token_lives_as_long_as_a_session_and_is_configurable(app, monkeypatch):
    import datetime as dt

    from flask_jwt_extended import decode_token

    name = new_user(app)
    http, r = api_login(app, name, refresh=True)
    with app.app_context():
        claims = decode_token(r.get_json()["refresh_token"])
    assert claims["exp"] - claims["iat"] == app.config["PERMANENT_SESSION_LIFETIME"] == 8 * 3600
    monkeypatch.setitem(app.config, "JWT_REFRESH_TOKEN_EXPIRES", dt.timedelta(seconds=1))
    http, r = api_login(app, name, refresh=True)
    refresh = r.get_json()["refresh_token"]
    assert http._open(REFRESH, method="POST", headers=bearer(refresh)).status_code == 200
    time.sleep(2.1)
    assert http._open(REFRESH, method="POST", headers=bearer(refresh)).status_code == 401
