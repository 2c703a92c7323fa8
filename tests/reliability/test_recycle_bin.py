"""Delete protection and the recycle bin: a row that live rows refer to is not deleted (the message
names them), deleted rows go to the recycle bin, and 系统管理员 restores them (audited)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import AuditLog, Meeting, WorkItem
from app.org.enums import Module
from tests import factories as f
from tests.conftest import text


def _meeting_with_tasks(db, n: int):
    m = f.meeting("荷花社区", "回收站测试会", created_by="admin")
    for i in range(n):
        db.session.add(
            WorkItem(
                module=Module.dangjian,
                kind=WorkItemKind.other,
                title=f"回收站任务{i}",
                org_unit=f.org("荷花社区"),
                deadline=dt.date(2026, 12, 10),
                status=WorkItemStatus.todo,
                meeting_id=m.id,
                created_by_id=f.user("admin").id,
            )
        )
    db.session.commit()
    return m.id, [w.id for w in db.session.execute(sa.select(WorkItem).where(WorkItem.meeting_id == m.id)).scalars()]


def _deleted(db, model, row_id) -> bool:
    db.session.expire_all()
    return db.session.get(model, row_id).is_deleted


def test_delete_of_a_referenced_row_is_refused_and_names_the_dependents(db, clients):
    admin = clients("admin")
    meeting_id, tasks = _meeting_with_tasks(db, 3)
    r = admin.post_form(
        f"/meeting/delete/{meeting_id}", {}, form_url=f"/meeting/show/{meeting_id}", follow_redirects=True
    )
    assert r.status_code == 200
    assert re.search(r"该记录被\s*3\s*条工作任务\s*引用", text(r)), text(r)[:3000]
    assert not _deleted(db, Meeting, meeting_id)
    r = admin.api("DELETE", f"/api/v1/meeting/{meeting_id}")
    assert r.status_code == 409 and "3" in r.get_json()["message"]
    assert not _deleted(db, Meeting, meeting_id)
    # once the tasks are gone (to the recycle bin), the meeting may go too
    for t in tasks:
        assert admin.api("DELETE", f"/api/v1/work_item/{t}").status_code == 200
    assert admin.api("DELETE", f"/api/v1/meeting/{meeting_id}").status_code == 200
    assert _deleted(db, Meeting, meeting_id)


def test_recycle_bin_lists_and_restores_for_admin_only(db, clients):
    admin = clients("admin")
    meeting_id, (task_id,) = _meeting_with_tasks(db, 1)
    assert admin.api("DELETE", f"/api/v1/work_item/{task_id}").status_code == 200
    page = admin.get("/recycle_bin/?register=work_item")
    assert page.status_code == 200
    body = text(page)
    assert f'data-register="work_item" data-row="{task_id}"' in body and "回收站任务0" in body
    # restore: back in the register and its API, and the audit log says so
    r = admin.post_form(
        f"/recycle_bin/restore/work_item/{task_id}", {}, form_url="/recycle_bin/", follow_redirects=True
    )
    assert r.status_code == 200 and "已恢复" in text(r)
    assert not _deleted(db, WorkItem, task_id)
    assert admin.api("GET", f"/api/v1/work_item/{task_id}").status_code == 200
    actions = (
        db.session.execute(
            sa.select(AuditLog.action)
            .where(AuditLog.register_key == "work_item", AuditLog.row_id == task_id)
            .order_by(AuditLog.id)
        )
        .scalars()
        .all()
    )
    assert actions[-2:] == ["delete", "restore"]
    assert f'data-row="{task_id}"' not in text(admin.get("/recycle_bin/?register=work_item"))
    # nobody else opens the bin or restores
    for login in ("sq1", "leader", "audit"):
        c = clients(login)
        assert c.get("/recycle_bin/").status_code in (302, 403), login
        assert admin.api("DELETE", f"/api/v1/work_item/{task_id}").status_code == 200 if login == "sq1" else True
        r = c.post_form(f"/recycle_bin/restore/work_item/{task_id}", {}, form_url="/meeting/list/")
        assert r.status_code in (302, 403), login
    assert _deleted(db, WorkItem, task_id)
