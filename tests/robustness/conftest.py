"""Fuzzing writes hostile and random values into the shared test database: every test module here
puts the register tables back as they were afterwards, so the suites that run later see the demo data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

# not register data: the log, the schema version, and the sign-in bookkeeping (putting login_session
# back would sign out the clients the suite keeps for the whole run)
SKIP = ("audit_log", "alembic_version", "login_session", "login_failure")


def _tables(db):
    return [t for t in db.Model.metadata.sorted_tables if t.name not in SKIP and not t.name.startswith("ab_")]


def snapshot(db) -> dict:
    out = {}
    with db.engine.connect() as conn:
        for t in _tables(db):
            pk = list(t.primary_key.columns)
            out[t.name] = {tuple(r._mapping[c.name] for c in pk): dict(r._mapping) for r in conn.execute(sa.select(t))}
    return out


def restore(db, snap: dict) -> None:
    db.session.rollback()
    tables = _tables(db)
    with db.engine.begin() as conn:
        current = {}
        for t in tables:
            pk = list(t.primary_key.columns)
            current[t.name] = {
                tuple(r._mapping[c.name] for c in pk): dict(r._mapping) for r in conn.execute(sa.select(t))
            }
        for t in reversed(tables):  # rows that were not there
            pk = list(t.primary_key.columns)
            for key in set(current[t.name]) - set(snap[t.name]):
                conn.execute(sa.delete(t).where(*(c == v for c, v in zip(pk, key))))
        for t in tables:  # rows that changed, rows that went
            pk = list(t.primary_key.columns)
            for key, row in snap[t.name].items():
                now = current[t.name].get(key)
                if now is None:
                    conn.execute(sa.insert(t).values(**row))
                elif now != row:
                    conn.execute(sa.update(t).where(*(c == v for c, v in zip(pk, key))).values(**row))
    db.session.expire_all()


@pytest.fixture(scope="module", autouse=True)
def _put_the_data_back(app):
    from app.extensions import db

    with app.app_context():
        snap = snapshot(db)
    yield
    with app.app_context():
        restore(db, snap)
        db.session.remove()
