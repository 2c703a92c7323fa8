"""大执法 through the real stack: the Tuesday form default, 1+3+n warnings, workflow steps, the
owner paths of stationed units, scope by grid and community, and the time rules on fixed dates."""

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.common.enums import MeetingStatus, MeetingType
from app.core import clock, registry, scope, timerules
from app.modules.zhifa import rules
from app.modules.zhifa.enums import (
    ActionLevel,
    AnalysisKind,
    DeployMode,
    EnforcementFocus,
    HandlingMethod,
    JointStatus,
    MajorActionKind,
    MajorActionStatus,
    PlanLevel,
)
from app.modules.zhifa.models import (
    AnalysisReport,
    EnforcementRecord,
    JointEnforcement,
    MajorAction,
    UnitMonthlyReport,
    VolunteerTeam,
)
from app.org.enums import Module, UnitKind
from app.org.models import StaffProfile, Unit

from .. import factories as f
from ..conftest import ids_in_api, text


@pytest.fixture()
def frozen():
    yield clock.freeze
    clock.reset()


def _stationed(db):
    return list(
        db.session.execute(sa.select(Unit).where(Unit.unit_kind == UnitKind.stationed).order_by(Unit.id)).scalars()
    )


def _own_unit(db, login):
    return db.session.get(Unit, StaffProfile.for_user(f.user(login).id).unit_id)


def _team(db):
    return db.session.execute(sa.select(VolunteerTeam)).scalars().first()


def _action(db, day, status=JointStatus.planned, lead="fgfsj", **kw):
    a = JointEnforcement(
        action_date=day,
        start_time=dt.time(8),
        lead_leader=f.user(lead),
        areas="测试区域",
        focus=[EnforcementFocus.parking],
        status=status,
        org_unit=f.org("荷花街道"),
        **kw,
    )
    db.session.add(a)
    db.session.commit()
    return a


def _dues(app, login, key, now):
    with app.test_request_context():
        from flask import g

        g.jiedao_principal = scope.build_principal(f.user(login))
        return [d for _r, d in timerules.collect(now, [registry.get(key)])]


# --- 联合执法 -----------------------------------------------------------------------------


def test_add_form_proposes_next_tuesday_at_eight(clients, frozen):
    frozen(dt.datetime(2026, 11, 25, 10, 0))  # a Wednesday
    page = text(clients("mk_zhifa").get("/joint_enforcement/add"))
    assert 'value="2026-12-01"' in page and 'value="08:00"' in page


def test_joint_action_saves_with_a_formation_warning(db, clients, frozen):
    frozen(dt.datetime(2026, 11, 25, 10, 0))
    units = _stationed(db)[:2]
    data = {
        "action_date": "2026-12-01",
        "start_time": "08:00",
        "lead_leader": str(f.user("fgfsj").id),
        "stationed_units": [str(u.id) for u in units],
        "areas": "荷花路测试段（1+3+n）",
        "focus": ["road_market", "parking"],
    }
    r = clients("mk_zhifa").post_form("/joint_enforcement/add", data, follow_redirects=True)
    page = text(r)
    assert "仅有 2 个派驻单位参加" in page and "没有志愿者队伍参加" in page
    row = db.session.execute(
        sa.select(JointEnforcement).where(JointEnforcement.areas == "荷花路测试段（1+3+n）")
    ).scalar_one()
    assert row.status == JointStatus.planned and row.start_time == dt.time(8)
    assert {u.id for u in row.stationed_units} == {u.id for u in units}
    assert row.focus.keys == ["road_market", "parking"]
    # a complete 1+3+n line-up saves without the warning
    data.update(
        stationed_units=[str(u.id) for u in _stationed(db)[:3]],
        volunteer_teams=[str(_team(db).id)],
        areas="荷花路测试段（完整）",
    )
    page = text(clients("mk_zhifa").post_form("/joint_enforcement/add", data, follow_redirects=True))
    assert "1+3+n" not in page and "“1+3+n”" not in page


