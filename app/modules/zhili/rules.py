"""Rules and time rules of 大治理 (domain §5, §9.6 TR-21…TR-31, §10.27–41).

Pure functions of dates first (deadlines, periods, ranking), tested with fixed dates;
then the register rules `check_*(item)` and the TimeRule checks `*(now) -> Due…`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock
from app.core.rules import RuleViolation, check_order
from app.core.timerules import SUPERVISION, Due
from app.core.workdays import WorkDays, add_working_days, is_working_day  # noqa: F401

from .enums import (
    ActionPhase,
    ConventionStatus,
    EventStatus,
    FiveColour,
    PatrolTarget,
    PetitionActionType,
    PetitionChannel,
    RentalClass,
    RentalStatus,
    ReportKind,
    Satisfaction,
    TransferAction,
    VoteMethod,
    VoteResult,
)
from .enums import (
    DeliberationStage as DS,
)
from .enums import (
    PetitionStatus as PS,
)

# --------------------------------------------------------------------------- settings

DEFAULTS = {
    # TR-28, 《信访工作条例》(2022) art. 24, 32, 33 — regulation-based, not in the source
    "ZHILI_PETITION_ACCEPT_DAYS": 15,
    "ZHILI_PETITION_CLOSE_DAYS": 60,
    "ZHILI_PETITION_MAX_EXTENSION_DAYS": 30,
    # §10.31: 网格长 screens a proxied petition within 1 working day
    "ZHILI_SCREEN_WORKING_DAYS": 1,
    # TR-29 / TR-30
    "ZHILI_PHONE_REPORT_MINUTES": 30,
    "ZHILI_WRITTEN_REPORT_MINUTES": 60,
    # TR-23 is off by default (domain §5.4)
    "ZHILI_TR23_ENABLED": 0,
    # a warning's plan is started 「立即」: flagged after this many minutes (inferred, §5.7)
    "ZHILI_PLAN_START_MINUTES": 60,
}


def setting(name: str) -> int:
    """A number of this module: app config, else environment, else the default above."""
    from flask import current_app, has_app_context

    if has_app_context() and name in current_app.config:
        return int(current_app.config[name])
    if os.environ.get(name):
        return int(os.environ[name])
    return DEFAULTS[name]


def end_of_day(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(23, 59, 59))


def _in_future(value, now=None) -> bool:
    return value is not None and value > (now or clock.now()) + dt.timedelta(minutes=5)


def _copy_org(child, parent) -> None:
    """Child rows live where their parent lives (domain §9.3)."""
    if parent is not None:
        from app.extensions import db

        with db.session.no_autoflush:
            child.org_unit_id = parent.org_unit_id
            child.org_unit = parent.org_unit


# --------------------------------------------------------------------------- working days


def calendar_overrides() -> WorkDays:
    """Working days as the office keeps them (work_calendar over the statutory calendar)."""
    return WorkDays.load()


# --------------------------------------------------------------------------- petitions (TR-28)


def petition_deadlines(
    received_at: dt.datetime,
    accepted_at: dt.datetime | None,
    extension_days: int = 0,
    accept_days: int = 15,
    close_days: int = 60,
) -> tuple[dt.date, dt.date | None]:
    """TR-28: decide on acceptance within `accept_days` of receipt; close within `close_days`
    of acceptance, plus an approved extension."""
    accept_due = received_at.date() + dt.timedelta(days=accept_days)
    close_due = None
    if accepted_at is not None:
        close_due = accepted_at.date() + dt.timedelta(days=close_days + (extension_days or 0))
    return accept_due, close_due


def check_petition_case(c) -> list[str]:
    warnings = []
    if c.status is None:
        c.status = PS.registered
    if c.petitioner_count is not None and c.petitioner_count < 1:
        raise RuleViolation(_("The number of petitioners must be at least 1."), field="petitioner_count")
    if _in_future(c.received_at):
        raise RuleViolation(_("This time cannot be in the future."), field="received_at")
    max_ext = setting("ZHILI_PETITION_MAX_EXTENSION_DAYS")
    if c.extended_days is not None and not (1 <= c.extended_days <= max_ext):
        raise RuleViolation(
            _("An extension is 1 to %(days)s days (信访工作条例, one extension only).", days=max_ext),
            field="extended_days",
        )
    if c.extension_approved and not c.extended_days:
        raise RuleViolation(_("An approved extension needs its number of days."), field="extended_days")
    if c.status == PS.not_accepted and not (c.status_reason or "").strip():
        raise RuleViolation(_("Give the reason for not accepting the petition."), field="status_reason")
    if c.backlog_type is not None and not c.is_backlog:
        raise RuleViolation(_("Only a backlog case has a backlog type."), field="backlog_type")
    if c.satisfaction is not None and c.status not in (PS.closed, PS.ceased, PS.terminated):
        raise RuleViolation(_("Satisfaction is rated once the case is closed."), field="satisfaction")
    if c.status in (PS.closed, PS.ceased, PS.terminated) and c.closed_at is None:
        c.closed_at = clock.now()
    if c.received_at is not None:
        c.accept_due, c.close_due = petition_deadlines(
            c.received_at,
            c.accepted_at,
            c.extended_days if c.extension_approved else 0,
            setting("ZHILI_PETITION_ACCEPT_DAYS"),
            setting("ZHILI_PETITION_CLOSE_DAYS"),
        )
    if c.is_backlog and c.package_leader_id is None and c.package_leader is None:
        warnings.append(_("A backlog case should have its package leader (领导包案)."))
    return warnings


def accept_effect(c, _p) -> None:
    c.accepted_at = c.accepted_at or clock.now()


def close_effect(c, _p) -> None:
    c.closed_at = clock.now()


def cease_effect(c, _p) -> None:
    c.ceased_at = clock.today()
    c.closed_at = c.closed_at or clock.now()


def not_accept_guard(c, _p) -> None:
    if not (c.status_reason or "").strip():
        raise RuleViolation(
            _("Give the reason for not accepting the petition (edit the case first)."), field="status_reason"
        )


def extension_guard(c, _p) -> None:
    if not c.extended_days or not (c.extension_reason or "").strip():
        raise RuleViolation(_("Enter the extension days and its reason before approving it."), field="extended_days")
    if c.status not in (PS.accepted, PS.investigating, PS.replied, PS.feedback):
        raise RuleViolation(_("Only a case being handled can be extended."), field="status")


def extension_effect(c, p) -> None:
    c.extension_approved_by_id = p.user_id if p else None
    c.extension_approved_at = clock.now()


def check_petition_transfer(t) -> None:
    _copy_org(t, t.case)
    if _in_future(t.transferred_at):
        raise RuleViolation(_("This time cannot be in the future."), field="transferred_at")
    if t.case is not None and t.case.received_at and t.transferred_at and t.transferred_at < t.case.received_at:
        raise RuleViolation(_("A hand-off cannot be before the case was received."), field="transferred_at")
    if t.case is not None and t.to_level is not None:
        t.case.handling_level = t.to_level


def check_petition_action(a) -> None:
    _copy_org(a, a.case)
    if _in_future(a.acted_at):
        raise RuleViolation(_("This time cannot be in the future."), field="acted_at")


def check_petition_hearing(h) -> None:
    from .enums import HearingResult

    _copy_org(h, h.case)
    if _in_future(h.held_at):
        raise RuleViolation(_("This time cannot be in the future."), field="held_at")
    if h.result == HearingResult.terminated and h.case is not None and h.case.is_open:
        h.case.status = PS.terminated  # 听证终结: the case ends by law
        h.case.closed_at = h.held_at


def check_petition_report(r) -> None:
    try:
        dt.datetime.strptime(r.month or "", "%Y-%m")
    except ValueError:
        raise RuleViolation(_("Write the month as YYYY-MM."), field="month")
    if not (r.ranking or "").strip():
        r.ranking = ranking_text(load_ranking(r.month, scoped=False))


# --------------------------------------------------------------------------- petition time rules


def _open_cases(*where):
    from app.extensions import db

    from .models import PetitionCase

    return db.session.execute(sa.select(PetitionCase).where(PetitionCase.is_deleted.is_(False), *where)).scalars()


HANDLING = (PS.accepted, PS.investigating, PS.replied, PS.feedback)  # TR-28C: accepted, not closed yet


def screening_due_at(received_at: dt.datetime, overrides: dict[dt.date, bool], days: int = 1) -> dt.datetime:
    """§10.31: the 网格长 screens a proxied petition by the end of the next working day."""
    return end_of_day(add_working_days(received_at.date(), days, overrides))


def _only(ids):
    """The per-row form of a check: just these cases (a write touched them), or all."""
    from .models import PetitionCase

    return () if ids is None else (PetitionCase.id.in_(sorted(ids)),)


def cases_of_actions(ids) -> set[int]:
    """watch mapper: the cases of written 信访 actions."""
    from app.extensions import db

    from .models import PetitionAction

    return set(
        db.session.execute(sa.select(PetitionAction.case_id).where(PetitionAction.id.in_(sorted(ids)))).scalars()
    )


def cases_of_transfers(ids) -> set[int]:
    """watch mapper: the cases of written transfers (the screening hand-off)."""
    from app.extensions import db

    from .models import PetitionTransfer

    q = sa.select(PetitionTransfer.case_id).where(PetitionTransfer.id.in_(sorted(ids)))
    return set(db.session.execute(q).scalars())


def petition_screening_due(now: dt.datetime, ids=None):
    from .models import PetitionCase, PetitionTransfer

    screened = sa.select(PetitionTransfer.case_id).where(
        PetitionTransfer.is_deleted.is_(False), PetitionTransfer.action == TransferAction.screen
    )
    rows = list(
        _open_cases(
            PetitionCase.channel == PetitionChannel.proxy,
            PetitionCase.status == PS.registered,
            PetitionCase.id.not_in(screened),
            *_only(ids),
        )
    )
    if not rows:
        return
    overrides = calendar_overrides()
    for c in rows:
        due = screening_due_at(c.received_at, overrides, setting("ZHILI_SCREEN_WORKING_DAYS"))
        yield Due("ZL-SCREEN", c.id, due, c.case_no)


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def next_month(d: dt.date) -> dt.date:
    return (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def missing_package_reviews(case_received: dt.date, action_dates: list[dt.date], today: dt.date) -> list[dt.date]:
    """TR-27: months (first days) of this and the previous month in which an open backlog case
    had no 包案 action. The previous month counts only if the case existed before it began."""
    out = []
    this = month_start(today)
    prev = month_start(this - dt.timedelta(days=1))
    for m in (prev, this):
        if m == prev and case_received >= m:
            continue
        if not any(m <= d < next_month(m) for d in action_dates):
            out.append(m)
    return out


def backlog_review_due(now: dt.datetime, ids=None):
    """TR-27: every open backlog case has a 包案 action (部署推动 / 研究) each month until 息访.
    Irregular: a missing record per month."""
    from app.extensions import db

    from .models import PetitionAction, PetitionCase

    cases = list(
        _open_cases(
            PetitionCase.is_backlog.is_(True),
            PetitionCase.status.not_in([PS.ceased, PS.terminated, PS.not_accepted]),
            *_only(ids),
        )
    )
    if not cases:
        return
    since = month_start(month_start(now.date()) - dt.timedelta(days=1))
    acts = defaultdict(list)
    for case_id, at in db.session.execute(
        sa.select(PetitionAction.case_id, PetitionAction.acted_at).where(
            PetitionAction.is_deleted.is_(False),
            PetitionAction.case_id.in_([c.id for c in cases]),
            PetitionAction.action_type.in_([PetitionActionType.package_deploy, PetitionActionType.package_review]),
            PetitionAction.acted_at >= dt.datetime.combine(since, dt.time()),
        )
    ):
        acts[case_id].append(at.date())
    for c in cases:
        missing = missing_package_reviews(c.received_at.date(), acts[c.id], now.date())
        if not missing:
            continue
        m = missing[0]  # one due per case: last month's missing review before this month's
        due = end_of_day(next_month(m) - dt.timedelta(days=1))
        if m == month_start(now.date()) and due - now > dt.timedelta(days=7):
            continue  # this month: remind in its last week
        yield Due("TR-27", c.id, due, c.case_no, c.package_leader_id)


REPORT_REMINDER = dt.timedelta(days=7)


def petition_report_due(now: dt.datetime):
    """TR-22: a month's report is published by the last working day of the month."""
    from app.extensions import db

    from .models import PetitionReport

    overrides = calendar_overrides()

    def due_of(first: dt.date) -> dt.datetime:
        last = next_month(first) - dt.timedelta(days=1)
        while not is_working_day(last, overrides) and last > first:
            last -= dt.timedelta(days=1)
        return end_of_day(last)

    made = set()
    for r in db.session.execute(sa.select(PetitionReport).where(PetitionReport.is_deleted.is_(False))).scalars():
        made.add(r.month)
        if r.published_at is None:
            yield Due("TR-22", r.id, due_of(dt.datetime.strptime(r.month, "%Y-%m").date()), r.month, r.made_by_id)
    # A month with no report at all: last month's is overdue; this month's from a week before its due day.
    this_month = now.date().replace(day=1)
    for first in ((this_month - dt.timedelta(days=1)).replace(day=1), this_month):
        due = due_of(first)
        if f"{first:%Y-%m}" not in made and now >= due - REPORT_REMINDER:
            yield Due("TR-22", None, due, _("Monthly petition report %(month)s (not made yet)", month=f"{first:%Y-%m}"))


