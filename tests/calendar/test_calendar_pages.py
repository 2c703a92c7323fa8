"""The calendar pages through the real stack: scope, meeting links and missed sessions, deadlines from the
registers' time rules, 周二无会日, holidays, the pre-filled add form, and a bounded number of queries."""

import datetime as dt
import re

import pytest

from app.common.enums import MeetingStatus, MeetingType, WorkItemKind, WorkItemStatus
from app.common.models import Meeting, ScheduleRule, WorkItem
from app.core import clock
from app.org.enums import Module

from .. import factories as f
from ..conftest import text
from ..sqlcount import QueryCounter

MONTH = "/calendar/month/?year=2027&month=3"


@pytest.fixture()
def frozen():
    clock.freeze(dt.datetime(2027, 3, 20, 10, 0))
    yield
    clock.reset()


@pytest.fixture()
def rule(db):
    """A weekly Wednesday rule of its own (type `other`, linked meetings only in this test's month)."""
    r = ScheduleRule(
        name="测试周三例会",
        module=Module.common,
        meeting_type=MeetingType.other,
        rrule="FREQ=WEEKLY;BYDAY=WE",
        start_time=dt.time(9, 30),
        duration_minutes=60,
        place="测试会议室",
        record_register="meeting",
        shift_to_working_day=True,
        is_active=True,
        org_unit=f.org("荷花街道"),
    )
    db.session.add(r)
    db.session.commit()
    yield r
    r.is_active = False
    db.session.commit()


def _cells(page: str) -> dict[str, str]:
    """data-date → the cell's HTML."""
    return dict(re.findall(r'<td data-date="([\d-]+)"[^>]*>(.*?)</td>', page, re.S))


def test_month_view_shows_each_users_scope(db, clients, frozen):
    mine = f.meeting(
        "荷花社区",
        "荷花社区三月议事会（日历测试）",
        chair="sq1",
        meeting_type=MeetingType.other,
        planned_start=dt.datetime(2027, 3, 11, 15, 0),
    )
    theirs = f.meeting(
        "新村社区",
        "新村社区三月议事会（日历测试）",
        chair="sq2",
        meeting_type=MeetingType.other,
        planned_start=dt.datetime(2027, 3, 12, 15, 0),
    )
    task = WorkItem(
        module=Module.zhili,
        kind=WorkItemKind.other,
        title="新村三月时限任务（日历测试）",
        org_unit=f.org("新村社区"),
        deadline=dt.date(2027, 3, 25),
        status=WorkItemStatus.todo,
    )
    db.session.add(task)
    db.session.commit()

    leader = text(clients("leader").get(MONTH))
    assert mine.title in leader and theirs.title in leader
    assert task.title in leader  # a deadline from the work_item time rule
    assert f'href="/meeting/show/{theirs.id}"' in leader

    sq1 = text(clients("sq1").get(MONTH))
    assert mine.title in sq1
    assert theirs.title not in sq1 and task.title not in sq1
    assert "党建办周一例会" in sq1  # schedule rules are office-wide reference rows
    assert "党建办周一例会" in leader


def test_weeks_start_on_monday_and_tuesdays_are_meeting_free(db, clients, frozen):
    page = text(clients("leader").get(MONTH))
    cells = list(_cells(page))
    assert cells[0] == "2027-03-01"  # 1 March 2027 is a Monday
    assert dt.date.fromisoformat(cells[0]).weekday() == 0 and len(cells) % 7 == 0
    heads = re.findall(r"<th>(周.)</th>", page)
    assert heads == ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
    for day, html in _cells(page).items():
        assert ("周二无会日" in html) is (dt.date.fromisoformat(day).weekday() == 1), day


def test_occurrences_link_to_their_meeting_or_offer_to_record_it(db, clients, frozen, rule):
    held = f.meeting(
        "荷花街道",
        "测试周三例会（3月3日）",
        chair="leader",
        module=Module.common,
        meeting_type=MeetingType.other,
        schedule_rule=rule,
        status=MeetingStatus.held,
        planned_start=dt.datetime(2027, 3, 3, 9, 30),
    )
    cells = _cells(text(clients("leader").get(MONTH)))
    assert f'href="/meeting/show/{held.id}"' in cells["2027-03-03"]
    for past in ("2027-03-10", "2027-03-17"):  # no meeting recorded, and the day is over: missed
        item = re.search(
            r'<span class="jd-item jd-schedule[^"]*" data-kind="schedule" data-status="(\w*)">\s*09:30\s*'
            r"测试周三例会",
            cells[past],
        )
        assert item and item.group(1) == "missed", past
    future = cells["2027-03-24"]
    assert "测试周三例会" in future and 'data-status="open"' in future
    link = re.search(r'class="jd-record" href="([^"]+)"', future.split("测试周三例会")[1]).group(1)
    assert f"_prefill_schedule_rule={rule.id}" in link and "_prefill_meeting_type=other" in link

    # the generated add form starts with the occurrence's values
    form = text(clients("leader").get(link.replace("&amp;", "&")))
    assert 'value="测试周三例会（03月24日）"' in form
    assert 'value="2027-03-24T09:30"' in form or "2027-03-24 09:30" in form
    assert re.search(rf'<option selected value="{rule.id}"|<option value="{rule.id}" selected', form)
    assert re.search(r'<option selected value="other"|<option value="other" selected', form)
    assert 'value="测试会议室"' in form

    # sq1 cannot see every meeting of the module: no missed marks for what they cannot check
    cells = _cells(text(clients("sq1").get(MONTH)))
    assert 'data-status="missed"' not in cells["2027-03-10"]
    assert f"/meeting/show/{held.id}" not in cells["2027-03-03"]