def test_done_and_cancel_steps(db, clients, frozen):
    frozen(dt.datetime(2026, 11, 24, 12, 0))
    a = _action(db, dt.date(2026, 11, 24), lead="fgfsj")
    url = f"/api/v1/joint_enforcement/{a.id}/transition/"
    # not the action's leader nor the module head: refused
    assert clients("zzwy").api("POST", url + "record_done", json={"version": 1}).status_code == 422
    # the leader, but no summary yet
    r = clients("fgfsj").api("POST", url + "record_done", json={"version": 1})
    assert r.status_code == 422 and "summary" in r.get_json()["errors"]
    a.summary = "整治占道经营 12 处"
    db.session.commit()
    r = clients("fgfsj").api("POST", url + "record_done", json={"version": a.version})
    assert r.status_code == 200, r.get_json()
    # a stationed unit reads but takes no step
    b = _action(db, dt.date(2026, 11, 24), lead="leader")
    burl = f"/api/v1/joint_enforcement/{b.id}/transition/cancel_action"
    assert clients("zfdd").api("POST", burl, json={"version": 1}).status_code == 403
    r = clients("mk_zhifa").api("POST", burl, json={"version": 1})
    assert r.status_code == 422 and "cancel_reason" in r.get_json()["errors"]
    b.cancel_reason = "节假日值守，顺延"
    db.session.commit()
    assert clients("mk_zhifa").api("POST", burl, json={"version": b.version}).status_code == 200
    db.session.expire_all()
    assert db.session.get(JointEnforcement, b.id).status == JointStatus.cancelled
    assert clients("mk_zhifa").api("POST", burl, json={"version": b.version + 1}).status_code == 409


def test_tr36_open_and_missing_tuesdays(db, app):
    planned = _action(db, dt.date(2027, 6, 1))  # a Tuesday, still planned
    _action(db, dt.date(2027, 6, 8), status=JointStatus.done, summary="已开展")
    now = dt.datetime(2027, 6, 16, 9, 0)  # Wednesday after the 15th, which has no action at all
    dues = _dues(app, "mk_zhifa", "joint_enforcement", now)
    assert any(d.row_id == planned.id and d.due_at == dt.datetime(2027, 6, 1, 23, 59, 59) for d in dues)
    assert any(d.row_id is None and d.due_at == dt.datetime(2027, 6, 15, 23, 59, 59) for d in dues)
    assert not any(d.due_at.date() == dt.date(2027, 6, 8) for d in dues)
    assert timerules.stage_of(next(d for d in dues if d.row_id == planned.id), now) == timerules.SUPERVISION
    # the Tuesday of the 15th is not late before its day has ended
    assert not any(
        d.row_id is None and d.due_at.date() == dt.date(2027, 6, 15)
        for d in rules.open_tuesdays(dt.datetime(2027, 6, 15, 20, 0))
    )
    # a role without access to the register sees none of it
    assert _dues(app, "aq1", "joint_enforcement", now) == []


# --- owner paths and scope ----------------------------------------------------------------


def test_stationed_unit_writes_only_for_its_own_unit(db, clients):
    own, other = _own_unit(db, "zfdd"), next(u for u in _stationed(db) if u.id != _own_unit(db, "zfdd").id)
    zfdd = clients("zfdd")
    r = zfdd.post_form(
        "/unit_monthly_report/add", {"month": "2027-03-17", "unit": str(own.id), "summary": "三月开展联合执法 4 次"}
    )
    assert r.status_code == 302
    row = db.session.execute(
        sa.select(UnitMonthlyReport).where(
            UnitMonthlyReport.unit_id == own.id, UnitMonthlyReport.month == dt.date(2027, 3, 1)
        )
    ).scalar_one()
    assert row.submitted_by.username == "zfdd" and row.submitted_at is not None
    r = zfdd.api(
        "POST", "/api/v1/unit_monthly_report/", json={"month": "2027-03-01", "unit": other.id, "summary": "代填"}
    )
    assert r.status_code == 403
    # one report per unit and month
    r = zfdd.api(
        "POST", "/api/v1/unit_monthly_report/", json={"month": "2027-03-01", "unit": own.id, "summary": "重复"}
    )
    assert r.status_code == 422
    # plans are read, not written, by a stationed unit
    r = zfdd.api(
        "POST",
        "/api/v1/enforcement_plan/",
        json={"title": "x", "matter": "x", "period_start": "2027-01-01", "lead": f.user("fgfsj").id, "status": "draft"},
    )
    assert r.status_code == 403


