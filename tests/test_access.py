"""Access (README "Security"): sign-in rate limits, password policy, forced password change,
session lifetime and "log out everywhere", TOTP, CSRF on API writes, security headers, cookies."""

from __future__ import annotations

import itertools
import re
import time
import uuid

import pyotp
import pytest
import sqlalchemy as sa

from app.access import passwords, sessions
from app.common.models import AuditLog, Meeting

from . import factories as f
from .conftest import PASSWORD, Client, text

GOOD = "Lotus-Ledger-7391!"  # passes the policy
_seq = itertools.count(1)


def new_user(app, role_key: str = "community_secretary", password: str = PASSWORD, org: str = "荷花社区", **flags):
    """A throw-away login (demo logins stay untouched)."""
    from app.core import permissions
    from app.extensions import db
    from app.org.models import AppUser

    name = f"acc{next(_seq)}_{uuid.uuid4().hex[:7]}"
    with app.app_context():
        sm = app.appbuilder.sm
        u = sm.add_user(
            name, "测", "试", f"{name}@example.cn", [sm.find_role(permissions.ROLES[role_key][0])], password
        )
        u = db.session.get(AppUser, u.id)
        u.org_unit_id = f.org(org).id
        for k, v in flags.items():
            setattr(u, k, v)
        db.session.commit()
    return name


def sign_in(app, username, password=PASSWORD, addr="127.0.0.1"):
    """(client, response of the login POST) without asserting success."""
    c = Client(app, None)
    c.http.environ_base["REMOTE_ADDR"] = addr
    r = c.post_form("/login/", {"username": username, "password": password}, form_url="/login/")
    c.username = username
    return c, r


def _user(db, username):
    db.session.expire_all()
    return f.user(username)


# --- rate limits -------------------------------------------------------------------------------


def test_account_limit_blocks_further_attempts_with_a_chinese_message(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "3 per 15 minutes")
    name = new_user(app)
    for i in range(3):
        _c, r = sign_in(app, name, "wrong-password", addr=f"10.1.0.{i}")  # from anywhere
        assert r.status_code == 302 and "/login/" in r.headers["Location"]
    c, r = sign_in(app, name, PASSWORD, addr="10.1.0.9")  # even the right password now waits
    assert r.status_code == 429
    assert "登录尝试过于频繁" in text(r) and "分钟后再试" in text(r)
    assert c.get("/meeting/list/").status_code == 302  # not signed in
    other = new_user(app)
    assert sign_in(app, other, addr="10.1.0.9")[1].status_code == 302  # other accounts unaffected


def test_address_limit_counts_failed_attempts_from_one_address(app, monkeypatch):
    """Successes from one address (an office behind NAT) are free; failures are counted."""
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", "3 per 15 minutes")
    names = [new_user(app) for _ in range(5)]
    for name in names[:4]:
        assert sign_in(app, name, addr="10.2.0.1")[1].status_code == 302
    for name in names[:3]:
        assert sign_in(app, name, "wrong-password", addr="10.2.0.1")[1].status_code == 302
    _c, r = sign_in(app, names[4], addr="10.2.0.1")
    assert r.status_code == 429 and "登录尝试过于频繁" in text(r)
    assert sign_in(app, names[4], addr="10.2.0.2")[1].status_code == 302


def test_limits_are_configurable_and_off_in_the_test_config(app):
    from config import Config, TestConfig

    assert Config.LOGIN_RATE_LIMIT_ACCOUNT and Config.LOGIN_RATE_LIMIT_ADDRESS
    assert TestConfig.LOGIN_RATE_LIMIT_ACCOUNT is None and TestConfig.LOGIN_RATE_LIMIT_ADDRESS is None


# --- password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password,why",
    [
        ("Short1!", "at least 10"),
        ("xyzuser-2026-Secure", "user name"),
        ("qwertyuiop", "common passwords"),
        ("password123", "common passwords"),
        ("aaaaaaaaaaaa", "too easy"),
    ],
)
def test_policy_refuses(app, password, why):
    with app.test_request_context():
        found = " ".join(passwords.problems(password, "xyzuser"))
    assert found, password
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assert why in " ".join(passwords.problems(password, "xyzuser"))


def test_policy_accepts_a_good_password_and_speaks_chinese(app):
    with app.test_request_context():
        assert passwords.problems(GOOD, "xyzuser") == []
        assert "至少" in passwords.problems("short", "xyzuser")[0]


