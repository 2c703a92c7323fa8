"""Data scope on every surface: list, count, show, edit, delete, export, API, drop-downs, writes."""

import io
import json

import openpyxl
import sqlalchemy as sa

from app.common.models import Meeting, WorkItem
from app.org.models import OrgUnit

from . import factories as f
from .conftest import ids_in_api, text


def _live(model, *where):
    from app.extensions import db

    return set(db.session.execute(sa.select(model.id).where(model.is_deleted.is_(False), *where)).scalars())


def test_community_secretary_sees_exactly_own_community(db, clients):
    own = f.community_and_grids("荷花社区")
    expected = _live(Meeting, Meeting.org_unit_id.in_(own))
    assert expected, "demo data has meetings in 荷花社区"
    assert ids_in_api(clients("sq1"), "meeting") == expected
    page = text(clients("sq1").get("/meeting/list/?psize_MeetingView=100"))
    assert "新村社区组团联社月例会" not in page
    assert "荷花社区组团联社月例会" in page


def test_grid_worker_sees_own_grid_only(db, clients):
    wg1 = f.user("wg1")
    mine = f.meeting(wg1.org_unit.name, "网格碰头会（测试）", chair="wg1")
    other_grid = (
        db.session.execute(
            sa.select(OrgUnit).where(OrgUnit.parent_id == wg1.org_unit.parent_id, OrgUnit.id != wg1.org_unit_id)
        )
        .scalars()
        .first()
    )
    theirs = f.meeting(other_grid.name, "隔壁网格会议（测试）", chair="sq1")
    seen = ids_in_api(clients("wg1"), "meeting")
    assert mine.id in seen and theirs.id not in seen
    assert seen == _live(Meeting, Meeting.org_unit_id == wg1.org_unit_id)


def test_out_of_scope_row_is_404_everywhere(db, clients):
    other = f.meeting("新村社区", "新村社区内部会议（测试）", chair="sq2", created_by="sq2")
    sq1 = clients("sq1")
    assert sq1.get(f"/meeting/show/{other.id}").status_code == 404
    assert sq1.get(f"/meeting/edit/{other.id}").status_code == 404
    assert sq1.post_form(f"/meeting/delete/{other.id}", {}, form_url="/meeting/list/").status_code == 404
    assert sq1.api("GET", f"/api/v1/meeting/{other.id}").status_code == 404
    assert sq1.api("PUT", f"/api/v1/meeting/{other.id}", json={"title": "x", "version": 1}).status_code == 404
    assert sq1.api("DELETE", f"/api/v1/meeting/{other.id}").status_code == 404
    db.session.expire_all()
    row = db.session.get(Meeting, other.id)
    assert row.title == "新村社区内部会议（测试）" and not row.is_deleted
    # its owner can open it
    assert clients("sq2").get(f"/meeting/show/{other.id}").status_code == 200


def test_export_holds_only_rows_in_scope(db, clients):
    r = clients("sq1").get("/meeting/export_xlsx/")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "会议名称"
    own_names = {"荷花社区"} | {f"荷花社区第{i}网格" for i in range(1, 7)}
    assert len(rows) - 1 == len(_live(Meeting, Meeting.org_unit_id.in_(f.community_and_grids("荷花社区"))))
    assert all(row[5] in own_names for row in rows[1:])


def test_export_respects_the_list_filter(db, clients):
    f.meeting("荷花社区", "导出筛选专用会议", chair="sq1")
    r = clients("sq1").get("/meeting/export_xlsx/?_flt_2_title=导出筛选专用")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data), read_only=True).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["导出筛选专用会议"]


def test_org_unit_dropdown_offers_only_writable_units(db, clients):
    page = text(clients("sq1").get("/meeting/add"))
    select = page[page.index('id="org_unit"') :]
    select = select[: select.index("</select>")]
    own = {"荷花社区"} | {
        o.name
        for o in db.session.execute(sa.select(OrgUnit).where(OrgUnit.parent_id == f.org("荷花社区").id)).scalars()
    }
    for name in own:
        assert f">{name}<" in select
    assert ">新村社区<" not in select and ">荷花街道<" not in select


