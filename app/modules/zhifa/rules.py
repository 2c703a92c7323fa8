"""Rules and time rules of 大执法 (domain §6; TR-32…TR-37, §10.42–10.46).

Pure functions of dates are tested with fixed dates; the *_due(now) functions
read the registers and yield Due rows for the escalation list and the sweep.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from flask import current_app, has_app_context
from flask_babel import gettext as _

from app.core import clock, scope
from app.core.rules import RuleViolation, check_order
from app.core.timerules import Due
from app.extensions import db
from app.org.enums import OrgUnitType, Position, UnitKind

from . import workdays
from .enums import ActionLevel, AnalysisKind, DeployMode, IssueStatus, JointStatus, MajorActionStatus

TUESDAY = 1
JOINT_RRULE = "FREQ=WEEKLY;BYDAY=TU;BYHOUR=8;BYMINUTE=0"  # TR-36
JOINT_START = dt.time(8, 0)
MONTHLY_REPORT_WORKING_DAY = 3  # TR-33: by the 3rd working day of the next month (§10.46)
QUARTERLY_REPORT_WORKING_DAYS = 10  # TR-34: within 10 working days of the meeting (§10.46)
IMMEDIATE_DEPLOY_HOURS = 2  # TR-37: immediate deployment within 2 hours (configurable)
LOOKBACK_WEEKS = 8  # how far back a missing Tuesday action or monthly report is reported
END_OF_DAY = dt.time(23, 59, 59)
# who must lead an action of each level (domain §6.3)
LEVEL_POST = {
    ActionLevel.national: Position.party_secretary,
    ActionLevel.provincial: Position.party_secretary,
    ActionLevel.city: Position.deputy_secretary,
    ActionLevel.district: Position.deputy_secretary,
}


def street_id() -> int:
    from app.org.models import OrgUnit

    with db.session.no_autoflush:  # called from rules, while the new row is still being built
        return (
            db.session.execute(
                sa.select(OrgUnit.id)
                .where(OrgUnit.unit_type == OrgUnitType.street, OrgUnit.is_deleted.is_(False))
                .order_by(OrgUnit.id)
            )
            .scalars()
            .first()
        )


def _get(kind: str, pk: int):
    from app.org.models import AppUser, Unit

    return db.session.get(Unit if kind == "unit" else AppUser, pk)


def at_street(item) -> None:
    """Street-anchored registers: the row belongs to the 街道 (no org-unit choice in the form)."""
    if item.org_unit_id is None and getattr(item, "org_unit", None) is None:
        item.org_unit_id = street_id()


def _config(name: str, default):
    return current_app.config.get(name, default) if has_app_context() else default


# --- 会商 (TR-32 … TR-35) ---------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def monthly_report_due(month: dt.date, overrides) -> dt.datetime:
    """TR-33: a unit's report for `month` is due at the end of the 3rd working day of the next month."""
    nxt = month_start(month) + relativedelta(months=1)
    return dt.datetime.combine(workdays.nth_working_day(nxt, MONTHLY_REPORT_WORKING_DAY, overrides), END_OF_DAY)


def quarterly_report_due(meeting_day: dt.date, overrides) -> dt.datetime:
    """TR-34: the quarterly analysis report is due within 10 working days after the meeting."""
    return dt.datetime.combine(
        workdays.add_working_days(meeting_day, QUARTERLY_REPORT_WORKING_DAYS, overrides), END_OF_DAY
    )


def check_enforcement_plan(item) -> None:
    at_street(item)
    check_order(item, "period_start", "period_end", _("The end date cannot be before the start date."))


def check_unit_monthly_report(item) -> None:
    at_street(item)
    if item.month is not None:
        item.month = month_start(item.month)
    p = scope.principal()
    # set the relationships, not the ids: a form that left them blank has set them to None
    if item.unit_id is None and item.unit is None and p is not None and p.unit_id:
        item.unit = _get("unit", p.unit_id)
    if item.submitted_by_id is None and item.submitted_by is None and p is not None:
        item.submitted_by = _get("user", p.user_id)
    if item.submitted_at is None:
        item.submitted_at = clock.now()


def check_enforcement_issue(item) -> None:
    at_street(item)
    if item.unit_id is None and item.unit is None:
        p = scope.principal()
        if p is not None and p.unit_id:
            item.unit = _get("unit", p.unit_id)
    if item.status in (IssueStatus.resolved, IssueStatus.closed) and not (item.resolution or "").strip():
        raise RuleViolation(
            _("Say how the problem was resolved before marking it resolved or closed."), field="resolution"
        )


