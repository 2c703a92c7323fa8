"""督办预警: the page across every register with time rules, in scope; the sweep, once per stage."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import WorkItem
from app.core import clock
from app.escalation import engine
from app.escalation.models import EscalationRecord, EscalationStage
from app.modules.xietiao.enums import AssignmentStatus as AS
from app.modules.xietiao.enums import SupervisionListStatus as LS
from app.org.enums import Module

from ..conftest import ids_in_api, text
from ..factories import org, user
from . import factories as xf

ALL_DUE = "/escalation/?size=1000"  # the whole list (a page shows 100)


@pytest.fixture()
def frozen():
    yield lambda at: clock.freeze(at)
    clock.reset()


def _work_item(db, community, title, deadline):
    wi = WorkItem(
        module=Module.zhili,
        kind=WorkItemKind.other,
        title=title,
        org_unit=org(community),
        deadline=deadline,
        status=WorkItemStatus.todo,
        responsible_person=user("sq1"),
    )
    db.session.add(wi)
    db.session.commit()
    return wi


def test_the_page_lists_every_register_in_the_viewers_scope(db, clients, frozen):
    frozen(dt.datetime(2027, 4, 9, 10))
    mine = _work_item(db, "荷花社区", "预警页荷花任务", dt.date(2027, 4, 6))
    theirs = _work_item(db, "新村社区", "预警页新村任务", dt.date(2027, 4, 6))
    soon = xf.assignment(status=AS.assigned, deadline=dt.date(2027, 4, 11))
    page = text(clients("dcb").get(ALL_DUE))
    for row in (mine, theirs):
        assert f'href="/work_item/show/{row.id}"' in page
    assert f'href="/assignment_order/show/{soon.id}"' in page and "TR-20" in page and "剩余" in page
    # no April list by the 5th working day (TR-16): a missing row, linked to the list page
    assert "2027-04月度重点督查清单（尚未制定）" in page and 'href="/supervision_list/list/"' in page
    assert "督办预警（" in page and "label-danger" in page and "label-warning" in page
    sq1 = text(clients("sq1").get(ALL_DUE))
    assert f'href="/work_item/show/{mine.id}"' in sq1
    assert f'href="/work_item/show/{theirs.id}"' not in sq1
    assert f'href="/assignment_order/show/{soon.id}"' not in sq1 and "尚未制定" not in sq1
    # every role with G15 access opens it; the count is in the title
    assert clients("wg1").get("/escalation/").status_code == 200
    assert clients("vol1").get("/escalation/").status_code == 403


def test_a_list_issued_in_time_is_no_longer_due(db, clients, frozen):
    frozen(dt.datetime(2027, 8, 6, 9))  # August 2027: 2,3,4,5,6 → due on Friday the 6th
    assert "2027-08月度重点督查清单（尚未制定）" in text(clients("dcb").get(ALL_DUE))
    sl = xf.supervision_list(dt.date(2027, 8, 1))
    page = text(clients("dcb").get(ALL_DUE))
    assert "2027-08月度重点督查清单（尚未制定）" not in page
    assert f'href="/supervision_list/show/{sl.id}"' in page  # a draft is still due (TR-16)
    xf.item(sl)
    sl.status, sl.issued_at = LS.issued, dt.datetime(2027, 8, 6, 9)
    db.session.commit()
    assert f'href="/supervision_list/show/{sl.id}"' not in text(clients("dcb").get(ALL_DUE))
    # TR-18: from three days before the last working day (Tuesday 31 August) it is due for publication
    frozen(dt.datetime(2027, 8, 28, 23, 0))
    assert f'href="/supervision_list/show/{sl.id}"' not in text(clients("dcb").get(ALL_DUE))
    frozen(dt.datetime(2027, 8, 29, 9))
    page = text(clients("dcb").get(ALL_DUE))
    assert f'href="/supervision_list/show/{sl.id}"' in page and "TR-18" in page


def _records(db, key, row_id):
    db.session.expire_all()
    return (
        db.session.execute(
            sa.select(EscalationRecord)
            .where(EscalationRecord.register_key == key, EscalationRecord.row_id == row_id)
            .order_by(EscalationRecord.id)
        )
        .scalars()
        .all()
    )


def test_sweep_records_each_stage_once(db, app):
    clock.freeze(dt.datetime(2027, 9, 20, 9))  # written before its reminder starts, whatever the suite's today
    o = xf.assignment(status=AS.assigned, deadline=dt.date(2027, 9, 30))  # a Thursday, the last of the month
    assert not [r for r in _records(db, "assignment_order", o.id)]
    engine.sweep(dt.datetime(2027, 9, 26, 9))  # 3 days before: nothing
    assert _records(db, "assignment_order", o.id) == []
    first = engine.sweep(dt.datetime(2027, 9, 28, 9))
    again = engine.sweep(dt.datetime(2027, 9, 28, 9))
    recs = _records(db, "assignment_order", o.id)
    assert [(r.rule_code, r.stage) for r in recs] == [("TR-20", EscalationStage.reminder)]
    assert first["recorded"] >= 1 and again["recorded"] == 0 and again["resolved"] == 0
    assert recs[0].responsible_person_id == user("mk_zhili").id and recs[0].due_at == dt.datetime(
        2027, 9, 30, 23, 59, 59
    )
    assert recs[0].raised_at == dt.datetime(2027, 9, 28, 9)
    engine.sweep(dt.datetime(2027, 9, 30, 23, 59, 59))  # the last second of the deadline day: due now → 督办
    engine.sweep(dt.datetime(2027, 10, 1, 0, 0, 0))  # month boundary: the month of the deadline has ended → 通报
    engine.sweep(dt.datetime(2027, 10, 1, 0, 0, 0))
    stages = [r.stage for r in _records(db, "assignment_order", o.id)]
    assert stages == [EscalationStage.reminder, EscalationStage.supervision, EscalationStage.notice]
    # done: the write that closes the order resolves its records, in its own transaction, once
    clock.freeze(dt.datetime(2027, 10, 2, 9))
    o = xf.reload(type(o), o.id)
    o.status = AS.closed
    db.session.commit()
    recs = _records(db, "assignment_order", o.id)
    assert len(recs) == 3 and all(r.resolved_at == dt.datetime(2027, 10, 2, 9) for r in recs)
    engine.sweep(dt.datetime(2027, 10, 2, 10))  # nothing left for the sweep to do on this row
    after = _records(db, "assignment_order", o.id)
    assert [(r.id, r.resolved_at) for r in after] == [(r.id, r.resolved_at) for r in recs]


def test_the_database_refuses_a_second_record_of_the_same_stage(db):
    rec = dict(
        register_key="work_item",
        row_id=999001,
        rule_code="WI",
        stage=EscalationStage.reminder,
        due_at=dt.datetime(2027, 1, 1),
        raised_at=dt.datetime(2027, 1, 1),
        org_unit=org("荷花街道"),
    )
    db.session.add(EscalationRecord(**rec))
    db.session.commit()
    db.session.add(EscalationRecord(**rec))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_cli_sweep_is_idempotent_and_records_every_register(db, app):
    wi = _work_item(db, "荷花社区", "命令行扫描任务", dt.date(2027, 11, 3))
    runner = app.test_cli_runner()
    out1 = runner.invoke(args=["escalate", "--at", "2027-11-04T09:00"])
    out2 = runner.invoke(args=["escalate", "--at", "2027-11-04T09:00"])
    assert out1.exit_code == 0 and "newly recorded" in out1.output
    assert "newly recorded: 0" in out2.output
    recs = _records(db, "work_item", wi.id)
    assert [(r.rule_code, r.stage) for r in recs] == [("WI", EscalationStage.supervision)]
    assert recs[0].org_unit_id == org("荷花社区").id


def test_escalation_records_follow_the_rows_scope(db, clients):
    mine = _work_item(db, "荷花社区", "记录范围荷花任务", dt.date(2027, 12, 1))
    theirs = _work_item(db, "新村社区", "记录范围新村任务", dt.date(2027, 12, 1))
    engine.sweep(dt.datetime(2027, 12, 2, 9))
    a = _records(db, "work_item", mine.id)[0].id
    b = _records(db, "work_item", theirs.id)[0].id
    assert a in ids_in_api(clients("sq1"), "escalation_record") and b not in ids_in_api(
        clients("sq1"), "escalation_record"
    )
    assert b in ids_in_api(clients("sq2"), "escalation_record")
    assert {a, b} <= ids_in_api(clients("leader"), "escalation_record")
    assert clients("sq2").get(f"/escalation_record/show/{a}").status_code == 404
    # dcb writes the handling note; nobody enters records by hand
    r = clients("dcb").api("POST", "/api/v1/escalation_record/", json={"note": "手工", "org_unit": org("荷花街道").id})
    assert r.status_code == 422
