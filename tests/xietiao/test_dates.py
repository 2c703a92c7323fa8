"""Pure date rules of 大协调 (TR-16 … TR-20) with fixed dates: weekends, holidays, 调休, month ends."""

import datetime as dt

from app.modules.xietiao import rules as r

D = dt.date
NATIONAL_DAY_2026 = {**{D(2026, 10, d): False for d in range(1, 8)}, D(2026, 10, 10): True}


def test_working_days_follow_weekends_and_the_calendar():
    assert r.is_working_day(D(2026, 11, 27), {})  # Friday
    assert not r.is_working_day(D(2026, 11, 28), {})  # Saturday
    assert not r.is_working_day(D(2026, 10, 1), NATIONAL_DAY_2026)  # holiday on a Thursday
    assert r.is_working_day(D(2026, 10, 10), NATIONAL_DAY_2026)  # 调休 Saturday


def test_tr16_fifth_working_day():
    # December 2026 starts on a Tuesday: 1,2,3,4,7
    assert r.list_issue_due(D(2026, 12, 1), {}) == dt.datetime(2026, 12, 7, 23, 59, 59)
    # August 2026 starts on a Saturday: 3,4,5,6,7
    assert r.nth_working_day(D(2026, 8, 1), 5, {}) == D(2026, 8, 7)
    # October 2026: holidays 1–7, 调休 on Saturday the 10th: 8, 9, 10, 12, 13
    assert r.nth_working_day(D(2026, 10, 1), 5, NATIONAL_DAY_2026) == D(2026, 10, 13)


def test_tr18_last_working_day_of_the_month():
    assert r.list_publish_due(D(2026, 11, 1), {}) == dt.datetime(2026, 11, 30, 23, 59, 59)  # a Monday
    assert r.last_working_day(D(2027, 1, 1), {}) == D(2027, 1, 29)  # 30/31 are the weekend
    assert r.last_working_day(D(2026, 2, 1), {}) == D(2026, 2, 27)  # 28 February is a Saturday
    assert r.last_working_day(D(2026, 2, 1), {D(2026, 2, 28): True}) == D(2026, 2, 28)  # unless 调休


def test_month_arithmetic_across_the_year():
    assert r.add_months(D(2026, 12, 1), 1) == D(2027, 1, 1)
    assert r.add_months(D(2027, 1, 1), -1) == D(2026, 12, 1)
    assert r.month_end(D(2028, 2, 10)) == D(2028, 2, 29)
    assert r.quarter_end(D(2026, 11, 3)) == D(2026, 12, 31)
    assert r.missing_row_id(D(2027, 3, 1)) == -202703


def test_add_working_days_skips_weekends_and_holidays():
    assert r.add_working_days(D(2026, 11, 27), 3, {}) == D(2026, 12, 2)  # Fri → Wed
    assert r.add_working_days(D(2026, 9, 30), 1, NATIONAL_DAY_2026) == D(2026, 10, 8)


def test_expected_progress_and_lagging():
    month = D(2027, 3, 1)
    assert r.expected_percent(month, D(2027, 3, 31), D(2027, 3, 1)) == 3
    assert r.expected_percent(month, D(2027, 3, 20), D(2027, 3, 10)) == 50
    assert r.expected_percent(month, D(2027, 3, 20), D(2027, 3, 20)) == 100
    # before the 11th, only a passed deadline makes an item lagging (TR-17)
    assert not r.is_lagging(month, D(2027, 3, 31), 0, False, D(2027, 3, 10))
    assert r.is_lagging(month, D(2027, 3, 5), 90, False, D(2027, 3, 6))
    # from the 11th: behind the expected progress
    assert r.is_lagging(month, D(2027, 3, 31), 10, False, D(2027, 3, 15))
    assert not r.is_lagging(month, D(2027, 3, 31), 60, False, D(2027, 3, 15))
    assert not r.is_lagging(month, D(2027, 3, 5), 10, True, D(2027, 3, 20))  # done is never lagging
    # last day of the month: everything not finished is behind
    assert r.is_lagging(month, D(2027, 3, 31), 99, False, D(2027, 3, 31))


def test_due_window_starts_three_days_before():
    due = dt.datetime(2027, 3, 10, 23, 59, 59)
    assert not r.due_window(due, dt.datetime(2027, 3, 7, 23, 59, 58))
    assert r.due_window(due, dt.datetime(2027, 3, 7, 23, 59, 59))
