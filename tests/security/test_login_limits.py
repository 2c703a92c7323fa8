"""Sign-in limits (app/access/ratelimit.py): failures counted in the database, per account under
any spelling of its name and per address, for the form and the API alike; successes are free."""

from __future__ import annotations

import datetime as dt
import itertools

from app.core import clock

from ..conftest import text
from ..test_access import new_user, sign_in
from .test_api_login import api_login, with_totp

_net = itertools.count(1)


def _addr() -> str:
    """A fresh client address per call: only the account limit is under test."""
    n = next(_net)
    return f"10.77.{n // 250}.{n % 250 + 1}"


def _email(app, name) -> str:
    from app.extensions import db
    from app.org.models import AppUser

    with app.app_context():
        return db.session.execute(db.select(AppUser.email).filter_by(username=name)).scalar_one()


def test_api_failures_under_other_spellings_count_against_the_account(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "4 per 15 minutes")
    name = new_user(app)
    spellings = [name.upper(), f"  {name} ", _email(app, name), _email(app, name).upper()]
    for spelled in spellings:
        _h, r = api_login(app, spelled, "wrong-password", addr=_addr())
        assert r.status_code == 401
    _h, r = api_login(app, name, addr=_addr())  # even the right password now waits, on the API…
    assert r.status_code == 429 and "access_token" not in r.get_json()
    assert "分钟后再试" in r.get_json()["message"]
    _c, r = sign_in(app, name, addr=_addr())  # …and on the form: one count
    assert r.status_code == 429 and "登录尝试过于频繁" in text(r)
    other = new_user(app)
    assert api_login(app, other, addr=_addr())[1].status_code == 200  # other accounts unaffected
    clock.freeze(clock.now() + dt.timedelta(minutes=16))  # the window has passed
    assert api_login(app, name, addr=_addr())[1].status_code == 200


def test_form_failures_count_for_the_api_and_wrong_api_codes_count_too(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", "3 per 15 minutes")
    name = new_user(app, "grid_worker")
    t = with_totp(app, name)
    assert sign_in(app, name.upper(), "wrong-password", addr=_addr())[1].status_code == 302
    for _i in range(2):
        assert api_login(app, name, totp="000000", addr=_addr())[1].status_code == 401
    _h, r = api_login(app, name, totp=t.now(), addr=_addr())
    assert r.status_code == 429


def test_forty_wrong_api_passwords_are_throttled_with_the_default_limits(app, monkeypatch):
    from config import Config

    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", Config.LOGIN_RATE_LIMIT_ACCOUNT)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", Config.LOGIN_RATE_LIMIT_ADDRESS)
    name, addr = new_user(app), _addr()
    codes = [api_login(app, name, f"guess-{i}", addr=addr)[1].status_code for i in range(40)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}


def test_an_office_behind_one_address_signs_in_but_guessing_from_it_is_stopped(app, monkeypatch):
    """100 successful sign-ins from one NAT address within minutes pass under the default
    address limit (30 failures per 15 minutes); 30 failures from it stop the next attempt."""
    from config import Config

    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ACCOUNT", Config.LOGIN_RATE_LIMIT_ACCOUNT)
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_ADDRESS", Config.LOGIN_RATE_LIMIT_ADDRESS)
    office = _addr()
    staff = [new_user(app) for _ in range(10)]
    codes = [sign_in(app, staff[i % 10], addr=office)[1].status_code for i in range(100)]
    assert codes == [302] * 100
    assert all("/login/" not in sign_in(app, name, addr=office)[1].headers["Location"] for name in staff[:2])
    guessed = [new_user(app) for _ in range(10)]
    for i in range(30):  # 3 per account: under the account limit, the address limit decides
        assert sign_in(app, guessed[i % 10], "wrong-password", addr=office)[1].status_code == 302
    _c, r = sign_in(app, staff[0], addr=office)
    assert r.status_code == 429
    assert api_login(app, staff[0], addr=office)[1].status_code == 429
    assert sign_in(app, staff[0], addr=_addr())[1].status_code == 302  # from elsewhere: fine
