"""TR-41/TR-42 and the 承诺 deadlines with fixed dates; the holidays come from the work_calendar demo data."""

import datetime as dt

import pytest

from app.core import registry, timerules
from app.modules.fuwu import rules, workdays
from app.modules.fuwu.enums import ErrandStatus, Urgency

from . import helpers as h

D = dt.date


@pytest.fixture()
def cal(db):
    return workdays.load_calendar(D(2026, 1, 1), D(2026, 12, 31))


def test_calendar_demo_data_has_the_holiday_mondays(cal):
    assert D(2026, 4, 6).weekday() == 0 and cal[D(2026, 4, 6)] is False  # 清明节 Monday
    assert D(2026, 10, 5).weekday() == 0 and cal[D(2026, 10, 5)] is False  # 国庆节 Monday
    assert cal[D(2026, 10, 10)] is True  # 调休 Saturday


@pytest.mark.parametrize(
    "verified, expected",
    [
        (D(2026, 11, 23), D(2026, 11, 23)),  # a Monday: that day
        (D(2026, 11, 24), D(2026, 11, 25)),  # Tuesday → Wednesday
        (D(2026, 11, 27), D(2026, 11, 27)),  # Friday → same day
        (D(2026, 11, 28), D(2026, 11, 30)),  # Saturday → Monday
        (D(2026, 4, 4), D(2026, 4, 8)),  # Saturday before 清明: Monday 6 April is a holiday → Wednesday
        (D(2026, 10, 2), D(2026, 10, 9)),  # National Day week: Mon 5 and Wed 7 are holidays → Friday 9
        (D(2026, 10, 10), D(2026, 10, 12)),  # a swapped working Saturday is not an errand day
    ],
)
def test_normal_requests_go_to_the_next_errand_day(cal, verified, expected):
    assert rules.suggested_batch_date(Urgency.normal, verified, cal) == expected


@pytest.mark.parametrize("urgency", [Urgency.urgent, Urgency.special])
def test_urgent_and_special_requests_go_the_same_day(cal, urgency):
    assert rules.suggested_batch_date(urgency, D(2026, 4, 6), cal) == D(2026, 4, 6)
    assert rules.suggested_batch_date(urgency, D(2026, 11, 24), cal) == D(2026, 11, 24)


@pytest.mark.parametrize(
    "received, deadline",
    [
        (dt.datetime(2026, 11, 23, 3, 0), D(2026, 11, 24)),  # Monday night call → Tuesday
        (dt.datetime(2026, 11, 27, 22, 0), D(2026, 11, 30)),  # Friday evening → Monday
        (dt.datetime(2026, 4, 3, 22, 0), D(2026, 4, 7)),  # before 清明: Sat, Sun, holiday Monday → Tuesday
        (dt.datetime(2026, 10, 9, 10, 0), D(2026, 10, 10)),  # Friday → the 调休 Saturday
    ],
)
def test_claim_deadline_is_the_end_of_the_next_working_day(cal, received, deadline):
    assert rules.claim_deadline(received, cal) == dt.datetime.combine(deadline, dt.time(23, 59, 59))


def test_pledge_overdue_only_after_its_day_and_when_not_kept():
    due = D(2026, 11, 20)
    assert not rules.pledge_is_overdue(due, False, dt.datetime(2026, 11, 20, 23, 0))
    assert rules.pledge_is_overdue(due, False, dt.datetime(2026, 11, 21, 0, 0))
    assert not rules.pledge_is_overdue(due, True, dt.datetime(2026, 12, 1))


def test_weeks_without_a_weekly_meeting():
    missing = rules.weeks_without_meeting([D(2026, 11, 6), D(2026, 11, 20)], D(2026, 11, 2), D(2026, 11, 29))
    assert missing == [(2026, 46), (2026, 48)]


def _dues(reg_key, now, row_id):
    return [d for r, d in timerules.collect(now, [registry.get(reg_key)]) if d.row_id == row_id]


def test_tr41_unclaimed_request_is_escalated_to_the_secretary(db):
    r = h.errand("荷花社区第1网格", received_at=dt.datetime(2026, 4, 3, 22, 0))
    assert _dues("errand_request", dt.datetime(2026, 4, 5, 9), r.id) == []  # not due within a day
    due = _dues("errand_request", dt.datetime(2026, 4, 7, 9), r.id)
    assert [d.rule for d in due] == ["TR-41"]
    assert due[0].due_at == dt.datetime(2026, 4, 7, 23, 59, 59)
    from tests import factories as f

    assert due[0].owner_id == f.org("荷花社区").head_id and f.org("荷花社区").head_id is not None
    assert timerules.stage_of(due[0], dt.datetime(2026, 4, 8, 9)) == timerules.SUPERVISION
    r.status, r.runner = ErrandStatus.claimed, f.user("gg1")
    db.session.commit()
    assert [d.rule for d in _dues("errand_request", dt.datetime(2026, 4, 8, 9), r.id)] == []


def test_tr42_verified_request_not_run_on_its_errand_day(db):
    r = h.errand(
        "荷花社区",
        runner="gg1",
        status=ErrandStatus.verifying,
        materials_verified=True,
        batch_date=D(2026, 4, 8),
        received_at=dt.datetime(2026, 4, 3, 10),
    )
    assert _dues("errand_request", dt.datetime(2026, 4, 5, 9), r.id) == []
    due = _dues("errand_request", dt.datetime(2026, 4, 9, 9), r.id)
    assert [d.rule for d in due] == ["TR-42"] and due[0].owner_id == r.runner_id
    r.status = ErrandStatus.in_progress
    db.session.commit()
    assert _dues("errand_request", dt.datetime(2026, 4, 9, 9), r.id) == []


def test_pledge_time_rule(db):
    p = h.pledge(due=D(2026, 11, 20))
    assert _dues("service_pledge", dt.datetime(2026, 11, 10), p.id) == []
    due = _dues("service_pledge", dt.datetime(2026, 11, 18), p.id)
    assert due and timerules.stage_of(due[0], dt.datetime(2026, 11, 18)) == timerules.REMINDER
    due = _dues("service_pledge", dt.datetime(2026, 11, 21), p.id)
    assert due[0].rule == "FW-PLEDGE" and timerules.stage_of(due[0], dt.datetime(2026, 11, 21)) == timerules.SUPERVISION
    p.is_kept = True
    db.session.commit()
    assert _dues("service_pledge", dt.datetime(2026, 11, 21), p.id) == []