# --------------------------------------------------------------------------- monthly ranking (TR-22, §10.27)


@dataclass
class RankRow:
    community_id: int
    name: str
    received: int = 0
    closed: int = 0
    on_time: int = 0
    overdue: int = 0
    backlog: int = 0
    rated: int = 0
    satisfied: int = 0
    rank: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.closed if self.closed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.rated if self.rated else None


@dataclass
class CaseFacts:
    """What the ranking needs of a case (a plain record, so the ranking is a pure function)."""

    community_id: int | None
    received_at: dt.datetime
    status: PS
    closed_at: dt.datetime | None = None
    accept_due: dt.date | None = None
    close_due: dt.date | None = None
    is_backlog: bool = False
    satisfaction: Satisfaction | None = None
    satisfaction_in_scope: bool = True
    extra: dict = field(default_factory=dict)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.strptime(month, "%Y-%m")
    return first, dt.datetime.combine(next_month(first.date()), dt.time())


def rank_communities(
    cases: list[CaseFacts], communities: list[tuple[int, str]], month: str, now: dt.datetime
) -> list[RankRow]:
    """Per community for `month`: received in the month; closed (办结/息访/终结) in the month and of
    those on time (by close_due) and rated satisfied or basically satisfied; overdue = still open at
    the month's end (or now, if earlier) past its deadline; open backlog cases. Ranked by on-time
    rate, then satisfaction rate, then fewest overdue (a community with nothing closed comes after)."""
    start, end = month_bounds(month)
    as_of = min(end, now)
    rows = {cid: RankRow(cid, name) for cid, name in communities}
    finished = (PS.closed, PS.ceased, PS.terminated)
    for c in cases:
        row = rows.get(c.community_id)
        if row is None:
            continue
        if start <= c.received_at < end:
            row.received += 1
        if c.status in finished and c.closed_at is not None and start <= c.closed_at < end:
            row.closed += 1
            if c.close_due is None or c.closed_at.date() <= c.close_due:
                row.on_time += 1
            if c.satisfaction_in_scope and c.satisfaction is not None:
                row.rated += 1
                if c.satisfaction in (Satisfaction.satisfied, Satisfaction.basically):
                    row.satisfied += 1
        open_at_end = (
            c.received_at < as_of and c.status != PS.not_accepted and (c.closed_at is None or c.closed_at >= as_of)
        )
        due = c.close_due or c.accept_due
        if open_at_end and due is not None and due < as_of.date():
            row.overdue += 1
        if c.is_backlog and c.received_at < end and c.status not in (PS.ceased, PS.terminated):
            row.backlog += 1
    ordered = sorted(
        rows.values(),
        key=lambda r: (
            -(r.on_time_rate if r.on_time_rate is not None else -1),
            -(r.satisfaction_rate if r.satisfaction_rate is not None else -1),
            r.overdue,
            -r.closed,
            r.name,
        ),
    )
    for i, r in enumerate(ordered, start=1):
        r.rank = i
    return ordered