def test_admin_add_user_form_applies_the_policy(app, db, clients):
    from app.org.models import AppUser

    admin = clients("admin")
    page = text(admin.get("/users/add"))
    role_id = re.search(r'<option value="(\d+)">社区书记</option>', page).group(1)
    data = {
        "first_name": "新",
        "last_name": "用户",
        "username": "policyuser1",
        "email": "policyuser1@example.cn",
        "active": "y",
        "roles": role_id,
        "password": "policyuser1-abc",
        "conf_password": "policyuser1-abc",
    }
    r = admin.post_form("/users/add", data)
    assert r.status_code == 200 and "不得包含用户名" in text(r)
    assert db.session.execute(sa.select(AppUser).where(AppUser.username == "policyuser1")).scalar() is None
    r = admin.post_form("/users/add", {**data, "password": GOOD, "conf_password": GOOD})
    assert r.status_code == 302
    assert db.session.execute(sa.select(AppUser).where(AppUser.username == "policyuser1")).scalar() is not None


def test_own_change_needs_the_current_password_and_a_good_new_one(app, db):
    name = new_user(app)
    c, _r = sign_in(app, name)
    r = c.post_form("/resetmypassword/form", {"current_password": "nope", "password": GOOD, "conf_password": GOOD})
    assert r.status_code == 200 and "当前密码不正确" in text(r)
    r = c.post_form(
        "/resetmypassword/form", {"current_password": PASSWORD, "password": "Demo@2027", "conf_password": "Demo@2027"}
    )
    assert r.status_code == 200 and "至少" in text(r)
    r = c.post_form("/resetmypassword/form", {"current_password": PASSWORD, "password": GOOD, "conf_password": GOOD})
    assert r.status_code == 302
    assert sign_in(app, name, GOOD)[1].status_code == 302
    assert "/login/" in sign_in(app, name, PASSWORD)[1].headers["Location"]


# --- forced change and sessions ----------------------------------------------------------------


def test_initial_admin_must_change_the_password_before_anything_else(app, db, monkeypatch):
    from app.access.accounts import create_initial_admin, is_untouched_initial_admin

    monkeypatch.setattr(app.appbuilder.sm, "count_users", lambda: 0)
    monkeypatch.setenv("JIEDAO_ADMIN_USER", f"initadmin{next(_seq)}")
    monkeypatch.delenv("JIEDAO_ADMIN_PASSWORD", raising=False)
    with app.app_context():
        username, initial, generated = create_initial_admin()
    assert generated and len(initial) >= 12
    assert is_untouched_initial_admin(_user(db, username))
    c, r = sign_in(app, username, initial)
    assert r.status_code == 302
    for url in ("/meeting/list/", "/dashboard/", "/users/list/", "/calendar/month/"):
        r = c.get(url)
        assert r.status_code == 302 and "/resetmypassword/form" in r.headers["Location"], url
    assert c.api("GET", "/api/v1/meeting/").status_code == 403
    page = c.get("/resetmypassword/form")
    assert page.status_code == 200 and "请先设置您自己的新密码" in text(page)
    r = c.post_form("/resetmypassword/form", {"current_password": initial, "password": GOOD, "conf_password": GOOD})
    assert r.status_code == 302
    assert c.get("/meeting/list/").status_code == 200  # this session goes on
    assert not _user(db, username).must_change_password


def test_demo_logins_are_not_forced(db):
    assert not f.user("admin").must_change_password and not f.user("sq1").must_change_password


def test_admin_reset_forces_the_owner_to_change_and_ends_their_sessions(app, db, clients):
    name = new_user(app)
    victim, _r = sign_in(app, name)
    assert victim.get("/meeting/list/").status_code == 200
    uid = f.user(name).id
    r = clients("admin").post_form(f"/resetpassword/form?pk={uid}", {"password": GOOD, "conf_password": GOOD})
    assert r.status_code == 302
    r = victim.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]  # old session gone
    c, r = sign_in(app, name, GOOD)
    assert "/resetmypassword/form" in c.get("/meeting/list/").headers["Location"]
    acts = db.session.execute(sa.select(AuditLog.action).where(AuditLog.user_id == uid)).scalars().all()
    assert "password_reset" in acts


