"""Factories for 大党建 rows the tests own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.core import clock
from app.extensions import db
from app.modules.dangjian.enums import ProjectStatus, VolunteerStatus, VolunteerType
from app.modules.dangjian.models import PartyProject, ServiceFund, ServiceGroup, ServiceTeam, Volunteer

from .. import factories as f


def project(
    year: int,
    title: str,
    *,
    community="荷花社区",
    secretary="sq1",
    liaison="leader",
    status=ProjectStatus.draft,
    budget=None,
) -> PartyProject:
    p = PartyProject(
        year=year,
        org_unit=f.org(community),
        secretary=f.user(secretary),
        liaison_leader=f.user(liaison),
        title=title,
        goal="目标：" + title,
        responsible_person=f.user(secretary),
        status=status,
        budget=Decimal(budget) if budget is not None else None,
        created_by_id=f.user(secretary).id,
    )
    db.session.add(p)
    db.session.commit()
    return p


def fund(year: int, community="荷花社区", allocated="150000.00") -> ServiceFund:
    row = ServiceFund(
        org_unit=f.org(community),
        year=year,
        allocated_amount=Decimal(allocated),
        spent_amount=Decimal(0),
        committed_amount=Decimal(0),
        balance=Decimal(allocated),
    )
    db.session.add(row)
    db.session.commit()
    return row


def team(name: str, community: str, leader: str) -> ServiceTeam:
    t = ServiceTeam(name=name, org_unit=f.org(community), team_leader=f.user(leader), is_active=True)
    db.session.add(t)
    db.session.commit()
    return t


def group(t: ServiceTeam, grid: str) -> ServiceGroup:
    g = ServiceGroup(team=t, org_unit=f.org(grid), name=grid + "测试小组")
    db.session.add(g)
    db.session.commit()
    return g


def volunteer(
    t: ServiceTeam, g: ServiceGroup | None, name: str, phone="13912345678", status=VolunteerStatus.active
) -> Volunteer:
    v = Volunteer(
        full_name=name,
        volunteer_type=VolunteerType.team_member,
        team=t,
        group=g,
        org_unit=(g or t).org_unit,
        phone=phone,
        status=status,
        joined_on=dt.date(2026, 1, 1),
    )
    db.session.add(v)
    db.session.commit()
    return v


class frozen:
    """with frozen(datetime): the clock stands still, and always starts again."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __enter__(self):
        clock.freeze(self.at)
        return self

    def __exit__(self, *exc):
        clock.reset()