def test_form_post_into_other_community_is_refused(db, clients):
    before = _live(Meeting)
    r = clients("sq1").post_form(
        "/meeting/add",
        {
            "module": "dangjian",
            "meeting_type": "team_weekly",
            "title": "越权会议",
            "org_unit": str(f.org("新村社区").id),
            "status": "planned",
            "planned_start": "2026-12-03 09:00:00",
            "chair": str(f.user("sq1").id),
        },
    )
    assert r.status_code == 200
    assert "越权会议" in text(r)  # the input is kept
    assert _live(Meeting) == before


def test_api_write_into_other_community_is_refused(db, clients):
    sq1 = clients("sq1")
    before = _live(Meeting)
    r = sq1.api(
        "POST",
        "/api/v1/meeting/",
        json={
            "module": "dangjian",
            "meeting_type": "team_weekly",
            "title": "越权会议API",
            "org_unit": f.org("新村社区").id,
            "status": "planned",
            "planned_start": "2026-12-03T09:00:00",
            "chair": f.user("sq1").id,
        },
    )
    assert r.status_code == 403, r.get_json()
    assert _live(Meeting) == before
    own = f.meeting("荷花社区", "本社区会议（移出测试）", chair="sq1", created_by="sq1")
    r = sq1.api("PUT", f"/api/v1/meeting/{own.id}", json={"org_unit": f.org("新村社区").id, "version": own.version})
    assert r.status_code == 403
    db.session.expire_all()
    assert db.session.get(Meeting, own.id).org_unit.name == "荷花社区"


def test_street_leader_reads_all_but_auditor_cannot_write(db, clients):
    assert ids_in_api(clients("leader"), "meeting") == _live(Meeting)
    assert clients("audit").api("POST", "/api/v1/meeting/", json={}).status_code == 403


def test_own_module_scope_for_meetings(db, clients):
    # 党建办 (djb) reads meetings of its module only (G2 W·m)
    from app.org.enums import Module

    seen = ids_in_api(clients("djb"), "meeting")
    assert seen == _live(Meeting, Meeting.module == Module.dangjian)
    # 综合督考办 reads all meetings (R·a) but may write only 大协调 ones (W·m)
    assert ids_in_api(clients("dcb"), "meeting") == _live(Meeting)
    dangjian = f.meeting("荷花街道", "党建会（督考办不可改）", chair="djb", module=Module.dangjian)
    r = clients("dcb").api("PUT", f"/api/v1/meeting/{dangjian.id}", json={"title": "改", "version": dangjian.version})
    assert r.status_code == 403


def test_own_records_scope_for_team_leader(db, clients):
    # 团长 sees meetings they chair or attend (G2 W·o)
    seen = ids_in_api(clients("tz1"), "meeting")
    tz1 = f.user("tz1")
    assert seen and all(
        db.session.get(Meeting, i).chair_id == tz1.id or tz1 in db.session.get(Meeting, i).attendees for i in seen
    )


def test_work_items_scope_by_responsible_person(db, clients):
    # a stationed-agency user sees (R·o) only work items they are responsible for
    seen = ids_in_api(clients("zfdd"), "work_item")
    assert seen == _live(WorkItem, WorkItem.responsible_person_id == f.user("zfdd").id)


def test_api_cannot_link_a_record_outside_the_users_scope(db, clients):
    # the form offers only readable meetings; the API must refuse an id it would not offer
    mine = f.meeting("荷花社区", "链接范围测试荷花", chair="sq1")
    theirs = f.meeting("新村社区", "链接范围测试新村", chair="sq2")
    sq1 = clients("sq1")

    def post(meeting):
        return sq1.api(
            "POST",
            "/api/v1/work_item/",
            json={
                "module": "zhili",
                "kind": "other",
                "title": "链接范围测试任务",
                "status": "todo",
                "org_unit": f.org("荷花社区").id,
                "meeting": meeting.id,
                "deadline": "2031-05-01",
            },
        )

    refused = post(theirs)
    assert refused.status_code == 403, refused.get_json()
    assert "meeting" in json.dumps(refused.get_json())
    n = db.session.execute(
        sa.select(sa.func.count()).select_from(WorkItem).where(WorkItem.title == "链接范围测试任务")
    ).scalar()
    assert n == 0
    assert post(mine).status_code == 201
