"""大经济 through the real stack: the third party's inspections (owner path, provider from its unit,
hazard deadlines), key-project reviews (TR-38), assessments and the 平安社区 summary page."""

import datetime as dt
import io

import openpyxl
import sqlalchemy as sa

from app.common.models import Meeting  # noqa: F401  (mapper registry)
from app.core import clock, registry, scope, timerules
from app.modules.jingji import rules
from app.modules.jingji.enums import KeyProjectStatus
from app.modules.jingji.models import (
    CommunitySafetyAssessment,
    KeyProject,
    KeyProjectProgress,
    SafetyInspection,
    SafetyProvider,
)

from .. import factories as f
from ..conftest import ids_in_api, text


def _inspection_form(org, **over):
    data = {
        "org_unit": str(org.id),
        "inspected_entity": "测试餐饮店",
        "inspected_at": "2027-01-05 10:00:00",
        "hazard_count": "2",
        "hazard_level": "general",
        "hazards": "灭火器过期、疏散通道堵塞",
        "rectify_due": "2027-01-15",
    }
    data.update(over)
    return data


def test_third_party_records_its_own_inspections(db, clients):
    aq1 = clients("aq1")
    grid = f.user("wg1").org_unit
    # hazards need a rectification deadline
    r = aq1.post_form("/safety_inspection/add", _inspection_form(grid, rectify_due=""))
    assert r.status_code == 200 and "请填写整改期限" in text(r)
    r = aq1.post_form("/safety_inspection/add", _inspection_form(grid, inspected_entity="测试餐饮店（第三方）"))
    assert r.status_code == 302
    row = db.session.execute(
        sa.select(SafetyInspection).where(SafetyInspection.inspected_entity == "测试餐饮店（第三方）")
    ).scalar_one()
    # the provider comes from the inspector's own firm, the place from the org tree it could not otherwise read
    assert row.provider.provider.name == "安信安全生产技术服务有限公司" and row.org_unit_id == grid.id
    # mk_jingji's inspection is not the third party's own record
    other = SafetyInspection(
        provider=row.provider,
        org_unit=f.org("新村社区"),
        inspected_entity="模块录入的检查",
        inspected_at=dt.datetime(2027, 1, 6, 9),
        hazard_count=0,
    )
    other.created_by_id = f.user("mk_jingji").id
    db.session.add(other)
    db.session.commit()
    seen = ids_in_api(aq1, "safety_inspection")
    assert row.id in seen and other.id not in seen
    assert aq1.get(f"/safety_inspection/show/{other.id}").status_code == 404
    # the community secretaries read their own community's inspections
    assert row.id in ids_in_api(clients("sq1"), "safety_inspection")
    assert other.id not in ids_in_api(clients("sq1"), "safety_inspection")
    assert other.id in ids_in_api(clients("sq2"), "safety_inspection")
    # the third party reads no contracts, projects or assessments
    assert aq1.api("GET", "/api/v1/safety_provider/").status_code == 403


def test_open_hazards_past_their_deadline(db, app):
    provider = db.session.execute(sa.select(SafetyProvider)).scalars().first()
    ins = SafetyInspection(
        provider=provider,
        org_unit=f.org("荷花社区"),
        inspected_entity="隐患时限测试",
        inspected_at=dt.datetime(2027, 2, 1, 9),
        hazard_count=1,
        rectify_due=dt.date(2027, 2, 10),
    )
    clean = SafetyInspection(
        provider=provider,
        org_unit=f.org("荷花社区"),
        inspected_entity="无隐患测试",
        inspected_at=dt.datetime(2027, 2, 1, 9),
        hazard_count=0,
    )
    db.session.add_all([ins, clean])
    db.session.commit()
    reg = registry.get("safety_inspection")

    def due_ids(now, login="sq1"):
        with app.test_request_context():
            from flask import g

            g.jiedao_principal = scope.build_principal(f.user(login))
            return {d.row_id: d for _r, d in timerules.collect(now, [reg])}

    assert ins.id not in due_ids(dt.datetime(2027, 2, 1, 9))
    hit = due_ids(dt.datetime(2027, 2, 11, 9))[ins.id]
    assert timerules.stage_of(hit, dt.datetime(2027, 2, 11, 9)) == timerules.SUPERVISION
    assert clean.id not in due_ids(dt.datetime(2027, 2, 11, 9))
    assert ins.id not in due_ids(dt.datetime(2027, 2, 11, 9), "sq2")  # another community
    ins.rectified_at = dt.date(2027, 2, 11)
    db.session.commit()
    assert ins.id not in due_ids(dt.datetime(2027, 2, 12, 9))


