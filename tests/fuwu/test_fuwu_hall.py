"""无差别受理: matters, windows, posts, cases (workflow, masking), the counts page and its export; pledges."""

import datetime as dt
import io

import openpyxl
import sqlalchemy as sa

from app.core import pii
from app.modules.fuwu.enums import CaseStatus, MaterialCheck, PostType
from app.modules.fuwu.models import ServiceCase, ServiceMatter, ServicePledge, ServiceRuleDoc, ServiceWindow, WindowPost

from .. import factories as f
from ..conftest import ids_in_api, text
from . import helpers as h

STREET = lambda: str(f.org("荷花街道").id)  # noqa: E731


def _step(client, c, name, version):
    return client.api("POST", f"/api/v1/service_case/{c.id}/transition/{name}", json={"version": version})


def _case(db, c):
    db.session.expire_all()
    return db.session.get(ServiceCase, c.id)


def test_catalogue_windows_posts_and_rules_through_the_forms(db, clients):
    mk = clients("mk_fuwu")
    r = mk.post_form(
        "/service_matter/add",
        {
            "name": "表单新增事项",
            "max_one_visit": "y",
            "high_frequency": "y",
            "citywide": "y",
            "promise_days": "3",
            "is_active": "y",
            "org_unit": STREET(),
        },
    )
    assert r.status_code == 302
    m = db.session.execute(sa.select(ServiceMatter).where(ServiceMatter.name == "表单新增事项")).scalar_one()
    assert m.high_frequency and m.citywide and m.promise_days == 3
    r = mk.post_form(
        "/service_matter/add",
        {"name": "负时限事项", "max_one_visit": "y", "promise_days": "-1", "is_active": "y", "org_unit": STREET()},
    )
    assert r.status_code == 200 and h.count(ServiceMatter, ServiceMatter.name == "负时限事项") == 0
    ck1 = clients("ck1")
    r = ck1.post_form(
        "/service_window/add",
        {"number": "表单9号窗口", "window_type": "consult_issue", "is_open": "y", "org_unit": STREET()},
    )
    assert r.status_code == 302 and h.count(ServiceWindow, ServiceWindow.number == "表单9号窗口") == 1
    r = ck1.post_form(
        "/window_post/add",
        {
            "post_type": "post_b",
            "staff": str(f.user("ck1").id),
            "covers": str(f.user("ck1").id),
            "from_date": "2026-11-01",
            "org_unit": STREET(),
        },
    )
    assert "不能是本人" in text(r)
    r = ck1.post_form(
        "/window_post/add",
        {
            "post_type": "post_b",
            "staff": str(f.user("ck1").id),
            "covers": str(f.user("mk_fuwu").id),
            "from_date": "2026-11-01",
            "to_date": "2026-11-30",
            "org_unit": STREET(),
        },
    )
    assert r.status_code == 302
    r = mk.post_form(
        "/service_rule_doc/add",
        {"kind": "one_time_notice", "title": "表单一次性告知制度", "version_no": "2", "org_unit": STREET()},
    )
    assert r.status_code == 302 and h.count(ServiceRuleDoc, ServiceRuleDoc.title == "表单一次性告知制度") == 1
    # window staff may not write the errand rules (G13 is read-only for them)
    r = ck1.post_form(
        "/service_rule_doc/add",
        {"kind": "job_duty", "title": "窗口写制度", "version_no": "1", "org_unit": STREET()},
        form_url="/service_rule_doc/list/",
    )
    assert h.count(ServiceRuleDoc, ServiceRuleDoc.title == "窗口写制度") == 0


def test_case_workflow_from_intake_to_issue(db, clients):
    c = h.case(received_at=dt.datetime(2026, 11, 2, 9, 0))
    ck1 = clients("ck1")
    assert _step(ck1, c, "ready", 1).status_code == 409  # not from received
    assert _step(ck1, c, "to_back_office", 1).status_code == 200
    row = _case(db, c)
    assert row.status == CaseStatus.back_office and row.to_back_office_at is not None
    resp = _step(ck1, c, "ready", row.version)
    assert resp.status_code == 422  # the decision first
    assert (
        ck1.api(
            "PUT", f"/api/v1/service_case/{c.id}", json={"approval_result": "approved", "version": row.version}
        ).status_code
        == 200
    )
    row = _case(db, c)
    assert _step(ck1, c, "ready", row.version).status_code == 200
    row = _case(db, c)
    assert _step(clients("leader"), c, "issue", row.version).status_code == 403  # reads only
    assert _step(ck1, c, "issue", row.version).status_code == 200
    row = _case(db, c)
    assert row.status == CaseStatus.issued and row.issued_at is not None and row.hours_taken is not None


def test_incomplete_documents_need_the_one_time_notice_and_stay_at_the_front(db, clients):
    c = h.case(material_check=MaterialCheck.incomplete, notice_given="补充户口簿")
    ck1 = clients("ck1")
    resp = _step(ck1, c, "to_back_office", 1)
    assert resp.status_code == 422 and "material_check" in resp.get_json()["errors"]
    resp = ck1.api("PUT", f"/api/v1/service_case/{c.id}", json={"notice_given": "", "version": 1})
    assert resp.status_code == 422 and "notice_given" in resp.get_json()["errors"]
    assert _step(ck1, c, "return_case", 1).status_code == 200
    assert _case(db, c).status == CaseStatus.returned


def test_case_hours_taken(db):
    from app.modules.fuwu import rules

    c = ServiceCase(
        received_at=dt.datetime(2026, 11, 2, 9, 0),
        issued_at=dt.datetime(2026, 11, 3, 10, 30),
        material_check=MaterialCheck.complete,
        status=CaseStatus.issued,
    )
    rules.check_service_case(c)
    assert float(c.hours_taken) == 25.5