def test_log_out_everywhere_ends_other_sessions_but_keeps_this_one(app):
    name = new_user(app)
    here, _ = sign_in(app, name)
    there, _ = sign_in(app, name, addr="10.3.0.1")
    assert there.get("/meeting/list/").status_code == 200
    r = here.post_form("/account/sessions/end", {}, form_url="/account/security/")
    assert r.status_code == 302
    assert here.get("/meeting/list/").status_code == 200
    r = there.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]
    assert there.api("GET", "/api/v1/meeting/").status_code == 401


def test_idle_timeout_and_absolute_lifetime(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_SECONDS", 600)
    name = new_user(app)
    c, _ = sign_in(app, name)
    assert c.get("/meeting/list/").status_code == 200
    with c.http.session_transaction() as s:
        s[sessions.SEEN] = time.time() - 601  # elapsed time, as the idle timeout reads it
    r = c.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]
    c, _ = sign_in(app, name)
    with c.http.session_transaction() as s:
        s[sessions.STARTED] = time.time() - app.config["PERMANENT_SESSION_LIFETIME"] - 1  # elapsed time
    assert c.get("/meeting/list/").status_code == 302


def test_a_session_without_our_sign_in_marks_is_refused(app):
    """E.g. a remember cookie restored by Flask-Login: it never passed the sign-in steps."""
    name = new_user(app)
    c, _ = sign_in(app, name)
    with c.http.session_transaction() as s:
        s.pop(sessions.STARTED)
    assert c.get("/meeting/list/").status_code == 302


def test_session_token_carries_the_epoch(app, db):
    name = new_user(app)
    u = f.user(name)
    assert u.get_id() == f"{u.id}.{u.session_epoch}"
    with app.app_context():
        sm = app.appbuilder.sm
        assert sm.load_user(f"{u.id}.{u.session_epoch}") is not None
        assert sm.load_user(f"{u.id}.{u.session_epoch + 1}") is None
        assert sm.load_user(str(u.id)) is None  # bare ids (pre-epoch sessions) are refused


def test_cookies_are_httponly_samesite_and_secure_in_production(app, monkeypatch):
    name = new_user(app)
    _c, r = sign_in(app, name)
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    _c, r = sign_in(app, name)
    assert "Secure" in r.headers["Set-Cookie"]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_config_sets_secure_cookies(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("JIEDAO_ENV", "production")
    try:
        prod = importlib.reload(config)
        assert prod.Config.SESSION_COOKIE_SECURE and prod.Config.REMEMBER_COOKIE_SECURE
        assert prod.Config.SESSION_COOKIE_HTTPONLY and prod.Config.REMEMBER_COOKIE_HTTPONLY
    finally:
        monkeypatch.delenv("JIEDAO_ENV")
        importlib.reload(config)


# --- TOTP --------------------------------------------------------------------------------------


def _enrol(c) -> pyotp.TOTP:
    page = text(c.get("/account/security/"))
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page  # the QR code, inline
    t = pyotp.TOTP(secret)
    r = c.post_form("/account/totp/enable", {"code": t.now()}, form_url="/account/security/")
    assert r.status_code == 302
    return t


def _step() -> int:
    return int(time.time()) // 30  # elapsed time: the TOTP step, as pyotp counts it


def test_totp_enrolment_then_password_and_code(app, db):
    name = new_user(app, "grid_worker", org="荷花社区")  # sees residents' data clear
    c, _ = sign_in(app, name)
    t = _enrol(c)
    assert f.user(name).totp_secret == t.secret
    c2, r = sign_in(app, name)
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/code")
    assert c2.get("/meeting/list/").status_code == 302  # the password alone does not sign in
    r = c2.post_form("/login/code", {"code": "000000"})
    assert r.status_code == 401 and "验证码错误" in text(r)
    code = t.at(time.time() + 30)  # elapsed time; next step: the enrolment spent this one
    r = c2.post_form("/login/code", {"code": code})
    assert r.status_code == 302
    assert c2.get("/meeting/list/").status_code == 200
    c3, _ = sign_in(app, name)
    assert c3.post_form("/login/code", {"code": code}).status_code == 401  # a code is good once


def test_totp_code_step_is_rate_limited(app, monkeypatch):
    name = new_user(app, "grid_worker")
    c, _ = sign_in(app, name)
    _enrol(c)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "2 per 15 minutes")
    c2, _ = sign_in(app, name)
    for _i in range(2):
        assert c2.post_form("/login/code", {"code": "123456"}).status_code == 401
    r = c2.post_form("/login/code", {"code": "123456"})
    assert r.status_code == 429 and "登录尝试过于频繁" in text(r)


