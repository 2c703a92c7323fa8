"""催办 / 督办 / 销号 on a due: allowed and refused by role (403), by state (409), by input (422),
out of scope (404), CSRF-protected, audited; 督办 keeps its new deadline and 销号 keeps the item
closed when the row is saved again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

from app.common.models import Attachment, AuditLog, WorkItem
from app.core import clock, registry
from app.dues import ledger
from app.dues.models import CLOSED_BY_HAND, DueAction, DueItem
from app.escalation.models import EscalationRecord, EscalationStage
from app.modules.xietiao.enums import AssignmentStatus as AS
from app.modules.xietiao.enums import SupervisionListStatus as LS
from app.modules.xietiao.models import SupervisionOrder
from app.org.enums import Module

from ..conftest import text
from ..factories import user
from ..xietiao import factories as xf
from .common import T0, due_of, work_item

END = dt.time(23, 59, 59)


@pytest.fixture(autouse=True)
def frozen(db):
    clock.freeze(T0)
    yield
    clock.reset()


def _post(client, item_id, kind, **data):
    form = {k: v for k, v in data.items()}
    kw = {"content_type": "multipart/form-data"} if "file" in form else {}
    return client.post_form(f"/escalation/item/{item_id}/{kind}", form, form_url="/resetmypassword/form", **kw)


def _item(db, item_id) -> DueItem:
    db.session.expire_all()
    return db.session.get(DueItem, item_id)


def _actions(db, item_id, kind=None):
    db.session.expire_all()
    q = sa.select(DueAction).where(DueAction.due_item_id == item_id)
    if kind:
        q = q.where(DueAction.kind == kind)
    return db.session.execute(q.order_by(DueAction.id)).scalars().all()


def _audits(db, action, row_id):
    db.session.expire_all()
    return (
        db.session.execute(
            sa.select(AuditLog).where(AuditLog.action == action, AuditLog.row_id == row_id).order_by(AuditLog.id)
        )
        .scalars()
        .all()
    )


def test_urge_by_role_counted_on_the_item_and_audited(db, clients):
    wi = work_item("荷花社区", "ESC催办任务", T0.date() - dt.timedelta(days=1), module=Module.zhili, owner="sq1")
    item = due_of("work_item", wi.id)
    for login in ("sq1", "admin", "sqgz1"):  # in scope, but not a role that urges
        r = _post(clients(login), item.id, "urge")
        assert r.status_code == 403, login
    assert "只有综合督考办、街道领导或本模块负责人可以催办" in text(_post(clients("sq1"), item.id, "urge"))
    assert _item(db, item.id).urged_count == 0 and _actions(db, item.id) == []
    # a module head of another module does not even see the item; another community neither
    assert _post(clients("mk_dangjian"), item.id, "urge").status_code == 404
    assert _post(clients("sq2"), item.id, "urge").status_code == 404
    assert clients("sq2").get(f"/escalation/item/{item.id}").status_code == 404
    assert clients("dcb").get("/escalation/item/99999999").status_code == 404
    # no access to escalations at all (a volunteer): 403 before any lookup
    assert clients("vol1").get(f"/escalation/item/{item.id}").status_code == 403
    assert _post(clients("vol1"), item.id, "urge").status_code == 403
    # without the CSRF token: refused before anything happens
    assert clients("dcb").post(f"/escalation/item/{item.id}/urge").status_code == 400
    # the module's head urges; back to the list it came from
    r = _post(clients("mk_zhili"), item.id, "urge", note="请尽快办理", next="/escalation/?module=zhili")
    assert r.status_code == 302 and r.headers["Location"].endswith("/escalation/?module=zhili")
    got = _item(db, item.id)
    assert got.urged_count == 1 and got.last_urged_at == T0
    # a second 催办 within minutes is a double click
    assert _post(clients("dcb"), item.id, "urge").status_code == 409
    clock.freeze(T0 + dt.timedelta(hours=1))
    r = _post(clients("leader"), item.id, "urge", next="https://evil.example/")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/escalation/item/{item.id}")
    got = _item(db, item.id)
    assert got.urged_count == 2 and got.last_urged_at == T0 + dt.timedelta(hours=1)
    acts = _actions(db, item.id, "urge")
    assert [(a.user_id, a.note) for a in acts] == [(user("mk_zhili").id, "请尽快办理"), (user("leader").id, None)]
    audits = _audits(db, "due_urge", wi.id)
    assert [a.user_id for a in audits] == [user("mk_zhili").id, user("leader").id]
    assert audits[0].register_key == "work_item" and json.loads(audits[0].diff)["due_item"] == item.id
    # the list shows the count; the owner's item page shows who urged
    page = text(clients("sq1").get(f"/escalation/item/{item.id}"))
    assert 'data-kind="urge"' in page and "请尽快办理" in page and 'id="form-urge"' not in page


def test_a_module_head_urges_only_their_modules_items(db, clients):
    o = xf.assignment(status=AS.assigned, deadline=T0.date() + dt.timedelta(days=1))  # addressed to mk_zhili
    item = due_of("assignment_order", o.id)
    assert item.module == "xietiao"
    assert clients("mk_zhili").get(f"/escalation/item/{item.id}").status_code == 200  # their own record
    assert _post(clients("mk_zhili"), item.id, "urge").status_code == 403
    assert _post(clients("dcb"), item.id, "urge").status_code == 302


def test_escalate_writes_the_record_and_the_ledger_keeps_the_new_deadline(db, clients):
    wi = work_item("荷花社区", "ESC督办任务", T0.date() - dt.timedelta(days=3), module=Module.zhili, owner="sq1")
    item = due_of("work_item", wi.id)
    assert item.stage == "supervision"
    new = T0.date() + dt.timedelta(days=10)
    for login in ("leader", "sq1", "mk_zhili", "admin"):
        assert _post(clients(login), item.id, "escalate", note="限期", deadline=new.isoformat()).status_code == 403
    dcb = clients("dcb")
    assert _post(dcb, item.id, "escalate", note="", deadline=new.isoformat()).status_code == 422
    assert _post(dcb, item.id, "escalate", note="限期", deadline="明天").status_code == 422
    assert _post(dcb, item.id, "escalate", note="限期", deadline="2027-05-01").status_code == 422
    assert _post(dcb, item.id, "escalate", note="限期", deadline="2029-05-01").status_code == 422
    assert _post(dcb, item.id, "escalate", note="限期", deadline="").status_code == 422
    assert _item(db, item.id).extended_to is None and _actions(db, item.id) == []
    r = _post(dcb, item.id, "escalate", note="限期整改并报告", deadline=new.isoformat())
    assert r.status_code == 302
    got = _item(db, item.id)
    deadline = dt.datetime.combine(new, END)
    assert got.extended_to == deadline and got.due_at == deadline and got.remind_at <= T0
    assert got.stage == "reminder" and got.notice_at == dt.datetime(2027, 6, 1)
    act = _actions(db, item.id, "escalate")[0]
    assert act.new_deadline == deadline and act.note == "限期整改并报告" and act.user_id == user("dcb").id
    rec = db.session.execute(
        sa.select(EscalationRecord).where(
            EscalationRecord.register_key == "work_item",
            EscalationRecord.row_id == wi.id,
            EscalationRecord.stage == EscalationStage.supervision,
        )
    ).scalar_one()
    assert "限期整改并报告" in rec.note and new.isoformat() in rec.note
    assert json.loads(_audits(db, "due_escalate", wi.id)[0].diff)["new_deadline"] == deadline.isoformat()
    # the row saved again: its due is recomputed, the new deadline stays
    clock.freeze(T0 + dt.timedelta(hours=2))
    row = db.session.get(WorkItem, wi.id)
    row.title = "ESC督办任务（已督办）"
    db.session.commit()
    got = due_of("work_item", wi.id)
    assert got.id == item.id and got.due_at == deadline and got.title == "ESC督办任务（已督办）"
    ledger.sweep(T0 + dt.timedelta(days=1))
    assert due_of("work_item", wi.id).due_at == deadline
    # the ledger's own check agrees: an extended deadline is not a drift from the row
    assert not [d for d in ledger.drift(T0 + dt.timedelta(days=1)) if d.startswith(f"work_item#{wi.id} ")]


def test_escalating_a_supervision_item_issues_its_supervision_order(db, clients):
    sl = xf.supervision_list(dt.date(2027, 5, 1), status=LS.issued, issued_at=dt.datetime(2027, 5, 6, 9))
    it = xf.item(sl, title="ESC督办督查事项", deadline=T0.date() - dt.timedelta(days=2))
    item = due_of("supervision_item", it.id)
    assert item is not None and item.rule_code == "TR-17"
    new = T0.date() + dt.timedelta(days=5)
    r = _post(clients("dcb"), item.id, "escalate", note="本周内完成并反馈", deadline=new.isoformat())
    assert r.status_code == 302
    order = db.session.execute(
        sa.select(SupervisionOrder).where(SupervisionOrder.supervision_item_id == it.id)
    ).scalar_one()
    assert order.requirement == "本周内完成并反馈" and order.reply_deadline == new
    assert order.to_person_id == user("mk_zhili").id and order.issued_by_id == user("dcb").id
    assert order.org_unit_id == it.org_unit_id
    assert _item(db, item.id).extended_to == dt.datetime.combine(new, END)
    # one open order per item: a second 督办 is refused, nothing changes
    r = _post(clients("dcb"), item.id, "escalate", note="再督办", deadline=new.isoformat())
    assert r.status_code == 409 and "已有未销号的督办单" in text(r)
    assert len(_actions(db, item.id, "escalate")) == 1
    assert (
        db.session.execute(sa.select(sa.func.count()).where(SupervisionOrder.supervision_item_id == it.id)).scalar()
        == 1
    )


def _evidence(name="现场照片.png", data=b"\x89PNG evidence"):
    return (io.BytesIO(data), name)


def test_close_with_evidence_keeps_the_item_closed_after_the_row_is_saved(db, clients):
    wi = work_item("荷花社区第1网格", "ESC销号任务", T0.date() - dt.timedelta(days=2), module=Module.zhili, owner="wg1")
    item = due_of("work_item", wi.id)
    for login in ("leader", "sq1", "mk_zhili"):
        assert _post(clients(login), item.id, "close", note="已办").status_code == 403, login
    dcb = clients("dcb")
    assert _post(dcb, item.id, "close", note="  ").status_code == 422
    r = _post(dcb, item.id, "close", note="已办", file=_evidence("病毒.exe", b"MZ"))
    assert r.status_code == 422 and _item(db, item.id).resolved_at is None
    r = _post(dcb, item.id, "close", note="现场核实已整改", file=_evidence())
    assert r.status_code == 302
    got = _item(db, item.id)
    assert got.resolved_at == T0 and got.resolution == CLOSED_BY_HAND
    act = _actions(db, item.id, "close")[0]
    att = db.session.get(Attachment, act.attachment_id)
    assert att.register_key == "due_item" and att.row_id == item.id and att.file_name == "现场照片.png"
    assert json.loads(_audits(db, "due_close", wi.id)[0].diff)["attachment"] == att.id
    recs = (
        db.session.execute(
            sa.select(EscalationRecord).where(
                EscalationRecord.register_key == "work_item", EscalationRecord.row_id == wi.id
            )
        )
        .scalars()
        .all()
    )
    recs = [r for r in recs if r.raised_at >= T0]  # this row's (SQLite may reuse a hard-deleted row's id)
    assert recs and all(r.resolved_at == T0 for r in recs)
    # the evidence: through the item's scope
    url = f"/escalation/item/{item.id}/evidence/{att.id}"
    assert dcb.get(url).data == b"\x89PNG evidence"
    assert clients("sq1").get(url).status_code == 200  # 荷花社区's grid
    assert clients("sq2").get(url).status_code == 404
    assert dcb.get(f"/escalation/item/{item.id}/evidence/{att.id + 100000}").status_code == 404
    page = text(dcb.get(f"/escalation/item/{item.id}"))
    assert 'data-resolved="y"' in page and "现场核实已整改" in page and 'id="form-close"' not in page
    # closed: no further action
    assert _post(dcb, item.id, "close", note="再销号").status_code == 409
    assert _post(dcb, item.id, "urge").status_code == 409
    assert _post(dcb, item.id, "escalate", note="x", deadline="2027-06-01").status_code == 409
    # the row saved again (still not done) and swept: the hand-closed due stays closed
    clock.freeze(T0 + dt.timedelta(hours=3))
    row = db.session.get(WorkItem, wi.id)
    row.content = "补充说明"
    db.session.commit()
    assert due_of("work_item", wi.id) is None
    ledger.sweep(T0 + dt.timedelta(days=1))
    assert due_of("work_item", wi.id) is None
    assert f'data-item="{item.id}"' not in text(dcb.get("/escalation/?register=work_item&size=500"))
    # a new deadline is a new due
    row = db.session.get(WorkItem, wi.id)
    row.deadline = T0.date() + dt.timedelta(days=1)
    db.session.commit()
    assert due_of("work_item", wi.id) is not None


def test_an_extended_item_closed_by_hand_stays_closed(db, clients):
    wi = work_item("荷花社区", "ESC延期后销号", T0.date() - dt.timedelta(days=1), module=Module.zhili, owner="sq1")
    item = due_of("work_item", wi.id)
    dcb = clients("dcb")
    assert _post(dcb, item.id, "escalate", note="延期", deadline="2027-05-20").status_code == 302
    assert _post(dcb, item.id, "close", note="已核实").status_code == 302
    got = _item(db, item.id)
    assert got.resolution == CLOSED_BY_HAND and got.extended_to == dt.datetime(2027, 5, 20, 23, 59, 59)
    row = db.session.get(WorkItem, wi.id)
    row.content = "保存一次"
    db.session.commit()
    assert due_of("work_item", wi.id) is None


def test_a_rule_without_manual_close_refuses_it(db, clients, monkeypatch):
    wi = work_item("荷花社区", "ESC不可销号", T0.date() - dt.timedelta(days=1), module=Module.zhili, owner="sq1")
    item = due_of("work_item", wi.id)
    reg = registry.get("work_item")
    monkeypatch.setattr(reg, "time_rules", tuple(dataclasses.replace(r, manual_close=False) for r in reg.time_rules))
    r = _post(clients("dcb"), item.id, "close", note="已办")
    assert r.status_code == 409 and "不能手工销号" in text(r)
    assert _item(db, item.id).resolved_at is None
    page = text(clients("dcb").get(f"/escalation/item/{item.id}"))
    assert 'id="form-close"' not in page and 'id="form-escalate"' in page


def test_the_list_offers_the_actions_by_role(db, clients):
    wi = work_item("荷花社区", "ESC按钮任务", T0.date() - dt.timedelta(days=1), module=Module.zhili, owner="sq1")
    item = due_of("work_item", wi.id)
    query = "/escalation/?register=work_item&size=500"
    dcb_page = text(clients("dcb").get(query))
    row = dcb_page.split(f'data-item="{item.id}"', 1)[1].split("</tr>", 1)[0]
    assert "escalation-urge" in row and f"/escalation/item/{item.id}" in row
    sq1_page = text(clients("sq1").get(query))
    row = sq1_page.split(f'data-item="{item.id}"', 1)[1].split("</tr>", 1)[0]
    assert "escalation-urge" not in row and f"/escalation/item/{item.id}" in row
    page = text(clients("dcb").get(f"/escalation/item/{item.id}"))
    assert all(f'id="form-{k}"' in page for k in ("urge", "escalate", "close"))
    page = text(clients("sq1").get(f"/escalation/item/{item.id}"))
    assert not any(f'id="form-{k}"' in page for k in ("urge", "escalate", "close"))
