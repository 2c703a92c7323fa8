"""组团联社 and 四个一: the month-opening job, the 团长's monthly check (TR-13), Tuesday rules
(TR-10, TR-14), the volunteer's masked phone, and data scope of teams, volunteers and alliances."""

import datetime as dt

import sqlalchemy as sa

from app.core import pii, registry, timerules
from app.modules.dangjian import rules
from app.modules.dangjian.enums import ThemeStatus, VolunteerStatus
from app.modules.dangjian.models import MonthlyCheck, TuesdayTheme, Volunteer

from .. import factories as f
from ..conftest import ids_in_api, text
from .helpers import frozen, group, team, volunteer


def test_tuesday_dates():
    assert rules.tuesdays_of_month(dt.date(2026, 12, 1)) == [dt.date(2026, 12, d) for d in (1, 8, 15, 22, 29)]
    assert rules.first_tuesday(dt.date(2027, 2, 1)) == dt.date(2027, 2, 2)
    # TR-13: November's check is due before December's first Tuesday
    assert rules.monthly_check_due(dt.date(2026, 11, 1)) == dt.datetime(2026, 12, 1, 0, 0)
    # TR-14: the theme of Tuesday 1 Dec is set by Monday 30 Nov 23:59
    assert rules.theme_deadline(dt.date(2026, 12, 1)) == dt.datetime(2026, 11, 30, 23, 59, 59)


def test_open_month_is_idempotent_and_only_for_active_volunteers(app, db):
    t = team("开月测试团队", "白云社区", "dcb")
    g = group(t, "白云社区第1网格")
    active = volunteer(t, g, "开月在册")
    gone = volunteer(t, g, "开月退出", status=VolunteerStatus.left)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["open-month", "2050-03"])
    assert result.exit_code == 0 and "created" in result.output
    expected = db.session.execute(
        sa.select(sa.func.count(Volunteer.id)).where(
            Volunteer.is_deleted.is_(False), Volunteer.status == VolunteerStatus.active
        )
    ).scalar()
    month = dt.date(2050, 3, 1)
    made = db.session.execute(sa.select(MonthlyCheck).where(MonthlyCheck.month == month)).scalars().all()
    assert len(made) == expected
    vols = {m.volunteer_id for m in made}
    assert active.id in vols and gone.id not in vols
    row = next(m for m in made if m.volunteer_id == active.id)
    assert row.tuesdays_total == 5 and row.checked_at is None and row.org_unit_id == g.org_unit_id
    assert runner.invoke(args=["open-month", "2050-03"]).output.strip().endswith("0 created")
    assert runner.invoke(args=["open-month", "March"]).exit_code != 0


def test_team_leader_sees_and_fills_only_their_teams_checks(app, db, clients):
    mine_team = team("团长本队", "荷花社区", "tz1")
    mine = volunteer(mine_team, group(mine_team, "荷花社区第2网格"), "本队成员")
    other_team = team("别人的队", "荷花社区", "dcb")
    other = volunteer(other_team, None, "他队成员")
    month = dt.date(2050, 4, 1)
    rules.open_month(month)
    check = lambda v: db.session.execute(
        sa.select(MonthlyCheck).where(MonthlyCheck.volunteer_id == v.id, MonthlyCheck.month == month)
    ).scalar_one()
    mine_check, other_check = check(mine), check(other)
    tz1 = clients("tz1")
    seen = ids_in_api(tz1, "monthly_check")
    assert mine_check.id in seen and other_check.id not in seen
    assert tz1.get(f"/monthly_check/edit/{other_check.id}").status_code == 404
    # the check is filled through the form
    with frozen(dt.datetime(2050, 5, 1, 10)):
        r = tz1.post_form(
            f"/monthly_check/edit/{mine_check.id}",
            {
                "month": "2050-04-01",
                "volunteer": str(mine.id),
                "executed_list": "y",
                "list_updated": "y",
                "progress_note": "清单事项已推进",
                "effect_note": "群众满意",
                "lock_version": str(mine_check.version),
            },
            form_url=f"/monthly_check/edit/{mine_check.id}",
        )
        assert r.status_code == 302, text(r)[:2000]
    db.session.expire_all()
    row = db.session.get(MonthlyCheck, mine_check.id)
    assert row.checked_at == dt.datetime(2050, 5, 1, 10) and row.checker.username == "tz1"
    assert row.tuesdays_total == 4 and row.tuesdays_attended == 0 and row.attended_every_tuesday is False
    # the secretary of the community reads the team's checks; another community's does not
    assert mine_check.id in ids_in_api(clients("sq1"), "monthly_check")
    assert mine_check.id not in ids_in_api(clients("sq2"), "monthly_check")