def test_tr38_projects_without_progress_in_the_last_month(db, clients):
    p = KeyProject(
        name="月度推进测试项目",
        goal="测试",
        lead_leader=f.user("leader"),
        responsible_person=f.user("mk_jingji"),
        status=KeyProjectStatus.construction,
        org_unit=f.org("荷花街道"),
    )
    db.session.add(p)
    db.session.commit()
    r = clients("mk_jingji").post_form(
        "/key_project_progress/add", {"project": str(p.id), "report_date": "2027-01-15", "progress": "主体完工"}
    )
    assert r.status_code == 302
    prog = db.session.execute(sa.select(KeyProjectProgress).where(KeyProjectProgress.project_id == p.id)).scalar_one()
    assert prog.org_unit_id == p.org_unit_id  # copied from the project

    def due(now):
        return [d for d in rules.stale_projects(now) if d.row_id == p.id]

    assert due(dt.datetime(2027, 2, 1, 9)) == []
    [hit] = due(dt.datetime(2027, 2, 16, 9))
    assert hit.due_at == dt.datetime(2027, 2, 15, 23, 59, 59) and hit.owner_id == f.user("mk_jingji").id
    db.session.add(
        KeyProjectProgress(project=p, report_date=dt.date(2027, 2, 16), progress="竣工验收", org_unit=p.org_unit)
    )
    db.session.commit()
    assert due(dt.datetime(2027, 2, 17, 9)) == []
    p.status = KeyProjectStatus.completed
    db.session.commit()
    assert due(dt.datetime(2027, 6, 1, 9)) == []
    # 社区书记 read projects, do not write them
    assert clients("sq1").api("POST", "/api/v1/key_project/", json={}).status_code == 403


def test_assessment_one_per_community_and_year(db, clients):
    api = clients("mk_jingji")
    year = clock.today().year  # the demo assessed last year
    body = {"year": year, "org_unit": f.org("白云社区").id, "score": "95.5", "result": "safe_community"}
    assert api.api("POST", "/api/v1/community_safety_assessment/", json=body).status_code == 201
    assert api.api("POST", "/api/v1/community_safety_assessment/", json=body).status_code == 422
    body.update(org_unit=f.user("wg1").org_unit_id, year=year)
    r = api.api("POST", "/api/v1/community_safety_assessment/", json=body)
    assert r.status_code == 422 and "org_unit" in r.get_json()["errors"]
    body.update(org_unit=f.org("春江社区").id, score="120")
    assert api.api("POST", "/api/v1/community_safety_assessment/", json=body).status_code == 422


def test_safe_community_summary_page_and_export(db, clients):
    year = 2026
    db.session.add(CommunitySafetyAssessment(year=2031, org_unit=f.org("荷花社区"), score=91))
    db.session.add(CommunitySafetyAssessment(year=2031, org_unit=f.org("新村社区"), score=97))
    db.session.commit()
    page = text(clients("mk_jingji").get("/safety_summary/?year=2031"))
    assert "平安社区汇总" in page and page.index("新村社区") < page.index("荷花社区")  # ranked by score
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("mk_jingji").get("/safety_summary/export_xlsx/?year=2031").data), read_only=True
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:2] == (1, "新村社区") and rows[2][:2] == (2, "荷花社区")
    # a community secretary sees her own community only
    sq1 = text(clients("sq1").get("/safety_summary/?year=2031"))
    assert "荷花社区" in sq1 and "新村社区" not in sq1
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("sq1").get(f"/safety_summary/export_xlsx/?year={year}").data), read_only=True
    ).active
    assert {r[1] for r in list(sheet.iter_rows(values_only=True))[1:]} == {"荷花社区"}
    # roles without 大经济 access do not get the page
    assert clients("aq1").get("/safety_summary/").status_code in (302, 403)
    assert clients("zfdd").get("/safety_summary/").status_code in (302, 403)
