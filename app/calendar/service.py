"""What a viewer's calendar holds over a date range, in the viewer's data scope.

Queries per range: schedule rules (1), work-calendar overrides (1), meetings in the range (1),
the time rules of the registers (each rule its own, independent of the range's size). The
current principal decides the scope (the .ics feed sets it from the token's user).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock, registry, scope

from .engine import Occurrence, WorkDays, expand, parse_rule, period_key

TUESDAY = 1
OWN_RULE = "SR"  # the schedule-rule time rule (missed sessions); shown as missed occurrences instead


def _rules():
    from app.common.models import ScheduleRule
    from app.extensions import db

    q = sa.select(ScheduleRule).where(ScheduleRule.is_active.is_(True), ScheduleRule.rrule.is_not(None))
    q = scope.restrict(q, ScheduleRule)
    return list(db.session.execute(q).scalars())


def _meetings(start: dt.date, end: dt.date):
    """Meetings the viewer may read, over the whole months of the range (a monthly rule is fulfilled by a
    meeting anywhere in its month, so a week view must see the month) and 7 days either side."""
    from app.common.models import Meeting
    from app.extensions import db

    month_end = (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    lo = dt.datetime.combine(start.replace(day=1) - dt.timedelta(days=7), dt.time(0, 0))
    hi = dt.datetime.combine(month_end + dt.timedelta(days=7), dt.time(0, 0))
    q = (
        sa.select(
            Meeting.id,
            Meeting.title,
            Meeting.status,
            Meeting.planned_start,
            Meeting.actual_start,
            Meeting.meeting_type,
            Meeting.schedule_rule_id,
            Meeting.place,
        )
        .where(Meeting.planned_start >= lo, Meeting.planned_start < hi)
        .order_by(Meeting.planned_start)
    )
    q = scope.restrict(q, Meeting)
    return list(db.session.execute(q))


def _sees_all_meetings_of(p, module: str) -> bool:
    """Can the viewer see every meeting of this module (so that “none visible” means “none held”)?"""
    reg = registry.get("meeting")
    if scope.clause(reg, p, "read") is None:
        return True
    cell = p.cell(reg) if p is not None else None
    return bool(cell and "m" in cell.read and module in p.modules)


def _by_type(rule) -> bool:
    """A meeting recorded without its schedule rule still fulfils the rule of its (specific) type."""
    return rule.meeting_type is not None and rule.meeting_type.name != "other"


def _can_record(p) -> bool:
    if p is None:
        return False
    return p.is_admin or bool(p.cell(registry.get("meeting")).write)


def add_url(rule, start: dt.datetime) -> str:
    """/meeting/add pre-filled with the occurrence (the generated form honours ?_prefill_<col>=)."""
    args = {
        "_prefill_module": rule.module.name,
        "_prefill_title": f"{rule.name}（{start:%m月%d日}）",
        "_prefill_schedule_rule": rule.id,
        "_prefill_planned_start": f"{start:%Y-%m-%d %H:%M:%S}",
        "_prefill_status": "planned",
    }
    if rule.meeting_type is not None:
        args["_prefill_meeting_type"] = rule.meeting_type.name
    if rule.place:
        args["_prefill_place"] = rule.place
    return "/meeting/add?" + urlencode(args)


def occurrences(
    start: dt.date,
    end: dt.date,
    now: dt.datetime | None = None,
    with_deadlines: bool = True,
    work: WorkDays | None = None,
) -> list[Occurrence]:
    """Every entry of [start, end] for the current principal, sorted by day and time."""
    now = now or clock.now()
    p = scope.principal()
    work = work or WorkDays.load(start, end)
    out: list[Occurrence] = []
    meetings = _meetings(start, end)
    by_rule = defaultdict(list)  # rule id → meetings; meetings without a rule, by type
    by_type = defaultdict(list)
    for m in meetings:
        if m.schedule_rule_id:
            by_rule[m.schedule_rule_id].append(m)
        else:
            by_type[m.meeting_type].append(m)
    used: set[int] = set()
    recorder = _can_record(p)

    def recorder_of(key):
        if not key or p is None or key == "meeting":
            return False
        try:
            reg = registry.get(key)
        except KeyError:
            return False  # a register of a module not installed here
        return reg.views and reg.writable and (p.is_admin or bool(p.cell(reg).write))

    for rule in _rules():
        robj = parse_rule(rule.rrule, rule.start_time)
        candidates = by_rule.get(rule.id, []) + (by_type.get(rule.meeting_type, []) if _by_type(rule) else [])
        for day, original, start_at in expand(
            rule.rrule, start, end, work, bool(rule.shift_to_working_day), rule.start_time
        ):
            occ = Occurrence(
                day=day,
                start=start_at if (rule.start_time or start_at.time() != dt.time(0)) else None,
                title=rule.name,
                kind="schedule",
                original_day=original,
                rule=rule,
                holiday=work.label(day) if not work.is_working(day) else None,
            )
            if rule.meeting_type is not None:
                key = period_key(robj, day)
                match = next(
                    (
                        m
                        for m in candidates
                        if m.id not in used and period_key(robj, (m.actual_start or m.planned_start).date()) == key
                    ),
                    None,
                )
                if match is not None:
                    used.add(match.id)
                    occ.meeting, occ.status = match, match.status.name
                    occ.url = f"/meeting/show/{match.id}"
                else:
                    end_of = dt.datetime.combine(day, dt.time(23, 59, 59))
                    if end_of < now and _sees_all_meetings_of(p, rule.module.name):
                        occ.status = "missed"
                    elif end_of >= now:
                        occ.status = "open"
                    if recorder:
                        occ.add_url = add_url(rule, start_at)
            elif recorder_of(rule.record_register):
                occ.add_url = f"/{rule.record_register}/add"  # e.g. the Tuesday joint-enforcement action
            out.append(occ)
    # meetings the viewer may see that no rule claims (ad hoc, community meetings of other types …)
    for m in meetings:
        if m.id in used:
            continue
        day = m.planned_start.date()
        if start <= day <= end:
            out.append(
                Occurrence(
                    day=day,
                    start=m.planned_start,
                    title=m.title,
                    kind="meeting",
                    meeting=m,
                    status=m.status.name,
                    url=f"/meeting/show/{m.id}",
                )
            )
    # every Tuesday: 周二无会日
    d = start + dt.timedelta(days=(TUESDAY - start.weekday()) % 7)
    while d <= end:
        out.append(Occurrence(day=d, start=None, title=_("Meeting-free Tuesday"), kind="tuesday"))
        d += dt.timedelta(days=7)
    if with_deadlines:
        out.extend(deadlines(start, end, now))
    out.sort(key=lambda o: (o.day, o.start or dt.datetime.combine(o.day, dt.time(0)), o.kind != "tuesday"))
    return out


def day_marks(start: dt.date, end: dt.date, work: WorkDays) -> list[Occurrence]:
    """All-day entries for holidays and 调休 working days (the pages colour the day instead)."""
    out = []
    d = start
    while d <= end:
        label = work.label(d)
        if label:
            out.append(Occurrence(day=d, start=None, title=label, kind="holiday"))
        d += dt.timedelta(days=1)
    return out


def deadlines(start: dt.date, end: dt.date, now: dt.datetime) -> list[Occurrence]:
    """One-off entries from the due ledger (app.dues), scoped: every open due whose deadline falls
    in the range — also those whose reminder has not started yet (a declared rule keeps every open
    row in the ledger). A missing record is known once it is due (the sweep reports it), so a
    future month's missing report is not on the calendar before its time. Meetings not held are
    entries of their own (missed sessions), not deadlines."""
    from app.dues import ledger, reads
    from app.dues.models import DueItem

    ledger.ensure_current(now)
    t = DueItem.__table__
    where = sa.and_(
        t.c.due_at >= dt.datetime.combine(start, dt.time(0)),
        t.c.due_at <= dt.datetime.combine(end, dt.time(23, 59, 59)),
        t.c.register_key != "schedule_rule",
    )
    out = []
    for item in reads.items(now, where=where, upcoming=True):
        reg = item.register
        out.append(
            Occurrence(
                day=item.due_at.date(),
                start=item.due_at,
                title=item.title,
                kind="deadline",
                status="missed" if item.due_at < now else "open",
                url=item.url if reg.views else None,
                extra={"rule": item.rule_code, "rule_label": str(item.rule_label), "register": reg.name},
            )
        )
    return out


def missed_sessions(now: dt.datetime, days: int = 35, per_rule: bool = False):
    """TimeRule check of schedule_rule: past occurrences of meeting rules with no meeting (any scope:
    collect() keeps what the viewer may see). Looks back `days` days.

    per_rule: one Due per schedule rule (the ledger keeps one item per row and rule): due at its
    earliest missed occurrence, the title naming every missed day."""
    from app.common.models import Meeting, ScheduleRule
    from app.core.timerules import Due
    from app.extensions import db

    start, end = (now - dt.timedelta(days=days)).date(), now.date()
    work = WorkDays.load(start, end)
    rules = list(
        db.session.execute(
            sa.select(ScheduleRule).where(
                ScheduleRule.is_deleted.is_(False),
                ScheduleRule.is_active.is_(True),
                ScheduleRule.meeting_type.is_not(None),
                ScheduleRule.rrule.is_not(None),
            )
        ).scalars()
    )
    if not rules:
        return
    lo = dt.datetime.combine(start - dt.timedelta(days=7), dt.time(0))
    meetings = list(
        db.session.execute(
            sa.select(
                Meeting.id,
                Meeting.planned_start,
                Meeting.actual_start,
                Meeting.meeting_type,
                Meeting.schedule_rule_id,
                Meeting.status,
            ).where(Meeting.is_deleted.is_(False), Meeting.planned_start >= lo)
        )
    )
    # meetings grouped once by their rule and (rule-less) by type: one pass, not rules × meetings
    by_rule, by_type = defaultdict(list), defaultdict(list)
    for m in meetings:
        if m.status.name == "cancelled":
            continue
        if m.schedule_rule_id is not None:
            by_rule[m.schedule_rule_id].append(m)
        else:
            by_type[m.meeting_type].append(m)
    for rule in rules:
        robj = parse_rule(rule.rrule, rule.start_time)
        fulfilling = by_rule.get(rule.id, []) + (by_type.get(rule.meeting_type, []) if _by_type(rule) else [])
        held = {period_key(robj, (m.actual_start or m.planned_start).date()) for m in fulfilling}
        missed = [
            day
            for day, _orig, _start in expand(
                rule.rrule, start, end, work, bool(rule.shift_to_working_day), rule.start_time
            )
            if dt.datetime.combine(day, dt.time(23, 59, 59)) < now and period_key(robj, day) not in held
        ]
        if per_rule and missed:
            missed.sort()
            days = "、".join(f"{day:%m月%d日}" for day in missed)
            yield Due(OWN_RULE, rule.id, dt.datetime.combine(missed[0], dt.time(23, 59, 59)), f"{rule.name}（{days}）")
            continue
        for day in missed:
            yield Due(
                OWN_RULE, rule.id, dt.datetime.combine(day, dt.time(23, 59, 59)), f"{rule.name}（{day:%m月%d日}）"
            )
