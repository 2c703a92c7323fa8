"""Rules and time rules of 大协调 (domain §4; TR-16 … TR-20).

Date arithmetic is kept in pure functions of (dates, now, working-day overrides) so it is
tested with fixed dates; the TimeRule checks load rows and call them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import inspect

from app.core import clock
from app.core.rules import RuleViolation
from app.core.timerules import Due
from app.core.workdays import WorkDays, add_working_days, is_working_day, working_days_of_month  # noqa: F401
from app.extensions import db

from .enums import AssignmentStatus as AS
from .enums import OrderStatus, TypicalStatus, TypicalSubject
from .enums import SupervisionItemStatus as IS
from .enums import SupervisionListStatus as LS

ISSUE_WITHIN_WORKING_DAYS = 5  # TR-16: 月初 = the first 5 working days (domain §10.22)
SUGGEST_FROM_DAY = 11  # TR-17: lagging items are suggested from the 11th (domain §4.2)
REMINDER_DAYS = 3  # TR-20: reminder 3 days before a deadline
TYPICAL_REMINDER_DAYS = 7  # TR-19: a week before the quarter's end
ORDER_REPLY_WORKING_DAYS = 3  # a 督办单's reply deadline (inferred)
END_OF_DAY = dt.time(23, 59, 59)


# --- calendar arithmetic (pure) -------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, n: int) -> dt.date:
    m = day.month - 1 + n
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def nth_working_day(month: dt.date, n: int, overrides: Mapping[dt.date, bool]) -> dt.date:
    days = working_days_of_month(month, overrides)
    return days[min(n, len(days)) - 1] if days else month_end(month)


def last_working_day(month: dt.date, overrides: Mapping[dt.date, bool]) -> dt.date:
    days = working_days_of_month(month, overrides)
    return days[-1] if days else month_end(month)


def list_issue_due(month: dt.date, overrides) -> dt.datetime:
    """TR-16: the list is issued within the first 5 working days of its month."""
    return dt.datetime.combine(nth_working_day(month, ISSUE_WITHIN_WORKING_DAYS, overrides), END_OF_DAY)


def list_publish_due(month: dt.date, overrides) -> dt.datetime:
    """TR-18: progress and comments are published by the last working day of the month."""
    return dt.datetime.combine(last_working_day(month, overrides), END_OF_DAY)


def expected_percent(month: dt.date, deadline: dt.date, today: dt.date) -> int:
    """Progress an item should have reached today: linear from the 1st of its month to its deadline."""
    start = month_start(month)
    if today >= deadline:
        return 100
    if today < start:
        return 0
    total = (deadline - start).days + 1
    return int(100 * ((today - start).days + 1) / total)


def is_lagging(month: dt.date, deadline: dt.date, percent: int | None, done: bool, today: dt.date) -> bool:
    """TR-17: past its deadline and not done, or (from the 11th) behind the expected progress."""
    if done:
        return False
    if deadline < today:
        return True
    if today.day < SUGGEST_FROM_DAY and month_start(today) == month_start(month):
        return False
    return (percent or 0) < expected_percent(month, deadline, today)


def due_window(due_at: dt.datetime, now: dt.datetime, days: int = REMINDER_DAYS) -> bool:
    """A time rule lists a row from `days` before its due time on."""
    return now >= due_at - dt.timedelta(days=days)


def quarter_end(day: dt.date) -> dt.date:
    return month_end(dt.date(day.year, (day.month - 1) // 3 * 3 + 3, 1))


def calendar_overrides() -> WorkDays:
    """Working days as the office keeps them (work_calendar over the statutory calendar)."""
    return WorkDays.load()


def missing_row_id(month: dt.date) -> int:
    """A due row that does not exist yet (the month's list not made): a negative id per month."""
    return -(month.year * 100 + month.month)


# --- rules run on every save -----------------------------------------------------------


def _was(item, attr):
    """The value loaded from the database (None for a new row)."""
    state = inspect(item)
    if state.transient or state.pending:
        return None
    hist = state.attrs[attr].history
    if hist.deleted:
        return hist.deleted[0]
    return getattr(item, attr)


def check_supervision_list(sl) -> None:
    if sl.month is not None:
        sl.month = month_start(sl.month)
    if _was(sl, "status") == LS.published:
        raise RuleViolation(_("A published supervision list is read-only."))
    if sl.status == LS.published and not (sl.review_comment or "").strip():
        raise RuleViolation(_("Write the month-end comments before publishing."), field="review_comment")


def check_supervision_item(item) -> None:
    sl = item.supervision_list
    if sl is not None:
        if sl.status == LS.published:
            raise RuleViolation(_("A published supervision list is read-only."))
        item.org_unit_id = sl.org_unit_id
        item.org_unit = sl.org_unit
        if item.deadline and sl.month and item.deadline < sl.month:
            raise RuleViolation(_("The deadline cannot be before the list's month."), field="deadline")
    p = item.progress_percent
    if p is not None and not 0 <= p <= 100:
        raise RuleViolation(_("Progress is a percentage between 0 and 100."), field="progress_percent")
    if item.status == IS.done:
        item.progress_percent = 100
    elif item.deadline and item.deadline < clock.today():
        item.status = IS.lagging  # past its deadline and not done: lagging (computed)


def check_supervision_order(o) -> None:
    if o.status == OrderStatus.closed and _was(o, "status") == OrderStatus.closed:
        raise RuleViolation(_("A closed supervision order is read-only."))
    if o.supervision_item is None and o.assignment_order is None:
        raise RuleViolation(
            _("A supervision order refers to a lagging item or a delayed assignment order."), field="supervision_item"
        )
    source = o.supervision_item or o.assignment_order
    o.org_unit_id = source.org_unit_id
    o.org_unit = source.org_unit
    if o.issued_at and o.reply_deadline and o.reply_deadline < o.issued_at.date():
        raise RuleViolation(_("The reply deadline cannot be before the order was issued."), field="reply_deadline")


def check_typical_case(c) -> None:
    if _was(c, "status") == TypicalStatus.notified:
        raise RuleViolation(_("A notified case is read-only."))
    if c.subject_kind == TypicalSubject.cadre and c.cadre is None and c.cadre_id is None:
        raise RuleViolation(_("Name the cadre of a case about a cadre."), field="cadre")


def check_assignment_order(o) -> None:
    from app.org.enums import Module
    from app.org.models import StaffProfile

    if _was(o, "status") == AS.closed:  # before any query: a query autoflushes and forgets the old state
        raise RuleViolation(_("A closed assignment order is read-only."))
    if o.received_at and o.deadline and o.deadline < o.received_at.date():
        raise RuleViolation(_("The deadline cannot be before the order was received."), field="deadline")
    leader_id = o.lead_leader_id or (o.lead_leader.id if o.lead_leader is not None else None)
    if leader_id is not None:
        profile = StaffProfile.for_user(leader_id)
        if profile is None or Module.xietiao not in profile.lead_modules:
            raise RuleViolation(
                _("The reviewer must be a lead leader of the coordination module (大协调牵头领导)."),
                field="lead_leader",
            )


# --- time rules (TimeRule checks: now -> Due rows) -------------------------------------------


def _open(model):
    return model.is_deleted.is_(False)


def _lists_up_to(month: dt.date) -> dict:
    from .models import SupervisionList

    return {
        sl.month: sl
        for sl in db.session.execute(
            sa.select(SupervisionList).where(_open(SupervisionList), SupervisionList.month <= month)
        ).scalars()
    }


def list_issue_dues(now: dt.datetime) -> Iterable[Due]:
    """TR-16: the month's list is issued within its first 5 working days — last month's and this
    month's, a missing list reported as a missing row. Irregular: working days and missing rows."""
    overrides = calendar_overrides()
    this_month = month_start(now.date())
    lists = _lists_up_to(this_month)
    for month in (add_months(this_month, -1), this_month):
        due = list_issue_due(month, overrides)
        sl = lists.get(month)
        if (sl is None or sl.status == LS.draft) and due_window(due, now):
            title = sl.title if sl else _("Monthly supervision list %(month)s (not made yet)", month=f"{month:%Y-%m}")
            yield Due("TR-16", sl.id if sl else None, due, title, sl.made_by_id if sl else None)


def list_publish_dues(now: dt.datetime) -> Iterable[Due]:
    """TR-18: progress and comments are published by the last working day of the list's month.
    Irregular: the last working day comes from the work calendar."""
    overrides = calendar_overrides()
    for sl in _lists_up_to(month_start(now.date())).values():
        if sl.status == LS.published:
            continue
        due = list_publish_due(sl.month, overrides)
        if due_window(due, now):
            yield Due("TR-18", sl.id, due, sl.title, sl.made_by_id)


def typical_case_dues(now: dt.datetime) -> Iterable[Due]:
    """TR-19: a nominated case is selected and notified within its quarter's round."""
    from .models import TypicalCase

    rows = db.session.execute(
        sa.select(TypicalCase.id, TypicalCase.period_label, TypicalCase.case_date, TypicalCase.nominated_by_id).where(
            _open(TypicalCase), TypicalCase.status.in_([TypicalStatus.nominated, TypicalStatus.selected])
        )
    )
    for r in rows:
        due = dt.datetime.combine(quarter_end(r.case_date), END_OF_DAY)
        if due_window(due, now, days=TYPICAL_REMINDER_DAYS):
            yield Due("TR-19", r.id, due, r.period_label, r.nominated_by_id)
