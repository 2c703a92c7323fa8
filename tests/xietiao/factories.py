"""Rows the 大协调 tests own (months far from the demo data's, so nothing collides — and where the
suite's clock (JIEDAO_TEST_TODAY) stands in such a month, the demo's list of it gives way)."""

from __future__ import annotations

import datetime as dt
import itertools

from app.extensions import db
from app.modules.xietiao.enums import AssignmentStatus as AS
from app.modules.xietiao.enums import SourceChannel, TypicalPolarity, TypicalStatus, TypicalSubject
from app.modules.xietiao.enums import SupervisionItemStatus as IS
from app.modules.xietiao.enums import SupervisionListStatus as LS
from app.modules.xietiao.models import AssignmentOrder, SupervisionItem, SupervisionList, TypicalCase
from app.org.enums import Module
from app.org.models import Unit

from ..factories import org, user

_n = itertools.count(1)


def _clear_month(month: dt.date) -> None:
    """The demo makes last month's and this month's lists (unique per month): a test's month is its own."""
    import sqlalchemy as sa

    from app.modules.xietiao.models import SupervisionOrder

    ids = sa.select(SupervisionList.id).where(SupervisionList.month == month).scalar_subquery()
    items = sa.select(SupervisionItem.id).where(SupervisionItem.supervision_list_id.in_(ids)).scalar_subquery()
    db.session.execute(sa.delete(SupervisionOrder).where(SupervisionOrder.supervision_item_id.in_(items)))
    db.session.execute(sa.delete(SupervisionItem).where(SupervisionItem.supervision_list_id.in_(ids)))
    db.session.execute(sa.delete(SupervisionList).where(SupervisionList.month == month))


def supervision_list(month: dt.date, status=LS.draft, **kw) -> SupervisionList:
    _clear_month(month)
    sl = SupervisionList(
        month=month,
        title=f"{month:%Y年%m月}测试督查清单",
        made_by=user("dcb"),
        status=status,
        org_unit=org("荷花街道"),
        **kw,
    )
    db.session.add(sl)
    db.session.commit()
    return sl


def item(
    sl, title="测试督查事项", person="mk_zhili", deadline=None, pct=0, status=IS.on_track, **kw
) -> SupervisionItem:
    it = SupervisionItem(
        supervision_list=sl,
        title=title,
        module=Module.zhili,
        responsible_person=user(person),
        deadline=deadline or sl.month.replace(day=25),
        progress_percent=pct,
        status=status,
        org_unit=org("荷花街道"),
        **kw,
    )
    db.session.add(it)
    db.session.commit()
    return it


def assignment(
    status=AS.drafting, head="mk_zhili", deadline=dt.date(2027, 6, 30), lead="leader", **kw
) -> AssignmentOrder:
    n = next(_n)
    o = AssignmentOrder(
        order_no=f"测试交办〔2027〕{n:04d}",
        source_channel=SourceChannel.document_exchange,
        source_dept=db.session.query(Unit).first(),
        received_at=dt.datetime(2027, 6, 1, 9),
        title=f"测试交办事项{n}",
        content="按要求落实",
        lead_leader=user(lead),
        assigned_module=Module.zhili,
        module_head=user(head),
        deadline=deadline,
        status=status,
        org_unit=org("荷花街道"),
        **kw,
    )
    db.session.add(o)
    db.session.commit()
    return o


def typical(
    case_date, polarity=TypicalPolarity.positive, cadre="mk_zhili", status=TypicalStatus.nominated, unit=None, **kw
) -> TypicalCase:
    c = TypicalCase(
        period_label=f"{case_date.year}年测试期",
        case_date=case_date,
        polarity=polarity,
        subject_kind=TypicalSubject.cadre,
        cadre=user(cadre),
        description="测试事迹",
        nominated_by=user("dcb"),
        status=status,
        unit=unit,
        org_unit=org("荷花街道"),
        **kw,
    )
    db.session.add(c)
    db.session.commit()
    return c


def reload(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def step(client, key, model, row_id, name, **fields):
    """Take a workflow step through the API with the version just read."""
    row = reload(model, row_id)
    if fields:
        for k, v in fields.items():
            setattr(row, k, v)
        db.session.commit()
        row = reload(model, row_id)
    return client.api("POST", f"/api/v1/{key}/{row_id}/transition/{name}", json={"version": row.version})