def test_case_phone_clear_for_window_staff_masked_for_others(db, clients):
    c = h.case(applicant_phone="13766667777")
    masked = pii.mask("13766667777", "phone")
    assert (
        clients("ck1").api("GET", f"/api/v1/service_case/{c.id}").get_json()["result"]["applicant_phone"]
        == "13766667777"
    )
    for login in ("leader", "mk_fuwu"):
        assert (
            clients(login).api("GET", f"/api/v1/service_case/{c.id}").get_json()["result"]["applicant_phone"] == masked
        )
        sheet = openpyxl.load_workbook(
            io.BytesIO(clients(login).get("/service_case/export_xlsx/").data), read_only=True
        ).active
        cells = {v for row in sheet.iter_rows(values_only=True) for v in row}
        assert masked in cells and "13766667777" not in cells


def test_case_scope_roles(db, clients):
    c = h.case()
    for login in ("ck1", "leader", "mk_fuwu", "audit"):
        assert c.id in ids_in_api(clients(login), "service_case"), login
    for login in ("sq1", "wg1", "gg1"):  # G14 is closed to communities and runners
        assert clients(login).api("GET", f"/api/v1/service_case/{c.id}").status_code in (401, 403, 404), login
    # the runner reads the matter catalogue (R·a on service_matter) and nothing else of G14
    assert c.matter_id in ids_in_api(clients("gg1"), "service_matter")
    assert clients("gg1").get("/service_window/list/").status_code in (302, 403)


def test_counts_page_and_export_aggregate_per_window_and_matter(db, clients):
    m, w1, w2 = h.matter("统计事项"), h.window("统计1号"), h.window("统计2号")
    day = dt.datetime(2025, 6, 10, 9, 0)
    h.case(
        matter_row=m,
        window_row=w1,
        received_at=day,
        status=CaseStatus.issued,
        issued_at=day + dt.timedelta(hours=2),
        hours_taken=2,
    )
    h.case(
        matter_row=m,
        window_row=w1,
        received_at=day + dt.timedelta(hours=1),
        status=CaseStatus.issued,
        issued_at=day + dt.timedelta(hours=5),
        hours_taken=4,
    )
    h.case(matter_row=m, window_row=w2, received_at=day + dt.timedelta(days=1), status=CaseStatus.returned)
    h.case(matter_row=m, window_row=w2, received_at=day + dt.timedelta(days=40))  # next month
    ck1 = clients("ck1")
    page = text(ck1.get("/service_stats/?period=month&value=2025-06"))
    assert "统计1号" in page and "统计2号" in page
    book = openpyxl.load_workbook(io.BytesIO(ck1.get("/service_stats/export_xlsx/?period=month&value=2025-06").data))
    rows = {(r[0], r[1]): r[2:] for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert rows[("统计1号", m.name)] == (2, 2, 0, 0, 3)
    assert rows[("统计2号", m.name)] == (1, 0, 1, 0, None)
    book = openpyxl.load_workbook(io.BytesIO(ck1.get("/service_stats/export_xlsx/?period=day&value=2025-06-11").data))
    rows = {(r[0], r[1]): r[2:] for r in book.active.iter_rows(min_row=2, values_only=True)}
    assert list(rows) == [("统计2号", m.name)]
    assert clients("leader").get("/service_stats/").status_code == 200
    for login in ("sq1", "gg1", "wg1"):
        assert clients(login).get("/service_stats/").status_code in (302, 403), login


def test_staffing_counts_current_posts_against_targets(app, db):

    on = dt.date(2030, 1, 15)
    before = {s["label"]: s["actual"] for s in _staffing(app, on)}
    db.session.add_all(
        [
            WindowPost(
                post_type=PostType.post_a,
                staff=f.user("mk_fuwu"),
                from_date=dt.date(2030, 1, 1),
                org_unit=f.org("荷花街道"),
            ),
            WindowPost(
                post_type=PostType.post_a,
                staff=f.user("leader"),
                from_date=dt.date(2029, 1, 1),
                to_date=dt.date(2029, 12, 31),
                org_unit=f.org("荷花街道"),
            ),  # ended
        ]
    )
    db.session.commit()
    after = {s["label"]: (s["actual"], s["target"]) for s in _staffing(app, on)}
    assert after[PostType.post_a.label] == (before[PostType.post_a.label] + 1, 3)


def _staffing(app, on):
    from flask import g

    from app.core import scope
    from app.modules.fuwu.views import staffing  # not at import time: the registry loads in menu order

    with app.test_request_context():
        g.jiedao_principal = scope.build_principal(f.user("ck1"))
        return staffing(on)


def test_pledges_owner_scope_and_kept_date(db, clients):
    mine = h.pledge("gg1", org_name="荷花街道")
    other = h.pledge("ck1")
    gg1_ids = ids_in_api(clients("gg1"), "service_pledge")
    assert mine.id in gg1_ids and other.id not in gg1_ids
    assert (
        clients("gg1").api("PUT", f"/api/v1/service_pledge/{mine.id}", json={"is_kept": True, "version": 1}).status_code
        == 200
    )
    db.session.expire_all()
    assert db.session.get(ServicePledge, mine.id).kept_on is not None
    assert (
        clients("gg1")
        .api("PUT", f"/api/v1/service_pledge/{other.id}", json={"is_kept": True, "version": 1})
        .status_code
        == 404
    )
    assert {mine.id, other.id} <= ids_in_api(clients("mk_fuwu"), "service_pledge")
    assert other.id not in ids_in_api(clients("sq2"), "service_pledge")
