"""Factories for 大治理 rows owned by the tests: saved through the register rules."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import sqlalchemy as sa

from app.core import clock, registry, writes
from app.extensions import db
from app.modules.zhili import models as m
from app.modules.zhili.enums import PetitionCategory, PetitionChannel, PetitionGrade, PetitionStatus
from app.org.models import OrgUnit

from .. import factories as f

_seq = itertools.count(1)


def save(row):
    writes.run_rules(registry.for_model(type(row)), row)
    db.session.add(row)
    db.session.commit()
    return row


def other_grid_of(login: str) -> OrgUnit:
    u = f.user(login)
    return (
        db.session.execute(
            sa.select(OrgUnit).where(OrgUnit.parent_id == u.org_unit.parent_id, OrgUnit.id != u.org_unit_id)
        )
        .scalars()
        .first()
    )


def grid_of(login: str) -> OrgUnit:
    return f.user(login).org_unit


def first_grid(community: str) -> OrgUnit:
    c = f.org(community)
    return (
        db.session.execute(sa.select(OrgUnit).where(OrgUnit.parent_id == c.id).order_by(OrgUnit.sort_order))
        .scalars()
        .first()
    )


def case(
    org: OrgUnit,
    *,
    received_at=dt.datetime(2026, 11, 2, 9),
    status=PetitionStatus.registered,
    first_receiver="sq1",
    **kw,
) -> m.PetitionCase:
    row = m.PetitionCase(
        case_no=kw.pop("case_no", f"T-XF-{next(_seq):05d}-{id(kw) % 10000}"),
        channel=kw.pop("channel", PetitionChannel.visit),
        received_at=received_at,
        petitioner_name=kw.pop("petitioner_name", "王测试"),
        petitioner_phone=kw.pop("petitioner_phone", "13812345678"),
        petitioner_id_no=kw.pop("petitioner_id_no", "330802199001011232"),
        org_unit=org,
        category=kw.pop("category", PetitionCategory.neighbour),
        grade=kw.pop("grade", PetitionGrade.general),
        content=kw.pop("content", "测试信访内容"),
        first_receiver=f.user(first_receiver),
        status=status,
        **kw,
    )
    return save(row)


@pytest.fixture()
def frozen():
    """clock.freeze(...) for the test, unfrozen afterwards."""
    yield clock.freeze
    clock.reset()
