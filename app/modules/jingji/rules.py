"""Rules and time rules of 大经济 (domain §7; TR-38, hazard rectification, contract end)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _

from app.core import clock, scope
from app.core.rules import RuleViolation, check_order
from app.core.timerules import Due
from app.extensions import db
from app.modules.zhifa.rules import END_OF_DAY, at_street
from app.org.enums import OrgUnitType

from .enums import KeyProjectStatus

ACTIVE_PROJECT = (KeyProjectStatus.preparation, KeyProjectStatus.construction, KeyProjectStatus.stalled)
CONTRACT_WARNING_DAYS = 30  # warn 30 days before a provider's contract ends (inferred)


def check_key_project(item) -> None:
    at_street(item)
    check_order(item, "start_date", "planned_end", _("The end date cannot be before the start date."))
    if item.investment is not None and item.investment < 0:
        raise RuleViolation(_("The amount cannot be negative."), field="investment")


def check_key_project_progress(item) -> None:
    at_street(item)
    project = item.project
    if project is None and item.project_id is not None:
        from .models import KeyProject

        project = db.session.get(KeyProject, item.project_id)
    if project is not None:
        item.org_unit_id = project.org_unit_id  # a child row copies its parent's org unit


def review_due(last_review: dt.date) -> dt.datetime:
    """TR-38: a project is reviewed monthly: the next record is due one month after the last one."""
    return dt.datetime.combine(last_review + relativedelta(months=1), END_OF_DAY)


def stale_projects(now: dt.datetime):
    """TR-38: active projects without a progress record in the last month."""
    from .models import KeyProject, KeyProjectProgress

    last = (
        sa.select(KeyProjectProgress.project_id, sa.func.max(KeyProjectProgress.report_date).label("last"))
        .where(KeyProjectProgress.is_deleted.is_(False))
        .group_by(KeyProjectProgress.project_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(
            KeyProject.id,
            KeyProject.name,
            KeyProject.created_at,
            KeyProject.start_date,
            KeyProject.responsible_person_id,
            last.c.last,
        )
        .outerjoin(last, last.c.project_id == KeyProject.id)
        .where(KeyProject.is_deleted.is_(False), KeyProject.status.in_(ACTIVE_PROJECT))
    )
    for r in rows:
        since = r.last or r.created_at.date()
        due = review_due(since)
        if now >= due - dt.timedelta(days=3):
            yield Due("TR-38", r.id, due, r.name, r.responsible_person_id)


def check_safety_provider(item) -> None:
    at_street(item)
    check_order(item, "contract_start", "contract_end", _("The end date cannot be before the start date."))
    if item.fee is not None and item.fee < 0:
        raise RuleViolation(_("The amount cannot be negative."), field="fee")


def provider_for_unit(unit_id: int | None, on: dt.date):
    """The contract of the inspector's own firm in force on `on` (the newest one otherwise)."""
    from .models import SafetyProvider

    if not unit_id:
        return None
    rows = list(
        db.session.execute(
            sa.select(SafetyProvider)
            .where(SafetyProvider.is_deleted.is_(False), SafetyProvider.provider_id == unit_id)
            .order_by(SafetyProvider.contract_end.desc())
        ).scalars()
    )
    current = [r for r in rows if r.contract_start <= on <= r.contract_end]
    return (current or rows or [None])[0]


def check_safety_inspection(item) -> None:
    from app.org.models import OrgUnit

    if item.provider is None and item.provider_id is None:
        p = scope.principal()
        on = item.inspected_at.date() if item.inspected_at else clock.today()
        provider = provider_for_unit(p.unit_id if p else None, on)
        if provider is not None:
            item.provider = provider  # the relationship: a blank form field has set it to None
    if item.provider is None and item.provider_id is None:
        raise RuleViolation(_("Choose the safety service provider."), field="provider")
    org = (
        item.org_unit
        if item.org_unit is not None
        else (db.session.get(OrgUnit, item.org_unit_id) if item.org_unit_id else None)
    )
    if org is None or org.unit_type not in (OrgUnitType.community, OrgUnitType.village, OrgUnitType.grid):
        raise RuleViolation(_("An inspection takes place in a community or one of its grids."), field="org_unit")
    if item.hazard_count is None or item.hazard_count < 0:
        raise RuleViolation(_("The number of hazards cannot be negative."), field="hazard_count")
    if item.hazard_count > 0 and item.rectify_due is None:
        raise RuleViolation(_("Hazards were found: set the rectification deadline."), field="rectify_due")
    if item.inspected_at is not None and item.rectify_due is not None and item.rectify_due < item.inspected_at.date():
        raise RuleViolation(_("The rectification deadline cannot be before the inspection."), field="rectify_due")
    if item.rectified_at is not None and item.inspected_at is not None and item.rectified_at < item.inspected_at.date():
        raise RuleViolation(_("Rectification cannot be before the inspection."), field="rectified_at")


