"""The one clock. Datetimes are naive, in the office's local time (config TIMEZONE).

Tests freeze it with `clock.freeze(datetime(...))`; time rules take `now` from here.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_frozen: dt.datetime | None = None
_tz = ZoneInfo("Asia/Shanghai")


def set_timezone(name: str) -> None:
    global _tz
    _tz = ZoneInfo(name)


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(_tz).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()


def freeze(at: dt.datetime | None) -> None:
    """Fix now() at `at` (None unfreezes)."""
    global _frozen
    _frozen = at
