"""Every write is one transaction: a failure injected half-way — after some rows of the save are
already written — leaves nothing behind (no row, no link row, no audit row), and the user gets a
message, not a 500. Three kinds of write: a form save with many-to-many links and audit rows, an
xlsx import failing on row N, a workflow step whose effect writes a review record."""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.common.models import AuditLog, Meeting, WorkCalendar, meeting_attendee
from app.core import registry
from app.modules.dangjian.enums import ProjectStatus as PS
from app.modules.dangjian.models import PartyProject, PartyProjectReview
from tests import factories as f
from tests.conftest import text
from tests.dangjian.helpers import project
from tests.sheets.helpers import confirm, page, token_of, upload, xlsx_bytes


def _count(db, table_or_model, *where) -> int:
    db.session.rollback()
    q = sa.select(sa.func.count()).select_from(table_or_model)
    for w in where:
        q = q.where(w)
    return db.session.execute(q).scalar()


def _boom(what):
    return OperationalError(f"injected failure: {what}", {}, Exception("disk I/O error"))


@contextlib.contextmanager
def listening(target, name, fn):
    event.listen(target, name, fn)
    try:
        yield
    finally:
        event.remove(target, name, fn)


def test_form_save_with_links_and_audit_rows_fails_after_they_are_written(db, clients):
    title = "事务测试会议"
    attendees = [str(f.user(u).id) for u in ("sq1", "wg1", "tz1")]
    data = {
        "module": "dangjian",
        "meeting_type": "team_weekly",
        "title": title,
        "org_unit": str(f.org("荷花社区").id),
        "status": "planned",
        "planned_start": "2026-12-03T09:00",
        "chair": str(f.user("sq1").id),
        "attendees": attendees,
    }
    clients("admin")
    before = (_count(db, Meeting), _count(db, meeting_attendee), _count(db, AuditLog))
    seen = {}

    def fail_after_flush(session, flush_context):
        # the meeting, its three attendee links and the audit row are written by now
        seen["links"] = session.connection().execute(sa.select(sa.func.count()).select_from(meeting_attendee)).scalar()
        seen["audit"] = session.connection().execute(sa.select(sa.func.count()).select_from(AuditLog)).scalar()
        raise _boom("after the flush")

    with listening(Session, "after_flush", fail_after_flush):
        r = clients("admin").post_form("/meeting/add", data)
    assert r.status_code == 200, r.status_code  # the form again, with a message; not a 500
    assert "未保存任何内容" in text(r) or "nothing was saved" in text(r)
    assert title in text(r)  # the input is kept
    assert seen["links"] == before[1] + 3 and seen["audit"] > before[2]  # the failure really came half-way
    assert (_count(db, Meeting), _count(db, meeting_attendee), _count(db, AuditLog)) == before
    # and without the failure the same form saves all of it
    r = clients("admin").post_form("/meeting/add", data)
    assert r.status_code == 302
    assert _count(db, Meeting, Meeting.title == title) == 1
    assert _count(db, meeting_attendee) == before[1] + 3


def test_import_failing_on_row_n_imports_nothing(app, db, clients):
    from flask_babel import force_locale

    reg = registry.get("work_calendar")
    with app.test_request_context(), force_locale("zh"):
        header = [str(reg.label(c)) for c in ("day", "is_working_day", "name", "org_unit")]
    data = [header] + [[dt.date(2032, 3, d), "否", f"事务导入{d}", "荷花街道"] for d in range(1, 7)]
    c = clients("admin")
    r = upload(c, "work_calendar", xlsx_bytes(data))
    token = token_of(r)
    assert token, page(r)[:2000]
    before = (_count(db, WorkCalendar), _count(db, AuditLog))
    inserted = []

    def fail_on_row_4(mapper, connection, target):
        inserted.append(target.day)
        if len(inserted) == 4:
            raise _boom("row 4")

    with listening(WorkCalendar, "after_insert", fail_on_row_4):
        done = confirm(c, "work_calendar", token)
    assert done.status_code == 200
    assert "未保存任何内容" in page(done) or "nothing was saved" in page(done)
    assert len(inserted) == 4  # three rows were in the database when the fourth failed
    assert (_count(db, WorkCalendar), _count(db, AuditLog)) == before
    assert _count(db, WorkCalendar, WorkCalendar.name.like("事务导入%")) == 0


def _declared_project(db, title):
    p = project(2033, title, status=PS.declared)
    return p.id, p.version


def test_workflow_step_whose_review_record_fails_leaves_status_and_record_unchanged(db, clients):
    zzwy = clients("zzwy")  # logged in before counting (a login is an audit row too)
    p_id, version = _declared_project(db, "事务审核项目")
    reviews = _count(db, PartyProjectReview, PartyProjectReview.project_id == p_id)
    audit = _count(db, AuditLog)

    def fail_after_review(mapper, connection, target):
        raise _boom("after the review record")

    with listening(PartyProjectReview, "after_insert", fail_after_review):
        r = zzwy.api(
            "POST", f"/api/v1/party_project/{p_id}/transition/review_round1", {"version": version, "opinion": "同意"}
        )
    assert r.status_code == 422, (r.status_code, r.get_json())
    db.session.expire_all()
    row = db.session.get(PartyProject, p_id)
    assert row.status == PS.declared and row.version == version
    assert _count(db, PartyProjectReview, PartyProjectReview.project_id == p_id) == reviews
    assert _count(db, AuditLog) == audit
    # the same step without the failure goes through, with its record
    r = clients("zzwy").api(
        "POST", f"/api/v1/party_project/{p_id}/transition/review_round1", {"version": version, "opinion": "同意"}
    )
    assert r.status_code == 200, r.get_json()
    assert _count(db, PartyProjectReview, PartyProjectReview.project_id == p_id) == reviews + 1


def test_workflow_effect_that_fails_after_writing_its_record_leaves_nothing(db, clients, monkeypatch):
    """The module's effect adds the review record and has it written (flush), then fails."""
    import dataclasses

    from app.core.rules import RuleViolation

    reg = registry.get("party_project")
    p_id, version = _declared_project(db, "事务效果失败项目")
    original = next(t for t in reg.transitions if t.name == "review_round1")
    written = {}

    def effect_then_fail(item, p):
        original.effect(item, p)
        db.session.flush()  # the status change and the review record are in the database now
        written["reviews"] = db.session.execute(
            sa.select(sa.func.count()).select_from(PartyProjectReview).where(PartyProjectReview.project_id == item.id)
        ).scalar()
        raise RuleViolation("injected failure after the review record")

    broken = dataclasses.replace(original, effect=effect_then_fail)
    monkeypatch.setattr(reg, "transitions", tuple(broken if t is original else t for t in reg.transitions))
    r = clients("zzwy").api(
        "POST", f"/api/v1/party_project/{p_id}/transition/review_round1", {"version": version, "opinion": "同意"}
    )
    assert r.status_code == 422, (r.status_code, r.get_json())
    assert written["reviews"] == 1
    db.session.expire_all()
    assert db.session.get(PartyProject, p_id).status == PS.declared
    assert _count(db, PartyProjectReview, PartyProjectReview.project_id == p_id) == 0
