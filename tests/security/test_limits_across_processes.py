"""The per-account limit holds across processes without Redis: two gunicorn servers (one worker
each, REDIS_URL empty) count failed sign-ins in the database together. They also start with no
SECRET_KEY and agree on the one made in the instance folder: a session of one works on the
other. Reuses tests/prod's helpers. Cost: ~10–20 s (two app starts)."""

from __future__ import annotations

import re

import pytest

from ..prod.conftest import gunicorn_servers
from ..test_access import new_user

LIMIT = 5
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
PASSWORD = "Demo@2026"


@pytest.fixture()
def two_servers_without_redis(app):
    with gunicorn_servers(
        2,
        REDIS_URL="",
        SECRET_KEY="",
        JIEDAO_LOGIN_LIMIT_ACCOUNT=f"{LIMIT} per 5 minutes",
        JIEDAO_LOGIN_LIMIT_ADDRESS="1000 per 5 minutes",
    ) as urls:
        yield urls


def _login(session, base: str, username: str, password: str) -> int:
    page = session.get(base + "/login/", timeout=10)
    token = CSRF_RE.search(page.text).group(1)
    r = session.post(
        base + "/login/",
        data={"csrf_token": token, "username": username, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    return r.status_code


def _api_login(base: str, username: str, password: str) -> int:
    import requests

    return requests.post(
        base + "/api/v1/security/login", timeout=10, json={"username": username, "password": password, "provider": "db"}
    ).status_code


def test_account_limit_and_key_are_shared_by_two_processes_without_redis(app, two_servers_without_redis):
    import requests

    a, b = two_servers_without_redis
    name = new_user(app)
    with requests.Session() as sa, requests.Session() as sb:
        # a session made on A is good on B: both read the one key of the instance folder
        assert _login(sa, a, name, PASSWORD) == 302
        assert sa.get(b + "/meeting/list/", allow_redirects=False, timeout=10).status_code == 200
        sa.get(a + "/logout/", timeout=10)
        codes = [
            _login(sa, a, name.upper(), "wrong"),
            _login(sb, b, f" {name} ", "wrong"),
            _api_login(a, name, "wrong"),
            _api_login(b, name.upper(), "wrong"),
            _login(sb, b, name, "wrong"),
        ]
        assert 429 not in codes, codes  # 5 failures: at the limit (A saw 2, B saw 3)
        # the 6th attempt, with the right password, on either process: refused, the count is shared
        assert _login(sa, a, name, PASSWORD) == 429
        assert _api_login(b, name, PASSWORD) == 429