def check_analysis_report(item) -> None:
    from app.common.enums import MeetingType

    at_street(item)
    meeting = item.meeting
    if meeting is None and item.meeting_id is not None:
        from app.common.models import Meeting

        meeting = db.session.get(Meeting, item.meeting_id)
    expected = {
        AnalysisKind.weekly: MeetingType.enforcement_weekly,
        AnalysisKind.monthly: MeetingType.enforcement_monthly,
        AnalysisKind.quarterly: MeetingType.enforcement_quarterly,
        AnalysisKind.emergency: MeetingType.enforcement_emergency,
    }
    if meeting is not None and item.kind is not None and meeting.meeting_type != expected[item.kind]:
        raise RuleViolation(_("The meeting is not an enforcement meeting of this kind."), field="meeting")


def missing_monthly_reports(now: dt.datetime):
    """TR-33: member units (派驻单位) without their report for a month, from its due day on."""
    from app.org.models import Unit

    from .models import UnitMonthlyReport

    units = db.session.execute(
        sa.select(Unit.id, Unit.name).where(
            Unit.unit_kind == UnitKind.stationed, Unit.is_active.is_(True), Unit.is_deleted.is_(False)
        )
    ).all()
    if not units:
        return
    first = month_start(now.date()) - relativedelta(months=3)
    overrides = workdays.calendar_overrides(first, now.date() + dt.timedelta(days=40))
    filed = set(
        db.session.execute(
            sa.select(UnitMonthlyReport.unit_id, UnitMonthlyReport.month).where(
                UnitMonthlyReport.is_deleted.is_(False), UnitMonthlyReport.month >= first
            )
        ).all()
    )
    month = first
    while month < month_start(now.date()):
        due = monthly_report_due(month, overrides)
        if now >= due - dt.timedelta(days=3):
            for u in units:
                if (u.id, month) not in filed:
                    yield Due(
                        "TR-33",
                        None,
                        due,
                        _("%(unit)s: monthly summary for %(month)s", unit=u.name, month=f"{month:%Y-%m}"),
                    )
        month += relativedelta(months=1)


def quarterly_reports_due(now: dt.datetime):
    """TR-34: a held quarterly 研判 whose report is not yet submitted upward."""
    from app.common.enums import MeetingStatus, MeetingType
    from app.common.models import Meeting

    from .models import AnalysisReport

    since = dt.datetime.combine((now - dt.timedelta(days=120)).date(), dt.time(0))  # whole days: a daily rule
    meetings = db.session.execute(
        sa.select(Meeting.id, Meeting.title, Meeting.planned_start, Meeting.actual_start, Meeting.chair_id).where(
            Meeting.is_deleted.is_(False),
            Meeting.meeting_type == MeetingType.enforcement_quarterly,
            Meeting.status == MeetingStatus.held,
            Meeting.planned_start >= since,
        )
    ).all()
    if not meetings:
        return
    overrides = workdays.calendar_overrides(since.date(), now.date() + dt.timedelta(days=30))
    reports = db.session.execute(
        sa.select(AnalysisReport.id, AnalysisReport.meeting_id, AnalysisReport.submitted_at).where(
            AnalysisReport.is_deleted.is_(False),
            AnalysisReport.kind == AnalysisKind.quarterly,
            AnalysisReport.meeting_id.in_([m.id for m in meetings]),
        )
    ).all()
    by_meeting = {}
    for r in reports:
        by_meeting.setdefault(r.meeting_id, []).append(r)
    for m in meetings:
        rows = by_meeting.get(m.id, [])
        if any(r.submitted_at is not None for r in rows):
            continue
        due = quarterly_report_due((m.actual_start or m.planned_start).date(), overrides)
        if now < due - dt.timedelta(days=3):
            continue
        yield Due(
            "TR-34", rows[0].id if rows else None, due, _("Analysis report of %(meeting)s", meeting=m.title), m.chair_id
        )


