"""大协调 pages: a month of supervision (suggestions, confirmation, 公示 and its xlsx), the year-end
table of typical cases, and the data scope of the registers."""

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.core import clock
from app.modules.xietiao.enums import SupervisionListStatus as LS
from app.modules.xietiao.enums import TypicalPolarity as TP
from app.modules.xietiao.enums import TypicalStatus as TS
from app.modules.xietiao.models import SupervisionList, SupervisionOrder
from app.org.models import Unit

from ..conftest import ids_in_api, text
from . import factories as xf


@pytest.fixture()
def frozen():
    yield lambda at: clock.freeze(at)
    clock.reset()


def _sheet_values(resp, sheet=None):
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    ws = book[sheet] if sheet else book.active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_dcb_runs_a_month(db, clients, frozen):
    sl = xf.supervision_list(dt.date(2027, 5, 1), status=LS.issued, issued_at=dt.datetime(2027, 5, 6, 9))
    behind = xf.item(sl, title="五月滞后事项", pct=10, deadline=dt.date(2027, 5, 31))
    fine = xf.item(sl, title="五月正常事项", pct=70, deadline=dt.date(2027, 5, 31), person="mk_zhifa")
    late = xf.item(sl, title="五月超期事项", pct=90, deadline=dt.date(2027, 5, 7), person="mk_fuwu")
    dcb = clients("dcb")
    url = "/xietiao_supervision/?month=2027-05"
    # before the 11th only the item past its deadline is suggested (TR-17)
    frozen(dt.datetime(2027, 5, 10, 9))
    page = text(dcb.get(url))
    assert f'name="item_id" value="{late.id}"' in page and f'name="item_id" value="{behind.id}"' not in page
    frozen(dt.datetime(2027, 5, 17, 9))
    page = text(dcb.get(url))
    assert f'name="item_id" value="{behind.id}"' in page and f'name="item_id" value="{late.id}"' in page
    assert f'name="item_id" value="{fine.id}"' not in page
    assert f'data-item="{late.id}" data-light="red"' in page and f'data-item="{behind.id}" data-light="amber"' in page
    # a leader may look but not confirm: the step is the office's
    r = clients("leader").post_form(
        f"/xietiao_supervision/confirm/{sl.id}", {"item_id": [str(behind.id)]}, form_url=url
    )
    assert r.status_code == 302
    assert (
        db.session.execute(sa.select(SupervisionOrder).where(SupervisionOrder.supervision_item_id == behind.id)).first()
        is None
    )
    r = dcb.post_form(
        f"/xietiao_supervision/confirm/{sl.id}",
        {"item_id": [str(behind.id), str(late.id)]},
        form_url=url,
        follow_redirects=True,
    )
    assert "已下达2份工作督办单" in text(r)
    orders = (
        db.session.execute(
            sa.select(SupervisionOrder)
            .join(SupervisionOrder.supervision_item)
            .where(SupervisionOrder.supervision_item_id.in_([behind.id, late.id]))
        )
        .scalars()
        .all()
    )
    assert {o.to_person_id for o in orders} == {xf.user("mk_zhili").id, xf.user("mk_fuwu").id}
    page = text(dcb.get(url))
    assert f'name="item_id" value="{behind.id}"' not in page and orders[0].order_no in page
    # month end: comments and publication (TR-18), read-only page and the xlsx an office posts
    for it, comment in ((behind, "进度滞后"), (fine, "按期推进"), (late, "督办后完成")):
        row = xf.reload(type(it), it.id)
        row.comment = comment
    db.session.commit()
    frozen(dt.datetime(2027, 5, 31, 16))
    r = xf.step(
        dcb, "supervision_list", SupervisionList, sl.id, "publish_list", review_comment="五月总体有序，个别事项滞后"
    )
    assert r.status_code == 200
    pub = text(dcb.get(f"/xietiao_supervision/publication/{sl.id}"))
    assert "2027年05月重点工作督查进展情况公示" in pub and "五月总体有序" in pub and "督办后完成" in pub
    rows = _sheet_values(dcb.get(f"/xietiao_supervision/publication/{sl.id}/xlsx"))
    assert rows[0][0] == "2027年05月重点工作督查进展情况公示"
    assert "2027-05-31" in rows[1][0]
    assert rows[2][:2] == ["序号", "督查事项"]
    titles = [r[1] for r in rows[3:6]]
    assert titles == ["五月超期事项", "五月滞后事项", "五月正常事项"]
    assert any(r[0] and "五月总体有序" in str(r[0]) for r in rows[6:])


