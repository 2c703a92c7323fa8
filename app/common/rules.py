"""Rules of the shared registers (meeting TR-04, TR-10; work items; schedule rules)."""

from __future__ import annotations

import datetime as dt

from dateutil.rrule import rrulestr
from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect

from app.core import clock
from app.core.rules import RuleViolation, check_order

from .enums import MeetingStatus, MeetingType, WorkItemStatus

TUESDAY = 1
# Meetings allowed on the meeting-free Tuesday (TR-10, domain §10.15).
TUESDAY_ALLOWED = {MeetingType.team_monthly, MeetingType.enforcement_emergency}


def topics_circulated_in_time(planned_start: dt.datetime, circulated_at: dt.datetime | None) -> bool:
    """TR-04: 研判会 topics are sent to the committee members before the meeting."""
    return circulated_at is not None and circulated_at < planned_start


def breaks_meeting_free_tuesday(meeting_type, planned_start: dt.datetime, is_ad_hoc: bool) -> bool:
    """TR-10: Tuesdays are 周二无会日 for the office's internal meetings (domain §10.15): the
    first-Tuesday team meeting and emergency enforcement analysis are exempt; joint enforcement
    is an action, not a meeting. Ticking 临时召开 (is_ad_hoc) is the user's confirmation."""
    return planned_start.weekday() == TUESDAY and meeting_type not in TUESDAY_ALLOWED and not is_ad_hoc


def _tuesday_changed(m) -> bool:
    """Only a new meeting, or one whose day or type changes, is checked (old rows stay editable)."""
    if m.id is None:
        return True
    state = sa_inspect(m)
    return any(state.attrs[a].history.has_changes() for a in ("planned_start", "meeting_type", "is_ad_hoc"))


def check_meeting(m) -> list[str]:
    check_order(m, "planned_start", "end_time", _("The end time cannot be before the start time."))
    check_order(m, "actual_start", "end_time", _("The end time cannot be before the start time."))
    if (
        m.meeting_type == MeetingType.dangjian_analysis
        and m.status == MeetingStatus.held
        and not topics_circulated_in_time(m.planned_start, m.topics_circulated_at)
    ):
        raise RuleViolation(
            _("A monthly analysis meeting can only be marked held once its topics were circulated before the meeting."),
            field="topics_circulated_at",
        )
    if m.status == MeetingStatus.held and m.planned_start and m.planned_start > clock.now() and not m.actual_start:
        raise RuleViolation(_("A meeting in the future cannot be marked held."), field="status")
    if (
        m.planned_start
        and breaks_meeting_free_tuesday(m.meeting_type, m.planned_start, bool(m.is_ad_hoc))
        and _tuesday_changed(m)
    ):
        raise RuleViolation(
            _(
                "Tuesday is the meeting-free day (周二无会日). To hold this meeting on a Tuesday anyway, tick "
                "“ad hoc” to confirm and give the reason in the remarks."
            ),
            field="is_ad_hoc",
        )
    return []


def check_work_item(w) -> None:
    if w.status == WorkItemStatus.done and w.completed_at is None:
        w.completed_at = clock.now()
    if w.status != WorkItemStatus.done:
        w.completed_at = None


def check_schedule_rule(r) -> None:
    """A named pattern fills the RRULE; `custom` (or no pattern) validates the typed one."""
    from app.calendar.enums import PATTERN_RRULES, RecurrencePattern
    from app.core import registry

    if r.pattern is not None and r.pattern != RecurrencePattern.custom:
        r.rrule = PATTERN_RRULES[r.pattern]
    text = (r.rrule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        raise RuleViolation(_("Pick a recurrence pattern or type a recurrence rule."), field="rrule")
    try:
        rrulestr(text, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError):
        raise RuleViolation(
            _("Not a valid recurrence rule (RFC 5545 RRULE), e.g. FREQ=WEEKLY;BYDAY=MO."), field="rrule"
        )
    r.rrule = text
    if r.pattern is None:
        r.pattern = next((p for p, t in PATTERN_RRULES.items() if t == text), RecurrencePattern.custom)
    key = (r.record_register or "").strip() or None
    if key is None and r.meeting_type is not None:
        key = "meeting"
    if key is not None and key not in {reg.key for reg in registry.all_registers()}:
        raise RuleViolation(_("No register with this key."), field="record_register")
    r.record_register = key


def start_when_held(m, _principal) -> None:
    """Marking a meeting held records when it actually started (the plan, unless given)."""
    if m.actual_start is None:
        m.actual_start = m.planned_start


# TR-35 (inferred, domain §6.1): 「特殊情况及时研判」 — an emergency enforcement analysis is held the
# day it is set for: due at the end of its planned day, reminded from that day's start
EMERGENCY_ANALYSIS_REMINDER = dt.timedelta(hours=23, minutes=59, seconds=59)  # from 00:00 of the day