def test_missed_sessions_reach_the_time_rules(db, app, rule):
    from app.calendar.service import missed_sessions

    f.meeting(
        "荷花街道",
        "测试周三例会（已开）",
        chair="leader",
        module=Module.common,
        meeting_type=MeetingType.other,
        schedule_rule=rule,
        status=MeetingStatus.held,
        planned_start=dt.datetime(2027, 3, 3, 9, 30),
    )
    with app.test_request_context():
        dues = [d for d in missed_sessions(dt.datetime(2027, 3, 20, 10)) if d.row_id == rule.id]
    assert sorted(d.due_at.date() for d in dues) == [
        dt.date(2027, 2, 17),
        dt.date(2027, 2, 24),
        dt.date(2027, 3, 10),
        dt.date(2027, 3, 17),
    ]
    assert all("测试周三例会" in d.title for d in dues)


def test_holidays_and_shifted_occurrences_are_marked(db, clients):
    page = text(clients("leader").get("/calendar/month/?year=2026&month=10"))
    cells = _cells(page)
    assert "国庆" in cells["2026-10-01"] and "jd-holiday" in cells["2026-10-06"]
    assert "调休上班" in cells["2026-10-10"]
    # TR-11 first Tuesday is a holiday → the first working Tuesday, 13 October (§10.16)
    assert "组团联社月例会（月例会日）" not in cells["2026-10-06"]
    assert "组团联社月例会（月例会日）" in cells["2026-10-13"]
    # TR-01 Monday 5 October → Thursday 8 October (§10.5), marked as moved
    assert "党建办周一例会" in cells["2026-10-08"] and "10-05" in cells["2026-10-08"]
    # TR-36 joint enforcement stays on the holiday Tuesday (§10.45), marked as on a holiday
    assert "联合执法" in cells["2026-10-06"]


def test_week_view(db, clients, frozen):
    page = text(clients("sq1").get("/calendar/week/?date=2027-03-10"))
    assert list(_cells(page)) == [f"2027-03-{d:02d}" for d in range(8, 15)]
    assert "周二无会日" in _cells(page)["2027-03-09"]


def test_calendar_needs_a_login_and_a_reader(db, clients):
    assert clients(None).get("/calendar/month/").status_code in (302, 401)
    assert clients("vol1").get("/calendar/month/").status_code in (302, 403)
    assert clients("wg1").get("/calendar/month/").status_code == 200


def test_month_view_queries_do_not_grow_with_the_number_of_meetings(db, clients, frozen, rule):
    c = clients("leader")
    url = "/calendar/month/?year=2027&month=4"
    c.get(url)
    with QueryCounter(db.engine) as qc:
        assert c.get(url).status_code == 200
    before = qc.count
    org = f.org("荷花社区")
    leader = f.user("leader")
    for i in range(60):  # a lot more meetings in the month, some linked to a rule
        db.session.add(
            Meeting(
                module=Module.common,
                meeting_type=MeetingType.other,
                title=f"批量会议{i}",
                planned_start=dt.datetime(2027, 4, 1 + i % 28, 10, 0),
                chair=leader,
                org_unit=org,
                schedule_rule=rule if i % 2 else None,
                status=MeetingStatus.planned,
            )
        )
    db.session.commit()
    with QueryCounter(db.engine) as qc:
        page = c.get(url)
    assert page.status_code == 200 and "批量会议59" in text(page)
    assert qc.count == before, (before, qc.count)


def test_week_view_sees_a_monthly_rule_fulfilled_later_in_the_month(db, clients):
    r = ScheduleRule(
        name="测试月度推进会",
        module=Module.common,
        meeting_type=MeetingType.other,
        rrule="FREQ=MONTHLY;BYDAY=1TH",
        start_time=dt.time(10, 0),
        shift_to_working_day=True,
        is_active=True,
        org_unit=f.org("荷花街道"),
    )
    db.session.add(r)
    db.session.commit()
    clock.freeze(dt.datetime(2027, 6, 28, 9, 0))
    try:
        held = f.meeting(
            "荷花街道",
            "测试月度推进会（推迟召开）",
            chair="leader",
            module=Module.common,
            meeting_type=MeetingType.other,
            schedule_rule=r,
            status=MeetingStatus.held,
            planned_start=dt.datetime(2027, 6, 24, 10, 0),
        )
        week = _cells(text(clients("leader").get("/calendar/week/?date=2027-06-03")))
        month = _cells(text(clients("leader").get("/calendar/month/?year=2027&month=6")))
        for cells in (week, month):
            item = re.search(r'data-status="(\w*)">\s*10:00\s*<a href="([^"]+)">测试月度推进会<', cells["2027-06-03"])
            assert item and item.groups() == ("held", f"/meeting/show/{held.id}")
    finally:
        clock.reset()
        r.is_active = False
        db.session.commit()
