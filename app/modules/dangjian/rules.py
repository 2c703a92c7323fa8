"""Rules of 大党建 (domain §3.2–3.5, TR-05…TR-14).

Pure functions of dates are separated from the register rules so they can be tested
with fixed dates; register rules raise RuleViolation or return warnings (app.core.rules).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, scope
from app.core.rules import RuleViolation, check_order
from app.core.timerules import Due
from app.extensions import db
from app.org.enums import OrgUnitType, Position

from .enums import (
    RR_PASS,
    RR_REJECT,
    RR_RETURN,
    FundEntryType,
    IssueStatus,
    MilestoneStatus,
    ReviewRound,
    ServiceItemStatus,
    ThemeStatus,
    VolunteerStatus,
)
from .enums import ProjectStatus as PS

CENT = Decimal("0.01")
DEFAULT_ALLOCATION = Decimal("150000.00")
TUESDAY = 1
COMMUNITY_TYPES = (OrgUnitType.community, OrgUnitType.village)
PROJECTS_PER_SECRETARY = 2  # TR-05
COMMITTED_STATES = (PS.approved, PS.in_progress, PS.completed)  # budgets that count against the fund
ROUND_OF_STATE = {
    PS.declared: ReviewRound.round1,
    PS.round1_passed: ReviewRound.round2,
    PS.round2_passed: ReviewRound.round3,
}


def money(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def yuan(value) -> str:
    return f"{money(value or 0):,.2f}"


def fund_allocation() -> Decimal:
    """TR-08: the yearly amount per community (config DANGJIAN_FUND_ALLOCATION, default 150000.00)."""
    if has_app_context():
        return money(current_app.config.get("DANGJIAN_FUND_ALLOCATION", DEFAULT_ALLOCATION))
    return DEFAULT_ALLOCATION


# ---------------------------------------------------------------- pure date rules


def in_declaration_window(year: int, at: dt.datetime) -> bool:
    """TR-06: 「项目申报时间集中在每年1月份」 — declared in January of the project's year."""
    return at.year == year and at.month == 1


def too_many_projects(others_of_secretary_and_year: int) -> bool:
    """TR-05: at most 2 non-rejected projects per secretary and year."""
    return others_of_secretary_and_year >= PROJECTS_PER_SECRETARY


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def tuesdays_of_month(month: dt.date) -> list[dt.date]:
    first = month_start(month)
    days = calendar.monthrange(first.year, first.month)[1]
    return [first + dt.timedelta(days=i) for i in range(days) if (first + dt.timedelta(days=i)).weekday() == TUESDAY]


def first_tuesday(month: dt.date) -> dt.date:
    return tuesdays_of_month(month)[0]


def monthly_check_due(month: dt.date) -> dt.datetime:
    """TR-13 (inferred, §10.18): a month's check is due before the next month's 月例会日
    (its first Tuesday), i.e. by the end of the Monday before it."""
    return dt.datetime.combine(first_tuesday(next_month(month)), dt.time(0, 0))


def theme_deadline(activity_date: dt.date) -> dt.datetime:
    """TR-14: the Tuesday theme is set 「每周二前夕」 — by Monday 23:59 before the Tuesday."""
    return dt.datetime.combine(activity_date - dt.timedelta(days=1), dt.time(23, 59, 59))


# ---------------------------------------------------------------- helpers


def request_text(*names: str) -> str | None:
    """Free text sent with a workflow step: form field or JSON key `opinion` (or the names given)."""
    if not has_request_context():
        return None
    names = names or ("opinion",)
    body = request.get_json(silent=True) if request.is_json else None
    for name in names:
        value = (body or {}).get(name) if body else request.form.get(name)
        if value and str(value).strip():
            return str(value).strip()
    return None


def _position(p) -> Position | None:
    from app.org.models import StaffProfile

    profile = StaffProfile.for_user(p.user_id)
    return profile.position if profile is not None else None


def _org(org_unit_id):
    from app.org.models import OrgUnit

    return db.session.get(OrgUnit, org_unit_id) if org_unit_id else None


