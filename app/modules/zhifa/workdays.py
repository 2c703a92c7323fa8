"""Working days for 大执法: the core calendar (app/core/workdays.py), loaded for a window."""

from __future__ import annotations

import datetime as dt

from app.core.workdays import WorkDays, add_working_days, is_working_day, nth_working_day  # noqa: F401


def calendar_overrides(start: dt.date, end: dt.date) -> WorkDays:
    """Working days between start and end (the office's work_calendar over the statutory calendar)."""
    return WorkDays.load(start, end)


def load_window(start: dt.date, days: int = 60) -> WorkDays:
    return calendar_overrides(start, start + dt.timedelta(days=days))