def test_no_list_yet_and_other_roles(db, clients, frozen):
    frozen(dt.datetime(2027, 7, 3, 9))
    assert "本月尚未制定督查清单" in text(clients("dcb").get("/xietiao_supervision/?month=2027-07"))
    assert clients("wg1").get("/xietiao_supervision/").status_code == 403  # no 大协调 access
    sl = xf.supervision_list(dt.date(2027, 7, 1), status=LS.issued)
    xf.item(sl, title="七月书记事项", person="sq1", pct=0, deadline=dt.date(2027, 7, 2))
    # sq1 reads only the items addressed to her (R·o): not the list, no suggestions, no orders
    page = text(clients("sq1").get("/xietiao_supervision/?month=2027-07"))
    assert "本月尚未制定督查清单" in page
    r = clients("sq1").post_form(
        f"/xietiao_supervision/confirm/{sl.id}", {"item_id": ["1"]}, form_url="/xietiao_supervision/"
    )
    assert r.status_code == 404


def test_year_end_table_per_cadre_and_unit(db, clients):
    units = db.session.execute(sa.select(Unit).order_by(Unit.id)).scalars().all()
    xf.typical(dt.date(2028, 2, 1), cadre="mk_zhili", status=TS.notified, unit=units[0], notice_no="表扬1")
    xf.typical(dt.date(2028, 5, 1), cadre="mk_zhili", status=TS.notified, unit=units[0], notice_no="表扬2")
    xf.typical(
        dt.date(2028, 8, 1),
        cadre="mk_zhifa",
        polarity=TP.negative,
        status=TS.notified,
        unit=units[1],
        notice_no="批评1",
    )
    xf.typical(dt.date(2028, 9, 1), cadre="mk_zhifa", status=TS.withdrawn, unit=units[1])  # not counted
    xf.typical(dt.date(2029, 1, 5), cadre="mk_zhifa", status=TS.notified, unit=units[1])  # next year
    page = text(clients("leader").get("/xietiao_typical/?year=2028"))
    assert "十条军规年终汇总" in page and "通报批评" in page and "通报表扬" in page
    rows = _sheet_values(clients("dcb").get("/xietiao_typical/xlsx?year=2028"), "按干部")
    counts = {r[0]: (r[1], r[2]) for r in rows[2:]}
    assert counts == {str(xf.user("mk_zhili")): (2, 0), str(xf.user("mk_zhifa")): (0, 1)}
    units_rows = _sheet_values(clients("dcb").get("/xietiao_typical/xlsx?year=2028"), "按单位")
    assert {r[0]: (r[1], r[2]) for r in units_rows[2:]} == {units[0].name: (2, 0), units[1].name: (0, 1)}
    cases = _sheet_values(clients("dcb").get("/xietiao_typical/xlsx?year=2028"), "典型")
    assert len(cases) == 4


def test_scope_of_the_registers(db, clients):
    sl = xf.supervision_list(dt.date(2027, 10, 1), status=LS.issued)
    for_sq1 = xf.item(sl, title="书记本人事项", person="sq1")
    for_sq2 = xf.item(sl, title="新村书记事项", person="sq2")
    for_head = xf.item(sl, title="治理负责人事项", person="mk_zhili")
    sq1 = ids_in_api(clients("sq1"), "supervision_item")
    assert for_sq1.id in sq1 and for_sq2.id not in sq1 and for_head.id not in sq1
    assert clients("sq1").get(f"/supervision_item/show/{for_sq2.id}").status_code == 404
    assert for_sq2.id in ids_in_api(clients("sq2"), "supervision_item")
    assert {for_sq1.id, for_sq2.id, for_head.id} <= ids_in_api(clients("leader"), "supervision_item")
    # a module head of another module sees and updates only the items addressed to them
    head = ids_in_api(clients("mk_zhili"), "supervision_item")
    assert for_head.id in head and for_sq1.id not in head
    row = xf.reload(type(for_head), for_head.id)
    r = clients("mk_zhili").api(
        "PUT",
        f"/api/v1/supervision_item/{row.id}",
        json={"progress_percent": 40, "progress": "已完成方案", "version": row.version},
    )
    assert r.status_code == 200, r.get_json()
    r = clients("sq1").api(
        "PUT",
        f"/api/v1/supervision_item/{for_sq1.id}",
        json={"progress_percent": 40, "version": xf.reload(type(for_sq1), for_sq1.id).version},
    )
    assert r.status_code == 403  # R·o: reads own items only
    assert clients("wg1").api("GET", "/api/v1/supervision_item/").status_code == 403
    # the export keeps the scope
    rows = _sheet_values(clients("sq1").get("/supervision_item/export_xlsx/"))
    titles = {r[1] for r in rows[1:]}
    assert "书记本人事项" in titles and "新村书记事项" not in titles
    # 交办单: the assigned module head and the lead leader
    o = xf.assignment(head="mk_zhifa")
    assert o.id in ids_in_api(clients("mk_zhifa"), "assignment_order")
    assert o.id not in ids_in_api(clients("mk_zhili"), "assignment_order")
    assert clients("sq1").get(f"/assignment_order/show/{o.id}").status_code == 404
