"""Fixtures of the security tests: the API walk (every register × every demo role), made once; and
the data put back after each module, as the tests write hostile and valid values into the shared
demo database (as tests/robustness does)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from app.org.models import AppUser

from ..robustness.conftest import _put_the_data_back  # noqa: F401  (the same autouse fixture here)
from ..roles import LOGIN_FOR_ROLE
from .walk import api_registers, pages, role_logins


@dataclass
class Walk:
    pages: dict  # (role, register key) -> [(url, JSON body)], for every register the role reads
    credentials: set  # every login user's password hash, e-mail and TOTP secret as stored


def _enrol_totp(db) -> dict:
    """A TOTP secret for the demo users the walk does not log in as, so a leak of it shows."""
    walkers = set(LOGIN_FOR_ROLE.values())
    enrolled = {}
    for user in db.session.execute(sa.select(AppUser)).scalars():
        if user.username not in walkers and user.totp_secret is None:
            user.totp_secret = secrets.token_hex(10).upper()
            enrolled[user.id] = user.totp_secret
    db.session.commit()
    return enrolled


@pytest.fixture(scope="session")
def api_walk(app, clients):
    from app.extensions import db

    with app.app_context():
        enrolled = _enrol_totp(db)
        rows = db.session.execute(sa.select(AppUser.password, AppUser.email, AppUser.totp_secret)).all()
        credentials = {v for row in rows for v in row if v}
        db.session.remove()
    try:
        found = {}
        for role, login in role_logins():
            c = clients(login)
            for reg in api_registers():
                got = pages(c, reg)
                if got:
                    found[(role, reg.key)] = got
    finally:
        with app.app_context():
            for user_id in enrolled:  # other tests log in as these users
                db.session.get(AppUser, user_id).totp_secret = None
            db.session.commit()
            db.session.remove()
    return Walk(found, credentials)
