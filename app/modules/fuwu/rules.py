"""Rules and time rules of 大服务 (domain §8, TR-40…TR-42, §10.48–51).

The date arithmetic is pure (a calendar mapping in, a date out) so it is tested with fixed
dates; the TimeRule checks read the database and yield Due rows.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock
from app.core.rules import RuleViolation, check_order
from app.core.timerules import Due

from . import workdays
from .enums import CaseStatus, ErrandStatus, MaterialCheck, Satisfaction, Urgency

END_OF_DAY = dt.time(23, 59, 59)
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: staffing targets of the hall (source [大服务 二] 3; shown against actual counts, not enforced, §10.50)
WINDOW_TARGETS = {"undifferentiated": 2, "consult_issue": 2}
POST_TARGETS = {"post_a": 3, "post_b": 3, "consult_issue": 2, "back_office": 5}
OPEN_ERRANDS = (ErrandStatus.claimed, ErrandStatus.verifying)


# ---------------------------------------------------------------- pure date rules
def suggested_batch_date(urgency, verified_on: dt.date, calendar: workdays.Calendar) -> dt.date:
    """TR-42: urgent (急事急办) and special (特事特办) requests go the same day; normal ones on the
    first Monday, Wednesday or Friday working day on or after the day the documents are verified."""
    if urgency in (Urgency.urgent, Urgency.special):
        return verified_on
    return workdays.next_errand_day(verified_on, calendar)


def claim_deadline(received_at: dt.datetime, calendar: workdays.Calendar) -> dt.datetime:
    """TR-41 (§10.48): a request received at any hour is claimed by the end of the next working day."""
    return dt.datetime.combine(workdays.next_working_day(received_at.date(), calendar), END_OF_DAY)


def pledge_is_overdue(due_date: dt.date, is_kept: bool, now: dt.datetime) -> bool:
    """承诺制: a pledge not kept by the end of its date is overdue."""
    return not is_kept and now > dt.datetime.combine(due_date, END_OF_DAY)


def weeks_without_meeting(meeting_days, start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """TR-40: ISO weeks between start and end (inclusive) with no 大服务 weekly meeting."""
    held = {d.isocalendar()[:2] for d in meeting_days}
    out, d = [], start - dt.timedelta(days=start.weekday())
    while d <= end:
        week = d.isocalendar()[:2]
        if week not in held:
            out.append(week)
        d += dt.timedelta(days=7)
    return out


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    y, m = (int(x) for x in month.split("-"))
    first = dt.datetime(y, m, 1)
    nxt = dt.datetime(y + (m == 12), m % 12 + 1, 1)
    return first, nxt


def rate(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------- register rules
def check_errand_request(r) -> list[str]:
    check_order(r, "received_at", "claimed_at", _("This time cannot be before the request was received."))
    check_order(r, "received_at", "done_at", _("This time cannot be before the request was received."))
    check_order(r, "done_at", "delivered_at", _("The delivery cannot be before the errand was done."))
    warnings = []
    status = r.status or ErrandStatus.received
    if status not in (ErrandStatus.received, ErrandStatus.cancelled) and not (r.runner_id or r.runner):
        raise RuleViolation(_("A claimed request needs its errand runner."), field="runner")
    if status in (ErrandStatus.in_progress, ErrandStatus.done, ErrandStatus.delivered) and not r.materials_verified:
        raise RuleViolation(_("The documents must be verified before the errand is run."), field="materials_verified")
    if r.materials_verified and r.batch_date is None:
        today = clock.today()
        r.batch_date = suggested_batch_date(r.urgency, today, workdays.around(today))
        warnings.append(_("Errand day set to %(day)s (TR-42).", day=r.batch_date.isoformat()))
    if status in (ErrandStatus.done, ErrandStatus.delivered) and r.done_at is None:
        r.done_at = clock.now()
    return warnings


def claim_guard(r, p) -> None:
    if "errand_runner" not in p.role_keys and not (r.runner_id or r.runner):
        raise RuleViolation(_("Choose the errand runner before assigning the request."), field="runner")


def claim_effect(r, p) -> None:
    if "errand_runner" in p.role_keys:
        r.runner_id = p.user_id
    r.claimed_at = clock.now()


def start_guard(r, _p) -> None:
    if not r.materials_verified:
        raise RuleViolation(_("The documents must be verified before the errand is run."), field="materials_verified")


def start_effect(r, _p) -> None:
    r.submitted_at = clock.now()


def done_effect(r, _p) -> None:
    r.done_at = clock.now()


def deliver_effect(r, _p) -> None:
    r.delivered_at = clock.now()


def check_pledge(pl) -> None:
    check_order(pl, "made_on", "due_date", _("The promised date cannot be before the pledge was made."))
    if pl.is_kept and pl.kept_on is None:
        pl.kept_on = clock.today()
    if not pl.is_kept:
        pl.kept_on = None


def check_service_case(c) -> None:
    check_order(c, "received_at", "to_back_office_at", _("This time cannot be before the case was received."))
    check_order(c, "received_at", "issued_at", _("This time cannot be before the case was received."))
    if c.material_check == MaterialCheck.incomplete and not (c.notice_given or "").strip():
        raise RuleViolation(
            _("Incomplete documents need the one-time notice given to the applicant."), field="notice_given"
        )
    if c.status == CaseStatus.issued and c.issued_at is None:
        c.issued_at = clock.now()
    c.hours_taken = None
    if c.issued_at is not None and c.received_at is not None:
        c.hours_taken = Decimal((c.issued_at - c.received_at).total_seconds() / 3600).quantize(Decimal("0.1"))


def to_back_office_guard(c, _p) -> None:
    if c.material_check != MaterialCheck.complete:
        raise RuleViolation(_("Only a case with complete documents goes to the back office."), field="material_check")


def to_back_office_effect(c, _p) -> None:
    c.to_back_office_at = clock.now()


def ready_guard(c, _p) -> None:
    if c.approval_result is None:
        raise RuleViolation(_("Record the approving department's decision first."), field="approval_result")


def issue_effect(c, _p) -> None:
    c.issued_at = clock.now()


def check_window_post(wp) -> None:
    check_order(wp, "from_date", "to_date", _("The end date cannot be before the start date."))
    covers = wp.covers.id if wp.covers is not None else wp.covers_id
    staff = wp.staff.id if wp.staff is not None else wp.staff_id
    if covers is not None and covers == staff:
        raise RuleViolation(_("A post cannot cover itself."), field="covers")


def check_service_matter(m) -> None:
    if m.promise_days is not None and m.promise_days < 0:
        raise RuleViolation(_("The promised days cannot be negative."), field="promise_days")


def check_rule_doc(d) -> None:
    if d.version_no is not None and d.version_no < 1:
        raise RuleViolation(_("The version starts at 1."), field="version_no")


def assessment_figures(runner_id: int, month: str) -> tuple[int, Decimal | None, Decimal | None]:
    """§10.51: the runner's requests done in the month — count, on-time rate (submitted on or before
    the errand day), satisfaction rate (满意 + 基本满意 among the rated) — aggregated in SQL."""
    from app.extensions import db

    from .models import ErrandRequest as E

    first, nxt = month_bounds(month)
    on_time = sa.and_(
        E.batch_date.is_not(None),
        E.submitted_at.is_not(None),
        sa.func.date(E.submitted_at) <= sa.func.date(E.batch_date),
    )
    happy = E.satisfaction.in_([Satisfaction.satisfied, Satisfaction.basically])
    row = db.session.execute(
        sa.select(
            sa.func.count(E.id),
            sa.func.sum(sa.case((on_time, 1), else_=0)),
            sa.func.count(E.satisfaction),
            sa.func.sum(sa.case((happy, 1), else_=0)),
        ).where(
            E.is_deleted.is_(False),
            E.runner_id == runner_id,
            E.done_at >= first,
            E.done_at < nxt,
            E.status.in_([ErrandStatus.done, ErrandStatus.delivered]),
        )
    ).one()
    count, timely, rated, satisfied = (int(v or 0) for v in row)
    return count, rate(timely, count), rate(satisfied, rated)


def check_errand_assessment(a) -> None:
    if not MONTH_RE.match(a.month or ""):
        raise RuleViolation(_("Give the month as YYYY-MM, e.g. 2026-11."), field="month")
    if a.score is not None and not (0 <= a.score <= 100):
        raise RuleViolation(_("The score is between 0 and 100."), field="score")
    runner_id = a.runner_id or (a.runner.id if a.runner is not None else None)
    if runner_id is not None:
        a.handled_count, a.on_time_rate, a.satisfaction_rate = assessment_figures(runner_id, a.month)


# ---------------------------------------------------------------- time rules
def _community_heads(org_ids) -> dict[int, int | None]:
    from app.extensions import db
    from app.org.models import OrgUnit

    units = {u.id: u for u in db.session.execute(sa.select(OrgUnit)).scalars()} if org_ids else {}
    out = {}
    for oid in org_ids:
        u = units.get(oid)
        c = units.get(u.community_id) if u is not None and u.community_id else u
        out[oid] = c.head_id if c is not None else None
    return out


CLAIM_REMINDER = dt.timedelta(days=1)  # TR-41: reminded from a day before the claim deadline


def unclaimed_errands(now: dt.datetime):
    """TR-41: requests not claimed by the end of the next working day (escalated to the 社区书记).
    Irregular: the next working day comes from the work calendar."""
    from app.extensions import db

    from .models import ErrandRequest as E

    rows = list(
        db.session.execute(
            sa.select(E.id, E.request_no, E.received_at, E.org_unit_id).where(
                E.is_deleted.is_(False), E.status == ErrandStatus.received
            )
        )
    )
    if not rows:
        return
    calendar = workdays.load_calendar(min(r.received_at for r in rows).date(), now.date() + dt.timedelta(days=40))
    heads = _community_heads({r.org_unit_id for r in rows})
    for r in rows:
        due = claim_deadline(r.received_at, calendar)
        if due <= now + CLAIM_REMINDER:
            yield Due("TR-41", r.id, due, r.request_no, heads.get(r.org_unit_id))