def load_ranking(month: str, scoped: bool = True) -> list[RankRow]:
    """The ranking over the petition cases the current user may read (scoped) or all of them."""
    from app.core import registry, scope
    from app.extensions import db
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    from .models import PetitionCase

    q = sa.select(PetitionCase).where(PetitionCase.is_deleted.is_(False))
    visible_communities = None
    if scoped:
        cond = scope.clause(registry.get("petition_case"), scope.principal(), "read")
        if cond is not None:
            q = q.where(cond)
            p = scope.principal()
            cell = p.cell(registry.get("petition_case")) if p else None
            if cell is not None and not (cell.read & {"a", "m"}):
                visible_communities = set()
                for oid in p.community_ids | p.grid_ids:
                    o = db.session.get(OrgUnit, oid)
                    if o is not None and o.community_id:
                        visible_communities.add(o.community_id)
    comms = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.name)
        .where(
            OrgUnit.unit_type.in_([OrgUnitType.community, OrgUnitType.village]),
            OrgUnit.is_deleted.is_(False) if hasattr(OrgUnit, "is_deleted") else sa.true(),
        )
        .order_by(OrgUnit.sort_order)
    ).all()
    if visible_communities is not None:
        comms = [c for c in comms if c.id in visible_communities]
    facts = [
        CaseFacts(
            c.org_unit.community_id if c.org_unit else None,
            c.received_at,
            c.status,
            c.closed_at,
            c.accept_due,
            c.close_due,
            bool(c.is_backlog),
            c.satisfaction,
            bool(c.satisfaction_in_scope),
        )
        for c in db.session.execute(q).scalars()
    ]
    return rank_communities(facts, [(c.id, c.name) for c in comms], month, clock.now())


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def ranking_text(rows: list[RankRow]) -> str:
    head = _("Rank | Community | Received | Closed | On time | Overdue | Backlog | Satisfaction")
    lines = [head] + [
        f"{r.rank} | {r.name} | {r.received} | {r.closed} | {pct(r.on_time_rate)} | {r.overdue} | "
        f"{r.backlog} | {pct(r.satisfaction_rate)}"
        for r in rows
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- households, rentals, patrols


def _stored(item, attr):
    """The value of `attr` as the database holds it (before this change)."""
    from app.extensions import db

    with db.session.no_autoflush:
        state = sa.inspect(item)
        if state.identity is None:
            return None
        hist = state.attrs[attr].history
        if hist.deleted:
            return hist.deleted[0]
        model = type(item)
        return db.session.execute(sa.select(getattr(model, attr)).where(model.id == state.identity[0])).scalar()


def check_household(h) -> list[str]:
    if h.member_count is not None and h.member_count < 0:
        raise RuleViolation(_("The number of members cannot be negative."), field="member_count")
    return []


def check_resident(r) -> None:
    if r.household is None and r.rental_house is None and r.household_id is None and r.rental_house_id is None:
        raise RuleViolation(_("Link the person to a household or a rental (房对应人、人对应档)."), field="household")
    _copy_org(r, r.household or r.rental_house)
    check_order(r, "moved_in", "moved_out", _("Moving out cannot be before moving in."))


def check_rental_house(r) -> list[str]:
    warnings = []
    changed_class = _stored(r, "rental_class") not in (None, r.rental_class)
    if r.household is not None:
        _copy_org(r, r.household)
        if r.household.colour != FiveColour.yellow:
            warnings.append(_("A rental's household is normally yellow (出租房)."))
    check_order(r, "lease_start", "lease_end", _("The lease cannot end before it starts."))
    if changed_class:
        r.class_changed_at = clock.today()  # 动态管理: the audit log keeps the old class
    if r.lease_start and r.lease_end and r.rental_class != RentalClass.C and (r.lease_end - r.lease_start).days >= 730:
        warnings.append(_("A lease of two years or more suggests class C."))
    if r.tenant_count is not None and r.tenant_count < 0:
        raise RuleViolation(_("The number of tenants cannot be negative."), field="tenant_count")
    if r.id is not None and r.status == RentalStatus.renting:
        refresh_rental(r)
    return warnings


def check_patrol_record(p) -> None:
    if p.target == PatrolTarget.rental_house and p.rental_house is None and p.rental_house_id is None:
        raise RuleViolation(_("Choose the rental that was patrolled."), field="rental_house")
    if p.target == PatrolTarget.household and p.household is None and p.household_id is None:
        raise RuleViolation(_("Choose the household that was visited."), field="household")
    if _in_future(p.visited_at):
        raise RuleViolation(_("This time cannot be in the future."), field="visited_at")
    if p.target == PatrolTarget.rental_house:
        p.household = None
        _copy_org(p, p.rental_house)
    else:
        p.rental_house = None
        _copy_org(p, p.household)
        if p.household is not None and p.visited_at is not None:
            last = p.household.last_visit_at
            if last is None or p.visited_at.date() > last:
                p.household.last_visit_at = p.visited_at.date()
    if p.rental_house is not None:
        refresh_rental(p.rental_house, extra=p.visited_at.date() if p.visited_at and p.id is None else None)


REQUIRED_PATROLS = {RentalClass.A: 1, RentalClass.B: 2, RentalClass.C: 2}
RULE_OF_CLASS = {RentalClass.A: "TR-24", RentalClass.B: "TR-25", RentalClass.C: "TR-26"}


def patrol_period(rental_class: RentalClass, day: dt.date) -> tuple[dt.date, dt.date]:
    """§10.35 calendar periods: A the ISO week (Mon–Sun), B the calendar month,
    C the half-year (Jan–Jun, Jul–Dec). Returns (first day, last day)."""
    if rental_class == RentalClass.A:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if rental_class == RentalClass.B:
        start = day.replace(day=1)
        return start, next_month(start) - dt.timedelta(days=1)
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)