def test_enforcement_records_are_scoped_by_grid_and_owned_by_the_handling_unit(db, clients):
    own = _own_unit(db, "zfdd")
    other = next(u for u in _stationed(db) if u.id != own.id)
    wg1 = f.user("wg1")
    xincun_grid = (
        db.session.execute(sa.select(f.OrgUnit).where(f.OrgUnit.parent_id == f.org("新村社区").id)).scalars().first()
    )

    def record(grid, unit, location):
        r = EnforcementRecord(
            found_at=dt.datetime(2027, 1, 5, 9),
            location=location,
            org_unit=grid,
            category=EnforcementFocus.parking,
            handling=HandlingMethod.persuasion,
            handled_by=unit,
        )
        db.session.add(r)
        db.session.commit()
        return r

    mine = record(wg1.org_unit, own, "荷花网格测试点")
    theirs = record(xincun_grid, other, "新村网格测试点")
    assert mine.id in ids_in_api(clients("wg1"), "enforcement_record")
    assert theirs.id not in ids_in_api(clients("wg1"), "enforcement_record")
    assert mine.id in ids_in_api(clients("sq1"), "enforcement_record")
    assert theirs.id not in ids_in_api(clients("sq1"), "enforcement_record")
    assert clients("sq1").get(f"/enforcement_record/show/{theirs.id}").status_code == 404
    assert theirs.id in ids_in_api(clients("sq2"), "enforcement_record")
    assert {mine.id, theirs.id} <= ids_in_api(clients("leader"), "enforcement_record")
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("sq1").get("/enforcement_record/export_xlsx/").data), read_only=True
    ).active
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert "荷花网格测试点" in cells and "新村网格测试点" not in cells
    # the stationed unit reads all, edits its own unit's records only
    zfdd = clients("zfdd")
    assert {mine.id, theirs.id} <= ids_in_api(zfdd, "enforcement_record")
    r = zfdd.api("PUT", f"/api/v1/enforcement_record/{mine.id}", json={"rectified": True, "version": 1})
    assert r.status_code == 200, r.get_json()
    assert (
        zfdd.api("PUT", f"/api/v1/enforcement_record/{theirs.id}", json={"rectified": True, "version": 1}).status_code
        == 403
    )
    db.session.expire_all()
    row = db.session.get(EnforcementRecord, mine.id)
    assert row.rectified and row.rectified_at is not None  # the rule dates the rectification
    # the form offers the stationed unit the grids to record in
    page = text(zfdd.get("/enforcement_record/add"))
    assert wg1.org_unit.name in page


def test_volunteer_teams_by_community(db, clients):
    team = VolunteerTeam(name="新村测试劝导队", org_unit=f.org("新村社区"), member_count=9)
    db.session.add(team)
    db.session.commit()
    assert team.id in ids_in_api(clients("sq2"), "volunteer_team")
    assert team.id not in ids_in_api(clients("sq1"), "volunteer_team")
    assert clients("sq1").api("GET", f"/api/v1/volunteer_team/{team.id}").status_code == 404


# --- 会商 time rules -----------------------------------------------------------------------


