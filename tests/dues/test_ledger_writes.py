"""The due ledger follows every write path in the write's own transaction: API, form, import,
delete, restore; a failed write takes its ledger change with it; rebuild and check agree; each
user's ledger is the recompute of their scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from flask import g

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import WorkItem
from app.core import clock, registry, scope, timerules
from app.dues import ledger, reads
from app.dues.models import DONE, DueItem
from app.escalation.models import EscalationRecord
from app.org.enums import Module

from .. import factories as f
from ..roles import LOGIN_FOR_ROLE
from ..sqlcount import QueryCounter

NOW = dt.datetime(2027, 3, 10, 9, 0)  # a Wednesday; the work item's reminder starts 3 days before


@pytest.fixture()
def at_now(db):
    clock.freeze(NOW)
    ledger.sweep(NOW)
    yield NOW


def _items(db, row_id, key="work_item", open_only=True):
    db.session.expire_all()
    q = sa.select(DueItem).where(DueItem.register_key == key, DueItem.row_key == row_id)
    if open_only:
        q = q.where(DueItem.resolved_at.is_(None))
    return db.session.execute(q.order_by(DueItem.id)).scalars().all()


def _api_item(client, title, deadline, org="荷花社区", person="sq1"):
    body = {
        "module": Module.xietiao.name,
        "kind": WorkItemKind.other.name,
        "title": title,
        "org_unit": f.org(org).id,
        "deadline": deadline.isoformat(),
        "status": WorkItemStatus.todo.name,
        "responsible_person": f.user(person).id,
    }
    r = client.api("POST", "/api/v1/work_item/", json=body)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def test_api_writes_open_move_and_resolve_the_due(db, clients, at_now):
    c = clients("sq1")
    wid = _api_item(c, "台账接口任务", dt.date(2027, 3, 11))
    [item] = _items(db, wid)
    assert (item.rule_code, item.stage, item.due_at) == ("WI", "reminder", dt.datetime(2027, 3, 11, 23, 59, 59))
    assert item.owner_id == f.user("sq1").id and item.org_unit_id == f.org("荷花社区").id
    assert item.opened_at == NOW
    # the deadline moved into the past: 督办 at once, without a sweep, and recorded once
    version = c.api("GET", f"/api/v1/work_item/{wid}").get_json()["result"]["version"]
    r = c.api("PUT", f"/api/v1/work_item/{wid}", json={"deadline": "2027-03-05", "version": version})
    assert r.status_code == 200, r.get_json()
    [item] = _items(db, wid)
    assert item.stage == "supervision" and item.due_at == dt.datetime(2027, 3, 5, 23, 59, 59)
    stages = db.session.execute(
        sa.select(EscalationRecord.stage).where(
            EscalationRecord.register_key == "work_item", EscalationRecord.row_id == wid
        )
    ).scalars()
    assert {s.name for s in stages} == {"reminder", "supervision"}
    # done: resolved, the history kept
    version = c.api("GET", f"/api/v1/work_item/{wid}").get_json()["result"]["version"]
    r = c.api("PUT", f"/api/v1/work_item/{wid}", json={"status": WorkItemStatus.done.name, "version": version})
    assert r.status_code == 200, r.get_json()
    assert _items(db, wid) == []
    # this row's history (SQLite may reuse the id of a row another test deleted for good)
    history = [i for i in _items(db, wid, open_only=False) if i.opened_at >= NOW]
    assert history and all(i.resolved_at == NOW for i in history) and history[-1].resolution == DONE, [
        (i.id, i.source, i.rule_code, i.due_at, i.opened_at, i.resolved_at, i.resolution) for i in history
    ]


def test_delete_resolves_and_restore_reopens(db, clients, at_now):
    c = clients("sq1")
    wid = _api_item(c, "台账删除任务", dt.date(2027, 3, 12))
    assert len(_items(db, wid)) == 1
    assert c.api("DELETE", f"/api/v1/work_item/{wid}").status_code == 200
    assert _items(db, wid) == []
    r = clients("admin").post_form(f"/recycle_bin/restore/work_item/{wid}", {}, form_url="/recycle_bin/")
    assert r.status_code == 302
    [item] = _items(db, wid)
    assert item.stage == "reminder"


def test_a_form_edit_moves_the_due(db, clients, at_now):
    c = clients("sq1")
    wid = _api_item(c, "台账表单任务", dt.date(2027, 3, 12))
    item = db.session.get(WorkItem, wid)
    form = {
        "module": item.module.name,
        "kind": item.kind.name,
        "title": item.title,
        "org_unit": str(item.org_unit_id),
        "deadline": "2027-03-01",
        "status": item.status.name,
        "responsible_person": str(item.responsible_person_id),
        "lock_version": str(item.version),
    }
    r = c.post_form(f"/work_item/edit/{wid}", form)
    assert r.status_code == 302, re.findall(r"(?:help-block|alert)[^>]*>([^<]+)", r.get_data(as_text=True))
    [due] = _items(db, wid)
    assert due.due_at == dt.datetime(2027, 3, 1, 23, 59, 59) and due.stage == "supervision"


def test_an_import_opens_the_dues_of_its_rows(app, db, clients, at_now):
    from flask_babel import force_locale

    from ..sheets.helpers import book, confirm, token_of, upload, xlsx_bytes

    c = clients("sq1")
    reg = registry.get("work_item")
    with app.test_request_context(), force_locale("zh"):
        cols = ["module", "kind", "title", "org_unit", "deadline", "status", "responsible_person"]
        header = [str(reg.label(col)) for col in cols]
        row = [str(Module.dangjian.label), str(WorkItemKind.other.label), "台账导入任务", "荷花社区第1网格"]
        row += [dt.date(2027, 3, 11), "todo", "sq1"]
    assert book(c.get("/work_item/import_template/"))  # the template exists: the header is the form's
    preview = upload(c, "work_item", xlsx_bytes([header, row]))
    assert confirm(c, "work_item", token_of(preview)).status_code == 302
    wid = db.session.execute(sa.select(WorkItem.id).where(WorkItem.title == "台账导入任务")).scalar_one()
    [due] = _items(db, wid)
    assert due.rule_code == "WI" and due.org_unit_id == f.org("荷花社区第1网格").id


def test_a_failed_commit_takes_its_ledger_change_with_it(db, at_now):
    def refuse(changes, now, stats):
        if any(ch.values.get("title") == "失败的提交" for ch in changes):
            raise RuntimeError("listener refuses")

    ledger.on_change(refuse)
    try:
        wi = WorkItem(
            module=Module.xietiao,
            kind=WorkItemKind.other,
            title="失败的提交",
            org_unit=f.org("荷花社区"),
            deadline=dt.date(2027, 3, 11),
            status=WorkItemStatus.todo,
        )
        db.session.add(wi)
        with pytest.raises(RuntimeError):
            db.session.commit()
        db.session.rollback()
    finally:
        ledger._listeners.remove(refuse)
    assert db.session.execute(sa.select(WorkItem.id).where(WorkItem.title == "失败的提交")).first() is None
    assert db.session.execute(sa.select(DueItem.id).where(DueItem.title == "失败的提交")).first() is None


def test_a_write_costs_the_same_statements_however_many_dues_are_open(db, clients, at_now):
    c = clients("sq1")

    def one_write(title):
        wid = _api_item(c, title, dt.date(2027, 3, 11))
        version = c.api("GET", f"/api/v1/work_item/{wid}").get_json()["result"]["version"]
        with QueryCounter(db.engine) as counter:
            r = c.api("PUT", f"/api/v1/work_item/{wid}", json={"deadline": "2027-03-12", "version": version})
        assert r.status_code == 200
        return counter.count

    first = one_write("台账计数任务0")
    for i in range(1, 20):
        _api_item(c, f"台账计数任务{i}", dt.date(2027, 3, 11))
    assert one_write("台账计数任务20") == first


def test_rebuild_is_idempotent_and_check_finds_drift(app, db):
    runner = app.test_cli_runner()
    at = "--at=" + clock.now().isoformat()
    runner.invoke(args=["dues", "rebuild", at])
    again = runner.invoke(args=["dues", "rebuild", at])
    assert again.exit_code == 0 and "changed: 0" in again.output
    ok = runner.invoke(args=["dues", "check", at])
    assert ok.exit_code == 0 and "drift: 0" in ok.output, ok.output
    wid = (
        db.session.execute(
            sa.select(DueItem.row_id).where(
                DueItem.register_key == "work_item", DueItem.resolved_at.is_(None), DueItem.row_id.is_not(None)
            )
        )
        .scalars()
        .first()
    )
    # a change behind the application's back (raw SQL): the ledger cannot know, check says so
    db.session.execute(sa.update(WorkItem.__table__).where(WorkItem.id == wid).values(status=WorkItemStatus.done.name))
    db.session.commit()
    bad = runner.invoke(args=["dues", "check", at])
    assert bad.exit_code == 1 and f"work_item#{wid} WI" in bad.output
    runner.invoke(args=["dues", "rebuild", at])
    assert runner.invoke(args=["dues", "check", at]).exit_code == 0


@pytest.mark.parametrize("role", sorted(LOGIN_FOR_ROLE))
def test_each_users_ledger_is_the_recompute_of_their_scope(app, db, role):
    """For every role: the items the ledger shows equal what the rules report within the scope."""
    now = clock.now()
    ledger.sweep(now)
    with app.test_request_context():
        g.jiedao_principal = scope.build_principal(f.user(LOGIN_FOR_ROLE[role]))
        expected = {(reg.key, d.row_key, d.rule, d.due_at) for reg, d in timerules.collect(now)}
        shown = {(i.register_key, i.row_key, i.rule_code, i.due_at) for i in reads.items(now)}
    assert shown == expected


def _spy(rule, calls):
    real = rule.check

    def check(now, **kw):
        calls.append((now, kw.get("ids")))
        return real(now, **kw)

    object.__setattr__(rule, "check", check)  # TimeRule is frozen: the spy goes in and out by hand
    return real


def test_a_daily_rule_runs_at_the_first_sweep_of_a_day_only(db):
    reg = registry.get("petition_case")
    rule = next(r for r in reg.time_rules if r.code == "TR-27")
    assert rule.daily and rule.per_row
    calls: list = []
    real = _spy(rule, calls)
    try:
        ledger.sweep(dt.datetime(2027, 5, 10, 9))
        ledger.sweep(dt.datetime(2027, 5, 10, 16))  # same day: the writes keep it current
        assert len(calls) <= 1
        ledger.sweep(dt.datetime(2027, 5, 11, 0, 5))
        assert calls[-1] == (dt.datetime(2027, 5, 11, 0, 5), None)
        n = len(calls)
        ledger.sweep(dt.datetime(2027, 5, 11, 8))
        assert len(calls) == n
    finally:
        object.__setattr__(rule, "check", real)


def test_a_write_recomputes_a_per_row_rule_for_its_own_rows_only(db, clients, at_now):
    from app.modules.zhili.models import PetitionCase

    reg = registry.get("petition_case")
    rule = next(r for r in reg.time_rules if r.code == "TR-27")
    case = db.session.execute(sa.select(PetitionCase).where(PetitionCase.is_deleted.is_(False))).scalars().first()
    calls: list = []
    real = _spy(rule, calls)
    try:
        case.remarks = "台账逐行重算"
        db.session.commit()
    finally:
        object.__setattr__(rule, "check", real)
    assert calls == [(ledger.swept_at(), {case.id})]
