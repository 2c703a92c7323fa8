"""Personal data masking (staff phones) and the time-rule collection (work-item deadlines)."""

import datetime as dt
import io
import json

import openpyxl
import sqlalchemy as sa

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import AuditLog, WorkItem
from app.core import pii, registry, timerules
from app.org.enums import Module
from app.org.models import StaffProfile

from . import factories as f
from .conftest import text


def test_mask_shapes():
    assert pii.mask("13812345678", "phone") == "138****5678"
    assert pii.mask("330802199001011234", "id_no") == "3308**********1234"
    assert pii.mask("张三丰", "name") == "张**"
    assert pii.mask(None, "phone") == ""


def test_staff_phones_are_masked_for_other_roles_everywhere(db, clients):
    profile = db.session.execute(sa.select(StaffProfile).where(StaffProfile.phone.is_not(None))).scalars().first()
    clear = profile.phone
    masked = pii.mask(clear, "phone")
    leader = clients("leader")
    assert masked in text(leader.get(f"/staff_profile/show/{profile.id}")) and clear not in text(
        leader.get(f"/staff_profile/show/{profile.id}")
    )
    assert clear not in text(leader.get("/staff_profile/list/"))
    assert leader.api("GET", f"/api/v1/staff_profile/{profile.id}").get_json()["result"]["phone"] == masked
    sheet = openpyxl.load_workbook(io.BytesIO(leader.get("/staff_profile/export_xlsx/").data), read_only=True).active
    assert clear not in {c for row in sheet.iter_rows(values_only=True) for c in row}


def test_clear_view_is_audited(db, clients):
    profile = db.session.execute(sa.select(StaffProfile).where(StaffProfile.phone.is_not(None))).scalars().first()
    before = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar()
    page = text(clients("admin").get(f"/staff_profile/show/{profile.id}"))
    assert profile.phone in page
    row = db.session.execute(
        sa.select(AuditLog).where(AuditLog.id > before, AuditLog.action == "view_pii")
    ).scalar_one()
    assert json.loads(row.diff) == {"register": "staff_profile", "rows": [profile.id]}


def test_work_item_deadlines_reach_the_time_rule_ladder(db, app):
    wi = WorkItem(
        module=Module.xietiao,
        kind=WorkItemKind.other,
        title="时限测试任务",
        org_unit=f.org("荷花社区"),
        deadline=dt.date(2026, 12, 10),
        status=WorkItemStatus.todo,
        responsible_person=f.user("sq1"),
    )
    db.session.add(wi)
    db.session.commit()
    reg = registry.get("work_item")

    def stage_at(now):
        hits = [d for r, d in timerules.collect(now, [reg]) if d.row_id == wi.id]
        return timerules.stage_of(hits[0], now) if hits else None

    assert stage_at(dt.datetime(2026, 12, 1, 9)) is None  # not yet due soon
    assert stage_at(dt.datetime(2026, 12, 8, 9)) == timerules.REMINDER
    assert stage_at(dt.datetime(2026, 12, 11, 0, 0, 1)) == timerules.SUPERVISION
    assert stage_at(dt.datetime(2027, 1, 1, 0, 0, 1)) == timerules.NOTICE
    wi.status = WorkItemStatus.done
    db.session.commit()
    assert stage_at(dt.datetime(2026, 12, 11, 9)) is None


def test_collect_keeps_only_rows_in_scope(app, db):
    from app.core import scope

    wi = WorkItem(
        module=Module.zhili,
        kind=WorkItemKind.other,
        title="新村时限任务",
        org_unit=f.org("新村社区"),
        deadline=dt.date(2026, 12, 10),
        status=WorkItemStatus.todo,
    )
    db.session.add(wi)
    db.session.commit()
    reg = registry.get("work_item")
    with app.test_request_context():
        from flask import g

        g.jiedao_principal = scope.build_principal(f.user("sq1"))
        assert wi.id not in {d.row_id for _r, d in timerules.collect(dt.datetime(2026, 12, 11), [reg])}
        g.jiedao_principal = scope.build_principal(f.user("sq2"))
        assert wi.id in {d.row_id for _r, d in timerules.collect(dt.datetime(2026, 12, 11), [reg])}


def test_missing_row_dues_have_a_stable_distinct_key():
    due = dt.datetime(2026, 12, 3, 23, 59, 59)
    a = timerules.Due("TR-33", None, due, "执法大队: 11月汇总")
    b = timerules.Due("TR-33", None, due, "派出所: 11月汇总")
    assert a.row_key == timerules.Due("TR-33", None, due, "执法大队: 11月汇总").row_key
    assert a.row_key != b.row_key and a.row_key < 0 and b.row_key < 0
    assert timerules.Due("WI", 7, due, "x").row_key == 7
