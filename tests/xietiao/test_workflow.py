"""Every 大协调 step, allowed for the role that owns it and refused for the others (domain §9.4)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.core import clock
from app.modules.xietiao.enums import AssignmentStatus as AS
from app.modules.xietiao.enums import OrderStatus as OS
from app.modules.xietiao.enums import SupervisionItemStatus as IS
from app.modules.xietiao.enums import SupervisionListStatus as LS
from app.modules.xietiao.enums import TypicalStatus as TS
from app.modules.xietiao.models import AssignmentOrder, SupervisionItem, SupervisionList, SupervisionOrder, TypicalCase

from ..conftest import text
from . import factories as xf


@pytest.fixture()
def frozen():
    yield lambda at: clock.freeze(at)
    clock.reset()


def _ao(client, row_id, name, **fields):
    return xf.step(client, "assignment_order", AssignmentOrder, row_id, name, **fields)


def test_assignment_order_runs_its_whole_course(db, clients, frozen):
    frozen(dt.datetime(2027, 6, 2, 9))
    o = xf.assignment()
    dcb, leader, head = clients("dcb"), clients("leader"), clients("mk_zhili")
    # drafting → pending_review: the 大协调 clerk (dcb); not the module head
    assert _ao(head, o.id, "submit").status_code == 422
    assert _ao(dcb, o.id, "submit").status_code == 200
    # review: only the order's lead leader (a 大协调 牵头领导); dcb and other leaders are refused
    assert _ao(dcb, o.id, "approve").status_code == 422
    assert _ao(clients("zzwy"), o.id, "approve").status_code == 422
    assert _ao(head, o.id, "approve").status_code == 403
    frozen(dt.datetime(2027, 6, 3, 10))
    assert _ao(leader, o.id, "approve").status_code == 200
    row = xf.reload(AssignmentOrder, o.id)
    assert row.status == AS.assigned and row.reviewed_at == dt.datetime(2027, 6, 3, 10)
    # steps only in order
    assert _ao(dcb, o.id, "accept").status_code == 409
    # report: only the module head assigned, with a completion report
    assert _ao(clients("mk_zhifa"), o.id, "report").status_code in (403, 404)
    assert _ao(dcb, o.id, "report", completion_report="完成").status_code == 422
    assert _ao(head, o.id, "report", completion_report="").status_code == 422
    frozen(dt.datetime(2027, 6, 20, 16))
    assert _ao(head, o.id, "report", completion_report="已全部完成").status_code == 200
    assert xf.reload(AssignmentOrder, o.id).reported_to_leader_at == dt.datetime(2027, 6, 20, 16)
    assert _ao(head, o.id, "forward").status_code == 200
    row = xf.reload(AssignmentOrder, o.id)
    assert row.status == AS.reported_to_dcb and row.reported_to_dcb_at == dt.datetime(2027, 6, 20, 16)
    # accept: dcb only
    assert _ao(head, o.id, "accept").status_code in (403, 422)
    assert _ao(leader, o.id, "accept").status_code == 422
    r = _ao(dcb, o.id, "accept")
    assert r.status_code == 200, r.get_json()
    assert xf.reload(AssignmentOrder, o.id).status == AS.closed
    # the audit log keeps who took each step
    from app.common.models import AuditLog

    steps = (
        db.session.execute(
            sa.select(AuditLog.user_id).where(AuditLog.register_key == "assignment_order", AuditLog.row_id == o.id)
        )
        .scalars()
        .all()
    )
    assert {xf.user("dcb").id, xf.user("leader").id, xf.user("mk_zhili").id} <= set(steps)


def test_return_and_resubmit(db, clients):
    o = xf.assignment(status=AS.pending_review)
    leader = clients("leader")
    assert _ao(leader, o.id, "return_order").status_code == 422  # needs the review opinion
    assert _ao(leader, o.id, "return_order", review_opinion="请补充来文附件").status_code == 200
    assert xf.reload(AssignmentOrder, o.id).status == AS.returned
    assert _ao(leader, o.id, "resubmit").status_code == 403  # the leader only reads and approves
    assert _ao(clients("dcb"), o.id, "resubmit").status_code == 200
    assert xf.reload(AssignmentOrder, o.id).status == AS.pending_review


def test_overdue_order_goes_under_supervision_with_a_supervision_order(db, clients, frozen):
    o = xf.assignment(status=AS.assigned, deadline=dt.date(2027, 6, 30))
    dcb, head = clients("dcb"), clients("mk_zhili")
    frozen(dt.datetime(2027, 6, 29, 9))
    assert _ao(dcb, o.id, "supervise").status_code == 422  # not overdue, no major problem
    frozen(dt.datetime(2027, 7, 2, 9))
    assert _ao(dcb, o.id, "supervise", objective_reason=True).status_code == 422  # objective reason: extend instead
    assert _ao(clients("leader"), o.id, "supervise", objective_reason=False).status_code == 422
    r = _ao(dcb, o.id, "supervise", objective_reason=False, delay_reason="协调不力")
    assert r.status_code == 200, r.get_json()
    row = xf.reload(AssignmentOrder, o.id)
    assert row.status == AS.under_supervision
    orders = (
        db.session.execute(sa.select(SupervisionOrder).where(SupervisionOrder.assignment_order_id == o.id))
        .scalars()
        .all()
    )
    assert len(orders) == 1
    order = orders[0]
    assert order.to_person_id == xf.user("mk_zhili").id and order.issued_by_id == xf.user("dcb").id
    assert order.status == OS.issued and order.reply_deadline == dt.date(2027, 7, 7)  # 3 working days
    # the module head answers the 督办单 and reports the rectification
    assert xf.step(head, "supervision_order", SupervisionOrder, order.id, "respond").status_code == 422
    assert xf.step(
        clients("mk_zhifa"), "supervision_order", SupervisionOrder, order.id, "respond", reply="x"
    ).status_code in (403, 404)
    assert xf.step(head, "supervision_order", SupervisionOrder, order.id, "respond", reply="已整改").status_code == 200
    assert xf.reload(SupervisionOrder, order.id).replied_at == dt.datetime(2027, 7, 2, 9)
    assert xf.step(head, "supervision_order", SupervisionOrder, order.id, "close_order").status_code == 403
    assert xf.step(dcb, "supervision_order", SupervisionOrder, order.id, "close_order").status_code == 200
    assert xf.reload(SupervisionOrder, order.id).status == OS.closed
    assert _ao(head, o.id, "rectified").status_code == 422
    assert _ao(head, o.id, "rectified", rectification="已完成整改").status_code == 200
    assert xf.reload(AssignmentOrder, o.id).status == AS.reported_to_dcb


def test_a_major_problem_can_be_supervised_before_the_deadline(db, clients, frozen):
    frozen(dt.datetime(2027, 6, 10, 9))
    o = xf.assignment(status=AS.reported_to_leader, major_problem="工作中出现重大安全隐患")
    assert _ao(clients("dcb"), o.id, "supervise").status_code == 200


def test_the_reviewer_must_lead_the_coordination_module(db, clients):
    r = clients("dcb").post_form(
        "/assignment_order/add",
        {
            "order_no": "测试交办-牵头",
            "source_channel": "phone",
            "source_dept": "1",
            "received_at": "2027-06-01T09:00",
            "title": "牵头领导校验",
            "content": "内容",
            "lead_leader": str(xf.user("zzwy").id),
            "assigned_module": "zhili",
            "module_head": str(xf.user("mk_zhili").id),
            "deadline": "2027-06-30",
            "org_unit": str(xf.org("荷花街道").id),
        },
    )
    assert "牵头领导须为大协调模块的牵头领导" in text(r)


def test_supervision_list_issue_and_publish(db, clients, frozen):
    sl = xf.supervision_list(dt.date(2027, 2, 1))
    dcb = clients("dcb")

    def s(client, name, **fields):
        return xf.step(client, "supervision_list", SupervisionList, sl.id, name, **fields)

    assert s(dcb, "issue_list").status_code == 422  # no items yet
    xf.item(sl, pct=20)
    assert s(clients("leader"), "issue_list").status_code == 422  # the leader approves, dcb issues
    assert s(clients("mk_zhili"), "issue_list").status_code in (403, 404)
    frozen(dt.datetime(2027, 2, 2, 9))
    assert s(dcb, "issue_list").status_code == 200
    assert xf.reload(SupervisionList, sl.id).issued_at == dt.datetime(2027, 2, 2, 9)
    assert s(dcb, "issue_list").status_code == 409
    assert s(dcb, "publish_list").status_code == 422  # comments first
    frozen(dt.datetime(2027, 2, 26, 17))
    assert s(dcb, "publish_list", review_comment="总体有序").status_code == 200
    row = xf.reload(SupervisionList, sl.id)
    assert row.status == LS.published and row.published_at == dt.datetime(2027, 2, 26, 17)
    # a published list and its items are read-only
    r = clients("dcb").api("PUT", f"/api/v1/supervision_list/{sl.id}", json={"title": "改", "version": row.version})
    assert r.status_code == 422
    it = row.items[0]
    r = clients("dcb").api(
        "PUT", f"/api/v1/supervision_item/{it.id}", json={"progress_percent": 90, "version": it.version}
    )
    assert r.status_code == 422


def test_issue_order_on_a_lagging_item_only(db, clients, frozen):
    sl = xf.supervision_list(dt.date(2027, 3, 1), status=LS.issued)
    behind = xf.item(sl, title="滞后事项", pct=10, deadline=dt.date(2027, 3, 31))
    ahead = xf.item(sl, title="正常事项", pct=80, deadline=dt.date(2027, 3, 31))
    frozen(dt.datetime(2027, 3, 15, 9))
    dcb = clients("dcb")

    def s(client, it, **fields):
        return xf.step(client, "supervision_item", SupervisionItem, it.id, "issue_order", **fields)

    assert s(dcb, ahead).status_code == 422
    assert s(clients("leader"), behind).status_code == 422
    assert s(clients("mk_zhili"), behind).status_code == 403
    assert s(dcb, behind).status_code == 200
    assert xf.reload(SupervisionItem, behind.id).status == IS.lagging
    order = db.session.execute(
        sa.select(SupervisionOrder).where(SupervisionOrder.supervision_item_id == behind.id)
    ).scalar_one()
    assert order.order_no.startswith("督办〔2027〕03-") and "10%" in order.lag_description
    assert s(dcb, behind).status_code == 422  # one open order per item


def test_typical_case_select_notify_withdraw(db, clients, frozen):
    c = xf.typical(dt.date(2027, 5, 10))

    def s(client, name, row=c, **fields):
        return xf.step(client, "typical_case", TypicalCase, row.id, name, **fields)

    assert s(clients("dcb"), "select_case").status_code == 422  # a leader selects
    assert s(clients("zzwy"), "select_case").status_code == 200
    assert s(clients("leader"), "notify_case").status_code == 422  # dcb notifies
    assert s(clients("dcb"), "notify_case").status_code == 422  # with a notice number
    frozen(dt.datetime(2027, 6, 28, 10))
    assert s(clients("dcb"), "notify_case", notice_no="荷街督〔2027〕9号").status_code == 200
    row = xf.reload(TypicalCase, c.id)
    assert row.status == TS.notified and row.notified_at == dt.datetime(2027, 6, 28, 10)
    assert s(clients("dcb"), "withdraw_case").status_code == 409
    r = clients("dcb").api("PUT", f"/api/v1/typical_case/{c.id}", json={"description": "改", "version": row.version})
    assert r.status_code == 422  # read-only once notified
    other = xf.typical(dt.date(2027, 5, 11))
    assert s(clients("mk_xietiao"), "withdraw_case", row=other).status_code == 403
    assert s(clients("dcb"), "withdraw_case", row=other).status_code == 200


def test_cadre_is_required_for_a_cadre_case(db, clients):
    r = clients("dcb").api(
        "POST",
        "/api/v1/typical_case/",
        json={
            "period_label": "2027年第2季度",
            "case_date": "2027-05-01",
            "polarity": "positive",
            "subject_kind": "cadre",
            "description": "x",
            "nominated_by": xf.user("dcb").id,
            "year_end_linked": True,
            "org_unit": xf.org("荷花街道").id,
        },
    )
    assert r.status_code == 422 and "cadre" in r.get_json()["errors"]


def test_steps_show_as_buttons_for_the_owner(db, clients):
    o = xf.assignment(status=AS.pending_review)
    page = text(clients("leader").get(f"/assignment_order/show/{o.id}"))
    assert "审核通过并交办" in page and "退回" in page