def previous_period(rental_class: RentalClass, day: dt.date) -> tuple[dt.date, dt.date]:
    start, _end = patrol_period(rental_class, day)
    return patrol_period(rental_class, start - dt.timedelta(days=1))


@dataclass
class Compliance:
    start: dt.date
    end: dt.date
    count: int
    required: int
    judged: bool  # False: let or reclassified during the period, first judged in the next one

    @property
    def behind(self) -> bool:
        return self.judged and self.count < self.required


def compliance(
    rental_class: RentalClass, patrol_days: list[dt.date], period: tuple[dt.date, dt.date], judged_from: dt.date | None
) -> Compliance:
    start, end = period
    count = sum(1 for d in patrol_days if start <= d <= end)
    judged = judged_from is None or judged_from <= start
    return Compliance(start, end, count, REQUIRED_PATROLS[rental_class], judged)


def judged_from(r) -> dt.date | None:
    """The first day a rental counts from: the later of its lease start and its last class change."""
    days = [d for d in (r.lease_start, r.class_changed_at) if d is not None]
    return max(days) if days else None


def rental_patrol_days(rental_ids, since: dt.date) -> dict[int, list[dt.date]]:
    from app.extensions import db

    from .models import PatrolRecord

    out = defaultdict(list)
    if not rental_ids:
        return out
    with db.session.no_autoflush:
        rows = db.session.execute(
            sa.select(PatrolRecord.rental_house_id, PatrolRecord.visited_at).where(
                PatrolRecord.is_deleted.is_(False),
                PatrolRecord.rental_house_id.in_(list(rental_ids)),
                PatrolRecord.target == PatrolTarget.rental_house,
                PatrolRecord.visited_at >= dt.datetime.combine(since, dt.time()),
            )
        ).all()
    for rid, at in rows:
        out[rid].append(at.date())
    return out