def test_tr33_units_missing_their_monthly_report(db, app, clients):
    units = [u for u in _stationed(db)]
    filed = units[0]
    db.session.add(
        UnitMonthlyReport(
            month=dt.date(2027, 6, 1),
            unit=filed,
            summary="六月汇总",
            submitted_at=dt.datetime(2027, 7, 2, 9),
            org_unit=f.org("荷花街道"),
        )
    )
    db.session.commit()
    june = [d for d in rules.missing_monthly_reports(dt.datetime(2027, 7, 6, 9)) if "2027-06" in d.title]
    # due at the end of Mon 5 July 2027 (Thu 1, Fri 2, Mon 5)
    assert {d.due_at for d in june} == {dt.datetime(2027, 7, 5, 23, 59, 59)}
    assert {d.title.split("：")[0] for d in june} == {u.name for u in units[1:]}
    # before the month has ended nothing is due for it
    assert not [d for d in rules.missing_monthly_reports(dt.datetime(2027, 6, 29, 9)) if "2027-06" in d.title]
    # the escalation list shows the missing rows to readers of the register
    assert any(
        d.rule == "TR-33" and d.row_id is None
        for d in _dues(app, "zfdd", "unit_monthly_report", dt.datetime(2027, 7, 6, 9))
    )


def test_tr34_quarterly_report_within_ten_working_days(db, app):
    m = f.meeting(
        "荷花街道",
        "执法季度研判会（测试）",
        chair="leader",
        module=Module.zhifa,
        meeting_type=MeetingType.enforcement_quarterly,
        planned_start=dt.datetime(2027, 4, 8, 9),
        status=MeetingStatus.held,
    )

    def mine(now):
        return [
            d
            for d in rules.quarterly_reports_due(now)
            if d.title.endswith("执法季度研判会（测试）的研判报告") or "执法季度研判会（测试）" in d.title
        ]

    assert mine(dt.datetime(2027, 4, 12, 9)) == []  # far from due
    due = mine(dt.datetime(2027, 4, 23, 9))
    assert len(due) == 1 and due[0].due_at == dt.datetime(2027, 4, 22, 23, 59, 59) and due[0].row_id is None
    report = AnalysisReport(
        kind=AnalysisKind.quarterly, period_label="2027年第1季度", meeting=m, org_unit=f.org("荷花街道")
    )
    db.session.add(report)
    db.session.commit()
    assert [d.row_id for d in mine(dt.datetime(2027, 4, 23, 9))] == [report.id]
    report.submitted_at = dt.datetime(2027, 4, 23, 10)
    db.session.commit()
    assert mine(dt.datetime(2027, 4, 24, 9)) == []


def test_analysis_report_meeting_must_match_its_kind(db, clients):
    weekly = f.meeting(
        "荷花街道",
        "执法周碰头（测试）",
        chair="mk_zhifa",
        module=Module.zhifa,
        meeting_type=MeetingType.enforcement_weekly,
    )
    r = clients("mk_zhifa").api(
        "POST",
        "/api/v1/analysis_report/",
        json={"kind": "quarterly", "period_label": "2027年第1季度", "meeting": weekly.id},
    )
    assert r.status_code == 422 and "meeting" in r.get_json()["errors"]
    r = clients("mk_zhifa").api(
        "POST", "/api/v1/analysis_report/", json={"kind": "weekly", "period_label": "2027年第1周", "meeting": weekly.id}
    )
    assert r.status_code == 201, r.get_json()


# --- 应急联动 ----------------------------------------------------------------------------


def _major(**over):
    body = {
        "name": "测试重大行动",
        "level": "city",
        "kind": "inspection",
        "action_start": "2027-03-10 09:00:00",
        "deploy_mode": "advance",
        "deploy_due": "2027-03-08 17:00:00",
        "lead": f.user("fgfsj").id,
        "plan_level": "level2",
    }
    body.update(over)
    return body


def test_major_action_rules(db, clients, frozen):
    api = clients("mk_zhifa")
    r = api.api("POST", "/api/v1/major_action/", json=_major(deploy_due=None))
    assert r.status_code == 422 and "deploy_due" in r.get_json()["errors"]
    r = api.api("POST", "/api/v1/major_action/", json=_major(deploy_due="2027-03-11 09:00:00"))
    assert r.status_code == 422 and "deploy_due" in r.get_json()["errors"]
    # a national action is led by the 党工委书记, not the 分管副书记
    r = api.api("POST", "/api/v1/major_action/", json=_major(level="national"))
    assert r.status_code == 422 and "lead" in r.get_json()["errors"]
    assert (
        api.api("POST", "/api/v1/major_action/", json=_major(level="national", lead=f.user("leader").id)).status_code
        == 201
    )
    frozen(dt.datetime(2027, 3, 9, 14, 0))
    r = api.api(
        "POST", "/api/v1/major_action/", json=_major(name="立即部署测试", deploy_mode="immediate", deploy_due=None)
    )
    assert r.status_code == 201, r.get_json()
    row = db.session.get(MajorAction, r.get_json()["id"])
    assert row.deploy_due == dt.datetime(2027, 3, 9, 16, 0) and row.status == MajorActionStatus.planned


