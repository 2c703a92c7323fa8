"""The suite's clock and the demo it seeds: every test starts at TestConfig.CLOCK_AT
(JIEDAO_TEST_TODAY), and the demo data is built around that instant, whatever the real date."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.common.enums import MeetingStatus, MeetingType
from app.common.models import Meeting
from app.core import clock
from config import TestConfig


def test_every_test_starts_on_the_configured_clock():
    assert clock.now() == TestConfig.CLOCK_AT
    clock.freeze(dt.datetime(2030, 5, 6, 7, 8))
    assert clock.today() == dt.date(2030, 5, 6)
    clock.reset()
    assert clock.now() == TestConfig.CLOCK_AT


def test_this_weeks_monday_meeting_is_held_or_planned_by_the_clock(db):
    now = clock.now()
    monday = now.date() - dt.timedelta(days=now.weekday())
    start = dt.datetime.combine(monday, dt.time(8, 30))

    def status_at(at):
        return (
            db.session.execute(
                sa.select(Meeting.status).where(
                    Meeting.meeting_type == MeetingType.djb_weekly, Meeting.planned_start == at
                )
            )
            .scalars()
            .all()
        )

    assert status_at(start) == [MeetingStatus.held if start < now else MeetingStatus.planned]
    assert status_at(start + dt.timedelta(weeks=2)) == [MeetingStatus.planned]  # two weeks ahead of its today
    assert status_at(start - dt.timedelta(weeks=10)) == [MeetingStatus.held]  # ten weeks back


def test_each_community_has_this_months_team_meeting(db):
    today = clock.today()
    first = today.replace(day=1)
    tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    start = dt.datetime.combine(tuesday, dt.time(9, 0))
    rows = db.session.execute(
        sa.select(Meeting.org_unit_id, Meeting.status).where(
            Meeting.meeting_type == MeetingType.team_monthly,
            Meeting.planned_start == start,
            Meeting.title.like(f"%组团联社月例会（{tuesday:%m月}）%"),
        )
    ).all()
    assert len({r.org_unit_id for r in rows}) == 6  # every community (other tests may edit titles)
    assert {r.status for r in rows} == {MeetingStatus.held if start < clock.now() else MeetingStatus.planned}


def test_a_module_seed_draws_from_a_stream_of_its_own():
    from app.seed import _fake_for

    (f1, r1), (f2, r2), (f3, r3) = _fake_for("app.modules.zhili"), _fake_for("app.modules.zhili"), _fake_for("x")
    a, b, c = ([f.address(), r.random()] for f, r in ((f1, r1), (f2, r2), (f3, r3)))
    assert a == b and a != c