def _anchor(item, parent, field: str, message) -> None:
    """Child rows copy their parent's org_unit (domain §2.2)."""
    if parent is None:
        raise RuleViolation({field: message})
    with db.session.no_autoflush:
        item.org_unit_id = parent.org_unit_id
        item.org_unit = parent.org_unit


def _require_community(item, field="org_unit") -> None:
    org = item.org_unit or _org(item.org_unit_id)
    if org is None or org.unit_type not in COMMUNITY_TYPES:
        raise RuleViolation({field: _("Choose a community.")})


def _changed(item, *columns) -> list[str]:
    state = sa.inspect(item)
    if state.transient or state.pending:
        return []
    return [c for c in columns if state.attrs[c].history.has_changes()]


# ---------------------------------------------------------------- 党建项目 (§3.2)


def _count_others(project) -> int:
    from .models import PartyProject

    with db.session.no_autoflush:
        q = sa.select(sa.func.count(PartyProject.id)).where(
            PartyProject.is_deleted.is_(False),
            PartyProject.status != PS.rejected,
            PartyProject.secretary_id == (project.secretary_id or getattr(project.secretary, "id", None)),
            PartyProject.year == project.year,
        )
        if project.id is not None:
            q = q.where(PartyProject.id != project.id)
        return db.session.execute(q).scalar_one()


def check_party_project(p) -> list[str]:
    _require_community(p)
    if p.year is None or not 2000 <= p.year <= 2100:
        raise RuleViolation({"year": _("Enter a year such as 2026.")})
    check_order(p, "start_date", "end_date", _("The planned end cannot be before the start."))
    if p.end_date and p.end_date.year != p.year:
        raise RuleViolation({"end_date": _("The planned end must fall within the project's year.")})
    if p.budget is not None:
        p.budget = money(p.budget)
        if p.budget < 0:
            raise RuleViolation({"budget": _("The budget cannot be negative.")})
    if p.status != PS.rejected and too_many_projects(_count_others(p)):
        raise RuleViolation(
            {
                "secretary": _(
                    "This secretary already leads %(n)d projects in %(year)s; each community secretary leads 2 "
                    "projects a year (a rejected project frees its place).",
                    n=PROJECTS_PER_SECRETARY,
                    year=p.year,
                )
            }
        )
    if p.status == PS.completed and not (p.outcome or "").strip():
        raise RuleViolation({"outcome": _("Describe the outcome before the project is completed.")})
    if _changed(p, "status"):
        # steps move the state, forms never do (no skipped rounds, no silent reverts)
        if not getattr(p, "_transition", False):
            raise RuleViolation({"status": _("The state changes only through the review and implementation steps.")})
    warnings = []
    if p.status in COMMITTED_STATES or _changed(p, "status", "budget"):
        fund = refresh_fund_commitments(p.org_unit_id, p.year, p)
        if (
            p.status in COMMITTED_STATES
            and fund is not None
            and fund.committed_amount + fund.spent_amount > fund.allocated_amount
        ):
            warnings.append(
                _(
                    "Approved project budgets and spending (%(total)s yuan) exceed this year's fund of "
                    "%(allocated)s yuan.",
                    total=yuan(fund.committed_amount + fund.spent_amount),
                    allocated=yuan(fund.allocated_amount),
                )
            )
    return warnings


def may_review(p, rnd: ReviewRound) -> bool:
    """§9.4: round 1 组织委员; round 2 党建办 or a 街道领导 (recording the 党工委 discussion);
    round 3 党工委书记. The 系统管理员 may record any round."""
    if p is None or p.is_admin:
        return True
    keys = set(p.role_keys)
    if rnd == ReviewRound.round1:
        return "street_leader" in keys and _position(p) == Position.org_committee
    if rnd == ReviewRound.round2:
        return bool(keys & {"djb", "street_leader"})
    return "street_leader" in keys and _position(p) == Position.party_secretary


ROUND_TAKER = {
    ReviewRound.round1: _l("Round 1 is recorded by the 组织委员 (a 街道领导 with that post)."),
    ReviewRound.round2: _l("Round 2 is recorded by 党建办 or a 街道领导."),
    ReviewRound.round3: _l("Round 3 is recorded by the 党工委书记."),
}


