"""Bad input that used to reach a 500 is a clear 4xx with a Chinese message (JSON under /api/):
a lone surrogate in an API body, a filter value of the wrong JSON type, FAB's /download/ route."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from app.core import registry
from app.core.enums import EnumSet
from app.extensions import db as _db
from tests.reliability.helpers import FILLED_ON_EDIT, editable_registers, live_row

CJK = re.compile(r"[\u4e00-\u9fff]")


def _text_column(reg, columns) -> str | None:
    for col in columns:
        c = reg.model.__table__.c.get(col)
        if c is not None and isinstance(c.type, sa.String) and not isinstance(c.type, (sa.Enum, EnumSet)):
            return col
    return None


def _api_form_columns(reg):
    from app.core.interface import ScopedInterface
    from app.core.views import _columns

    return [
        c
        for c in _columns(reg, ScopedInterface(reg.model))[0]
        if not isinstance(getattr(reg.model.__table__.c.get(c), "type", None), EnumSet)
    ]


def _raw(client, method, url, body: str):
    headers = {"X-CSRFToken": client.csrf("/resetmypassword/form")}
    return client._open(url, method=method, data=body.encode(), content_type="application/json", headers=headers)


SURROGATE_REGS = [r for r in editable_registers() if _text_column(r, _api_form_columns(r))]


@pytest.mark.parametrize("reg", SURROGATE_REGS, ids=lambda r: r.key)
def test_a_lone_surrogate_in_an_api_body_is_refused(db, clients, reg):
    admin = clients("admin")
    row = live_row(reg)
    assert row is not None, reg.key
    row_id, version = row.id, row.version
    col = _text_column(reg, _api_form_columns(reg))
    before = getattr(row, col)
    # json.dumps would escape it the same way; written out so the body holds the escape itself
    fields = {"version": version, **FILLED_ON_EDIT.get(reg.key, {})}
    body = json.dumps(fields)[:-1] + f', "{col}": "a\\ud800b"}}'
    r = _raw(admin, "PUT", f"/api/v1/{reg.key}/{row_id}", body)
    assert r.status_code in (400, 422), (reg.key, col, r.status_code, r.get_data(as_text=True)[:300])
    assert r.is_json and CJK.search(json.dumps(r.get_json(), ensure_ascii=False)), r.get_data(as_text=True)[:300]
    _db.session.expire_all()
    row = _db.session.get(reg.model, row_id)
    assert (row.version, getattr(row, col)) == (version, before)
    # a new row with it: refused too, nothing created
    count = _db.session.execute(sa.select(sa.func.count()).select_from(reg.model)).scalar()
    p = _raw(admin, "POST", f"/api/v1/{reg.key}/", f'{{"{col}": "\\udfff"}}')
    assert 400 <= p.status_code < 500, (reg.key, p.status_code)
    _db.session.rollback()
    assert _db.session.execute(sa.select(sa.func.count()).select_from(reg.model)).scalar() == count


def test_the_surrogate_is_named_next_to_its_field(db, clients):
    reg = registry.get("meeting")
    row = live_row(reg)
    r = _raw(
        clients("admin"), "PUT", f"/api/v1/meeting/{row.id}", f'{{"version": {row.version}, "title": "会议\\ud800"}}'
    )
    assert r.status_code == 422
    assert "title" in r.get_json()["errors"] and CJK.search(r.get_json()["errors"]["title"])


def test_a_body_that_is_not_json_is_a_400_in_chinese(db, clients):
    admin = clients("admin")
    r = _raw(admin, "POST", "/api/v1/meeting/", "{not json")
    assert r.status_code == 400 and CJK.search(r.get_json()["message"])
    row = live_row(registry.get("meeting"))
    r = _raw(admin, "PUT", f"/api/v1/meeting/{row.id}", '["a list"]')
    assert r.status_code == 422


FILTER_REGS = [r for r in registry.all_registers() if r.views and _text_column(r, r.search_columns)]
WRONG_TYPED = ["!t", "!f", "!(x,!t)"]  # (!n and objects: FAB's rison schema refuses them already)


@pytest.mark.parametrize("reg", FILTER_REGS, ids=lambda r: r.key)
def test_an_api_text_filter_of_the_wrong_type_is_a_400(db, clients, reg):
    admin = clients("admin")
    col = _text_column(reg, reg.search_columns)
    for opr in ("ct", "sw", "eq", "nct"):
        for value in WRONG_TYPED:
            url = f"/api/v1/{reg.key}/?q=(filters:!((col:{col},opr:{opr},value:{value})))"
            r = admin.get(url)
            assert r.status_code == 400, (url, r.status_code, r.get_data(as_text=True)[:300])
            assert r.is_json and CJK.search(r.get_json()["message"]), (url, r.get_json())
    # a number is searched for as its digits, as a text would be
    r = admin.get(f"/api/v1/{reg.key}/?q=(filters:!((col:{col},opr:ct,value:2026)))")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]


@pytest.mark.parametrize("reg", [r for r in registry.all_registers() if r.views], ids=lambda r: r.key)
def test_fab_download_route_serves_nothing(db, clients, reg):
    for user in ("admin", "sq1"):
        for name in ("x", "a_sep_b", "..%2F..%2Fconfig.py"):
            r = clients(user).get(f"/{reg.key}/download/{name}")
            assert r.status_code in (302, 403, 404), (reg.key, user, name, r.status_code)
    r = clients("admin").get(f"/{reg.key}/download/x")
    assert r.status_code == 404 and CJK.search(r.get_data(as_text=True))
