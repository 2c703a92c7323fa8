"""Recurrence and holiday arithmetic with fixed dates (TR-01, TR-11, TR-36, TR-42; domain §10.5, §10.16, §10.45)."""

import datetime as dt

import pytest

from app.calendar.engine import WorkDays, expand
from app.calendar.enums import PATTERN_RRULES, RecurrencePattern

D = dt.date


@pytest.fixture(scope="module")
def work():
    return WorkDays()


def days(rule, start, end, work, shift=False):
    return [(day, orig) for day, orig, _ in expand(rule, start, end, work, shift)]


def test_holiday_table_has_statutory_holidays_and_swapped_working_days(work):
    assert not work.is_working(D(2026, 10, 6))  # Tuesday in the 国庆 week
    assert work.is_holiday(D(2026, 10, 6))
    assert work.is_working(D(2026, 10, 10))  # Saturday, 调休上班
    assert work.label(D(2026, 10, 10)) == "调休上班"
    assert work.is_working(D(2026, 2, 14)) and not work.is_working(D(2026, 2, 17))
    assert "春节" in work.label(D(2026, 2, 17))
    assert work.is_working(D(2026, 10, 12)) and work.label(D(2026, 10, 12)) is None
    assert not work.is_working(D(2026, 10, 11)) and not work.is_holiday(D(2026, 10, 11))  # an ordinary Sunday


def test_work_calendar_overrides_the_package():
    w = WorkDays({D(2026, 10, 12): (False, "街道停工检修"), D(2026, 10, 6): (True, None)})
    assert not w.is_working(D(2026, 10, 12)) and w.label(D(2026, 10, 12)) == "街道停工检修"
    assert w.is_working(D(2026, 10, 6))


def test_first_tuesday_on_a_holiday_moves_to_the_first_working_tuesday(work):
    rule = PATTERN_RRULES[RecurrencePattern.monthly_first_tue]
    assert days(rule, D(2026, 10, 1), D(2026, 10, 31), work) == [(D(2026, 10, 6), D(2026, 10, 6))]
    assert days(rule, D(2026, 10, 1), D(2026, 10, 31), work, shift=True) == [(D(2026, 10, 13), D(2026, 10, 6))]
    # an ordinary month does not move
    assert days(rule, D(2026, 11, 1), D(2026, 11, 30), work, shift=True) == [(D(2026, 11, 3), D(2026, 11, 3))]


def test_monday_meeting_on_a_holiday_moves_to_the_next_working_day_of_the_week(work):
    rule = PATTERN_RRULES[RecurrencePattern.weekly_mon]
    got = days(rule, D(2026, 9, 28), D(2026, 10, 18), work, shift=True)
    assert got == [
        (D(2026, 9, 28), D(2026, 9, 28)),
        (D(2026, 10, 8), D(2026, 10, 5)),
        (D(2026, 10, 12), D(2026, 10, 12)),
    ]
    # 春节 2026: Mon 16 Feb … Mon 23 Feb are days off; the week of 16 Feb has no working day
    got = days(rule, D(2026, 2, 16), D(2026, 2, 22), work, shift=True)
    assert got == []
    got = days(rule, D(2026, 2, 23), D(2026, 3, 1), work, shift=True)
    assert got == [(D(2026, 2, 24), D(2026, 2, 23))]


def test_without_the_flag_an_occurrence_stays_on_the_holiday(work):
    # TR-36 joint enforcement every Tuesday 08:00, also in the 国庆 week (§10.45)
    got = expand("FREQ=WEEKLY;BYDAY=TU;BYHOUR=8;BYMINUTE=0", D(2026, 10, 1), D(2026, 10, 14), work, False)
    assert [(d, s.time()) for d, _o, s in got] == [(D(2026, 10, 6), dt.time(8)), (D(2026, 10, 13), dt.time(8))]


def test_named_patterns(work):
    got = days(PATTERN_RRULES[RecurrencePattern.quarterly_last_weekday], D(2026, 1, 1), D(2026, 12, 31), work)
    assert [d for d, _ in got] == [D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]
    got = days(PATTERN_RRULES[RecurrencePattern.weekly_mon_wed_fri], D(2026, 11, 23), D(2026, 11, 29), work)
    assert [d for d, _ in got] == [D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 27)]
    got = days(PATTERN_RRULES[RecurrencePattern.monthly_last_weekday], D(2026, 10, 1), D(2026, 10, 31), work)
    assert [d for d, _ in got] == [D(2026, 10, 30)]
    # month-start list on 1 January 2026 (元旦, then Fri 2 Jan off too) → Mon 5 Jan
    got = days(PATTERN_RRULES[RecurrencePattern.monthly_first_day], D(2026, 1, 1), D(2026, 1, 31), work, shift=True)
    assert got == [(D(2026, 1, 4), D(2026, 1, 1))]  # Sunday 4 January is a 调休 working day


def test_an_occurrence_shifted_into_the_range_is_shown(work):
    # the 5 Oct Monday meeting lands on Thursday 8 Oct: a range of that Thursday alone holds it
    got = days(PATTERN_RRULES[RecurrencePattern.weekly_mon], D(2026, 10, 8), D(2026, 10, 8), work, shift=True)
    assert got == [(D(2026, 10, 8), D(2026, 10, 5))]
