"""Who may take each step of 大协调 (domain §9.4), and what a step records (who, when).

Guards get (item, principal) and raise RuleViolation; they run after the generic check of
the right (write/approve) and scope in app.core.workflow.apply.
"""

from __future__ import annotations

import functools

from flask_babel import gettext as _

from app.core import clock
from app.core.rules import RuleViolation
from app.extensions import db

from . import rules
from .enums import AssignmentStatus as AS
from .enums import OrderStatus, TypicalPolarity
from .enums import SupervisionItemStatus as IS


def quiet(fn):
    """Guards and effects read other rows: no autoflush of the half-changed item (its version
    would move before writes.save compares it with the version the user read)."""

    @functools.wraps(fn)
    def wrapper(item, p):
        with db.session.no_autoflush:
            return fn(item, p)

    return wrapper


def _has_role(p, role: str) -> bool:
    return p is not None and role in p.role_keys


def _lead_modules(p) -> set:
    from app.org.models import StaffProfile

    profile = StaffProfile.for_user(p.user_id) if p is not None else None
    return set(profile.lead_modules.keys) if profile is not None else set()


@quiet
def need_dcb(item, p) -> None:
    """综合督考办's steps: issue and publish the list, issue and close 督办单, accept and supervise 交办单."""
    if not _has_role(p, "dcb"):
        raise RuleViolation(_("Only the supervision office (综合督考办) takes this step."))


@quiet
def need_coordination_office(item, p) -> None:
    """Drafting and submitting a 交办单: the 大协调 office (综合督考办, the module's own staff)."""
    if p is None or "xietiao" not in p.modules:
        raise RuleViolation(_("Only the coordination module's office submits an order."))


@quiet
def need_street_leader(item, p) -> None:
    if not _has_role(p, "street_leader"):
        raise RuleViolation(_("Only a sub-district leader takes this step."))


@quiet
def need_leader_or_dcb(item, p) -> None:
    if not (_has_role(p, "street_leader") or _has_role(p, "dcb")):
        raise RuleViolation(_("Only a sub-district leader or the supervision office takes this step."))


@quiet
def need_reviewing_leader(item, p) -> None:
    """The 交办单's 牵头领导, who leads the coordination module (本模块牵头领导)."""
    if p is None or p.user_id != item.lead_leader_id or "xietiao" not in _lead_modules(p):
        raise RuleViolation(_("Only the order's lead leader reviews it."))


@quiet
def need_module_head(item, p) -> None:
    if p is None or p.user_id != item.module_head_id:
        raise RuleViolation(_("Only the module head the order is assigned to reports on it."))


@quiet
def need_addressee(item, p) -> None:
    if p is None or p.user_id != item.to_person_id:
        raise RuleViolation(_("Only the person the order is addressed to answers it."))


def _required(item, field: str, message: str) -> None:
    if not (getattr(item, field) or "").strip():
        raise RuleViolation(message, field=field)


# --- supervision list ---


@quiet
def guard_issue_list(sl, p) -> None:
    need_dcb(sl, p)
    if not [i for i in sl.items if not i.is_deleted]:
        raise RuleViolation(_("Add the items before issuing the list."))


@quiet
def on_issue_list(sl, p) -> None:
    sl.issued_at = clock.now()


@quiet
def guard_publish_list(sl, p) -> None:
    need_dcb(sl, p)
    _required(sl, "review_comment", _("Write the month-end comments before publishing."))


@quiet
def on_publish_list(sl, p) -> None:
    sl.published_at = clock.now()


# --- supervision item: confirm a suggested lagging item → 督办单 ---


def next_order_no(prefix: str) -> str:
    """督办〔2026〕12-003: per month, counting the orders already issued."""
    import sqlalchemy as sa

    from .models import SupervisionOrder

    now = clock.now()
    stem = f"{prefix}〔{now.year}〕{now.month:02d}-"
    taken = db.session.execute(sa.select(sa.func.count()).where(SupervisionOrder.order_no.like(f"{stem}%"))).scalar()
    return f"{stem}{taken + 1:03d}"