def _ensure_reviewer(item, p) -> ReviewRound:
    rnd = ROUND_OF_STATE.get(item.status)
    if rnd is None:
        raise RuleViolation({"status": _("The project is not under review.")})
    if not may_review(p, rnd):
        raise RuleViolation({"status": str(ROUND_TAKER[rnd])})
    item._transition = True
    item._review_round = rnd
    return rnd


def _record_review(item, p, result, opinion=None) -> None:
    from .models import PartyProjectReview

    review = PartyProjectReview(
        project=item,
        round=item._review_round,
        convener_id=p.user_id if p else item.created_by_id,
        reviewed_at=clock.now(),
        result=result,
        opinion=opinion or request_text(),
        org_unit_id=item.org_unit_id,
    )
    review._from_step = True
    db.session.add(review)


def guard_round(expected: ReviewRound):
    def guard(item, p):
        if _ensure_reviewer(item, p) != expected:
            raise RuleViolation({"status": _("Review rounds go in order: 1, then 2, then 3.")})

    return guard


def effect_pass(item, p) -> None:
    _record_review(item, p, RR_PASS)
    if item.status == PS.approved:
        item.approved_at = clock.now()


def guard_return_or_reject(item, p) -> None:
    _ensure_reviewer(item, p)
    opinion = request_text("opinion", "reason")
    if not opinion:
        raise RuleViolation({"status": _("Give the reason (opinion) for returning or rejecting the project.")})
    item._opinion = opinion


def effect_return(item, p) -> None:
    _record_review(item, p, RR_RETURN, item._opinion)


def effect_reject(item, p) -> None:
    _record_review(item, p, RR_REJECT, item._opinion)


def guard_declare(item, p) -> None:
    """TR-05 and TR-06; a late declaration needs a 街道领导 or 系统管理员 and a reason (kept in
    late_reason, so the audit log records who declared late and why)."""
    item._transition = True
    if too_many_projects(_count_others(item)):
        raise RuleViolation(
            {
                "secretary": _(
                    "This secretary already leads %(n)d projects in %(year)s; a third project cannot be declared.",
                    n=PROJECTS_PER_SECRETARY,
                    year=item.year,
                )
            }
        )
    now = clock.now()
    if in_declaration_window(item.year, now):
        return
    late_ok = p is None or p.is_admin or "street_leader" in p.role_keys
    if not late_ok:
        raise RuleViolation(
            {
                "status": _(
                    "Projects for %(year)s are declared in January %(year)s. A late declaration is recorded by a "
                    "街道领导 or the 系统管理员, with the reason.",
                    year=item.year,
                )
            }
        )
    reason = request_text("late_reason", "opinion", "reason") or (item.late_reason or "").strip()
    if not reason:
        raise RuleViolation({"late_reason": _("A declaration outside January needs the reason for the delay.")})
    item.late_reason = reason


def effect_declare(item, p) -> None:
    item.declared_at = clock.now()


def guard_step(item, p) -> None:
    item._transition = True


def effect_start(item, p) -> None:
    if item.start_date is None:
        item.start_date = clock.today()


def guard_complete(item, p) -> None:
    item._transition = True
    if p is not None and not p.is_admin and p.user_id != item.liaison_leader_id:
        raise RuleViolation({"status": _("The project's liaison leader (联系班子成员) confirms its completion.")})
    outcome = request_text("outcome", "opinion") or (item.outcome or "").strip()
    if not outcome:
        raise RuleViolation({"outcome": _("Describe the outcome before the project is completed.")})
    item.outcome = outcome


def effect_complete(item, p) -> None:
    item.completed_at = clock.now()


def check_milestone(m) -> None:
    _anchor(m, m.project, "project", _("Choose the project."))
    if m.status == MilestoneStatus.done and m.done_date is None:
        m.done_date = clock.today()
    if m.status != MilestoneStatus.done and m.done_date is not None:
        raise RuleViolation({"status": _("A milestone with a completion date is done.")})


def check_review(r) -> None:
    """Review rows are written by the review steps; afterwards only the meeting link, opinion
    and remarks may be completed."""
    if r.id is None and not getattr(r, "_from_step", False):
        raise RuleViolation(_("Reviews are recorded with the review steps on the project's page."))
    if _changed(r, "project", "round", "result", "convener", "reviewed_at"):
        raise RuleViolation(_("A review record keeps its round, result, reviewer and date."))
    if r.project is not None:
        r.org_unit_id = r.project.org_unit_id