def weeks_without_huddle(now: dt.datetime, weeks: int = 4):
    """TR-32: past ISO weeks without a held enforcement_weekly meeting (any day of the week, §10.17)."""
    from app.common.enums import MeetingStatus, MeetingType
    from app.common.models import Meeting

    this_monday = now.date() - dt.timedelta(days=now.weekday())
    first = this_monday - dt.timedelta(weeks=weeks)
    starts = db.session.execute(
        sa.select(Meeting.planned_start).where(
            Meeting.is_deleted.is_(False),
            Meeting.meeting_type == MeetingType.enforcement_weekly,
            Meeting.status == MeetingStatus.held,
            Meeting.planned_start >= dt.datetime.combine(first, dt.time()),
            Meeting.planned_start < dt.datetime.combine(this_monday, dt.time()),
        )
    ).scalars()
    held = {s.date() - dt.timedelta(days=s.weekday()) for s in starts}
    for k in range(weeks):
        monday = first + dt.timedelta(weeks=k)
        if monday not in held:
            sunday = monday + dt.timedelta(days=6)
            yield Due(
                "TR-32",
                None,
                dt.datetime.combine(sunday, END_OF_DAY),
                _("No enforcement huddle in the week of %(day)s", day=f"{monday:%Y-%m-%d}"),
            )


# --- 联合执法 (TR-36) -------------------------------------------------------------------


def next_tuesday_start(now: dt.datetime) -> dt.datetime:
    """TR-36: the next Tuesday 08:00 from `now` (today, if it is Tuesday before 08:00)."""
    days = (TUESDAY - now.weekday()) % 7
    start = dt.datetime.combine(now.date() + dt.timedelta(days=days), JOINT_START)
    if start <= now:
        start += dt.timedelta(weeks=1)
    return start


def joint_rrule() -> str:
    """The active schedule rule of the Tuesday action (module zhifa, BYDAY=TU, no meeting type), or the default."""
    from app.common.models import ScheduleRule
    from app.org.enums import Module

    rules = db.session.execute(
        sa.select(ScheduleRule.rrule).where(
            ScheduleRule.is_deleted.is_(False),
            ScheduleRule.is_active.is_(True),
            ScheduleRule.module == Module.zhifa,
            ScheduleRule.meeting_type.is_(None),
        )
    ).scalars()
    return next((r for r in rules if "BYDAY=TU" in r.upper()), JOINT_RRULE)


def tuesdays(start: dt.date, end: dt.date, rule: str = JOINT_RRULE) -> list[dt.date]:
    """Occurrence days of the Tuesday rule between start and end (inclusive). Holidays stay in (§10.45)."""
    text = rule[6:] if rule.upper().startswith("RRULE:") else rule
    occ = rrulestr(text, dtstart=dt.datetime.combine(start, dt.time()))
    return [
        d.date()
        for d in occ.between(dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, END_OF_DAY), inc=True)
    ]


def formation_warnings(lead_leader, units, teams) -> list[str]:
    """1+3+n (§10.44): one leader, at least 3 stationed agencies, at least 1 volunteer team — a warning only."""
    out = []
    if lead_leader is None:
        out.append(_("1+3+n: the action has no leading member of the sub-district leadership (the “1”)."))
    stationed = [u for u in units or [] if u.unit_kind == UnitKind.stationed]
    if len(stationed) < 3:
        out.append(_("1+3+n: only %(n)d stationed agencies take part; the “3” asks for at least 3.", n=len(stationed)))
    if not teams:
        out.append(_("1+3+n: no volunteer team takes part (the “n”)."))
    return out


def check_joint_enforcement(item) -> list[str]:
    at_street(item)
    if item.start_time is None:
        item.start_time = JOINT_START
    if item.status == JointStatus.cancelled and not (item.cancel_reason or "").strip():
        raise RuleViolation(_("Give the reason for cancelling the action."), field="cancel_reason")
    if item.status == JointStatus.done and not (item.summary or "").strip():
        raise RuleViolation(_("Write the action summary before recording it as done."), field="summary")
    if item.status == JointStatus.done and item.action_date and item.action_date > clock.today():
        raise RuleViolation(_("An action in the future cannot be recorded as done."), field="status")
    lead = item.lead_leader
    if lead is None and item.lead_leader_id is not None:
        lead = item.lead_leader_id
    # a warning, not an error: the REST API does not carry enum-set fields (core/views.py)
    warnings = [] if item.focus else [_("Choose at least one focus of the action.")]
    if item.status != JointStatus.cancelled:
        warnings += formation_warnings(lead, item.stationed_units, item.volunteer_teams)
    if item.action_date is not None and item.action_date.weekday() != TUESDAY:
        warnings.append(_("Joint enforcement runs on Tuesdays at 08:00; this action is on another day."))
    return warnings


def joint_guard(item, p) -> None:
    """§9.4: the 大执法 module head or the action's own leader records done / cancelled."""
    if p is None or p.is_admin or "module_head_zhifa" in p.role_keys or item.lead_leader_id == p.user_id:
        return
    raise RuleViolation(_("Only the law-enforcement module head or the action's leader may record this."))