def hazard_due(rectify_due: dt.date) -> dt.datetime:
    return dt.datetime.combine(rectify_due, END_OF_DAY)


def ending_contracts(now: dt.datetime):
    """A provider's contract ending within 30 days (inferred), so it is renewed or re-tendered in time.
    Irregular: a warning that ends with the contract (a declared rule would stay overdue for ever)."""
    from .models import SafetyProvider

    rows = db.session.execute(
        sa.select(SafetyProvider.id, SafetyProvider.contract_no, SafetyProvider.contract_end).where(
            SafetyProvider.is_deleted.is_(False),
            SafetyProvider.contract_end >= now.date(),
            SafetyProvider.contract_end <= (now + dt.timedelta(days=CONTRACT_WARNING_DAYS)).date(),
        )
    )
    for r in rows:
        yield Due(
            "CONTRACT",
            r.id,
            dt.datetime.combine(r.contract_end, END_OF_DAY),
            _("Safety service contract %(no)s ends", no=r.contract_no or r.id),
        )


def check_assessment(item) -> None:
    from app.org.models import OrgUnit

    org = (
        item.org_unit
        if item.org_unit is not None
        else (db.session.get(OrgUnit, item.org_unit_id) if item.org_unit_id else None)
    )
    if org is None or org.unit_type not in (OrgUnitType.community, OrgUnitType.village):
        raise RuleViolation(_("The assessment is of a community."), field="org_unit")
    if item.score is not None and not (0 <= item.score <= 100):
        raise RuleViolation(_("The score is between 0 and 100."), field="score")
    if item.year is not None and not (2000 <= item.year <= clock.today().year + 1):
        raise RuleViolation(_("Not a plausible year."), field="year")


ASSESSMENT_REMINDER = dt.timedelta(days=31)  # TR-39: reminded from 1 December


def assessment_due(year: int) -> dt.datetime:
    """TR-39 (inferred, §7.2, §10.47): a community's assessment of `year` is recorded, with its
    平安社区 result, by the end of that year."""
    return dt.datetime(year, 12, 31, 23, 59, 59)


def assessments_due(now: dt.datetime):
    """TR-39: every community (社区/村) has one assessment a year with its result: last year's until
    it is recorded, this year's from a month before the year ends. A community without the row is
    reported as a missing row of that community; a row without its result, as that row.
    Irregular: a missing record per community and year."""
    from app.org.models import COMMUNITY_TYPES, OrgUnit

    from .models import CommunitySafetyAssessment as A

    years = [y for y in (now.year - 1, now.year) if now >= assessment_due(y) - ASSESSMENT_REMINDER]
    communities = db.session.execute(
        sa.select(OrgUnit.id, OrgUnit.name)
        .where(OrgUnit.is_deleted.is_(False), OrgUnit.unit_type.in_(COMMUNITY_TYPES))
        .order_by(OrgUnit.id)
    ).all()
    rows = {
        (r.org_unit_id, r.year): r
        for r in db.session.execute(
            sa.select(A.id, A.org_unit_id, A.year, A.result).where(A.is_deleted.is_(False), A.year.in_(years))
        )
    }
    for year in years:
        due = assessment_due(year)
        for unit_id, name in communities:
            row = rows.get((unit_id, year))
            if row is None:
                title = _("%(community)s: safety assessment %(year)s (not made yet)", community=name, year=year)
                yield Due("TR-39", None, due, title, org_unit_id=unit_id)
            elif row.result is None:
                yield Due(
                    "TR-39", row.id, due, _("%(community)s: safety assessment %(year)s", community=name, year=year)
                )