def refresh_rental(r, extra: dt.date | None = None) -> None:
    """Keep patrols_in_period / next_patrol_due current (the compliance page computes them live)."""
    today = clock.today()
    period = patrol_period(r.rental_class, today)
    days = rental_patrol_days([r.id], period[0]).get(r.id, []) if r.id else []
    if extra is not None:
        days = days + [extra]
    c = compliance(r.rental_class, days, period, judged_from(r))
    r.patrols_in_period = c.count
    if c.count < c.required:
        r.next_patrol_due = c.end
    else:
        r.next_patrol_due = patrol_period(r.rental_class, c.end + dt.timedelta(days=1))[1]


SOON = {RentalClass.A: 2, RentalClass.B: 7, RentalClass.C: 30}


def rental_dues(rental_class: RentalClass, now: dt.datetime):
    """TR-24/25/26: renting rentals of the class behind their patrol count — the previous period if it
    ended short (督办), else the current period in its last days (reminder). Irregular: a frequency."""
    from app.extensions import db

    from .models import RentalHouse

    today = now.date()
    rentals = list(
        db.session.execute(
            sa.select(RentalHouse).where(
                RentalHouse.is_deleted.is_(False),
                RentalHouse.status == RentalStatus.renting,
                RentalHouse.rental_class == rental_class,
            )
        ).scalars()
    )
    prev = previous_period(rental_class, today)
    cur = patrol_period(rental_class, today)
    days = rental_patrol_days([r.id for r in rentals], prev[0])
    code = RULE_OF_CLASS[rental_class]
    for r in rentals:
        start = judged_from(r)
        c_prev = compliance(rental_class, days[r.id], prev, start)
        if c_prev.behind:  # one due per rental (the ledger keeps one item per row and rule): 督办 first
            yield Due(code, r.id, end_of_day(prev[1]), r.address, stage=SUPERVISION)
            continue
        c_cur = compliance(rental_class, days[r.id], cur, start)
        if c_cur.behind and (cur[1] - today).days < SOON[rental_class]:
            yield Due(code, r.id, end_of_day(cur[1]), r.address)


