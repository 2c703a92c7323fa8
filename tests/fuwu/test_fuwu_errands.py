"""代办申请 through the real stack: claim in own community, the workflow, scope, masking, assessment."""

import datetime as dt
import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.core import clock, pii
from app.modules.fuwu.enums import ErrandStatus, Satisfaction, Urgency
from app.modules.fuwu.models import ErrandAssessment, ErrandRequest

from .. import factories as f
from ..conftest import ids_in_api, text
from . import helpers as h


@pytest.fixture()
def frozen():
    clock.freeze(dt.datetime(2026, 4, 3, 10, 0))  # Friday before 清明 (Mon 6 April is a holiday)
    yield
    clock.reset()


def _step(client, r, name, version):
    return client.api("POST", f"/api/v1/errand_request/{r.id}/transition/{name}", json={"version": version})


def _row(db, r):
    db.session.expire_all()
    return db.session.get(ErrandRequest, r.id)


def test_runner_claims_and_runs_a_request_in_own_community(db, clients, frozen):
    r = h.errand("荷花社区第2网格", received_at=dt.datetime(2026, 4, 2, 21, 0))
    gg1 = clients("gg1")
    resp = _step(gg1, r, "claim", 1)
    assert resp.status_code == 200, resp.get_json()
    row = _row(db, r)
    assert row.status == ErrandStatus.claimed and row.runner_id == f.user("gg1").id
    assert row.claimed_at == dt.datetime(2026, 4, 3, 10, 0)
    assert _step(gg1, r, "claim", row.version).status_code == 409  # not twice
    assert _step(gg1, r, "verify", row.version).status_code == 200
    row = _row(db, r)
    # running before the documents are verified is refused
    resp = _step(gg1, r, "start", row.version)
    assert resp.status_code == 422 and "materials_verified" in resp.get_json()["errors"]
    # ticking "documents verified" suggests the errand day: Friday 3 April itself
    resp = gg1.api("PUT", f"/api/v1/errand_request/{r.id}", json={"materials_verified": True, "version": row.version})
    assert resp.status_code == 200, resp.get_json()
    row = _row(db, r)
    assert row.batch_date == dt.date(2026, 4, 3)
    for step in ("start", "done", "deliver"):
        resp = _step(gg1, r, step, row.version)
        assert resp.status_code == 200, (step, resp.get_json())
        row = _row(db, r)
    assert row.status == ErrandStatus.delivered and row.submitted_at and row.done_at and row.delivered_at


def test_errand_day_skips_the_holiday_monday(db, clients):
    clock.freeze(dt.datetime(2026, 4, 4, 10, 0))  # Saturday; Monday 6 April is 清明
    try:
        r = h.errand("荷花社区", runner="gg1", status=ErrandStatus.verifying)
        resp = clients("gg1").api(
            "PUT", f"/api/v1/errand_request/{r.id}", json={"materials_verified": True, "version": 1}
        )
        assert resp.status_code == 200
        assert _row(db, r).batch_date == dt.date(2026, 4, 8)
        u = h.errand("荷花社区", runner="gg1", status=ErrandStatus.verifying, urgency=Urgency.urgent)
        clients("gg1").api("PUT", f"/api/v1/errand_request/{u.id}", json={"materials_verified": True, "version": 1})
        assert _row(db, u).batch_date == dt.date(2026, 4, 4)
    finally:
        clock.reset()


def test_runner_cannot_claim_outside_own_community_nor_change_unclaimed_rows(db, clients):
    other = h.errand("新村社区")
    assert _step(clients("gg1"), other, "claim", 1).status_code == 404
    mine_to_claim = h.errand("荷花社区")
    # reads and claims in the community, but writes only the rows claimed
    resp = clients("gg1").api(
        "PUT", f"/api/v1/errand_request/{mine_to_claim.id}", json={"address": "改地址", "version": 1}
    )
    assert resp.status_code == 403
    # a colleague's claimed request is not the runner's to step
    taken = h.errand("荷花社区", runner="sq1", status=ErrandStatus.claimed)
    assert _step(clients("gg1"), taken, "verify", 1).status_code == 403