def test_totp_is_offered_to_pii_roles_and_required_by_config(app, monkeypatch):
    plain = new_user(app, "djb")  # 党建办: sees no personal data clear
    c, _ = sign_in(app, plain)
    assert 'id="totp-secret"' not in text(c.get("/account/security/"))
    monkeypatch.setitem(app.config, "TOTP_REQUIRED", True)
    assert c.get("/meeting/list/").status_code == 200
    name = new_user(app, "grid_worker")
    c, _ = sign_in(app, name)
    r = c.get("/meeting/list/")
    assert r.status_code == 302 and "/account/security/" in r.headers["Location"]
    _enrol(c)
    assert c.get("/meeting/list/").status_code == 200


# --- CSRF and headers ----------------------------------------------------------------------------


def test_cookie_authenticated_api_write_needs_the_csrf_header(app, db, clients):
    sq1 = clients("sq1")
    own = f.meeting("荷花社区", "CSRF测试会议", chair="sq1", created_by="sq1")
    r = sq1.http.put(f"/api/v1/meeting/{own.id}", json={"title": "被篡改", "version": own.version})
    assert r.status_code == 400 and "CSRF" in r.get_json()["message"]
    r = sq1.http.delete(f"/api/v1/meeting/{own.id}", headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400
    db.session.expire_all()
    row = db.session.get(Meeting, own.id)
    assert row.title == "CSRF测试会议" and not row.is_deleted
    assert (
        sq1.api("PUT", f"/api/v1/meeting/{own.id}", json={"title": "正常修改", "version": own.version}).status_code
        == 200
    )
    assert sq1.api("GET", "/api/v1/meeting/").status_code == 200  # reads need nothing


def test_forms_without_csrf_token_are_refused(app, db, clients):
    own = f.meeting("荷花社区", "CSRF表单测试", chair="sq1", created_by="sq1")
    sq1 = clients("sq1")
    assert sq1.post(f"/meeting/delete/{own.id}").status_code == 400
    assert sq1.post("/account/sessions/end").status_code == 400
    assert sq1.post("/calendar/feed/regenerate").status_code == 400
    assert sq1.get(f"/meeting/delete/{own.id}").status_code == 302  # FAB refuses deletes by GET
    db.session.expire_all()
    assert not db.session.get(Meeting, own.id).is_deleted


PAGES_WITH_SCRIPTS = (
    "/login/",
    "/meeting/list/",
    "/meeting/add",
    "/dashboard/",
    "/calendar/month/",
    "/escalation/",
    "/account/security/",
    "/resetmypassword/form",
    "/swagger/v1",
)


@pytest.mark.parametrize("url", PAGES_WITH_SCRIPTS)
def test_csp_nonce_is_on_every_script_of_the_page(clients, url):
    c = clients("admin") if url != "/login/" else clients(None)
    r = c.get(url)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    tags = re.findall(r"<script\b[^>]*>", text(r))
    assert tags
    for tag in tags:
        if "application/json" in tag:
            continue  # data, not script
        src = re.search(r'src="([^"]+)"', tag)
        if src:  # a file: allowed by 'self' when it comes from our origin
            assert src.group(1).startswith("/") and not src.group(1).startswith("//"), tag
        else:
            assert f'nonce="{nonce}"' in tag, tag
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_nonce_changes_per_response(clients):
    a = clients(None).get("/login/").headers["Content-Security-Policy"]
    b = clients(None).get("/login/").headers["Content-Security-Policy"]
    assert a != b


def test_log_out_everywhere_also_ends_api_tokens(app):
    name = new_user(app)
    http = Client(app, None)  # each request in its own app context, as in production
    tokens = http._open(
        "/api/v1/security/login",
        method="POST",
        json={"username": name, "password": PASSWORD, "provider": "db", "refresh": True},
    ).get_json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert http.get("/api/v1/meeting/", headers=bearer).status_code == 200
    c, _ = sign_in(app, name)
    assert c.post_form("/account/sessions/end", {}, form_url="/account/security/").status_code == 302
    assert http.get("/api/v1/meeting/", headers=bearer).status_code == 401
    r = http._open(
        "/api/v1/security/refresh", method="POST", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert r.status_code == 401  # the refresh token is of the old epoch too
