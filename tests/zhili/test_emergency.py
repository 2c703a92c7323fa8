"""突发事件: the 30-minute phone and 1-hour written report clocks (TR-29/30, §10.39), late and
missing reports on the escalation list, countdowns, states, scope."""

import datetime as dt

from app.core import registry, timerules
from app.modules.zhili import rules
from app.modules.zhili.enums import ActionPhase, EmergencyCategory, ReportKind
from app.modules.zhili.enums import EventStatus as ES
from app.modules.zhili.models import EmergencyAction, EmergencyEvent, EmergencyReport

from .. import factories as f
from ..conftest import ids_in_api, text
from .helpers import first_grid, grid_of, save

T = dt.datetime


def test_report_clocks_start_at_occurrence_or_receipt():
    assert rules.report_clocks(T(2026, 12, 31, 23, 50), T(2027, 1, 1, 0, 5)) == (
        T(2027, 1, 1, 0, 20),
        T(2027, 1, 1, 0, 50),
    )
    assert rules.report_clocks(None, T(2026, 11, 3, 9, 0)) == (T(2026, 11, 3, 9, 30), T(2026, 11, 3, 10, 0))
    assert rules.report_clocks(T(2026, 11, 3, 9), T(2026, 11, 3, 9), 20, 45) == (
        T(2026, 11, 3, 9, 20),
        T(2026, 11, 3, 9, 45),
    )


def _event(org, occurred=T(2026, 11, 3, 9, 0), received=T(2026, 11, 3, 9, 5), **kw):
    return save(
        EmergencyEvent(
            title=kw.pop("title", "测试火情"),
            category=EmergencyCategory.accident,
            occurred_at=occurred,
            received_at=received,
            location="测试路1号",
            org_unit=org,
            description="测试",
            lead_leader=f.user("fgfsj"),
            **kw,
        )
    )


def _report(e, kind, at, content="报告内容"):
    return save(
        EmergencyReport(
            event=e, kind=kind, reported_at=at, reported_to=f.user("fgfsj"), reported_by=f.user("zhzx"), content=content
        )
    )


def _dues(now, event_id):
    reg = registry.get("emergency_event")
    return sorted(
        (d.rule, timerules.stage_of(d, now)) for _r, d in timerules.collect(now, [reg]) if d.row_id == event_id
    )


def test_missing_reports_are_reminded_then_escalated(db):
    e = _event(grid_of("wg1"))
    assert e.phone_due_at == T(2026, 11, 3, 9, 30) and e.written_due_at == T(2026, 11, 3, 10, 0)
    assert e.next_due_at == T(2026, 11, 3, 9, 30) and e.is_open
    assert _dues(T(2026, 11, 3, 9, 10), e.id) == [("TR-29", "reminder"), ("TR-30", "reminder")]
    assert _dues(T(2026, 11, 3, 9, 40), e.id) == [("TR-29", "supervision"), ("TR-30", "reminder")]
    _report(e, ReportKind.phone, T(2026, 11, 3, 9, 25))
    assert e.phone_reported_at == T(2026, 11, 3, 9, 25) and e.next_due_at == T(2026, 11, 3, 10, 0)
    assert _dues(T(2026, 11, 3, 9, 40), e.id) == [("TR-30", "reminder")]
    w = _report(e, ReportKind.written, T(2026, 11, 3, 10, 20))
    assert w.is_late and e.written_reported_at == T(2026, 11, 3, 10, 20) and e.next_due_at is None
    # a late report stays flagged (督办) while the event is open
    assert _dues(T(2026, 11, 3, 10, 30), e.id) == [("TR-30", "supervision")]


def test_on_time_reports_clear_the_clocks_and_written_needs_content(db, clients):
    e = _event(grid_of("wg1"), occurred=None, received=T(2026, 11, 4, 8, 0))
    r = clients("wg1").api(
        "POST",
        "/api/v1/emergency_report/",
        json={
            "event": e.id,
            "kind": "written",
            "reported_at": "2026-11-04 08:40:00",
            "reported_to": f.user("fgfsj").id,
            "reported_by": f.user("wg1").id,
        },
    )
    assert r.status_code == 422 and "content" in r.get_json()["errors"]
    _report(e, ReportKind.phone, T(2026, 11, 4, 8, 20))
    rep = _report(e, ReportKind.written, T(2026, 11, 4, 8, 50))
    assert not rep.is_late and rep.org_unit_id == e.org_unit_id
    assert _dues(T(2026, 11, 4, 12), e.id) == []


def test_received_after_the_deadline_is_shown_as_upstream_delay(db):
    e = EmergencyEvent(
        title="迟报测试",
        category=EmergencyCategory.natural,
        occurred_at=T(2026, 11, 3, 6),
        received_at=T(2026, 11, 3, 8),
        location="x",
        org_unit=grid_of("wg1"),
        description="x",
        lead_leader=f.user("fgfsj"),
    )
    warnings = rules.check_emergency_event(e)
    assert any("接报晚于时限" in str(w) for w in warnings)