def rental_a_due(now):
    return rental_dues(RentalClass.A, now)


def rental_b_due(now):
    return rental_dues(RentalClass.B, now)


def rental_c_due(now):
    return rental_dues(RentalClass.C, now)


def red_household_attention_due(now: dt.datetime):
    """TR-23 (off unless ZHILI_TR23_ENABLED): in a sensitive period every red household gets a
    重点关注 visit; due at the period's end."""
    if not setting("ZHILI_TR23_ENABLED"):
        return
    from app.extensions import db

    from .enums import VisitType
    from .models import Household, PatrolRecord, SensitivePeriod

    today = now.date()
    for sp in db.session.execute(
        sa.select(SensitivePeriod).where(
            SensitivePeriod.is_deleted.is_(False),
            SensitivePeriod.start_date <= today,
            SensitivePeriod.end_date >= today,
        )
    ).scalars():
        visited = sa.select(PatrolRecord.household_id).where(
            PatrolRecord.is_deleted.is_(False),
            PatrolRecord.visit_type == VisitType.key_attention,
            PatrolRecord.visited_at >= dt.datetime.combine(sp.start_date, dt.time()),
        )
        for h in db.session.execute(
            sa.select(Household).where(
                Household.is_deleted.is_(False), Household.colour == FiveColour.red, Household.id.not_in(visited)
            )
        ).scalars():
            yield Due("TR-23", h.id, end_of_day(sp.end_date), f"{sp.name}: {h.address}", h.grid_worker_id)


def check_sensitive_period(s) -> None:
    check_order(s, "start_date", "end_date", _("The end date cannot be before the start date."))


# --------------------------------------------------------------------------- 议事 and 公约 (§5.5, §5.6)

STEP_ORDER = [DS.step1_propose, DS.step2_consult, DS.step3_plan, DS.step4_convention, DS.step5_vote, DS.step6_implement]


def _committed(item, attr):
    return _stored(item, attr)


def _refuse_archived(item) -> None:
    if item is not None and _committed(item, "stage") == DS.archived:
        raise RuleViolation(_("An archived topic is read-only."))


def check_deliberation_item(d) -> None:
    if sa.inspect(d).identity is None:
        d.stage = DS.step1_propose  # every topic starts at step 1
        d.stage_since = None
    else:
        _refuse_archived(d)
    if d.due_date and d.registered_at and d.due_date < d.registered_at.date():
        raise RuleViolation(_("The deadline cannot be before the topic was registered."), field="due_date")


def check_deliberation_step(s) -> None:
    item = s.item
    _refuse_archived(item)
    _copy_org(s, item)
    if item is not None and s.id is None and s.stage != item.stage:
        raise RuleViolation(_("Record the step the topic is in (%(stage)s).", stage=item.stage.label), field="stage")
    if _in_future(s.held_at):
        raise RuleViolation(_("This time cannot be in the future."), field="held_at")


def vote_passes(votes_for: int, votes_against: int, votes_abstain: int) -> bool:
    """§10.38: passing means a majority of the votes cast."""
    cast = (votes_for or 0) + (votes_against or 0) + (votes_abstain or 0)
    return cast > 0 and 2 * (votes_for or 0) > cast


