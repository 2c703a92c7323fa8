"""Working days: weekends plus the work_calendar register (holidays, 调休 working days)."""
from __future__ import annotations

import datetime as dt
from typing import Mapping

import sqlalchemy as sa


def calendar_overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """{day: is_working_day} from the work_calendar register between start and end."""
    from app.common.models import WorkCalendar
    from app.extensions import db

    rows = db.session.execute(sa.select(WorkCalendar.day, WorkCalendar.is_working_day).where(
        WorkCalendar.is_deleted.is_(False), WorkCalendar.day >= start, WorkCalendar.day <= end))
    return {r.day: bool(r.is_working_day) for r in rows}


def is_working_day(day: dt.date, overrides: Mapping[dt.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    return day.weekday() < 5


def nth_working_day(start: dt.date, n: int, overrides: Mapping[dt.date, bool]) -> dt.date:
    """The n-th working day counting from `start` itself (n=1: start, if it is one)."""
    day, seen = start, 0
    while True:
        if is_working_day(day, overrides):
            seen += 1
            if seen == n:
                return day
        day += dt.timedelta(days=1)


def add_working_days(start: dt.date, n: int, overrides: Mapping[dt.date, bool]) -> dt.date:
    """The n-th working day after `start` (start itself not counted)."""
    return nth_working_day(start + dt.timedelta(days=1), n, overrides)


def load_window(start: dt.date, days: int = 60) -> dict[dt.date, bool]:
    return calendar_overrides(start, start + dt.timedelta(days=days))
