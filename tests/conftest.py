"""Test fixtures: one database per run (SQLite file, or TEST_DATABASE_URL), built by the
real migrations, seeded with the demo data, and test clients that log in through the
real login form with CSRF on."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

os.environ.setdefault("JIEDAO_INSTANCE", str(Path(__file__).resolve().parent.parent / "instance"))

from app.core import clock  # noqa: E402
from config import TestConfig  # noqa: E402

clock.configure(TestConfig.CLOCK_AT)  # before any test, also those that build no app

PASSWORD = "Demo@2026"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def _reset_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///") :])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import init_security
    from app.seed import seed_demo

    _reset_database(TestConfig.SQLALCHEMY_DATABASE_URI)
    application = create_app(TestConfig)
    with application.app_context():
        upgrade()
        init_security()
        seed_demo()
    yield application


@pytest.fixture()
def db(app):
    from app.extensions import db as _db

    with app.app_context():
        yield _db
        _db.session.remove()


class Client:
    """A logged-in browser session on the test client."""

    def __init__(self, app, username: str | None):
        self.app = app
        self.http = app.test_client()
        self.username = username
        if username:
            r = self.post_form("/login/", {"username": username, "password": PASSWORD}, form_url="/login/")
            assert r.status_code == 302, f"login of {username} failed"

    def _open(self, *args, **kw):
        # a fresh app context per request, as in production: `g` (and Flask-Login's
        # cached user) must not leak from the test's own context into the request
        with self.app.app_context():
            return self.http.open(*args, **kw)

    def csrf(self, url: str) -> str:
        page = self.get(url)
        m = CSRF_RE.search(page.get_data(as_text=True))
        if m is None and self.username:  # the token is per session: any form of the user's will do
            m = CSRF_RE.search(self.get("/resetmypassword/form").get_data(as_text=True))
        assert m, f"no CSRF token on {url} ({page.status_code})"
        return m.group(1)

    def get(self, url, **kw):
        return self._open(url, method="GET", **kw)

    def post_form(self, url, data: dict, form_url: str | None = None, **kw):
        payload = {"csrf_token": self.csrf(form_url or url), **data}
        return self._open(url, method="POST", data=payload, **kw)

    def post(self, url, **kw):
        return self._open(url, method="POST", **kw)

    def api(self, method: str, url: str, json=None):
        # a cookie-authenticated API write carries the session's CSRF token in a header, as the
        # pages' scripts do (app.access.guard); the token is per session, so fetched once
        headers = {}
        if self.username and method.upper() not in ("GET", "HEAD", "OPTIONS"):
            if getattr(self, "_csrf_token", None) is None:
                self._csrf_token = self.csrf("/resetmypassword/form")
            headers["X-CSRFToken"] = self._csrf_token
        return self._open(url, method=method, json=json, headers=headers)


@pytest.fixture(scope="session")
def clients(app):
    cache: dict[str, Client] = {}

    def get(username: str | None) -> Client:
        if username not in cache:
            cache[username] = Client(app, username)
        return cache[username]

    return get


def text(response) -> str:
    return response.get_data(as_text=True)


def ids_in_api(client: Client, key: str, q: str = "") -> set[int]:
    """Every id the REST API lists for `key` (pages through)."""
    seen: set[int] = set()
    page = 0
    while True:
        r = client.api("GET", f"/api/v1/{key}/?q=(page:{page},page_size:100{q})")
        assert r.status_code == 200, r.get_data(as_text=True)
        body = r.get_json()
        seen |= set(body["ids"])
        if len(seen) >= body["count"] or not body["ids"]:
            return seen
        page += 1


@pytest.fixture(autouse=True)
def _configured_clock_after_each_test():
    """A test that moves app.core.clock never leaks its date into the next one: each starts at
    TestConfig.CLOCK_AT (JIEDAO_TEST_TODAY)."""
    yield
    clock.configure(TestConfig.CLOCK_AT)  # also after a test that built an app of another configuration