def joint_done_guard(item, p) -> None:
    joint_guard(item, p)
    if not (item.summary or "").strip():
        raise RuleViolation(_("Write the action summary before recording it as done."), field="summary")


def joint_cancel_guard(item, p) -> None:
    joint_guard(item, p)
    if not (item.cancel_reason or "").strip():
        raise RuleViolation(_("Give the reason for cancelling the action."), field="cancel_reason")


def open_tuesdays(now: dt.datetime):
    """TR-36: a Tuesday whose action is neither done nor cancelled by the end of the day — including
    a Tuesday without any action row (reported as a missing row)."""
    from .models import JointEnforcement

    today = now.date()
    first = today - dt.timedelta(weeks=LOOKBACK_WEEKS)
    rows = db.session.execute(
        sa.select(
            JointEnforcement.id, JointEnforcement.action_date, JointEnforcement.status, JointEnforcement.lead_leader_id
        ).where(
            JointEnforcement.is_deleted.is_(False),
            JointEnforcement.action_date >= first,
            JointEnforcement.action_date <= today + dt.timedelta(days=3),
        )
    ).all()
    by_day = {}
    for r in rows:
        by_day.setdefault(r.action_date, []).append(r)
    for day in tuesdays(first, today + dt.timedelta(days=3), joint_rrule()):
        due = dt.datetime.combine(day, END_OF_DAY)
        actions = by_day.get(day, [])
        if any(a.status in (JointStatus.done, JointStatus.cancelled) for a in actions):
            continue
        if actions:
            for a in actions:
                yield Due(
                    "TR-36", a.id, due, _("Joint enforcement of %(day)s", day=f"{day:%Y-%m-%d}"), a.lead_leader_id
                )
        elif now > due:
            yield Due("TR-36", None, due, _("No joint enforcement recorded for Tuesday %(day)s", day=f"{day:%Y-%m-%d}"))
    # actions planned on another day than a Tuesday still have to be recorded
    for day, actions in by_day.items():
        if day.weekday() != TUESDAY:
            for a in actions:
                if a.status == JointStatus.planned:
                    yield Due(
                        "TR-36",
                        a.id,
                        dt.datetime.combine(day, END_OF_DAY),
                        _("Joint enforcement of %(day)s", day=f"{day:%Y-%m-%d}"),
                        a.lead_leader_id,
                    )


def check_enforcement_record(item) -> None:
    if item.org_unit_id is None and item.org_unit is None:
        at_street(item)
    if item.rectified_at is not None:
        item.rectified = True
    elif item.rectified:
        item.rectified_at = clock.today()


# --- 应急联动 (TR-37) -------------------------------------------------------------------


def immediate_deploy_due(received: dt.datetime) -> dt.datetime:
    """TR-37: an action deployed 立即 is due `IMMEDIATE_DEPLOY_HOURS` after it was received."""
    return received + dt.timedelta(hours=_config("JIEDAO_IMMEDIATE_DEPLOY_HOURS", IMMEDIATE_DEPLOY_HOURS))


def check_major_action(item) -> None:
    from app.org.models import StaffProfile

    at_street(item)
    if item.deploy_mode == DeployMode.advance:
        if item.deploy_due is None:
            raise RuleViolation(_("An action deployed in advance needs its deployment deadline."), field="deploy_due")
        if item.action_start is not None and item.deploy_due >= item.action_start:
            raise RuleViolation(_("The deployment deadline must be before the action starts."), field="deploy_due")
    elif item.deploy_mode == DeployMode.immediate and item.deploy_due is None:
        item.deploy_due = immediate_deploy_due(item.created_at or clock.now())
    lead_id = item.lead.id if item.lead is not None else item.lead_id
    if lead_id is not None and item.level is not None:
        profile = StaffProfile.for_user(lead_id)
        need = LEVEL_POST[item.level]
        if profile is None or profile.position != need:
            raise RuleViolation(_("An action of this level is led by the %(post)s.", post=need.label), field="lead")
    if item.status == MajorActionStatus.done and not (item.result or "").strip():
        raise RuleViolation(_("Record the outcome of the action before closing it."), field="result")


def action_guard(item, p) -> None:
    """§9.4: the action's lead deploys it (or the 大执法 module head on the lead's behalf)."""
    if p is None or p.is_admin or "module_head_zhifa" in p.role_keys or item.lead_id == p.user_id:
        return
    raise RuleViolation(_("Only the action's lead (or the law-enforcement module head) may take this step."))


def mark_deployed(item, _p) -> None:
    if item.deployed_at is None:
        item.deployed_at = clock.now()
