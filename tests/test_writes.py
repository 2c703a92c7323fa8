"""The write path: validation messages in the form, nothing half-saved, lost-update protection,
soft delete of one's own rows only."""

import re

import sqlalchemy as sa

from app.common.models import Meeting

from . import factories as f
from .conftest import text


def _form(meeting_title, **over):
    data = {
        "module": "dangjian",
        "meeting_type": "team_weekly",
        "title": meeting_title,
        "org_unit": str(f.org("荷花社区").id),
        "status": "planned",
        "planned_start": "2026-12-03 09:00:00",
        "chair": str(f.user("sq1").id),
    }
    data.update(over)
    return data


def _count(db, title):
    return db.session.execute(sa.select(sa.func.count()).select_from(Meeting).where(Meeting.title == title)).scalar()


def test_add_meeting_through_the_form(db, clients):
    r = clients("sq1").post_form("/meeting/add", _form("表单新增会议"))
    assert r.status_code == 302
    assert _count(db, "表单新增会议") == 1
    row = db.session.execute(sa.select(Meeting).where(Meeting.title == "表单新增会议")).scalar_one()
    assert row.created_by.username == "sq1" and row.version == 1


def test_missing_required_field_is_reported_in_the_form(db, clients):
    r = clients("sq1").post_form("/meeting/add", _form("", place="三楼会议室"))
    assert r.status_code == 200
    page = text(r)
    assert "该字段是必填字段" in page  # WTForms' own zh catalog
    assert "三楼会议室" in page  # nothing the user typed is lost


def test_end_before_start_is_a_field_error_not_a_500(db, clients):
    r = clients("sq1").post_form("/meeting/add", _form("时间颠倒的会议", end_time="2026-12-03 08:00:00"))
    assert r.status_code == 200
    assert "结束时间不能早于开始时间" in text(r)
    assert "时间颠倒的会议" in text(r)
    assert _count(db, "时间颠倒的会议") == 0


def test_overlong_and_malformed_values_are_refused(db, clients):
    r = clients("sq1").post_form("/meeting/add", _form("长" * 201))
    assert r.status_code == 200 and _count(db, "长" * 201) == 0
    r = clients("sq1").post_form("/meeting/add", _form("日期错误的会议", planned_start="明天上午"))
    assert r.status_code == 200 and _count(db, "日期错误的会议") == 0
    r = clients("sq1").api("POST", "/api/v1/meeting/", json={"title": "x", "planned_start": "not a date"})
    assert r.status_code == 422


def test_stale_form_is_refused_and_keeps_the_input(db, clients):
    m = f.meeting("荷花社区", "并发编辑测试会", chair="sq1", created_by="sq1")
    sq1, sqgz1 = clients("sq1"), clients("sqgz1")
    page = text(sq1.get(f"/meeting/edit/{m.id}"))
    version = re.search(r'id="lock_version" name="lock_version" type="hidden" value="(\d+)"', page).group(1)
    assert version == "1"
    # a colleague saves first
    r = sqgz1.api("PUT", f"/api/v1/meeting/{m.id}", json={"place": "同事改的地点", "version": 1})
    assert r.status_code == 200, r.get_json()
    # then the stale form arrives
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = _form("并发编辑测试会", place="我改的地点", lock_version=version, csrf_token=token)
    r = sq1.post(f"/meeting/edit/{m.id}", data=data)
    assert r.status_code == 200
    assert "已有其他人修改并保存" in text(r)
    assert "我改的地点" in text(r)
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).place == "同事改的地点"


def test_api_put_needs_the_current_version(db, clients):
    m = f.meeting("荷花社区", "API版本测试会", chair="sq1", created_by="sq1")
    api = clients("sq1")
    assert api.api("PUT", f"/api/v1/meeting/{m.id}", json={"place": "A"}).status_code == 422
    r = api.api("PUT", f"/api/v1/meeting/{m.id}", json={"place": "A", "version": 1})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    r = api.api("PUT", f"/api/v1/meeting/{m.id}", json={"place": "B", "version": 1})
    assert r.status_code == 409
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).place == "A"


def test_delete_is_soft_and_only_for_own_rows(db, clients):
    mine = f.meeting("荷花社区", "我建的会", chair="sq1", created_by="sq1")
    colleague = f.meeting("荷花社区", "同事建的会", chair="sq1", created_by="sqgz1")
    sq1 = clients("sq1")
    r = sq1.post_form(f"/meeting/delete/{colleague.id}", {}, form_url="/meeting/list/")
    assert r.status_code == 302
    assert sq1.get(f"/meeting/show/{colleague.id}").status_code == 200
    r = sq1.post_form(f"/meeting/delete/{mine.id}", {}, form_url="/meeting/list/")
    assert r.status_code == 302
    assert sq1.get(f"/meeting/show/{mine.id}").status_code == 404
    db.session.expire_all()
    assert db.session.get(Meeting, mine.id).is_deleted  # kept for the audit trail
    # GET never deletes
    assert sq1.get(f"/meeting/delete/{colleague.id}").status_code in (302, 405)
    db.session.expire_all()
    assert not db.session.get(Meeting, colleague.id).is_deleted


def test_read_only_role_cannot_open_edit_form(db, clients):
    m = f.meeting("荷花社区", "只读测试会", chair="sq1")
    # 网格员 read meetings of the grid (R·g) — a community-level row is not even visible
    assert clients("wg1").get(f"/meeting/edit/{m.id}").status_code in (403, 404)
    # 综合督考办 reads all meetings but may not change a 大党建 meeting
    r = clients("dcb").get(f"/meeting/edit/{m.id}")
    assert r.status_code == 302


def test_api_related_id_of_no_row_is_a_field_error(db, clients):
    # marshmallow-sqlalchemy makes a new object for an unknown id; the rules then met a blank
    # rental (KeyError → 500). Now: 422 naming the field, and the row is unchanged.
    import sqlalchemy as sa

    from app.modules.zhili.enums import PatrolTarget
    from app.modules.zhili.models import PatrolRecord

    row = (
        db.session.execute(
            sa.select(PatrolRecord).where(
                PatrolRecord.target == PatrolTarget.rental_house, PatrolRecord.is_deleted.is_(False)
            )
        )
        .scalars()
        .first()
    )
    rental_id, version = row.rental_house_id, row.version
    admin = clients("admin")
    r = admin.api("PUT", f"/api/v1/patrol_record/{row.id}", json={"rental_house": 987654321, "version": version})
    assert r.status_code == 422 and "rental_house" in r.get_json()["message"], r.get_json()
    db.session.expire_all()
    fresh = db.session.get(PatrolRecord, row.id)
    assert (fresh.rental_house_id, fresh.version) == (rental_id, version)
