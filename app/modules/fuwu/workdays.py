"""Working days: Monday–Friday, corrected by the work_calendar register (holidays, 调休 days)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import sqlalchemy as sa

Calendar = Mapping[dt.date, bool]  # day → is_working_day, for the days work_calendar lists

ERRAND_WEEKDAYS = (0, 2, 4)  # Monday, Wednesday, Friday (TR-42)


def is_working_day(day: dt.date, calendar: Calendar) -> bool:
    if day in calendar:
        return bool(calendar[day])
    return day.weekday() < 5


def next_working_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first working day strictly after `day`."""
    d = day + dt.timedelta(days=1)
    while not is_working_day(d, calendar):
        d += dt.timedelta(days=1)
    return d


def next_errand_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first Monday, Wednesday or Friday on or after `day` that is a working day."""
    d = day
    while not (d.weekday() in ERRAND_WEEKDAYS and is_working_day(d, calendar)):
        d += dt.timedelta(days=1)
    return d


def load_calendar(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """work_calendar rows between start and end (the office's holidays and swapped working days)."""
    from app.common.models import WorkCalendar
    from app.extensions import db

    rows = db.session.execute(sa.select(WorkCalendar.day, WorkCalendar.is_working_day).where(
        WorkCalendar.is_deleted.is_(False), WorkCalendar.day >= start, WorkCalendar.day <= end))
    return {day: bool(working) for day, working in rows}


def around(day: dt.date, days: int = 40) -> dict[dt.date, bool]:
    return load_calendar(day - dt.timedelta(days=days), day + dt.timedelta(days=days))
