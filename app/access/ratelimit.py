"""Sign-in rate limits, per account and per address, counted by `limits` (the engine of
Flask-Limiter) in the storage of RATELIMIT_STORAGE_URI: memory:// in one process, Redis shared by
every worker. (FAB's own AUTH_RATE_LIMITED answers a bare 429 page for the whole login blueprint,
per address only, and needs RATELIMIT_ENABLED app-wide; this keeps the login page and its message.)

LOGIN_RATE_LIMIT_ADDRESS counts every sign-in attempt from one address; LOGIN_RATE_LIMIT_ACCOUNT
counts the failed passwords and TOTP codes of one user name, from anywhere. A value of None turns
a limit off (TestConfig: the suite signs in thousands of times from 127.0.0.1)."""
from __future__ import annotations

import math
import time

from flask import current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


def _limiter() -> MovingWindowRateLimiter:
    ext = current_app.extensions
    if "jiedao_login_limiter" not in ext:
        storage = storage_from_string(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        ext["jiedao_login_limiter"] = MovingWindowRateLimiter(storage)
    return ext["jiedao_login_limiter"]


def _item(key: str):
    text = current_app.config.get(key)
    return parse(text) if text else None


def _account_key(username: str) -> str:
    return (username or "").strip().lower()[:128]


def _address() -> str:
    return request.remote_addr or "-"


def _wait(item, *ids) -> int:
    reset = _limiter().get_window_stats(item, *ids).reset_time
    return max(1, int(math.ceil((reset - time.time()) / 60)))


def blocked(username: str) -> int | None:
    """Minutes to wait when this sign-in attempt is over a limit, else None. Counts the attempt
    against the address."""
    address = _item("LOGIN_RATE_LIMIT_ADDRESS")
    account = _item("LOGIN_RATE_LIMIT_ACCOUNT")
    if address is not None and not _limiter().hit(address, "jiedao:login-address", _address()):
        return _wait(address, "jiedao:login-address", _address())
    if account is not None and not _limiter().test(account, "jiedao:login-account", _account_key(username)):
        return _wait(account, "jiedao:login-account", _account_key(username))
    return None


def failed(username: str) -> None:
    """A wrong password or code for this account."""
    account = _item("LOGIN_RATE_LIMIT_ACCOUNT")
    if account is not None:
        _limiter().hit(account, "jiedao:login-account", _account_key(username))
