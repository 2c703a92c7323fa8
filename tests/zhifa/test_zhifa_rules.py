"""Pure date rules of 大执法 and 大经济 with fixed dates (TR-33, TR-34, TR-36, TR-37, TR-38, hazards)."""

import datetime as dt
from types import SimpleNamespace

from app.modules.jingji import rules as jr
from app.modules.zhifa import rules as zr
from app.modules.zhifa import workdays
from app.org.enums import UnitKind

D = dt.date
# 2026: 中秋 9-25…27, 国庆 10-01…07, 调休上班 9-20 (Sun) and 10-10 (Sat)
CAL_2026 = {
    **{D(2026, 9, d): False for d in (25, 26, 27)},
    **{D(2026, 10, d): False for d in range(1, 8)},
    D(2026, 9, 20): True,
    D(2026, 10, 10): True,
}


def test_working_days_follow_weekends_and_the_calendar():
    assert workdays.is_working_day(D(2026, 10, 10), CAL_2026)  # 调休 Saturday
    assert not workdays.is_working_day(D(2026, 10, 5), CAL_2026)  # National Day Monday
    assert not workdays.is_working_day(D(2026, 11, 28), {})  # plain Saturday
    assert workdays.nth_working_day(D(2026, 12, 1), 1, {}) == D(2026, 12, 1)
    assert workdays.add_working_days(D(2026, 11, 27), 1, {}) == D(2026, 11, 30)  # Friday → Monday


def test_tr33_unit_report_due_on_the_third_working_day_of_next_month():
    # November 2026: Tue 1 Dec, Wed 2, Thu 3 → the 3rd
    assert zr.monthly_report_due(D(2026, 11, 1), {}) == dt.datetime(2026, 12, 3, 23, 59, 59)
    # September 2026: October 1–7 are holidays; Thu 8, Fri 9, Sat 10 (调休) → the 10th
    assert zr.monthly_report_due(D(2026, 9, 15), CAL_2026) == dt.datetime(2026, 10, 10, 23, 59, 59)
    # without the calendar the same month would be due on 5 October
    assert zr.monthly_report_due(D(2026, 9, 1), {}) == dt.datetime(2026, 10, 5, 23, 59, 59)


def test_tr34_quarterly_report_due_ten_working_days_after_the_meeting():
    # meeting Thu 24 Sep 2026: 28, 29, 30 Sep, 8, 9, 10 (调休), 12, 13, 14, 15 Oct
    assert zr.quarterly_report_due(D(2026, 9, 24), CAL_2026) == dt.datetime(2026, 10, 15, 23, 59, 59)
    assert zr.quarterly_report_due(D(2026, 11, 2), {}) == dt.datetime(2026, 11, 16, 23, 59, 59)


def test_tr36_next_tuesday_at_eight():
    assert zr.next_tuesday_start(dt.datetime(2026, 11, 23, 10, 0)) == dt.datetime(2026, 11, 24, 8, 0)  # Monday
    assert zr.next_tuesday_start(dt.datetime(2026, 11, 24, 7, 30)) == dt.datetime(2026, 11, 24, 8, 0)  # same day
    assert zr.next_tuesday_start(dt.datetime(2026, 11, 24, 8, 0)) == dt.datetime(2026, 12, 1, 8, 0)  # started
    assert zr.next_tuesday_start(dt.datetime(2026, 11, 27, 16, 0)) == dt.datetime(2026, 12, 1, 8, 0)  # Friday


def test_tr36_tuesday_series_keeps_holiday_tuesdays():
    days = zr.tuesdays(D(2026, 9, 28), D(2026, 10, 13))
    assert days == [D(2026, 9, 29), D(2026, 10, 6), D(2026, 10, 13)]  # 6 Oct is in the National Day holiday
    assert zr.tuesdays(D(2026, 12, 2), D(2026, 12, 7)) == []


def test_one_plus_three_plus_n_is_a_warning_per_missing_part():
    stationed = [SimpleNamespace(unit_kind=UnitKind.stationed) for _ in range(3)]
    office = SimpleNamespace(unit_kind=UnitKind.street_office)
    assert zr.formation_warnings(object(), stationed, ["team"]) == []
    w = zr.formation_warnings(object(), stationed[:2] + [office], ["team"])
    assert len(w) == 1 and "2" in w[0]
    assert len(zr.formation_warnings(None, [], [])) == 3


def test_tr37_immediate_deployment_is_due_two_hours_after_receipt():
    assert zr.immediate_deploy_due(dt.datetime(2026, 11, 27, 9, 15)) == dt.datetime(2026, 11, 27, 11, 15)


def test_tr38_and_hazard_due_dates():
    assert jr.review_due(D(2027, 1, 31)) == dt.datetime(2027, 2, 28, 23, 59, 59)
    assert jr.review_due(D(2027, 1, 15)) == dt.datetime(2027, 2, 15, 23, 59, 59)
    assert jr.hazard_due(D(2027, 1, 10)) == dt.datetime(2027, 1, 10, 23, 59, 59)