def check_deliberation_vote(v) -> None:
    item = v.item
    _refuse_archived(item)
    _copy_org(v, item)
    if item is not None and v.id is None and item.stage != DS.step5_vote:
        raise RuleViolation(_("A residents' vote belongs to step 5."), field="item")
    check_order(v, "start_date", "end_date", _("The end date cannot be before the start date."))
    counts = [v.votes_for, v.votes_against, v.votes_abstain]
    if any(c is not None and c < 0 for c in counts + [v.eligible_count]):
        raise RuleViolation(_("Counts cannot be negative."), field="votes_for")
    if v.eligible_count is not None and sum(c or 0 for c in counts) > v.eligible_count:
        raise RuleViolation(_("More votes than eligible households."), field="eligible_count")
    if v.method != VoteMethod.posting and any(c is not None for c in counts):
        expected = VoteResult.passed if vote_passes(*counts) else VoteResult.failed
        if v.result != expected:
            raise RuleViolation(
                _("The result does not match the votes (a majority of votes cast passes)."), field="result"
            )


def _has_step_record(item, stage) -> bool:
    since = item.stage_since
    return any(s.stage == stage and not s.is_deleted and (since is None or s.created_at >= since) for s in item.steps)


def step_guard(item, _p) -> None:
    """No step skipped: the current step has its record before the topic moves on."""
    _refuse_archived(item)
    current = _committed(item, "stage")
    if not _has_step_record(item, current):
        raise RuleViolation(
            _("First record this step (%(stage)s) in the step records.", stage=current.label), field="stage"
        )


def _latest_vote(item):
    votes = [v for v in item.votes if not v.is_deleted]
    return max(votes, key=lambda v: v.id) if votes else None


def passed_guard(item, p) -> None:
    step_guard(item, p)
    vote = _latest_vote(item)
    if vote is None or vote.result != VoteResult.passed:
        raise RuleViolation(_("Step 6 needs a residents' vote that passed (经过表决通过后实施)."), field="stage")
    missing = [f for f in ("responsible_party", "measures", "due_date", "supervisors") if not getattr(item, f)]
    if missing:
        raise RuleViolation(
            _("Step 6 needs the responsible party, measures, deadline and supervisors."), field=missing[0]
        )


def failed_guard(item, _p) -> None:
    _refuse_archived(item)
    vote = _latest_vote(item)
    if vote is None or vote.result != VoteResult.failed:
        raise RuleViolation(_("Only a failed vote returns the topic to step 3."), field="stage")


def stage_effect(item, _p) -> None:
    item.stage_since = clock.now()


def archive_effect(item, _p) -> None:
    item.stage_since = clock.now()
    item.archived_at = clock.now()


def check_grid_convention(c) -> None:
    if c.version_no is not None and c.version_no < 1:
        raise RuleViolation(_("The version starts at 1."), field="version_no")
    if c.status is None:
        c.status = ConventionStatus.draft
    if c.status == ConventionStatus.effective and (c.adopted_on is None or c.adoption_method is None):
        raise RuleViolation(_("An effective convention needs its adoption date and method."), field="adopted_on")
    if c.deliberation is not None and c.org_unit is None:
        _copy_org(c, c.deliberation)


def adopt_guard(c, _p) -> None:
    if c.adopted_on is None or c.adoption_method is None:
        raise RuleViolation(_("An effective convention needs its adoption date and method."), field="adopted_on")


def adopt_effect(c, _p) -> None:
    """A new version supersedes the old ones: they become repealed, and all are kept."""
    from app.extensions import db

    from .models import GridConvention

    with db.session.no_autoflush:  # a flush here would bump the row's version before the stale check
        olds = (
            db.session.execute(
                sa.select(GridConvention).where(
                    GridConvention.is_deleted.is_(False),
                    GridConvention.org_unit_id == c.org_unit_id,
                    GridConvention.title == c.title,
                    GridConvention.id != c.id,
                    GridConvention.status == ConventionStatus.effective,
                )
            )
            .scalars()
            .all()
        )
    for old in olds:
        old.status = ConventionStatus.repealed


# --------------------------------------------------------------------------- emergencies (TR-29, TR-30)


def report_clocks(
    occurred_at: dt.datetime | None, received_at: dt.datetime, phone_minutes: int = 30, written_minutes: int = 60
) -> tuple[dt.datetime, dt.datetime]:
    """TR-29/30: phone report within 30 minutes and written report within 1 hour of 事发
    (of 接报 when the occurrence time is unknown, §10.39)."""
    base = occurred_at or received_at
    return base + dt.timedelta(minutes=phone_minutes), base + dt.timedelta(minutes=written_minutes)


OPEN_EVENT = (EventStatus.received, EventStatus.verified, EventStatus.handling, EventStatus.expanded)


def refresh_event(e) -> None:
    """Due times, first on-time report times, urgency (next unmet clock) and open flag."""
    if e.received_at is not None:
        e.phone_due_at, e.written_due_at = report_clocks(
            e.occurred_at, e.received_at, setting("ZHILI_PHONE_REPORT_MINUTES"), setting("ZHILI_WRITTEN_REPORT_MINUTES")
        )
    reports = [r for r in (e.reports or []) if not r.is_deleted and r.reported_at is not None]
    phone = [r.reported_at for r in reports if r.kind == ReportKind.phone]
    written = [r.reported_at for r in reports if r.kind == ReportKind.written and (r.content or "").strip()]
    e.phone_reported_at = min(phone) if phone else None
    e.written_reported_at = min(written) if written else None
    e.is_open = e.status in OPEN_EVENT
    pending = [
        d
        for d, done in ((e.phone_due_at, e.phone_reported_at), (e.written_due_at, e.written_reported_at))
        if d is not None and done is None
    ]
    e.next_due_at = min(pending) if (pending and e.is_open) else None


