"""Personal data across every surface, for every register that declares it (Register.pii): a
reader outside pii_roles sees it masked on the list, the show page, the export and the API; a
pii role sees it clear on the rows it handles, and each clear view is audited."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
import sqlalchemy as sa
from flask import g

from app.common.models import AuditLog
from app.core import permissions, pii, registry, scope

from . import factories as f
from .roles import LOGIN_FOR_ROLE


def _pii_registers():
    # (the audit log's diffs are masked by each audited register's rules: tests/security/test_nested_masking.py)
    return [r for r in registry.all_registers() if r.pii and r.views and pii.AUDIT_DIFF not in r.pii.values()]


def _row_in_scope(app, reg, role, column):
    """A readable row of `reg` for `role` with `column` filled (and, for per-row registers, the
    rows the role handles first)."""
    with app.test_request_context():
        p = scope.build_principal(f.user(LOGIN_FOR_ROLE[role]))
        g.jiedao_principal = p
        if not p.cell(reg).read and not p.is_admin:
            return None
        cond = scope.clause(reg, p, "read")
        col = getattr(reg.model, column)
        q = sa.select(reg.model).where(reg.model.is_deleted.is_(False), col.is_not(None), col != "")
        if cond is not None:
            q = q.where(cond)
        from app.extensions import db

        rows = db.session.execute(q.order_by(reg.model.id).limit(50)).scalars().all()
        clear = [r for r in rows if pii.sees_clear(reg, r)]
        return (clear or rows or [None])[0], bool(clear)


def _surfaces(c, reg, row_id):
    key = reg.key
    show = c.get(f"/{key}/show/{row_id}").get_data(as_text=True)
    api = c.api("GET", f"/api/v1/{key}/{row_id}").get_json()["result"]
    listing = c.get(f"/{key}/list/?psize_{''.join(p.capitalize() for p in key.split('_'))}View=100").get_data(
        as_text=True
    )
    book = openpyxl.load_workbook(io.BytesIO(c.get(f"/{key}/export_xlsx/").data), read_only=True)
    cells = {str(v) for row in book.active.iter_rows(values_only=True) for v in row if v is not None}
    return show, api, listing, cells


CASES = [
    (reg.key, role)
    for reg in _pii_registers()
    for role in permissions.ROLES
    if role in reg.pii_roles or role in ("street_leader", "auditor", "community_secretary")
]


@pytest.mark.parametrize("key,role", CASES)
def test_personal_data_masked_unless_the_role_handles_it(app, db, clients, key, role):
    reg = registry.get(key)
    column, kind = next(iter(reg.pii.items()))
    found = _row_in_scope(app, reg, role, column)
    if found is None or found[0] is None:
        pytest.skip(f"{role} reads no {key} row with {column}")
    row, clear_expected = found
    value = getattr(row, column)
    masked = pii.mask(value, kind)
    c = clients(LOGIN_FOR_ROLE[role])
    before = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar() or 0
    show, api, listing, cells = _surfaces(c, reg, row.id)
    if clear_expected:
        assert role in reg.pii_roles
        assert value in show and api[column] == value
        audited = (
            db.session.execute(sa.select(AuditLog.diff).where(AuditLog.id > before, AuditLog.action == "view_pii"))
            .scalars()
            .all()
        )
        assert any(row.id in json.loads(d)["rows"] and json.loads(d)["register"] == key for d in audited)
    else:
        assert value not in show and masked in show
        assert api[column] == masked
        assert value not in listing
        assert value not in cells
