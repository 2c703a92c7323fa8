"""The shared registers. One line each: the rest is generated."""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.core import permissions, pii, registry
from app.core.registry import Register
from app.core.timerules import TimeRule
from app.core.workflow import Transition
from app.org.models import AppUser

from . import rules
from .enums import MeetingStatus as MS
from .enums import MeetingType
from .enums import WorkItemStatus as WIS
from .models import Attachment, AuditLog, Meeting, ScheduleRule, WorkCalendar, WorkItem


def _meeting_owner(p):
    return sa.or_(Meeting.chair_id == p.user_id, Meeting.attendees.any(AppUser.id == p.user_id))


def _missed_sessions(now):
    """SR (irregular: expanding each schedule rule's RRULE over working days is not SQL): one due per
    rule, at its earliest missed occurrence."""
    from app.calendar.service import missed_sessions

    return missed_sessions(now, per_rule=True)


registry.add(
    Register(
        "meeting",
        Meeting,
        "common",
        "G2",
        list_columns=("planned_start", "title", "meeting_type", "module", "chair", "org_unit", "status"),
        search_columns=("title", "meeting_type", "module", "status", "planned_start", "place", "org_unit"),
        fulltext=("title",),
        form_columns=(
            "module",
            "meeting_type",
            "title",
            "org_unit",
            "schedule_rule",
            "status",
            "planned_start",
            "actual_start",
            "end_time",
            "place",
            "chair",
            "attendees",
            "attendee_units",
            "is_ad_hoc",
            "topics",
            "topics_set_by",
            "topics_circulated_at",
            "review_last_period",
            "decisions",
            "minutes",
            "remarks",
        ),
        order=("planned_start", "desc"),
        module_column="module",
        owner=_meeting_owner,
        rules=(rules.check_meeting,),
        icon="fa-users",
        transitions=(
            Transition(
                "hold",
                _l("Mark held"),
                (MS.planned, MS.postponed),
                MS.held,
                right="write",
                effect=rules.start_when_held,
            ),
            Transition("postpone", _l("Postpone"), (MS.planned,), MS.postponed, right="write", icon="fa-clock-o"),
            Transition(
                "cancel",
                _l("Cancel meeting"),
                (MS.planned, MS.postponed),
                MS.cancelled,
                right="write",
                icon="fa-ban",
                confirmation=_l("Cancel this meeting?"),
            ),
        ),
        time_rules=(
            TimeRule(
                "TR-04",
                _l("Analysis meeting topics circulated before the meeting"),
                deadline="planned_start",
                open=lambda m: (
                    (m.meeting_type == MeetingType.dangjian_analysis)
                    & m.status.in_([MS.planned, MS.postponed])
                    & m.topics_circulated_at.is_(None)
                ),
                owner=lambda m: m.topics_set_by_id or m.chair_id,
                title="title",
                soon=dt.timedelta(days=3),
            ),
            TimeRule(
                "TR-35",
                _l("Emergency enforcement analysis held the same day"),
                deadline="planned_start",
                end_of_day=True,
                open=lambda m: (
                    (m.meeting_type == MeetingType.enforcement_emergency) & m.status.in_([MS.planned, MS.postponed])
                ),
                owner="chair_id",
                title="title",
                soon=rules.EMERGENCY_ANALYSIS_REMINDER,
            ),
        ),
    ),
    Register(
        "work_item",
        WorkItem,
        "common",
        "G2",
        list_columns=("title", "kind", "module", "responsible_person", "deadline", "status", "org_unit"),
        search_columns=("title", "kind", "module", "status", "deadline", "org_unit"),
        form_columns=(
            "module",
            "kind",
            "title",
            "org_unit",
            "meeting",
            "content",
            "responsible_unit",
            "responsible_person",
            "deadline",
            "status",
            "completion_note",
            "remarks",
        ),
        order=("deadline", "asc"),
        module_column="module",
        owner=lambda p: WorkItem.responsible_person_id == p.user_id,
        rules=(rules.check_work_item,),
        icon="fa-tasks",
        time_rules=(
            TimeRule(
                "WI",
                _l("Work item deadline"),
                deadline="deadline",
                open=lambda m: m.status.in_([WIS.todo, WIS.in_progress]),
                owner="responsible_person_id",
                title="title",
                soon=dt.timedelta(days=3),
            ),
        ),
    ),
    Register(
        "schedule_rule",
        ScheduleRule,
        "common",
        "G1",
        list_columns=(
            "name",
            "module",
            "meeting_type",
            "pattern",
            "rrule",
            "start_time",
            "place",
            "shift_to_working_day",
            "is_active",
        ),
        search_columns=("name", "module", "meeting_type", "pattern", "is_active"),
        form_columns=(
            "name",
            "module",
            "meeting_type",
            "pattern",
            "rrule",
            "start_time",
            "duration_minutes",
            "place",
            "record_register",
            "shift_to_working_day",
            "chair_position",
            "source_quote",
            "is_active",
            "org_unit",
            "remarks",
        ),
        order=("id", "asc"),
        reference=True,
        rules=(rules.check_schedule_rule,),
        icon="fa-repeat",
        time_rules=(
            TimeRule("SR", _l("Scheduled meeting not held"), _missed_sessions, watch=("meeting",), daily=True),
        ),
    ),
    Register(
        "work_calendar",
        WorkCalendar,
        "common",
        "G1",
        list_columns=("day", "is_working_day", "name"),
        search_columns=("day", "is_working_day", "name"),
        form_columns=("day", "is_working_day", "name", "org_unit", "remarks"),
        order=("day", "desc"),
        reference=True,
        icon="fa-calendar",
    ),
    Register(
        "attachment",
        Attachment,
        "common",
        "FILES",
        list_columns=("file_name", "register_key", "row_id", "size_bytes", "created_by", "created_at"),
        search_columns=("file_name", "register_key", "row_id"),
        form_columns=(),
        order=("id", "desc"),
        icon="fa-paperclip",
        labels={"created_by": "fld_attachment__uploaded_by", "created_at": "fld_attachment__uploaded_at"},
    ),
    Register(
        "audit_log",
        AuditLog,
        "common",
        "AUDIT",
        list_columns=("at", "user", "action", "register_key", "row_id", "ip"),
        search_columns=("action", "register_key", "row_id", "at", "ip", "diff"),
        fulltext=("diff",),
        show_columns=("at", "user", "action", "register_key", "row_id", "org_unit", "diff", "ip"),
        form_columns=(),
        order=("at", "desc"),
        writable=False,
        icon="fa-history",
        scope_column="org_unit_id",
        # the diff of a personal field is masked by the audited register's rules (core/pii.py)
        pii={"diff": pii.AUDIT_DIFF},
    ),
)

# the attachment panel of every show page: each register's own rights decide inside
permissions.add_page("attachment_files", groups=permissions.GROUPS)
