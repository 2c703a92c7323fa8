"""Lost updates are refused on EVERY register: two logged-in sessions open the same row, both
edit it; the first save wins, the second is refused — the form says so and keeps what was typed,
the API answers 409 — and the row holds the first edit."""

from __future__ import annotations

import pytest

from app.extensions import db as _db
from tests.conftest import text

from .helpers import (
    FILLED_ON_EDIT,
    editable_registers,
    form_fields,
    live_row,
    problems,
    second_session,
    text_column,
    with_values,
)

REGS = [r for r in editable_registers() if text_column(r)]


@pytest.fixture(scope="module")
def pair(app, clients):
    return clients("admin"), second_session(app, "admin")


def _row(reg):
    row = live_row(reg)
    assert row is not None, f"the demo data has no {reg.key} row to edit"
    return row.id


@pytest.mark.parametrize("reg", REGS, ids=lambda r: r.key)
def test_second_form_save_is_refused_and_keeps_the_input(db, pair, reg):
    first, second = pair
    col = text_column(reg)
    row_id = _row(reg)
    url = f"/{reg.key}/edit/{row_id}"
    page1, page2 = first.get(url), second.get(url)
    assert page1.status_code == page2.status_code == 200
    form1, form2 = form_fields(text(page1)), form_fields(text(page2))
    assert any(k == "lock_version" for k, _ in form1), "the edit form carries no version"
    r1 = first.post(url, data=with_values(form1, **FILLED_ON_EDIT.get(reg.key, {}), **{col: f"先存 {reg.key}"}))
    assert r1.status_code == 302, f"{reg.key}: an unchanged form with one edit was not saved: {problems(text(r1))}"
    r2 = second.post(url, data=with_values(form2, **FILLED_ON_EDIT.get(reg.key, {}), **{col: f"后存 {reg.key}"}))
    assert r2.status_code == 200
    body = text(r2)
    assert "其他人修改" in body or "changed by someone else" in body, body[-2000:]
    assert f"后存 {reg.key}" in body  # the typed input is kept
    _db.session.expire_all()
    assert getattr(_db.session.get(reg.model, row_id), col) == f"先存 {reg.key}"


def _version(client, reg, row_id) -> int:
    """The version as the client reads it: from the show endpoint, or the list (which always has it)."""
    r = client.api("GET", f"/api/v1/{reg.key}/{row_id}")
    assert r.status_code == 200, r.get_json()
    if "version" in r.get_json()["result"]:
        return r.get_json()["result"]["version"]
    page = 0
    while True:
        r = client.api("GET", f"/api/v1/{reg.key}/?q=(page:{page},page_size:100)")
        assert r.status_code == 200 and r.get_json()["ids"], r.get_json()
        body = r.get_json()
        if row_id in body["ids"]:
            return body["result"][body["ids"].index(row_id)]["version"]
        page += 1


@pytest.mark.parametrize("reg", REGS, ids=lambda r: r.key)
def test_second_api_put_is_a_409(db, pair, reg):
    first, second = pair
    col = text_column(reg)
    row_id = _row(reg)
    url = f"/api/v1/{reg.key}/{row_id}"
    v1, v2 = _version(first, reg, row_id), _version(second, reg, row_id)
    r1 = first.api("PUT", url, {"version": v1, **FILLED_ON_EDIT.get(reg.key, {}), col: f"API 先存 {reg.key}"})
    assert r1.status_code == 200, r1.get_json()
    r2 = second.api("PUT", url, {"version": v2, col: f"API 后存 {reg.key}"})
    assert r2.status_code == 409, r2.get_json()
    _db.session.expire_all()
    assert getattr(_db.session.get(reg.model, row_id), col) == f"API 先存 {reg.key}"
