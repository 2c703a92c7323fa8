"""Workflow steps (app.core.workflow) on the meeting ledger: show-page buttons and the API."""

from app.common.enums import MeetingStatus
from app.common.models import Meeting

from . import factories as f
from .conftest import text


def test_steps_show_as_buttons_and_move_the_state(db, clients):
    m = f.meeting("荷花社区", "状态流转测试会", chair="sq1")
    sq1 = clients("sq1")
    page = text(sq1.get(f"/meeting/show/{m.id}"))
    assert "标记已召开" in page and "取消会议" in page and f"/meeting/action/postpone/{m.id}" in page
    r = sq1.post_form(f"/meeting/action/postpone/{m.id}", {}, form_url=f"/meeting/show/{m.id}")
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).status == MeetingStatus.postponed
    # the show page now offers only the steps of the new state: no second postponement
    page = text(sq1.get(f"/meeting/show/{m.id}"))
    assert "取消会议" in page and f"/meeting/action/postpone/{m.id}" not in page
    # and the step itself is refused, whatever the page offers
    r = sq1.post_form(f"/meeting/action/postpone/{m.id}", {}, form_url=f"/meeting/show/{m.id}", follow_redirects=True)
    assert "当前状态（延期）下不能执行该操作" in text(r)


def test_step_via_api_checks_version_state_and_scope(db, clients):
    m = f.meeting(
        "荷花社区", "API流转测试会", chair="sq1", planned_start=__import__("datetime").datetime(2026, 11, 2, 9)
    )
    api = clients("sq1")
    assert api.api("POST", f"/api/v1/meeting/{m.id}/transition/hold", json={}).status_code == 422
    assert api.api("POST", f"/api/v1/meeting/{m.id}/transition/hold", json={"version": 99}).status_code == 409
    r = api.api("POST", f"/api/v1/meeting/{m.id}/transition/hold", json={"version": 1})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    row = db.session.get(Meeting, m.id)
    assert row.status == MeetingStatus.held and row.actual_start == row.planned_start
    assert api.api("POST", f"/api/v1/meeting/{m.id}/transition/nope", json={"version": 2}).status_code == 404
    # another community's secretary cannot even see it
    assert (
        clients("sq2").api("POST", f"/api/v1/meeting/{m.id}/transition/cancel", json={"version": 2}).status_code == 404
    )


def test_read_only_role_cannot_take_a_step(db, clients):
    m = f.meeting("荷花街道", "只读流转测试会", chair="leader")
    r = clients("audit").api("POST", f"/api/v1/meeting/{m.id}/transition/cancel", json={"version": 1})
    assert r.status_code == 403
    r = clients("audit").post_form(f"/meeting/action/cancel/{m.id}", {}, form_url=f"/meeting/show/{m.id}")
    db.session.expire_all()
    assert db.session.get(Meeting, m.id).status == MeetingStatus.planned
