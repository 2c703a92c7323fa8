"""The one clock. Datetimes are naive, in the office's local time (config TIMEZONE).

The configured clock is the real time, except where the configuration anchors it (`CLOCK_AT`, which
only the test configuration sets, from JIEDAO_TEST_TODAY): the whole suite then runs on one known
instant. Tests move it with `clock.freeze(datetime(...))` and go back with `clock.reset()`.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_configured: dt.datetime | None = None  # None: the real time
_frozen: dt.datetime | None = None
_tz = ZoneInfo("Asia/Shanghai")


def set_timezone(name: str) -> None:
    global _tz
    _tz = ZoneInfo(name)


def configure(at: dt.datetime | None) -> None:
    """The clock this process runs on: `at` for ever (tests), or the real time (None)."""
    global _configured
    _configured = at
    reset()


def now() -> dt.datetime:
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(_tz).replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    return now().date()


def freeze(at: dt.datetime | None) -> None:
    """Fix now() at `at`; None goes back to the configured clock."""
    global _frozen
    _frozen = at if at is not None else _configured


def reset() -> None:
    """Back to the configured clock (what a test leaves behind)."""
    freeze(None)


def parse(text: str) -> dt.datetime:
    """'2026-11-27' or '2026-11-27 09:30' (or ISO with T) as a naive local datetime; midnight if no time."""
    value = dt.datetime.fromisoformat(text.strip())
    return value.replace(tzinfo=None, microsecond=0)