def test_list_shows_countdowns_and_filters_open_events_by_urgency(db, clients):
    e = _event(grid_of("wg1"), title="倒计时测试事件")
    page = text(
        clients("wg1").get(
            "/emergency_event/list/?_flt_0_is_open=y&_oc_EmergencyEventView=next_due_at"
            "&_od_EmergencyEventView=asc&psize_EmergencyEventView=100"
        )
    )
    assert f'class="zhili-countdown" data-due="{e.next_due_at.isoformat()}"' in page
    assert "setInterval(tick" in page
    show = text(clients("wg1").get(f"/emergency_event/show/{e.id}"))
    assert f'data-due="{e.phone_due_at.isoformat()}"' in show and 'data-state="open"' in show


def test_states_need_their_actions(db, clients):
    e = _event(grid_of("wg1"), title="流转测试事件")
    wg1 = clients("wg1")
    v = e.version
    for step in ("verify", "handle"):
        r = wg1.api("POST", f"/api/v1/emergency_event/{e.id}/transition/{step}", json={"version": v})
        assert r.status_code == 200, r.get_json()
        v = r.get_json()["version"]
    assert wg1.api("POST", f"/api/v1/emergency_event/{e.id}/transition/expand", json={"version": v}).status_code == 422
    assert wg1.api("POST", f"/api/v1/emergency_event/{e.id}/transition/end", json={"version": v}).status_code == 422
    save(EmergencyAction(event=e, phase=ActionPhase.ended, acted_at=T(2026, 11, 3, 12), content="险情排除"))
    db.session.expire_all()
    v = db.session.get(EmergencyEvent, e.id).version
    r = wg1.api("POST", f"/api/v1/emergency_event/{e.id}/transition/end", json={"version": v})
    assert r.status_code == 200, r.get_json()
    v = r.get_json()["version"]
    assert wg1.api("POST", f"/api/v1/emergency_event/{e.id}/transition/close", json={"version": v}).status_code == 403
    assert (
        clients("zhzx").api("POST", f"/api/v1/emergency_event/{e.id}/transition/close", json={"version": v}).status_code
        == 422
    )  # no aftermath yet
    save(EmergencyAction(event=e, phase=ActionPhase.aftermath, acted_at=T(2026, 11, 3, 15), content="善后"))
    db.session.expire_all()
    v = db.session.get(EmergencyEvent, e.id).version
    r = clients("leader").api("POST", f"/api/v1/emergency_event/{e.id}/transition/close", json={"version": v})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    row = db.session.get(EmergencyEvent, e.id)
    assert row.status == ES.closed and not row.is_open and row.next_due_at is None and row.ended_at


def test_emergency_scope(db, clients):
    mine = _event(grid_of("wg1"), title="本网格事件")
    xc = _event(first_grid("新村社区"), title="新村事件")
    ids = {mine.id, xc.id}
    assert ids_in_api(clients("wg1"), "emergency_event") & ids == {mine.id}
    assert ids_in_api(clients("sq1"), "emergency_event") & ids == {mine.id}
    assert ids_in_api(clients("sq2"), "emergency_event") & ids == {xc.id}
    assert ids_in_api(clients("leader"), "emergency_event") & ids == ids
    assert clients("sq1").get(f"/emergency_event/show/{xc.id}").status_code == 404
    # plans and warnings are office-wide reference rows every scoped reader sees
    assert ids_in_api(clients("wg1"), "emergency_plan")


def test_warning_without_plan_started_is_flagged(db):
    from app.modules.zhili.enums import WarningAction, WarningLevel
    from app.modules.zhili.models import EmergencyWarning

    e = _event(grid_of("wg1"), title="预警预案测试", occurred=T(2026, 8, 1, 9), received=T(2026, 8, 1, 9, 5))
    w = save(
        EmergencyWarning(
            event=e,
            title="暴雨橙色预警",
            level=WarningLevel.orange,
            action=WarningAction.issue,
            acted_at=T(2026, 8, 1, 10),
            content="预警",
            issued_by=f.user("zhzx"),
            org_unit=f.org("荷花街道"),
        )
    )
    reg = registry.get("emergency_warning")

    def stages(now):
        return {timerules.stage_of(d, now) for _r, d in timerules.collect(now, [reg]) if d.row_id == w.id}

    assert stages(T(2026, 8, 1, 10, 30)) == {"reminder"}
    assert stages(T(2026, 8, 1, 11, 30)) == {"supervision"}
    e.plan_started_at = T(2026, 8, 1, 10, 40)
    e.plan = db.session.query(__import__("app.modules.zhili.models", fromlist=["x"]).EmergencyPlan).first()
    save(e)
    assert stages(T(2026, 8, 1, 11, 30)) == set()


def test_forecast_must_reach_a_monthly_meeting(db):
    from app.modules.zhili.models import RiskScreening

    r = save(
        RiskScreening(
            screened_on=dt.date(2025, 5, 6),
            area="测试区域",
            risk="积水",
            forecast="汛期风险上升",
            org_unit=f.org("荷花街道"),
        )
    )
    reg = registry.get("risk_screening")
    due = [d for _r, d in timerules.collect(T(2025, 5, 28), [reg]) if d.row_id == r.id]
    assert [d.due_at for d in due] == [T(2025, 5, 31, 23, 59, 59)]
    assert not [d for _r, d in timerules.collect(T(2025, 5, 10), [reg]) if d.row_id == r.id]
    r.reported_meeting = f.meeting("荷花街道", "测试月度例会")
    save(r)
    assert not [d for _r, d in timerules.collect(T(2025, 6, 2), [reg]) if d.row_id == r.id]
