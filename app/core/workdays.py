"""Working days of mainland China, in one place for every module and the calendar.

A day's status comes from the office's work_calendar register when it lists the day, else from the
`holidays` package (statutory holidays and 调休 working weekends, published years ahead), else
Monday–Friday. The arithmetic below takes any ``Mapping[date, bool]``: the loaded ``WorkDays`` (every
date is a key) in the app, or a small dict of overrides in pure tests (unlisted days: weekdays work).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import lru_cache

import holidays as holidays_lib
import sqlalchemy as sa

Calendar = Mapping[dt.date, bool]  # day → is a working day


@lru_cache(maxsize=1)
def _china():
    # expand=True: years are added on first use, so one object serves any date
    return holidays_lib.country_holidays("CN", language="zh_CN")


class WorkDays(Mapping):
    """day → is a working day, for every date: work_calendar rows override the `holidays` package."""

    def __init__(self, overrides: Mapping[dt.date, tuple[bool, str | None]] | None = None):
        self.overrides = dict(overrides or {})
        self.cn = _china()

    @classmethod
    def load(cls, start: dt.date | None = None, end: dt.date | None = None) -> WorkDays:
        """One query for the office's overrides (of [start - 40 days, end + 40 days] when given)."""
        from app.common.models import WorkCalendar
        from app.extensions import db

        q = sa.select(WorkCalendar.day, WorkCalendar.is_working_day, WorkCalendar.name).where(
            WorkCalendar.is_deleted.is_(False)
        )
        if start is not None:
            q = q.where(WorkCalendar.day >= start - dt.timedelta(days=40))
        if end is not None:
            q = q.where(WorkCalendar.day <= end + dt.timedelta(days=40))
        return cls({r.day: (bool(r.is_working_day), r.name) for r in db.session.execute(q)})

    # Mapping protocol: every date is a key; iteration lists only the office's own entries.
    def __getitem__(self, day: dt.date) -> bool:
        if not isinstance(day, dt.date):
            raise KeyError(day)
        return self.is_working(day)

    def __contains__(self, day) -> bool:
        return isinstance(day, dt.date)

    def __iter__(self) -> Iterator[dt.date]:
        return iter(self.overrides)

    def __len__(self) -> int:
        return len(self.overrides)

    def is_working(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day][0]
        return self.cn.is_working_day(day)

    def label(self, day: dt.date) -> str | None:
        """Holiday name, or 调休上班 for a swapped working weekend day; None for an ordinary day."""
        if day in self.overrides:
            working, name = self.overrides[day]
            if name:
                return name
            return None if working == (day.weekday() < 5) else ("调休上班" if working else "休息日")
        name = self.cn.get(day)
        if name:
            return name
        if day.weekday() >= 5 and self.is_working(day):
            return "调休上班"
        return None

    def is_holiday(self, day: dt.date) -> bool:
        """A statutory holiday or day off that is not an ordinary weekend."""
        return not self.is_working(day) and (day.weekday() < 5 or self.label(day) is not None)

    def next_working(self, day: dt.date, limit: int = 31) -> dt.date | None:
        """The first working day on or after `day`, within `limit` days."""
        for i in range(limit):
            d = day + dt.timedelta(days=i)
            if self.is_working(d):
                return d
        return None


# --- arithmetic over any Calendar ---------------------------------------------------------


def is_working_day(day: dt.date, calendar: Calendar) -> bool:
    if day in calendar:
        return bool(calendar[day])
    return day.weekday() < 5


def nth_working_day(start: dt.date, n: int, calendar: Calendar) -> dt.date:
    """The n-th working day counting from `start` itself (n=1: start, if it is one)."""
    day, seen = start, 0
    while True:
        if is_working_day(day, calendar):
            seen += 1
            if seen == n:
                return day
        day += dt.timedelta(days=1)


def add_working_days(day: dt.date, n: int, calendar: Calendar) -> dt.date:
    """The n-th working day after `day` (`day` itself not counted); n = 0 gives `day`."""
    return nth_working_day(day + dt.timedelta(days=1), n, calendar) if n > 0 else day


def next_working_day(day: dt.date, calendar: Calendar) -> dt.date:
    """The first working day strictly after `day`."""
    return add_working_days(day, 1, calendar)


def working_days_of_month(month: dt.date, calendar: Calendar) -> list[dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return [
        first + dt.timedelta(days=i)
        for i in range((nxt - first).days)
        if is_working_day(first + dt.timedelta(days=i), calendar)
    ]
