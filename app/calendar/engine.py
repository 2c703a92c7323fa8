"""The calendar's arithmetic: working days, recurrence expansion with holiday shifts, and the
occurrences of a date range (schedule rules + the meetings that fulfil them + register deadlines).

Pure functions where possible (tests use fixed dates); the database is read in a fixed number of
queries per range, whatever the number of meetings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.rrule import MONTHLY, WEEKLY, rrulestr

from app.core.workdays import WorkDays

TUESDAY = 1
ANCHOR = dt.date(2024, 1, 1)  # a Monday: dtstart of every rule (RRULEs here always name their days)


def parse_rule(text: str, start_time: dt.time | None = None):
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    return rrulestr(text, dtstart=dt.datetime.combine(ANCHOR, start_time or dt.time(0, 0)))


@dataclass
class Occurrence:
    day: dt.date  # the day it happens (after any shift)
    start: dt.datetime | None  # None: an all-day entry
    title: str
    kind: str  # schedule | meeting | deadline | tuesday | holiday
    original_day: dt.date | None = None  # set when shifted
    holiday: str | None = None  # the day's holiday name, when it falls on one
    rule: object = None  # ScheduleRule
    meeting: object = None  # fulfilling meeting (id, title, status)
    status: str | None = None  # held | planned | missed | open
    url: str | None = None
    add_url: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def shifted(self) -> bool:
        return self.original_day is not None and self.original_day != self.day


def shift(rule_obj, day: dt.date, work: WorkDays) -> dt.date | None:
    """Where an occurrence on a non-working `day` goes (domain §10.5 and §10.16):
    weekly rules → the next working day of the same ISO week (none: the week has no occurrence);
    monthly rules on a weekday (“first Tuesday”) → the next working same weekday in the month;
    anything else → the next working day."""
    if work.is_working(day):
        return day
    freq = rule_obj._freq
    if freq == WEEKLY:
        d = day
        while d.isocalendar()[:2] == day.isocalendar()[:2]:
            if work.is_working(d):
                return d
            d += dt.timedelta(days=1)
        return None
    if (
        freq == MONTHLY
        and rule_obj._byweekday
        and not rule_obj._bysetpos
        and len(rule_obj._byweekday) == 1
        or freq == MONTHLY
        and rule_obj._bynweekday
    ):
        step = dt.timedelta(days=-7 if rule_obj._bynweekday and rule_obj._bynweekday[0][1] < 0 else 7)
        d = day + step
        while d.month == day.month:
            if work.is_working(d):
                return d
            d += step
        return None
    return work.next_working(day)


def expand(
    rrule_text: str,
    start: dt.date,
    end: dt.date,
    work: WorkDays,
    shift_flag: bool = False,
    start_time: dt.time | None = None,
) -> list[tuple[dt.date, dt.date, dt.datetime]]:
    """(day, original day, start datetime) of every occurrence whose (shifted) day is in [start, end]."""
    rule = parse_rule(rrule_text, start_time)
    lo = dt.datetime.combine(start - dt.timedelta(days=35), dt.time(0, 0))
    hi = dt.datetime.combine(end, dt.time(23, 59, 59))
    out = []
    for when in rule.between(lo, hi, inc=True):
        day = when.date()
        new = shift(rule, day, work) if shift_flag else day
        if new is None or not (start <= new <= end):
            continue
        out.append((new, day, dt.datetime.combine(new, when.time())))
    return out


def period_key(rule_obj, day: dt.date):
    """The period in which one held meeting fulfils the rule (per ISO week, month, year)."""
    freq = rule_obj._freq
    if freq == WEEKLY:
        return ("w", *day.isocalendar()[:2])
    if freq == MONTHLY:
        return ("m", day.year, day.month)
    if freq == 0:  # YEARLY
        return ("y", day.year)
    return ("d", day)
