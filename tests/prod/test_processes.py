"""Several app processes with Redis: two gunicorn servers (gunicorn.conf.py, one worker each) on the
test database with the sign-in limit per account on (app/access/ratelimit.py, via the environment).
Failed logins split across both servers are counted together (in the database, which every process
sees; tests/security/test_limits_across_processes.py does the same without Redis).
Cost: ~10 s (two app starts)."""

from __future__ import annotations

import re

import pytest

from .conftest import gunicorn_servers

LIMIT = 5
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


@pytest.fixture()
def two_servers(app, redis_conn):
    with gunicorn_servers(
        2, JIEDAO_LOGIN_LIMIT_ACCOUNT=f"{LIMIT} per 1 minute", JIEDAO_LOGIN_LIMIT_ADDRESS="1000 per 1 minute"
    ) as urls:
        yield urls


def _failed_login(session, base: str) -> int:
    page = session.get(base + "/login/", timeout=10)
    token = CSRF_RE.search(page.text).group(1)
    r = session.post(
        base + "/login/",
        data={"csrf_token": token, "username": "sq1", "password": "wrong"},
        allow_redirects=False,
        timeout=10,
    )
    return r.status_code


def test_login_rate_limit_holds_across_two_processes(two_servers):
    import requests

    a, b = two_servers
    with requests.Session() as sa, requests.Session() as sb:
        _limit_is_shared(a, b, sa, sb)


def _limit_is_shared(a, b, sa, sb):
    import requests

    codes = [
        _failed_login(sa, a),
        _failed_login(sb, b),
        _failed_login(sa, a),
        _failed_login(sb, b),
        _failed_login(sa, a),
    ]
    assert 429 not in codes, codes  # 5 attempts: at the limit, none refused (A saw 3, B saw 2)
    # the 6th attempt, on B, which itself saw only 2: refused because the count is shared
    assert _failed_login(sb, b) == 429
    assert _failed_login(sa, a) == 429
    # the servers answer the request id they were given
    r = requests.get(a + "/healthz", headers={"X-Request-ID": "prod-test-1"}, timeout=5)
    assert r.headers["X-Request-ID"] == "prod-test-1"
    assert requests.get(b + "/readyz", timeout=5).json() == {"status": "ok", "database": "ok", "redis": "ok"}
