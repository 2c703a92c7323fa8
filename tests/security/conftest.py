"""The security tests write hostile and valid values into the shared demo database: every module
puts the register tables back as they were afterwards (as tests/robustness does)."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def _put_the_data_back(app):
    from app.extensions import db
    from tests.robustness.conftest import restore, snapshot

    with app.app_context():
        snap = snapshot(db)
    yield
    with app.app_context():
        restore(db, snap)
        db.session.remove()