def check_progress(pr) -> None:
    _anchor(pr, pr.project, "project", _("Choose the project."))
    if pr.project.status not in (PS.in_progress, PS.completed):
        raise RuleViolation({"project": _("Progress is recorded once the project's implementation has started.")})
    if pr.percent_complete is not None and not 0 <= pr.percent_complete <= 100:
        raise RuleViolation({"percent_complete": _("Enter a percentage from 0 to 100.")})
    if pr.recorded_by_id is None and pr.recorded_by is None:
        with db.session.no_autoflush:  # the row is not in the session yet
            p = scope.principal()
        pr.recorded_by_id = p.user_id if p else pr.created_by_id


DECLARATION_DUE = (1, 31)  # TR-05/TR-06: each community's projects are declared by 31 January
DECLARATION_REMINDER = dt.timedelta(days=7)


def communities_short_of_projects(now: dt.datetime):
    """TR-05 (inferred, §3.2): a community with fewer than 2 declared projects of the year at
    31 January; shown from a week before until the count is reached, that year only."""
    from app.org.models import COMMUNITY_TYPES, OrgUnit

    from .models import PartyProject

    due = dt.datetime(now.year, *DECLARATION_DUE, 23, 59, 59)
    if now < due - DECLARATION_REMINDER:
        return
    declared = (
        sa.select(PartyProject.org_unit_id, sa.func.count(PartyProject.id).label("n"))
        .where(
            PartyProject.is_deleted.is_(False),
            PartyProject.year == now.year,
            PartyProject.declared_at.is_not(None),
            PartyProject.status != PS.rejected,
        )
        .group_by(PartyProject.org_unit_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.name, sa.func.coalesce(declared.c.n, 0))
        .outerjoin(declared, declared.c.org_unit_id == OrgUnit.id)
        .where(
            OrgUnit.is_deleted.is_(False),
            OrgUnit.unit_type.in_(COMMUNITY_TYPES),
            sa.func.coalesce(declared.c.n, 0) < PROJECTS_PER_SECRETARY,
        )
    )
    for unit_id, name, n in rows:
        yield Due(
            "TR-05",
            None,
            due,
            _("%(community)s: %(n)d of 2 projects declared for %(year)d", community=name, n=n, year=now.year),
            org_unit_id=unit_id,
        )


# ---------------------------------------------------------------- 专项经费 (§3.3, TR-08)


def ledger_totals(fund_id: int, exclude_id: int | None = None) -> Decimal:
    """Net spending of a fund from its entries: expenditures minus reversals."""
    from .models import FundExpenditure as E

    sign = sa.case((E.entry_type == FundEntryType.reversal, -E.amount), else_=E.amount)
    q = sa.select(sa.func.coalesce(sa.func.sum(sign), 0)).where(E.fund_id == fund_id, E.is_deleted.is_(False))
    if exclude_id is not None:
        q = q.where(E.id != exclude_id)
    with db.session.no_autoflush:
        return money(db.session.execute(q).scalar_one())


def committed_budgets(org_unit_id: int, year: int, project=None) -> Decimal:
    """Budgets of the approved (and later) projects of a community-year; `project` as it is being saved."""
    from .models import PartyProject

    q = sa.select(sa.func.coalesce(sa.func.sum(PartyProject.budget), 0)).where(
        PartyProject.is_deleted.is_(False),
        PartyProject.org_unit_id == org_unit_id,
        PartyProject.year == year,
        PartyProject.status.in_(COMMITTED_STATES),
    )
    if project is not None and project.id is not None:
        q = q.where(PartyProject.id != project.id)
    with db.session.no_autoflush:
        total = money(db.session.execute(q).scalar_one())
    if project is not None and project.status in COMMITTED_STATES and project.budget:
        total += money(project.budget)
    return total


def fund_for(org_unit_id: int, year: int, lock: bool = False):
    from .models import ServiceFund

    q = sa.select(ServiceFund).where(
        ServiceFund.org_unit_id == org_unit_id, ServiceFund.year == year, ServiceFund.is_deleted.is_(False)
    )
    if lock:
        q = q.with_for_update().execution_options(populate_existing=True)
    with db.session.no_autoflush:
        return db.session.execute(q).scalar_one_or_none()


