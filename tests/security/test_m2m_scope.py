"""Many-to-many links written through the API or the form are scope-checked like many-to-one
links (writes.links_outside_scope): a list of meetings, volunteer teams, rules … may not name a
row the user cannot read. Walks every register with such a link to a scoped (non-reference) register."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import MANYTOMANY

from app.core import registry
from app.extensions import db as _db
from app.seed import DEMO_USERS
from tests.conftest import ids_in_api, text
from tests.reliability.helpers import FILLED_ON_EDIT, form_fields, with_values

LINKS = [
    (reg, rel.key, registry.for_model(rel.mapper.class_))
    for reg in registry.all_registers()
    if reg.views and reg.writable
    for rel in sa.inspect(reg.model).relationships
    if rel.direction is MANYTOMANY
    and registry.for_model(rel.mapper.class_) is not None
    and not registry.for_model(rel.mapper.class_).reference
]
LOGINS = [login for login, *_ in DEMO_USERS if login != "admin"]


def test_the_registers_named_in_the_issue_are_walked():
    walked = {(r.key, k) for r, k, _t in LINKS}
    assert {
        ("petition_case", "meetings"),
        ("joint_enforcement", "volunteer_teams"),
        ("typical_case", "rules"),
    } <= walked


def _linked_ids(reg, row_id, key):
    _db.session.rollback()
    _db.session.expire_all()
    return {o.id for o in getattr(_db.session.get(reg.model, row_id), key)}


def _version(reg, row_id):
    _db.session.rollback()
    _db.session.expire_all()
    return _db.session.get(reg.model, row_id).version


def _writer_and_foreign(clients, reg, target):
    """(login, a row the login may change, a target row it cannot read, a target row it can read)."""
    all_targets = set(
        _db.session.execute(sa.select(target.model.id).where(target.model.is_deleted.is_(False))).scalars()
    )
    for login in LOGINS:
        c = clients(login)
        if c.api("GET", f"/api/v1/{reg.key}/?q=(page_size:1)").status_code != 200:
            continue
        foreign = all_targets - ids_in_api(c, target.key)
        if not foreign:
            continue
        readable = all_targets - foreign
        for row_id in sorted(ids_in_api(c, reg.key))[:5]:
            r = c.api(
                "PUT",
                f"/api/v1/{reg.key}/{row_id}",
                {"version": _version(reg, row_id), **FILLED_ON_EDIT.get(reg.key, {})},
            )
            if r.status_code == 200:
                return login, row_id, min(foreign), readable
    return None


@pytest.mark.parametrize("reg,key,target", LINKS, ids=lambda x: getattr(x, "key", x))
def test_a_link_to_a_row_out_of_scope_is_refused(db, clients, reg, key, target):
    found = _writer_and_foreign(clients, reg, target)
    if found is None:
        pytest.skip(f"every demo user who may change {reg.key} reads every {target.key} row: nothing is out of scope")
    login, row_id, foreign, readable = found
    c = clients(login)
    before = _linked_ids(reg, row_id, key)
    # API: the foreign row alone, and next to the links already there
    for links in ([foreign], sorted(before | {foreign})):
        r = c.api(
            "PUT",
            f"/api/v1/{reg.key}/{row_id}",
            {"version": _version(reg, row_id), **FILLED_ON_EDIT.get(reg.key, {}), key: links},
        )
        assert r.status_code == 403, (reg.key, key, login, links, r.status_code, text(r)[:300])
        assert key in r.get_json().get("errors", {}), r.get_json()
        assert _linked_ids(reg, row_id, key) == before
    # a new row naming it: refused, nothing created
    count = _db.session.execute(sa.select(sa.func.count()).select_from(reg.model)).scalar()
    got = c.api("GET", f"/api/v1/{reg.key}/{row_id}").get_json()["result"]
    body = {
        k: (v["id"] if isinstance(v, dict) and "id" in v else v)
        for k, v in got.items()
        if k
        in c.api("GET", f"/api/v1/{reg.key}/_info?q=(keys:!(add_columns))").get_json().get("add_columns_names", got)
    }
    p = c.api("POST", f"/api/v1/{reg.key}/", {**body, key: [foreign]})
    assert 400 <= p.status_code < 500, (reg.key, p.status_code, text(p)[:300])
    _db.session.rollback()
    assert _db.session.execute(sa.select(sa.func.count()).select_from(reg.model)).scalar() == count
    # a readable row is still taken (the check is about scope, not about links as such)
    if readable:
        ok = sorted(before | {min(readable)})
        r = c.api(
            "PUT",
            f"/api/v1/{reg.key}/{row_id}",
            {"version": _version(reg, row_id), **FILLED_ON_EDIT.get(reg.key, {}), key: ok},
        )
        assert r.status_code == 200, (reg.key, key, login, r.status_code, text(r)[:300])
        assert _linked_ids(reg, row_id, key) == set(ok)
        before = set(ok)
    # the form: a forged choice is refused the same way, nothing saved
    url = f"/{reg.key}/edit/{row_id}"
    fields = [(k, v) for k, v in form_fields(text(c.get(url))) if k != key]
    data = with_values(fields)
    data[key] = [str(i) for i in sorted(before | {foreign})]
    version = _version(reg, row_id)
    r = c._open(url, method="POST", data=data)
    assert r.status_code == 200, (reg.key, key, r.status_code, foreign, before, _linked_ids(reg, row_id, key), data)
    assert (_version(reg, row_id), _linked_ids(reg, row_id, key)) == (version, before)


@pytest.mark.parametrize("reg,key,target", LINKS, ids=lambda x: getattr(x, "key", x))
def test_a_form_save_keeps_the_links_the_editor_cannot_see(db, clients, reg, key, target):
    """The drop-down offers only readable rows; a link someone else made to a row outside the
    editor's scope is not in the submitted list, and the save must not drop it."""
    found = _writer_and_foreign(clients, reg, target)
    if found is None:
        pytest.skip(f"every demo user who may change {reg.key} reads every {target.key} row: nothing is out of scope")
    login, row_id, foreign, _readable = found
    row = _db.session.get(reg.model, row_id)
    getattr(row, key).append(_db.session.get(target.model, foreign))  # linked by someone who may
    _db.session.commit()
    before = _linked_ids(reg, row_id, key)
    assert foreign in before
    c = clients(login)
    url = f"/{reg.key}/edit/{row_id}"
    data = with_values(form_fields(text(c.get(url))))
    assert str(foreign) not in (data.get(key) or [])  # the form does not offer it
    version = _version(reg, row_id)
    r = c._open(url, method="POST", data=data)
    assert r.status_code == 302, (reg.key, key, r.status_code, text(r)[:300])
    assert _version(reg, row_id) == version + 1
    assert _linked_ids(reg, row_id, key) == before