def check_emergency_event(e) -> list[str]:
    warnings = []
    if e.status is None:
        e.status = EventStatus.received
    check_order(e, "occurred_at", "received_at", _("An event cannot be received before it occurred."))
    if _in_future(e.occurred_at):
        raise RuleViolation(_("This time cannot be in the future."), field="occurred_at")
    if e.plan_started_at is not None and e.plan is None and e.plan_id is None:
        raise RuleViolation(_("Choose the plan that was started."), field="plan")
    if e.status == EventStatus.expanded and not (e.cross_jurisdiction or (e.expand_reason or "").strip()):
        raise RuleViolation(
            _("An expanded response needs other jurisdictions or units involved, or a reason."), field="expand_reason"
        )
    refresh_event(e)
    if e.phone_due_at and e.received_at and e.received_at > e.phone_due_at:
        warnings.append(_("Received after the report deadline (接报晚于时限): the delay is upstream."))
    return warnings


def _has_phase(e, phase) -> bool:
    return any(a.phase == phase and not a.is_deleted for a in e.actions)


def expand_guard(e, _p) -> None:
    if not (e.cross_jurisdiction or (e.expand_reason or "").strip()):
        raise RuleViolation(
            _("An expanded response needs other jurisdictions or units involved, or a reason."), field="expand_reason"
        )


def end_guard(e, _p) -> None:
    if not _has_phase(e, ActionPhase.ended):
        raise RuleViolation(_("Record the end of the emergency (an action of phase 应急结束) first."))


def end_effect(e, _p) -> None:
    e.ended_at = e.ended_at or clock.now()


def close_guard(e, _p) -> None:
    if not _has_phase(e, ActionPhase.aftermath):
        raise RuleViolation(_("Record the aftermath (an action of phase 后期处理) first."))


def verify_effect(e, _p) -> None:
    e.verified_at = e.verified_at or clock.now()


def check_emergency_report(r) -> None:
    e = r.event
    _copy_org(r, e)
    if _in_future(r.reported_at):
        raise RuleViolation(_("This time cannot be in the future."), field="reported_at")
    if r.kind == ReportKind.written and not (r.content or "").strip():
        raise RuleViolation(_("A written report needs its content."), field="content")
    if e is not None:
        from app.extensions import db

        with db.session.no_autoflush:
            if r not in e.reports:
                e.reports.append(r)
            refresh_event(e)
        due = {ReportKind.phone: e.phone_due_at, ReportKind.written: e.written_due_at}.get(r.kind)
        r.is_late = bool(due and r.reported_at and r.reported_at > due)


def check_emergency_action(a) -> None:
    _copy_org(a, a.event)
    if _in_future(a.acted_at):
        raise RuleViolation(_("This time cannot be in the future."), field="acted_at")


def forecast_not_reported_due(now: dt.datetime):
    """TR-31: a screening's forecast is reported at a monthly meeting (reported_meeting) — due by the
    end of the month it was made in (which monthly meeting is unstated, §10.41)."""
    from app.extensions import db

    from .models import RiskScreening

    horizon = now.date() + dt.timedelta(days=7)
    for r in db.session.execute(
        sa.select(RiskScreening).where(
            RiskScreening.is_deleted.is_(False),
            RiskScreening.reported_meeting_id.is_(None),
            RiskScreening.forecast.is_not(None),
        )
    ).scalars():
        due = next_month(month_start(r.screened_on)) - dt.timedelta(days=1)
        if due <= horizon and (r.forecast or "").strip():
            yield Due("TR-31", r.id, end_of_day(due), r.area, r.created_by_id)


def plan_not_started_due(now: dt.datetime):
    """After a warning is issued the matching plan starts at once (§5.7): an issued warning whose event
    has no plan started within ZHILI_PLAN_START_MINUTES (default 60, inferred) is flagged."""
    from app.extensions import db

    from .enums import WarningAction
    from .models import EmergencyWarning

    limit = dt.timedelta(minutes=setting("ZHILI_PLAN_START_MINUTES"))
    for w in db.session.execute(
        sa.select(EmergencyWarning).where(
            EmergencyWarning.is_deleted.is_(False),
            EmergencyWarning.action == WarningAction.issue,
            EmergencyWarning.event_id.is_not(None),
        )
    ).scalars():
        e = w.event
        due = w.acted_at + limit
        if e is None or not e.is_open:
            continue
        if e.plan_started_at is None or e.plan_started_at > due:
            stage = SUPERVISION if e.plan_started_at is not None else None
            yield Due("ZL-PLAN", w.id, due, w.title, w.issued_by_id, stage=stage)