def test_unchecked_months_reach_the_escalation_ladder(app, db):
    t = team("督办测试团队", "花园社区", "dcb")
    v = volunteer(t, None, "督办成员")
    row = MonthlyCheck(month=dt.date(2050, 6, 1), volunteer=v, org_unit=v.org_unit, tuesdays_total=4)
    db.session.add(row)
    db.session.commit()
    reg = registry.get("monthly_check")

    def stage_at(now):
        hits = [d for _r, d in timerules.collect(now, [reg]) if d.row_id == row.id]
        return timerules.stage_of(hits[0], now) if hits else None

    assert stage_at(dt.datetime(2050, 6, 20)) is None  # the month is still running
    assert stage_at(dt.datetime(2050, 7, 3, 9)) == timerules.REMINDER  # due before 7 July (first Tuesday)
    assert stage_at(dt.datetime(2050, 7, 8, 9)) == timerules.SUPERVISION
    hit = [d for _r, d in timerules.collect(dt.datetime(2050, 7, 8), [reg]) if d.row_id == row.id][0]
    assert hit.rule == "TR-13" and hit.owner_id == f.user("dcb").id
    row.checked_at, row.progress_note = dt.datetime(2050, 7, 6), "已检查"
    db.session.commit()
    assert stage_at(dt.datetime(2050, 7, 8, 9)) is None


def test_tuesday_rules(db, clients):
    t = team("周二测试团队", "荷花社区", "tz1")
    v = volunteer(t, None, "周二成员")
    tz1 = clients("tz1")
    r = tz1.api(
        "POST", "/api/v1/tuesday_attendance/", json={"volunteer": v.id, "activity_date": "2050-07-06", "attended": True}
    )
    assert r.status_code == 422 and "周二" in r.get_json()["message"]
    r = tz1.api(
        "POST", "/api/v1/tuesday_attendance/", json={"volunteer": v.id, "activity_date": "2050-07-05", "attended": True}
    )
    assert r.status_code == 201, r.get_json()
    # the community secretary sets the theme; set after Monday 23:59 is recorded late (TR-14)
    body = {
        "activity_date": "2050-07-12",
        "org_unit": f.org("荷花社区").id,
        "theme": "垃圾分类宣传",
        "optional_actions": "楼道微更新",
        "status": "set",
    }
    with frozen(dt.datetime(2050, 7, 11, 20)):
        r = clients("sq1").api("POST", "/api/v1/tuesday_theme/", json=body)
        assert r.status_code == 201, r.get_json()
    theme = db.session.get(TuesdayTheme, r.get_json()["id"])
    assert theme.set_at == dt.datetime(2050, 7, 11, 20)
    with frozen(dt.datetime(2050, 7, 19, 9)):
        r = clients("sq1").api("POST", "/api/v1/tuesday_theme/", json={**body, "activity_date": "2050-07-19"})
        assert r.status_code == 201
    # a draft theme near its Tuesday is on the ladder
    draft = TuesdayTheme(
        activity_date=dt.date(2050, 7, 26),
        org_unit=f.org("荷花社区"),
        team=t,
        theme="草拟主题",
        optional_actions="待定",
        status=ThemeStatus.draft,
    )
    db.session.add(draft)
    db.session.commit()
    reg = registry.get("tuesday_theme")
    hits = {d.row_id: d for _r, d in timerules.collect(dt.datetime(2050, 7, 24, 9), [reg])}
    assert draft.id in hits and hits[draft.id].due_at == dt.datetime(2050, 7, 25, 23, 59, 59)
    assert theme.id not in hits
    # one theme per community and Tuesday
    assert clients("sq1").api("POST", "/api/v1/tuesday_theme/", json=body).status_code == 422


def test_volunteer_phone_is_masked_except_for_the_team_leader(db, clients):
    t = team("手机号测试团队", "荷花社区", "tz1")
    v = volunteer(t, None, "手机号成员", phone="13987654321")
    masked = pii.mask("13987654321", "phone")
    sq1 = clients("sq1")
    assert sq1.api("GET", f"/api/v1/volunteer/{v.id}").get_json()["result"]["phone"] == masked
    page = text(sq1.get(f"/volunteer/show/{v.id}"))
    assert masked in page and "13987654321" not in page
    assert "13987654321" in text(clients("tz1").get(f"/volunteer/show/{v.id}"))


def test_scope_of_volunteers_alliances_and_themes(db, clients):
    from app.modules.dangjian.models import RedPropertyAlliance

    ids = lambda login, key: ids_in_api(clients(login), key)
    hehua = f.community_and_grids("荷花社区")
    alliances = db.session.execute(sa.select(RedPropertyAlliance.id, RedPropertyAlliance.org_unit_id)).all()
    own = {a.id for a in alliances if a.org_unit_id in hehua}
    assert own and ids("sq1", "red_property_alliance") == own
    assert not ids("sq2", "red_property_alliance") & own
    assert ids("leader", "red_property_alliance") == {a.id for a in alliances}
    # a grid worker sees the volunteers of their grid only
    wg1_grid = f.user("wg1").org_unit_id
    vols = db.session.execute(
        sa.select(Volunteer.id, Volunteer.org_unit_id).where(Volunteer.is_deleted.is_(False))
    ).all()
    assert ids("wg1", "volunteer") == {v.id for v in vols if v.org_unit_id == wg1_grid}
    # the volunteer login sees their own profile
    vol1 = ids("vol1", "volunteer")
    assert vol1 and all(db.session.get(Volunteer, i).user.username == "vol1" for i in vol1)
