"""周二无会日 (TR-10, §10.15) as a confirmation, and the schedule-rule form (named patterns, advanced RRULE)."""

import datetime as dt

import sqlalchemy as sa

from app.common.models import Meeting, ScheduleRule

from .. import factories as f
from ..conftest import text


def _meeting(**over):
    data = {
        "module": "dangjian",
        "meeting_type": "djb_weekly",
        "title": over.pop("title"),
        "org_unit": str(f.org("荷花街道").id),
        "status": "planned",
        "planned_start": "2026-12-08 09:00:00",
        "chair": str(f.user("djb").id),
    }
    data.update(over)
    return data


def _saved(db, title):
    return db.session.execute(sa.select(Meeting).where(Meeting.title == title)).scalar_one_or_none()


def test_ordinary_meeting_on_a_tuesday_needs_confirmation(db, clients):
    c = clients("djb")
    r = c.post_form("/meeting/add", _meeting(title="周二例会（未确认）"))
    assert r.status_code == 200 and "周二为“无会日”" in text(r)
    assert _saved(db, "周二例会（未确认）") is None
    r = c.post_form("/meeting/add", _meeting(title="周二例会（已确认）", is_ad_hoc="y"))
    assert r.status_code == 302 and _saved(db, "周二例会（已确认）") is not None
    # a Wednesday needs nothing
    r = c.post_form("/meeting/add", _meeting(title="周三例会", planned_start="2026-12-09 09:00:00"))
    assert r.status_code == 302


def test_exempt_types_save_on_a_tuesday(db, clients):
    for mtype in ("team_monthly", "enforcement_emergency"):
        r = clients("djb").post_form("/meeting/add", _meeting(title=f"周二{mtype}", meeting_type=mtype))
        assert r.status_code == 302, mtype


def test_the_api_refuses_too(db, clients):
    body = {
        "module": "dangjian",
        "meeting_type": "djb_weekly",
        "title": "周二接口会议",
        "status": "planned",
        "org_unit": f.org("荷花街道").id,
        "planned_start": "2026-12-08T09:00:00",
        "chair": f.user("djb").id,
    }
    r = clients("djb").api("POST", "/api/v1/meeting/", json=body)
    assert r.status_code == 422 and "is_ad_hoc" in r.get_json()["errors"]
    r = clients("djb").api("POST", "/api/v1/meeting/", json={**body, "is_ad_hoc": True})
    assert r.status_code == 201


def test_an_old_tuesday_meeting_stays_editable(db, clients):
    m = f.meeting(
        "荷花街道", "旧的周二会议", chair="djb", planned_start=dt.datetime(2026, 12, 8, 9, 0), created_by="djb"
    )
    r = clients("djb").api("PUT", f"/api/v1/meeting/{m.id}", json={"topics": "补记议题", "version": m.version})
    assert r.status_code == 200, r.get_json()
    r = clients("djb").api(
        "PUT",
        f"/api/v1/meeting/{m.id}",
        json={"planned_start": "2026-12-15T09:00:00", "version": r.get_json()["version"]},
    )
    assert r.status_code == 422  # moved to another Tuesday: confirm again


def _rule(**over):
    data = {"name": over.pop("name"), "module": "common", "org_unit": str(f.org("荷花街道").id), "is_active": "y"}
    data.update(over)
    return data


def _rule_row(db, name):
    return db.session.execute(sa.select(ScheduleRule).where(ScheduleRule.name == name)).scalar_one_or_none()


def test_schedule_rule_from_a_named_pattern(db, clients):
    admin = clients("admin")
    page = text(admin.get("/schedule_rule/add"))
    assert "每月第一个周二" in page and "每季度末" in page
    r = admin.post_form(
        "/schedule_rule/add",
        _rule(
            name="测试月例会",
            pattern="monthly_first_tue",
            meeting_type="team_monthly",
            start_time="09:00",
            shift_to_working_day="y",
        ),
    )
    assert r.status_code == 302
    row = _rule_row(db, "测试月例会")
    assert row.rrule == "FREQ=MONTHLY;BYDAY=1TU" and row.shift_to_working_day and row.record_register == "meeting"
    row.is_active = False
    db.session.commit()


def test_schedule_rule_advanced_rrule_is_validated(db, clients):
    admin = clients("admin")
    r = admin.post_form("/schedule_rule/add", _rule(name="错误规则", pattern="custom", rrule="EVERY MONDAY"))
    assert r.status_code == 200 and "重复规则格式不正确" in text(r)
    r = admin.post_form("/schedule_rule/add", _rule(name="空规则", pattern="custom"))
    assert r.status_code == 200 and _rule_row(db, "空规则") is None
    r = admin.post_form(
        "/schedule_rule/add",
        _rule(name="双周规则", rrule="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", record_register="no_such_register"),
    )
    assert r.status_code == 200 and _rule_row(db, "双周规则") is None
    r = admin.post_form("/schedule_rule/add", _rule(name="双周规则", rrule="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"))
    assert r.status_code == 302
    row = _rule_row(db, "双周规则")
    assert row.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH" and row.pattern.name == "custom"
    row.is_active = False
    db.session.commit()


def test_schedule_rules_are_read_only_for_a_community(db, clients):
    assert clients("sq1").get("/schedule_rule/add").status_code in (302, 403)
    assert clients("sq1").get("/schedule_rule/list/").status_code == 200
