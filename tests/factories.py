"""Small factories for rows the tests own (demo data stays untouched)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.common.enums import MeetingStatus, MeetingType
from app.common.models import Meeting
from app.extensions import db
from app.org.enums import Module, OrgUnitType
from app.org.models import AppUser, OrgUnit


def user(login: str) -> AppUser:
    return db.session.execute(sa.select(AppUser).where(AppUser.username == login)).scalar_one()


def org(name: str) -> OrgUnit:
    return db.session.execute(sa.select(OrgUnit).where(OrgUnit.name == name)).scalar_one()


def community_and_grids(name: str) -> set[int]:
    c = org(name)
    return {c.id} | set(db.session.execute(sa.select(OrgUnit.id).where(OrgUnit.parent_id == c.id)).scalars())


def street_ids() -> set[int]:
    return set(db.session.execute(sa.select(OrgUnit.id).where(OrgUnit.unit_type == OrgUnitType.street)).scalars())


def meeting(org_name: str, title: str, *, chair: str = "sq1", created_by: str | None = None, **kw) -> Meeting:
    m = Meeting(
        module=kw.pop("module", Module.dangjian),
        meeting_type=kw.pop("meeting_type", MeetingType.team_weekly),
        title=title,
        planned_start=kw.pop("planned_start", dt.datetime(2026, 12, 3, 9, 0)),
        chair=user(chair),
        status=kw.pop("status", MeetingStatus.planned),
        org_unit=org(org_name),
        **kw,
    )
    if created_by:
        m.created_by_id = user(created_by).id
    db.session.add(m)
    db.session.commit()
    return m
