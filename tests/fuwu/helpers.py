"""Factories for 大服务 rows the tests own."""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from app.extensions import db
from app.modules.fuwu.enums import CaseStatus, ErrandChannel, ErrandStatus, MaterialCheck, Urgency, WindowType
from app.modules.fuwu.models import ErrandRequest, ServiceCase, ServiceMatter, ServicePledge, ServiceWindow

from .. import factories as f

_seq = itertools.count(1)


def errand(org_name: str, *, runner: str | None = None, status=ErrandStatus.received, **kw) -> ErrandRequest:
    n = next(_seq)
    r = ErrandRequest(
        request_no=kw.pop("request_no", f"T-DB-{n:05d}"),
        channel=kw.pop("channel", ErrandChannel.hotline),
        received_at=kw.pop("received_at", dt.datetime(2026, 11, 2, 9, 0)),
        applicant_name=kw.pop("applicant_name", "测试居民"),
        applicant_phone=kw.pop("applicant_phone", "13900001111"),
        applicant_id_no=kw.pop("applicant_id_no", "330802199001011232"),
        description=kw.pop("description", "代办老年人优待证"),
        urgency=kw.pop("urgency", Urgency.normal),
        runner=f.user(runner) if runner else None,
        status=status,
        org_unit=f.org(org_name),
        **kw,
    )
    db.session.add(r)
    db.session.commit()
    return r


def matter(name="测试事项", **kw) -> ServiceMatter:
    m = ServiceMatter(name=f"{name}{next(_seq)}", max_one_visit=True, is_active=True, org_unit=f.org("荷花街道"), **kw)
    db.session.add(m)
    db.session.commit()
    return m


def window(number=None, window_type=WindowType.undifferentiated) -> ServiceWindow:
    w = ServiceWindow(
        number=number or f"T{next(_seq)}号", window_type=window_type, is_open=True, org_unit=f.org("荷花街道")
    )
    db.session.add(w)
    db.session.commit()
    return w


def case(*, matter_row=None, window_row=None, status=CaseStatus.received, **kw) -> ServiceCase:
    c = ServiceCase(
        case_no=kw.pop("case_no", f"T-YC-{next(_seq):05d}"),
        matter=matter_row or matter(),
        window=window_row or window(),
        applicant_name=kw.pop("applicant_name", "办事群众"),
        applicant_phone=kw.pop("applicant_phone", "13700002222"),
        applicant_id_no=kw.pop("applicant_id_no", "330802198502021119"),
        received_by=f.user("ck1"),
        received_at=kw.pop("received_at", dt.datetime(2026, 11, 3, 9, 0)),
        material_check=kw.pop("material_check", MaterialCheck.complete),
        status=status,
        org_unit=f.org("荷花街道"),
        **kw,
    )
    db.session.add(c)
    db.session.commit()
    return c


def pledge(who="ck1", *, due=dt.date(2026, 11, 20), kept=False, org_name="荷花街道") -> ServicePledge:
    p = ServicePledge(
        pledger=f.user(who),
        content="测试承诺：窗口午间不断档",
        made_on=due - dt.timedelta(days=10),
        due_date=due,
        is_kept=kept,
        org_unit=f.org(org_name),
    )
    db.session.add(p)
    db.session.commit()
    return p


def count(model, *where) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar()
