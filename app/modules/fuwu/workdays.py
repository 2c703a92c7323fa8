"""Working days for 大服务: the core calendar (app/core/workdays.py) and the errand days (TR-42)."""

from __future__ import annotations

import datetime as dt

from app.core.workdays import Calendar, WorkDays, is_working_day, next_working_day  # noqa: F401

ERRAND_WEEKDAYS = (0, 2, 4)  # Monday, Wednesday, Friday (TR-42)


def next_errand_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first Monday, Wednesday or Friday on or after `day` that is a working day."""
    d = day
    while not (d.weekday() in ERRAND_WEEKDAYS and is_working_day(d, calendar)):
        d += dt.timedelta(days=1)
    return d


def load_calendar(start: dt.date, end: dt.date) -> WorkDays:
    """Working days between start and end (the office's work_calendar over the statutory calendar)."""
    return WorkDays.load(start, end)


def around(day: dt.date, days: int = 40) -> WorkDays:
    return load_calendar(day - dt.timedelta(days=days), day + dt.timedelta(days=days))