def test_major_action_steps_by_its_lead(db, app, clients, frozen):
    frozen(dt.datetime(2027, 5, 3, 9, 0))
    a = MajorAction(
        name="区级督查测试",
        level=ActionLevel.district,
        kind=MajorActionKind.other,
        action_start=dt.datetime(2027, 5, 6, 9),
        deploy_mode=DeployMode.advance,
        deploy_due=dt.datetime(2027, 5, 5, 17),
        lead=f.user("fgfsj"),
        plan_level=PlanLevel.level3,
        org_unit=f.org("荷花街道"),
    )
    db.session.add(a)
    db.session.commit()
    assert any(d.row_id == a.id for d in _dues(app, "leader", "major_action", dt.datetime(2027, 5, 5, 18)))
    url = f"/api/v1/major_action/{a.id}/transition/"
    assert clients("leader").api("POST", url + "deploy", json={"version": 1}).status_code == 422  # not the lead
    r = clients("fgfsj").api("POST", url + "deploy", json={"version": 1})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    a = db.session.get(MajorAction, a.id)
    assert a.status == MajorActionStatus.deployed and a.deployed_at == dt.datetime(2027, 5, 3, 9, 0)
    assert not any(d.row_id == a.id for d in _dues(app, "leader", "major_action", dt.datetime(2027, 5, 5, 18)))
    assert clients("fgfsj").api("POST", url + "finish_action", json={"version": 2}).status_code == 409  # wrong state
    assert clients("fgfsj").api("POST", url + "start_action", json={"version": 2}).status_code == 200
    r = clients("fgfsj").api("POST", url + "finish_action", json={"version": 3})
    assert r.status_code == 422 and "result" in r.get_json()["errors"]


def test_cli_plans_the_tuesday_series_once(db, app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["zhifa-plan-tuesdays", "--start", "2028-02-01", "--weeks", "3"])
    assert r.exit_code == 0 and "planned: 3" in r.output, r.output
    rows = (
        db.session.execute(
            sa.select(JointEnforcement).where(
                JointEnforcement.action_date.between(dt.date(2028, 2, 1), dt.date(2028, 2, 21))
            )
        )
        .scalars()
        .all()
    )
    assert sorted(a.action_date for a in rows) == [dt.date(2028, 2, 1), dt.date(2028, 2, 8), dt.date(2028, 2, 15)]
    assert {a.start_time for a in rows} == {dt.time(8, 0)} and {a.lead_leader.username for a in rows} == {"fgfsj"}
    r = runner.invoke(args=["zhifa-plan-tuesdays", "--start", "2028-02-01", "--weeks", "3"])
    assert "planned: 0" in r.output


def test_joint_action_without_focus_is_flagged(db, clients):
    data = {
        "action_date": "2027-02-02",
        "start_time": "08:00",
        "lead_leader": str(f.user("fgfsj").id),
        "areas": "无重点测试",
    }
    page = text(clients("mk_zhifa").post_form("/joint_enforcement/add", data, follow_redirects=True))
    assert "请至少选择一项整治重点" in page
    r = clients("mk_zhifa").api(
        "POST",
        "/api/v1/joint_enforcement/",
        json={"action_date": "2027-02-09", "lead_leader": f.user("fgfsj").id, "areas": "API测试"},
    )
    assert r.status_code == 201, r.get_json()
    row = db.session.get(JointEnforcement, r.get_json()["id"])
    assert row.start_time == dt.time(8, 0) and row.status == JointStatus.planned