def test_secretary_assigns_a_runner_and_other_steps_are_refused_by_state(db, clients):
    r = h.errand("荷花社区")
    sq1 = clients("sq1")
    resp = _step(sq1, r, "claim", 1)
    assert resp.status_code == 422  # the secretary must pick the runner first
    sq1.api("PUT", f"/api/v1/errand_request/{r.id}", json={"runner": f.user("gg1").id, "version": 1})
    row = _row(db, r)
    assert _step(sq1, r, "claim", row.version).status_code == 200
    row = _row(db, r)
    assert row.runner_id == f.user("gg1").id and row.status == ErrandStatus.claimed
    assert _step(sq1, r, "deliver", row.version).status_code == 409
    assert _step(sq1, r, "cancel", row.version).status_code == 200
    assert _row(db, r).status == ErrandStatus.cancelled
    # returned only from verifying
    v = h.errand("荷花社区", runner="gg1", status=ErrandStatus.verifying)
    assert _step(clients("gg1"), v, "cancel", 1).status_code == 409
    assert _step(clients("gg1"), v, "return", 1).status_code == 200


def test_read_only_roles_cannot_claim(db, clients):
    r = h.errand("荷花社区")
    assert _step(clients("leader"), r, "claim", 1).status_code == 403
    assert _step(clients("wg1"), r, "claim", 1).status_code == 403


def test_errand_scope_on_list_show_api_and_export(db, clients):
    g1 = h.errand("荷花社区第1网格", applicant_name="范围一网格")
    g2 = h.errand("荷花社区第2网格", applicant_name="范围二网格")
    xc = h.errand("新村社区", applicant_name="范围新村")
    seen = {u: ids_in_api(clients(u), "errand_request") for u in ("sq1", "sq2", "wg1", "leader", "gg1", "mk_fuwu")}
    assert {g1.id, g2.id} <= seen["sq1"] and xc.id not in seen["sq1"]
    assert xc.id in seen["sq2"] and g1.id not in seen["sq2"]
    assert g1.id in seen["wg1"] and g2.id not in seen["wg1"] and xc.id not in seen["wg1"]
    assert {g1.id, g2.id, xc.id} <= seen["leader"] and {g1.id, g2.id, xc.id} <= seen["mk_fuwu"]
    assert {g1.id, g2.id} <= seen["gg1"] and xc.id not in seen["gg1"]
    assert clients("sq2").get(f"/errand_request/show/{g1.id}").status_code == 404
    assert "范围一网格" in text(clients("sq1").get(f"/errand_request/show/{g1.id}"))
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("sq2").get("/errand_request/export_xlsx/").data), read_only=True
    ).active
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert g1.request_no not in cells and xc.request_no in cells


def test_applicant_phone_masked_except_for_the_runner(db, clients):
    r = h.errand("荷花社区", runner="gg1", status=ErrandStatus.claimed, applicant_phone="13955556666")
    masked = pii.mask("13955556666", "phone")
    for login in ("sq1", "leader"):
        body = clients(login).api("GET", f"/api/v1/errand_request/{r.id}").get_json()["result"]
        assert body["applicant_phone"] == masked and body["applicant_id_no"] == pii.mask("330802199001011232", "id_no")
        assert "13955556666" not in text(clients(login).get("/errand_request/list/"))
    assert (
        clients("gg1").api("GET", f"/api/v1/errand_request/{r.id}").get_json()["result"]["applicant_phone"]
        == "13955556666"
    )
    assert "13955556666" in text(clients("gg1").get(f"/errand_request/show/{r.id}"))
    # ... only for the requests the runner claimed: an unclaimed one in the community stays masked
    u = h.errand("荷花社区", applicant_phone="13944443333")
    gg1 = clients("gg1")
    assert gg1.api("GET", f"/api/v1/errand_request/{u.id}").get_json()["result"]["applicant_phone"] == "139****3333"
    page = text(gg1.get(f"/errand_request/show/{u.id}"))
    assert "139****3333" in page and "13944443333" not in page
    body = gg1.api("GET", "/api/v1/errand_request/?q=(page_size:100,order_column:id,order_direction:desc)").get_json()
    phones = dict(zip(body["ids"], (row["applicant_phone"] for row in body["result"])))
    assert phones[u.id] == "139****3333" and phones[r.id] == "13955556666"
    sheet = openpyxl.load_workbook(io.BytesIO(gg1.get("/errand_request/export_xlsx/").data), read_only=True).active
    cells = {c for row in sheet.iter_rows(values_only=True) for c in row}
    assert "13955556666" in cells and "13944443333" not in cells and "139****3333" in cells
    # and the audit log names only the rows seen clear
    import json

    from app.common.models import AuditLog

    last = (
        db.session.execute(
            sa.select(AuditLog)
            .where(AuditLog.action == "view_pii", AuditLog.user_id == f.user("gg1").id)
            .order_by(AuditLog.id.desc())
        )
        .scalars()
        .first()
    )
    assert u.id not in json.loads(last.diff)["rows"]


