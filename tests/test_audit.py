"""Audit log: every insert, update and delete with its field diff; logins; who may read it."""

import json

import sqlalchemy as sa

from app.common.models import AuditLog

from . import factories as f


def _entries(db, register_key, row_id):
    return list(
        db.session.execute(
            sa.select(AuditLog)
            .where(AuditLog.register_key == register_key, AuditLog.row_id == row_id)
            .order_by(AuditLog.id)
        ).scalars()
    )


def test_insert_update_delete_are_logged_with_diff(db, clients):
    api = clients("sq1")
    r = api.api(
        "POST",
        "/api/v1/meeting/",
        json={
            "module": "dangjian",
            "meeting_type": "team_weekly",
            "title": "审计测试会",
            "org_unit": f.org("荷花社区").id,
            "status": "planned",
            "planned_start": "2026-12-03T09:00:00",
            "chair": f.user("sq1").id,
        },
    )
    assert r.status_code == 201, r.get_json()
    pk = r.get_json()["id"]
    r = api.api("PUT", f"/api/v1/meeting/{pk}", json={"place": "二楼", "version": 1})
    assert r.status_code == 200, r.get_json()
    assert api.api("DELETE", f"/api/v1/meeting/{pk}").status_code == 200
    entries = _entries(db, "meeting", pk)
    assert [e.action for e in entries] == ["insert", "update", "delete"]
    assert all(e.user.username == "sq1" and e.org_unit_id == f.org("荷花社区").id for e in entries)
    assert json.loads(entries[0].diff)["title"] == [None, "审计测试会"]
    assert json.loads(entries[1].diff) == {"place": [None, "二楼"]}
    assert json.loads(entries[2].diff)["is_deleted"] == [False, True]


def test_logins_and_failed_logins_are_logged(app, db):
    from .conftest import Client

    before = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar() or 0
    Client(app, "djb")
    c = Client(app, None)
    c.post_form("/login/", {"username": "djb", "password": "wrong"})
    rows = list(db.session.execute(sa.select(AuditLog).where(AuditLog.id > before).order_by(AuditLog.id)).scalars())
    actions = [(r.action, r.user.username if r.user else json.loads(r.diff).get("username")) for r in rows]
    assert ("login", "djb") in actions and ("login_failed", "djb") in actions


def test_only_admin_and_auditor_read_the_audit_log(clients):
    assert clients("admin").get("/audit_log/list/").status_code == 200
    assert clients("audit").get("/audit_log/list/").status_code == 200
    assert clients("leader").get("/audit_log/list/").status_code == 403
    assert clients("sq1").api("GET", "/api/v1/audit_log/").status_code == 403
    # append-only: no add, edit or delete even for admin
    assert clients("admin").get("/audit_log/add").status_code in (403, 404)
