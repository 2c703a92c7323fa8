"""Sessions and keys: no signing key in the source (app/access/keys.py), sessions revoked on the
server at logout (app/access/sessions.py), a new epoch on reactivation, the calendar feed address
ending with the sessions, and the API's CSRF check exempting only a valid bearer token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from app.access import keys

from .. import factories as f
from ..conftest import PASSWORD, Client, text
from ..test_access import GOOD, new_user, sign_in
from .test_api_login import api_login, bearer

OLD_DEV_KEY = "jiedao-development-key-not-for-production"  # was config.DEV_SECRET_KEY
ROOT = Path(__file__).resolve().parents[2]


def _cookie(app, client) -> str:
    return client.http.get_cookie("session", domain="localhost").value


def _sign(app, data: dict, key: str) -> str:
    signer = Flask("forger")
    signer.secret_key = key
    return SecureCookieSessionInterface().get_signing_serializer(signer).dumps(data)


def _with_cookie(app, value: str) -> Client:
    c = Client(app, None)
    c.http.set_cookie("session", value, domain="localhost")
    return c


# --- keys --------------------------------------------------------------------------------------


def test_a_session_forged_with_the_old_development_key_is_refused(app):
    name = new_user(app)
    c, _ = sign_in(app, name)
    with c.http.session_transaction() as s:
        data = dict(s)  # a real, live session's contents
    forged = _with_cookie(app, _sign(app, data, OLD_DEV_KEY))
    r = forged.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]
    genuine = _with_cookie(app, _sign(app, data, app.config["SECRET_KEY"]))  # control: same contents, app's key
    assert genuine.get("/meeting/list/").status_code == 200


def test_no_signing_key_in_the_source(monkeypatch):
    import importlib

    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert importlib.reload(config).Config.SECRET_KEY is None
    for path in [ROOT / "config.py", *(ROOT / "app").rglob("*.py")]:
        assert OLD_DEV_KEY not in path.read_text(encoding="utf-8"), path


def _fake_app(tmp_path, env="development", key=None) -> Flask:
    a = Flask("keys-test")
    a.config.update(ENV_NAME=env, SECRET_KEY=key, SECRET_KEY_FILE=str(tmp_path / "instance" / "secret_key"))
    return a


def test_without_secret_key_a_random_key_is_made_once_in_the_instance_folder(tmp_path):
    first = _fake_app(tmp_path)
    keys.configure(first)
    path = tmp_path / "instance" / "secret_key"
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(first.config["SECRET_KEY"]) == 64 and first.config["SECRET_KEY"] == path.read_text().strip()
    again = _fake_app(tmp_path)
    keys.configure(again)
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    elsewhere = _fake_app(tmp_path / "other")
    keys.configure(elsewhere)
    assert elsewhere.config["SECRET_KEY"] != first.config["SECRET_KEY"]
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no candidate files left


def test_production_refuses_short_or_published_keys(tmp_path):
    with pytest.raises(RuntimeError, match="32 bytes"):
        keys.configure(_fake_app(tmp_path, "production", "short-key-of-31-bytes-xxxxxxxxx"))
    with pytest.raises(RuntimeError, match="published"):
        keys.configure(_fake_app(tmp_path, "development", OLD_DEV_KEY))
    ok = _fake_app(tmp_path, "production", "k" * 32)
    keys.configure(ok)
    assert ok.config["SECRET_KEY"] == "k" * 32


# --- sessions ----------------------------------------------------------------------------------


def test_a_cookie_copied_before_logout_is_refused_after_it(app):
    name = new_user(app)
    c, _ = sign_in(app, name)
    copy = _with_cookie(app, _cookie(app, c))
    assert copy.get("/meeting/list/").status_code == 200  # the copy works while the session lives
    c.get("/logout/")
    r = copy.get("/meeting/list/")
    assert r.status_code == 302 and "/login/" in r.headers["Location"]
    assert copy.api("GET", "/api/v1/meeting/").status_code == 401
    r = copy.get("/api/v1/meeting/", headers={"Authorization": "Bearer forged"})
    assert r.status_code in (401, 422) and "result" not in r.get_json()  # 422: flask_jwt_extended's bad token


def test_reactivating_a_user_starts_a_new_session_epoch(app, db):
    from app.org.models import AppUser

    name = new_user(app)
    c, _ = sign_in(app, name)
    copy = _with_cookie(app, _cookie(app, c))
    user = db.session.get(AppUser, f.user(name).id)
    epoch = user.session_epoch
    user.active = False
    db.session.commit()
    assert c.get("/meeting/list/").status_code == 302
    user.active = True
    db.session.commit()
    assert user.session_epoch > epoch
    for client in (c, copy):  # the sessions from before the deactivation stay dead
        r = client.get("/meeting/list/")
        assert r.status_code == 302 and "/login/" in r.headers["Location"]
    assert sign_in(app, name)[0].get("/meeting/list/").status_code == 200


# --- the calendar feed address -----------------------------------------------------------------

FEED_URL_RE = re.compile(r'id="jd-feed-url" readonly value="[^"]*/calendar/ics/([^"]+)\.ics"')


def _new_feed(c) -> str:
    r = c.post_form("/calendar/feed/regenerate", {}, form_url="/calendar/feed/")
    assert r.status_code == 200
    return FEED_URL_RE.search(text(r)).group(1)


def _feed_status(app, token) -> int:
    return Client(app, None).get(f"/calendar/ics/{token}.ics").status_code


def test_feed_address_ends_on_log_out_everywhere_and_a_new_one_is_made(app):
    name = new_user(app)
    c, _ = sign_in(app, name)
    token = _new_feed(c)
    assert _feed_status(app, token) == 200
    assert 'data-state="active"' in text(c.get("/calendar/feed/"))
    assert c.post_form("/account/sessions/end", {}, form_url="/account/security/").status_code == 302
    assert _feed_status(app, token) == 404
    assert 'data-state="ended"' in text(c.get("/calendar/feed/"))
    fresh = _new_feed(c)
    assert fresh != token and _feed_status(app, fresh) == 200 and _feed_status(app, token) == 404


def test_feed_address_ends_on_password_change(app):
    name = new_user(app)
    c, _ = sign_in(app, name)
    token = _new_feed(c)
    assert _feed_status(app, token) == 200
    r = c.post_form("/resetmypassword/form", {"current_password": PASSWORD, "password": GOOD, "conf_password": GOOD})
    assert r.status_code == 302
    assert _feed_status(app, token) == 404
    assert 'data-state="ended"' in text(c.get("/calendar/feed/"))
    assert _feed_status(app, _new_feed(c)) == 200


# --- CSRF on the cookie-authenticated API ------------------------------------------------------


@pytest.mark.parametrize("authorization", ["Bearer not-a-token", "Basic c3ExOkRlbW9AMjAyNg==", "Bearer "])
def test_bogus_authorization_header_does_not_skip_the_csrf_check(app, db, clients, authorization):
    from app.common.models import Meeting

    sq1 = clients("sq1")
    own = f.meeting("荷花社区", "CSRF授权头测试", chair="sq1", created_by="sq1")
    r = sq1.http.put(
        f"/api/v1/meeting/{own.id}",
        json={"title": "被篡改", "version": own.version},
        headers={"Authorization": authorization},
    )
    assert r.status_code == 400 and "CSRF" in r.get_json()["message"]
    db.session.expire_all()
    assert db.session.get(Meeting, own.id).title == "CSRF授权头测试"


def test_a_valid_bearer_token_needs_no_csrf_token(app, db):
    from app.common.models import Meeting

    own = f.meeting("荷花社区", "令牌写入测试", chair="sq1", created_by="sq1")
    http, r = api_login(app, "sq1")
    token = r.get_json()["access_token"]
    r = http._open(
        f"/api/v1/meeting/{own.id}",
        method="PUT",
        headers=bearer(token),
        json={"title": "令牌修改", "version": own.version},
    )
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    assert db.session.get(Meeting, own.id).title == "令牌修改"