def new_order(p, to_person_id, lag: str, requirement: str, **link):
    from .models import SupervisionOrder

    today = clock.today()
    return SupervisionOrder(
        order_no=next_order_no("督办"),
        issued_at=clock.now(),
        issued_by_id=p.user_id,
        to_person_id=to_person_id,
        lag_description=lag,
        requirement=requirement,
        reply_deadline=rules.add_working_days(today, rules.ORDER_REPLY_WORKING_DAYS, rules.calendar_overrides()),
        status=OrderStatus.issued,
        **link,
    )


@quiet
def guard_order_item(item, p) -> None:
    need_dcb(item, p)
    sl = item.supervision_list
    if sl is None or sl.status.name != "issued":
        raise RuleViolation(_("Orders are issued on items of an issued list."))
    if not (
        item.status == IS.lagging
        or rules.is_lagging(sl.month, item.deadline, item.progress_percent, False, clock.today())
    ):
        raise RuleViolation(_("This item is not lagging: no supervision order is needed."))
    if any(o.status != OrderStatus.closed and not o.is_deleted for o in item.orders):
        raise RuleViolation(_("This item already has an open supervision order."))


@quiet
def on_order_item(item, p) -> None:
    today = clock.today()
    expected = rules.expected_percent(item.supervision_list.month, item.deadline, today)
    lag = _(
        "Progress %(percent)s%% against %(expected)s%% expected by %(day)s; deadline %(deadline)s.",
        percent=item.progress_percent or 0,
        expected=expected,
        day=today.isoformat(),
        deadline=item.deadline.isoformat(),
    )
    order = new_order(
        p,
        item.responsible_person_id,
        lag,
        _("Catch up with the plan and report the measures taken."),
        supervision_item=item,
    )
    order.org_unit_id = item.org_unit_id
    db.session.add(order)


# --- supervision order ---


@quiet
def guard_respond(o, p) -> None:
    need_addressee(o, p)
    _required(o, "reply", _("Write the reply (整改反馈) first."))


@quiet
def on_respond(o, p) -> None:
    o.replied_at = clock.now()


# --- typical case ---


@quiet
def guard_notify(c, p) -> None:
    need_dcb(c, p)
    _required(c, "notice_no", _("Enter the notice number (通报文号) first."))


@quiet
def on_notify(c, p) -> None:
    c.notified_at = clock.now()


def notice_kind(c) -> str:
    return _("Commendation notice") if c.polarity == TypicalPolarity.positive else _("Criticism notice")


# --- assignment order ---


@quiet
def guard_return(o, p) -> None:
    need_reviewing_leader(o, p)
    _required(o, "review_opinion", _("Give the review opinion when returning an order."))


@quiet
def on_review(o, p) -> None:
    o.reviewed_at = clock.now()


@quiet
def guard_report(o, p) -> None:
    need_module_head(o, p)
    _required(o, "completion_report", _("Write the completion report first."))


@quiet
def on_report(o, p) -> None:
    o.reported_to_leader_at = clock.now()


@quiet
def on_forward(o, p) -> None:
    o.reported_to_dcb_at = clock.now()


@quiet
def guard_supervise(o, p) -> None:
    need_dcb(o, p)
    overdue = o.deadline < clock.today() and not o.objective_reason
    if not (overdue or (o.major_problem or "").strip()):
        raise RuleViolation(_("Supervision is for an order overdue without objective reason, or with a major problem."))


@quiet
def on_supervise(o, p) -> None:
    if o.deadline < clock.today():
        lag = _(
            "Deadline %(deadline)s passed without completion. %(reason)s",
            deadline=o.deadline.isoformat(),
            reason=o.delay_reason or "",
        )
    else:
        lag = o.major_problem
    order = new_order(
        p,
        o.module_head_id,
        lag.strip(),
        _("Rectify, then report the rectification to the supervision office."),
        assignment_order=o,
    )
    order.org_unit_id = o.org_unit_id
    db.session.add(order)


@quiet
def guard_rectified(o, p) -> None:
    need_module_head(o, p)
    _required(o, "rectification", _("Describe the rectification (整改情况) first."))


ASSIGNMENT_OPEN = (AS.assigned, AS.reported_to_leader)