def test_assessment_figures_are_computed_from_the_month_requests(db, clients):
    runner = "gg1"
    base = dict(runner=runner, materials_verified=True)
    h.errand(
        "荷花社区",
        status=ErrandStatus.done,
        batch_date=dt.date(2025, 3, 5),
        submitted_at=dt.datetime(2025, 3, 5, 9),
        done_at=dt.datetime(2025, 3, 6, 9),
        satisfaction=Satisfaction.satisfied,
        received_at=dt.datetime(2025, 3, 2),
        **base,
    )
    h.errand(
        "荷花社区",
        status=ErrandStatus.delivered,
        batch_date=dt.date(2025, 3, 10),
        submitted_at=dt.datetime(2025, 3, 12, 9),
        done_at=dt.datetime(2025, 3, 13, 9),
        satisfaction=Satisfaction.dissatisfied,
        received_at=dt.datetime(2025, 3, 7),
        **base,
    )
    h.errand(
        "荷花社区",
        status=ErrandStatus.done,
        batch_date=dt.date(2025, 3, 14),
        submitted_at=dt.datetime(2025, 3, 14, 9),
        done_at=dt.datetime(2025, 3, 20, 9),
        received_at=dt.datetime(2025, 3, 12),
        **base,
    )
    h.errand(
        "荷花社区",
        status=ErrandStatus.done,
        batch_date=dt.date(2025, 4, 1),  # another month
        submitted_at=dt.datetime(2025, 4, 1, 9),
        done_at=dt.datetime(2025, 4, 1, 15),
        received_at=dt.datetime(2025, 3, 30),
        **base,
    )
    r = clients("mk_fuwu").post_form(
        "/errand_assessment/add",
        {"month": "2025-03", "runner": str(f.user(runner).id), "org_unit": str(f.org("荷花社区").id), "score": "90"},
    )
    assert r.status_code == 302
    a = db.session.execute(sa.select(ErrandAssessment).where(ErrandAssessment.month == "2025-03")).scalar_one()
    assert a.handled_count == 3
    assert float(a.on_time_rate) == pytest.approx(66.67)
    assert float(a.satisfaction_rate) == 50.0
    r = clients("mk_fuwu").post_form(
        "/errand_assessment/add",
        {"month": "2025-3", "runner": str(f.user(runner).id), "org_unit": str(f.org("荷花社区").id)},
    )
    assert "YYYY-MM" in text(r)
    # the runner reads own assessments, the other community's secretary does not
    assert a.id in ids_in_api(clients("gg1"), "errand_assessment")
    assert a.id not in ids_in_api(clients("sq2"), "errand_assessment")


def test_cli_computes_a_month(app, db):
    h.errand(
        "荷花社区",
        runner="gg1",
        status=ErrandStatus.done,
        materials_verified=True,
        batch_date=dt.date(2024, 5, 6),
        submitted_at=dt.datetime(2024, 5, 6, 9),
        done_at=dt.datetime(2024, 5, 7, 9),
        received_at=dt.datetime(2024, 5, 3),
        satisfaction=Satisfaction.basically,
    )
    out = app.test_cli_runner().invoke(args=["fuwu-assess", "--month", "2024-05"])
    assert out.exit_code == 0, out.output
    db.session.expire_all()
    a = db.session.execute(sa.select(ErrandAssessment).where(ErrandAssessment.month == "2024-05")).scalar_one()
    assert a.handled_count == 1 and float(a.on_time_rate) == 100.0 and float(a.satisfaction_rate) == 100.0
