"""The calendar pages (month, week, personal .ics feed): readers of schedules or meetings open them."""

from app.core import permissions

from . import models  # noqa: F401  (calendar_token table)

permissions.add_page("calendar", groups=("G1", "G2"))