def refresh_fund_commitments(org_unit_id: int, year: int, project=None):
    fund = fund_for(org_unit_id, year)
    if fund is not None:
        committed = committed_budgets(org_unit_id, year, project)
        if fund.committed_amount != committed:
            fund.committed_amount = committed
    return fund


def check_service_fund(f) -> None:
    _require_community(f, "org_unit")
    if f.allocated_amount is None:
        f.allocated_amount = fund_allocation()
    f.allocated_amount = money(f.allocated_amount)
    if f.allocated_amount < 0:
        raise RuleViolation({"allocated_amount": _("The allocation cannot be negative.")})
    spent = ledger_totals(f.id) if f.id else Decimal("0.00")
    if spent > f.allocated_amount:
        raise RuleViolation(
            {
                "allocated_amount": _(
                    "%(spent)s yuan have already been spent from this fund; the allocation cannot be lower.",
                    spent=yuan(spent),
                )
            }
        )
    f.spent_amount = spent
    f.committed_amount = committed_budgets(f.org_unit_id or f.org_unit.id, f.year)
    f.balance = f.allocated_amount - spent


def check_fund_expenditure(e) -> list[str]:
    """The ceiling holds under concurrency: the fund row is locked (SELECT … FOR UPDATE) before the
    ledger is summed, so a second expenditure on the same fund waits for the first to commit."""
    from .models import FundExpenditure, ServiceFund

    if _changed(e, "fund", "amount", "entry_type", "reversal_of"):
        raise RuleViolation({"amount": _("A booked entry is not changed: correct it with a reversal entry.")})
    fund_id = e.fund_id or (e.fund.id if e.fund is not None else None)
    if fund_id is None:
        raise RuleViolation({"fund": _("Choose the fund.")})
    with db.session.no_autoflush:
        fund = db.session.execute(
            sa.select(ServiceFund)
            .where(ServiceFund.id == fund_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
    e.fund = fund
    e.org_unit_id, e.org_unit = fund.org_unit_id, fund.org_unit
    if e.amount is None or money(e.amount) <= 0:
        raise RuleViolation({"amount": _("The amount must be more than zero.")})
    e.amount = money(e.amount)
    if e.spent_on is not None and e.spent_on.year != fund.year:
        raise RuleViolation({"spent_on": _("The date must fall within the fund's year (%(year)s).", year=fund.year)})
    if e.party_project is not None and (
        e.party_project.org_unit_id != fund.org_unit_id or e.party_project.year != fund.year
    ):
        raise RuleViolation({"party_project": _("The project must be of the fund's community and year.")})
    if e.entry_type == FundEntryType.reversal:
        orig = e.reversal_of
        if orig is None or orig.fund_id != fund.id or orig.entry_type != FundEntryType.expenditure:
            raise RuleViolation({"reversal_of": _("A reversal names the expenditure of this fund it corrects.")})
        with db.session.no_autoflush:
            q = sa.select(sa.func.coalesce(sa.func.sum(FundExpenditure.amount), 0)).where(
                FundExpenditure.reversal_of_id == orig.id, FundExpenditure.is_deleted.is_(False)
            )
            if e.id is not None:
                q = q.where(FundExpenditure.id != e.id)
            reversed_before = money(db.session.execute(q).scalar_one())
        if reversed_before + e.amount > orig.amount:
            raise RuleViolation(
                {
                    "amount": _(
                        "Only %(left)s yuan of that expenditure are left to reverse.",
                        left=yuan(orig.amount - reversed_before),
                    )
                }
            )
        delta = -e.amount
    else:
        if e.reversal_of is not None:
            raise RuleViolation({"reversal_of": _("Only a reversal entry names an original entry.")})
        delta = e.amount
    before = ledger_totals(fund.id, exclude_id=e.id)
    after = before + delta
    if after > fund.allocated_amount:
        raise RuleViolation(
            {
                "amount": _(
                    "Not enough money left in the %(year)s fund of %(community)s: %(left)s yuan remain, this entry is "
                    "%(amount)s yuan.",
                    year=fund.year,
                    community=fund.org_unit,
                    left=yuan(fund.allocated_amount - before),
                    amount=yuan(e.amount),
                )
            }
        )
    fund.spent_amount = after
    fund.balance = fund.allocated_amount - after
    fund.committed_amount = committed_budgets(fund.org_unit_id, fund.year)
    warnings = []
    if fund.committed_amount + after > fund.allocated_amount:
        warnings.append(
            _(
                "Approved project budgets and spending (%(total)s yuan) exceed this year's fund of %(allocated)s yuan.",
                total=yuan(fund.committed_amount + after),
                allocated=yuan(fund.allocated_amount),
            )
        )
    return warnings


def balance_rows(year: int | None, cond=None):
    """Per community and year: allocated, committed, spent, remaining, % used — from the entries."""
    from .models import ServiceFund

    q = sa.select(ServiceFund).where(ServiceFund.is_deleted.is_(False))
    if year:
        q = q.where(ServiceFund.year == year)
    if cond is not None:
        q = q.where(cond)
    rows = []
    for f in db.session.execute(q.order_by(ServiceFund.year.desc(), ServiceFund.org_unit_id)).scalars():
        spent = ledger_totals(f.id)
        committed = committed_budgets(f.org_unit_id, f.year)
        allocated = money(f.allocated_amount)
        rows.append(
            {
                "fund": f,
                "community": str(f.org_unit),
                "year": f.year,
                "allocated": allocated,
                "committed": committed,
                "spent": spent,
                "remaining": allocated - spent,
                "percent_used": (spent * 100 / allocated).quantize(Decimal("0.1")) if allocated else Decimal(0),
                "overcommitted": committed + spent > allocated,
            }
        )
    return rows


# ---------------------------------------------------------------- 红色物业联盟 (§3.4)


SUMMARY_REMINDER = dt.timedelta(days=30)  # TR-09: reminded in the quarter's last month


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter of `day`: (first day, last day)."""
    first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return first, next_month(next_month(next_month(first))) - dt.timedelta(days=1)


def summaries_enabled() -> bool:
    """TR-09 is off unless DANGJIAN_TR09_ENABLED (domain §10.13: 「定期」 has no period in the source)."""
    return bool(has_app_context() and current_app.config.get("DANGJIAN_TR09_ENABLED"))


def alliances_without_summary(now: dt.datetime):
    """TR-09 (inferred, §3.4, §10.13): each active alliance writes one 方法经验总结 (alliance_record of
    kind experience) per calendar quarter — a reminder in the quarter's last month, never escalated
    (fixed stage 提醒), dropped when the quarter ends. An alliance counts from the first quarter that
    begins after it was established. Irregular: a missing record per period."""
    if not summaries_enabled():
        return
    from app.core.timerules import REMINDER

    from .enums import AllianceRecordKind, AllianceStatus
    from .models import AllianceRecord, RedPropertyAlliance

    first, last = quarter_of(now.date())
    due = dt.datetime.combine(last, dt.time(23, 59, 59))
    if not due - SUMMARY_REMINDER <= now <= due:
        return
    written = sa.select(AllianceRecord.alliance_id).where(
        AllianceRecord.is_deleted.is_(False),
        AllianceRecord.alliance_id.is_not(None),
        AllianceRecord.kind == AllianceRecordKind.experience,
        AllianceRecord.record_date.between(first, last),
    )
    rows = db.session.execute(
        sa.select(RedPropertyAlliance.id, RedPropertyAlliance.name, RedPropertyAlliance.lead_person_id).where(
            RedPropertyAlliance.is_deleted.is_(False),
            RedPropertyAlliance.status == AllianceStatus.active,
            sa.or_(RedPropertyAlliance.established_on.is_(None), RedPropertyAlliance.established_on < first),
            RedPropertyAlliance.id.not_in(written),
        )
    )
    quarter = (first.month - 1) // 3 + 1
    for alliance_id, name, lead_id in rows:
        title = _(
            "%(alliance)s: experience summary of %(year)s Q%(quarter)s", alliance=name, year=first.year, quarter=quarter
        )
        yield Due("TR-09", alliance_id, due, title, lead_id, stage=REMINDER)


def check_alliance(a) -> None:
    _anchor(a, a.compound, "compound", _("Choose the compound."))


def check_alliance_member(m) -> None:
    _anchor(m, m.alliance, "alliance", _("Choose the alliance."))


def check_alliance_record(r) -> None:
    if r.alliance is not None:
        _anchor(r, r.alliance, "alliance", "")
    elif r.org_unit is None and r.org_unit_id is None:
        raise RuleViolation({"org_unit": _("Choose the alliance, or the unit for a street-wide record.")})


def check_property_issue(i) -> None:
    _anchor(i, i.compound, "compound", _("Choose the compound."))
    if i.alliance is not None and i.alliance.compound_id != i.compound.id:
        raise RuleViolation({"alliance": _("The alliance must be the compound's.")})
    if i.handled_by is not None and i.alliance is not None and i.handled_by.alliance_id != i.alliance.id:
        raise RuleViolation({"handled_by": _("The handling member must belong to the alliance.")})
    if i.status in (IssueStatus.resolved, IssueStatus.closed) and not (i.result or "").strip():
        raise RuleViolation({"result": _("Record the result before the issue is resolved or closed.")})


def check_selection(s) -> None:
    _anchor(s, s.compound, "compound", _("Choose the compound."))
    check_order(s, "contract_start", "contract_end", _("The contract cannot end before it starts."))


# ---------------------------------------------------------------- 组团联社与“四个一” (§3.5)


def check_service_team(t) -> None:
    _require_community(t)


def check_service_group(g) -> None:
    from app.org.models import OrgUnit

    if g.team is None:
        raise RuleViolation({"team": _("Choose the team.")})
    grid = g.org_unit or db.session.get(OrgUnit, g.org_unit_id)
    if grid is None or grid.unit_type != OrgUnitType.grid or grid.parent_id != g.team.org_unit_id:
        raise RuleViolation({"org_unit": _("Choose a grid of the team's community (一组一网格).")})


def check_volunteer(v) -> None:
    if v.team is None:
        raise RuleViolation({"team": _("Choose the team.")})
    if v.group is not None and v.group.team_id != v.team.id:
        raise RuleViolation({"group": _("The grid group must belong to the volunteer's team.")})
    _anchor(v, v.group or v.team, "team", "")


def check_service_list_item(s) -> None:
    _anchor(s, s.group, "group", _("Choose the grid group."))
    if s.month is not None:
        s.month = month_start(s.month)
    if s.volunteer is not None and s.volunteer.team_id != s.group.team_id:
        raise RuleViolation({"volunteer": _("The member must belong to the group's team.")})
    if s.status == ServiceItemStatus.done and not (s.progress or s.effect):
        raise RuleViolation({"effect": _("Record the progress or effect of a finished item.")})


def check_tuesday_attendance(a) -> list[str]:
    _anchor(a, a.volunteer, "volunteer", _("Choose the member."))
    if a.activity_date is not None and a.activity_date.weekday() != TUESDAY:
        raise RuleViolation(
            {"activity_date": _("Team activities take place on Tuesdays (周二无会日): choose a Tuesday.")}
        )
    if a.tuesday_theme is not None and a.tuesday_theme.activity_date != a.activity_date:
        raise RuleViolation({"tuesday_theme": _("The theme must be of the same Tuesday.")})
    if not a.attended and not (a.absence_reason or "").strip():
        return [_("Record why the member did not take part.")]
    return []


def attendance_counts(volunteer_id: int, month: dt.date) -> tuple[int, int]:
    from .models import TuesdayAttendance as T

    days = tuesdays_of_month(month)
    with db.session.no_autoflush:
        attended = db.session.execute(
            sa.select(sa.func.count(T.id)).where(
                T.volunteer_id == volunteer_id, T.is_deleted.is_(False), T.attended.is_(True), T.activity_date.in_(days)
            )
        ).scalar_one()
    return len(days), attended


def check_monthly_check(c) -> None:
    """Saving a check through the register is the 团长's check: the four questions, who, when."""
    _anchor(c, c.volunteer, "volunteer", _("Choose the member."))
    c.month = month_start(c.month)
    c.tuesdays_total, c.tuesdays_attended = attendance_counts(c.volunteer.id, c.month)
    if c.attended_every_tuesday is None:
        c.attended_every_tuesday = c.tuesdays_attended >= c.tuesdays_total
    if not (c.progress_note or "").strip():
        raise RuleViolation({"progress_note": _("Describe how the member's service list is progressing.")})
    if c.executed_list is None:
        c.executed_list = False
    if c.list_updated is None:
        c.list_updated = False
    p = scope.principal()
    if c.checker_id is None and c.checker is None:
        c.checker_id = p.user_id if p else c.volunteer.team.team_leader_id
    if c.checked_at is None:
        c.checked_at = clock.now()


def open_month(month: dt.date) -> int:
    """Create the month's empty check rows for every active volunteer (idempotent). Returns how many."""
    from .models import MonthlyCheck, Volunteer

    month = month_start(month)
    have = set(db.session.execute(sa.select(MonthlyCheck.volunteer_id).where(MonthlyCheck.month == month)).scalars())
    made = 0
    for v in db.session.execute(
        sa.select(Volunteer).where(Volunteer.is_deleted.is_(False), Volunteer.status == VolunteerStatus.active)
    ).scalars():
        if v.id in have:
            continue
        total, attended = attendance_counts(v.id, month)
        db.session.add(
            MonthlyCheck(
                month=month,
                volunteer_id=v.id,
                org_unit_id=v.org_unit_id,
                tuesdays_total=total,
                tuesdays_attended=attended,
            )
        )
        made += 1
    db.session.commit()
    return made


def unchecked_months(now: dt.datetime):
    """TR-13: checks still empty once their month is over; due before the next 月例会日."""
    from .models import MonthlyCheck, ServiceTeam, Volunteer

    rows = db.session.execute(
        sa.select(MonthlyCheck.id, MonthlyCheck.month, Volunteer.full_name, ServiceTeam.team_leader_id)
        .join(Volunteer, MonthlyCheck.volunteer_id == Volunteer.id)
        .join(ServiceTeam, Volunteer.team_id == ServiceTeam.id)
        .where(
            MonthlyCheck.is_deleted.is_(False),
            MonthlyCheck.checked_at.is_(None),
            MonthlyCheck.month < month_start(now.date()),
        )
    )
    for row in rows:
        yield Due(
            "TR-13", row.id, monthly_check_due(row.month), f"{row.month:%Y-%m} {row.full_name}", row.team_leader_id
        )


def check_theme_activity(t) -> None:
    if t.activity_date is not None and t.activity_date.weekday() != TUESDAY:
        raise RuleViolation(
            {"activity_date": _("Team activities take place on Tuesdays (周二无会日): choose a Tuesday.")}
        )


def check_tuesday_theme(t) -> list[str]:
    _require_community(t)
    if t.activity_date is not None and t.activity_date.weekday() != TUESDAY:
        raise RuleViolation(
            {"activity_date": _("Team activities take place on Tuesdays (周二无会日): choose a Tuesday.")}
        )
    if t.team is not None and t.team.org_unit_id != (t.org_unit_id or t.org_unit.id):
        raise RuleViolation({"team": _("The team must be linked to this community.")})
    if t.theme_activity is not None:
        if t.theme_activity.activity_date != t.activity_date:
            raise RuleViolation({"theme_activity": _("The theme activity must be of the same Tuesday.")})
        if not (t.prescribed_actions or "").strip():
            t.prescribed_actions = t.theme_activity.prescribed_actions
    warnings = []
    if t.status in (ThemeStatus.set, ThemeStatus.done) and t.set_at is None:
        t.set_at = clock.now()
        if t.set_at > theme_deadline(t.activity_date):
            warnings.append(
                _("The theme was set after Monday 23:59 before the Tuesday (TR-14): it is recorded as late.")
            )
    if t.status == ThemeStatus.draft:
        t.set_at = None
    if t.status == ThemeStatus.done:
        if clock.today() < t.activity_date:
            raise RuleViolation({"status": _("A theme is marked carried out on or after its Tuesday.")})
        if not (t.summary or "").strip():
            raise RuleViolation({"summary": _("Summarise how the day went before marking it carried out.")})
    return warnings
