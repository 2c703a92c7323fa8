"""No credential of a login user in any API answer: a related row is {id, name} (app/core/serialise.py),
on every register's list and show page, as every demo role, and after a writer links a row to
another user."""

from __future__ import annotations

import sqlalchemy as sa

from app.core import registry
from app.core.serialise import NAME
from app.org.models import AppUser

from .walk import nested, text_of

CREDENTIAL_KEYS = {
    "password",
    "totp_secret",
    "totp_last_step",
    "session_epoch",
    "email",
    "must_change_password",
    "last_login",
    "login_count",
    "fail_login_count",
    "active",
    "roles",
    "username",
}


def _related_rows(body):
    """Every object nested inside a result row (the rows of a list, the row of a show page)."""
    result = body.get("result")
    rows = result if isinstance(result, list) else [result]
    for row in rows:
        for path, value in nested(row):
            if path and isinstance(value, dict):
                yield path, value


def test_the_walk_covers_every_register_and_role(api_walk):
    roles = {role for role, _ in api_walk.pages}
    keys = {key for _, key in api_walk.pages}
    assert len(roles) >= 15 and keys == {r.key for r in registry.all_registers() if r.views}
    # related rows were really seen (created_by on every show page), so the checks below bite
    assert sum(1 for pages in api_walk.pages.values() for _, body in pages for _ in _related_rows(body)) > 500


def test_no_credential_anywhere_in_the_api(api_walk):
    assert len(api_walk.credentials) > 40  # hashes and e-mails of every demo user, TOTP secrets
    leaks = []
    for (role, key), pages in api_walk.pages.items():
        for url, body in pages:
            text = text_of(body)
            leaks += [(role, url, "value") for secret in api_walk.credentials if secret in text]
            leaks += [
                (role, url, path) for path, value in nested(body.get("result")) if path and path[-1] in CREDENTIAL_KEYS
            ]
    assert not leaks, leaks[:10]


def test_related_rows_are_id_and_name(api_walk):
    wrong = [
        (role, url, path, sorted(value))
        for (role, _), pages in api_walk.pages.items()
        for url, body in pages
        for path, value in _related_rows(body)
        if set(value) - {"id", NAME}
    ]
    assert not wrong, wrong[:10]


def test_staff_profile_of_the_admin_as_a_grid_worker(db, clients):
    admin = db.session.execute(sa.select(AppUser).where(AppUser.username == "admin")).scalar_one()
    from app.org.models import StaffProfile

    profile = db.session.execute(sa.select(StaffProfile).where(StaffProfile.user_id == admin.id)).scalar_one()
    body = clients("wg1").api("GET", f"/api/v1/staff_profile/{profile.id}").get_json()
    assert body["result"]["user"] == {"id": admin.id, NAME: str(admin)}
    assert admin.password not in text_of(body) and admin.email not in text_of(body)


def test_a_writer_linking_a_row_to_another_user_reads_only_its_name(db, clients):
    """sq1 points a meeting's chair at the administrator: the answers name the chair, nothing more."""
    admin = db.session.execute(sa.select(AppUser).where(AppUser.username == "admin")).scalar_one()
    c = clients("sq1")
    listing = c.api("GET", "/api/v1/meeting/?q=(page:0,page_size:20)").get_json()
    put = None
    for row in listing["result"]:  # the first meeting sq1 may change
        put = c.api("PUT", f"/api/v1/meeting/{row['id']}", json={"version": row["version"], "chair": admin.id})
        if put.status_code == 200:
            break
    assert put is not None and put.status_code == 200, put and put.get_data(as_text=True)
    show = c.api("GET", f"/api/v1/meeting/{row['id']}").get_json()
    assert show["result"]["chair"] == {"id": admin.id, NAME: str(admin)}
    for body in (put.get_json(), show):
        assert admin.password not in text_of(body) and admin.email not in text_of(body)
