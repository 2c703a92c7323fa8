"""Time rules declared once (issue 17): the ledger agrees with a full recompute at any date, a
declared rule's due follows its row through the real write path (form, API, workflow step,
delete), every due carries a code whose label exists, and TR-09 / TR-35 / TR-39 are due at the
right instants."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.common.enums import MeetingType
from app.common.models import Meeting
from app.core import clock, registry, timerules
from app.dues import ledger, reads
from app.dues.models import DueItem
from app.escalation.models import EscalationRecord
from app.org.models import COMMUNITY_TYPES, OrgUnit

from .. import factories as f
from ..conftest import text

ALL_DUE = "/escalation/?size=1000"  # the whole list (a page shows 100)

T = dt.datetime
# five instants over a year around the demo's date: a working Monday, a half-year's last second, the
# day after the National Day week, a month's first instant, a Sunday evening at a month's end
DATES = [T(2026, 3, 2, 9), T(2026, 6, 30, 23, 59, 59), T(2026, 10, 8, 8), T(2026, 12, 1, 0, 0), T(2027, 1, 31, 18)]


@pytest.fixture()
def restored(db, app):
    """Move the clock and sweep freely: afterwards the ledger is rebuilt at the configured clock and
    the 督办预警记录 the sweeps at other dates left behind are taken back, so later tests see the
    database as they would have."""
    esc = EscalationRecord.__table__
    last_id = db.session.execute(sa.select(sa.func.max(esc.c.id))).scalar() or 0
    resolved = dict(db.session.execute(sa.select(esc.c.id, esc.c.resolved_at)).all())
    config = dict(app.config)
    yield
    db.session.rollback()
    for key in set(app.config) - set(config):
        del app.config[key]
    app.config.update(config)
    clock.reset()
    ledger.rebuild(clock.now())
    db.session.execute(esc.delete().where(esc.c.id > last_id))
    for rid, at in db.session.execute(sa.select(esc.c.id, esc.c.resolved_at)).all():
        if resolved.get(rid, at) != at:
            db.session.execute(sa.update(esc).where(esc.c.id == rid).values(resolved_at=resolved[rid]))
    db.session.commit()


def at(when: dt.datetime) -> None:
    """The clock moves and the sweep runs (as the scheduler would)."""
    clock.freeze(when)
    ledger.sweep(when)


def open_items(register: str, row_key: int | None = None, rule: str | None = None) -> list[DueItem]:
    from app.extensions import db

    db.session.expire_all()
    q = sa.select(DueItem).where(DueItem.register_key == register, DueItem.resolved_at.is_(None))
    if row_key is not None:
        q = q.where(DueItem.row_key == row_key)
    if rule is not None:
        q = q.where(DueItem.rule_code == rule)
    return list(db.session.execute(q.order_by(DueItem.id)).scalars())


def one(register: str, row_key: int, rule: str) -> DueItem:
    found = open_items(register, row_key, rule)
    assert len(found) == 1, found
    return found[0]


def history(register: str, row_key: int, rule: str) -> list[DueItem]:
    from app.extensions import db

    db.session.expire_all()
    q = sa.select(DueItem).where(
        DueItem.register_key == register, DueItem.row_key == row_key, DueItem.rule_code == rule
    )
    return list(db.session.execute(q.order_by(DueItem.id)).scalars())


def shown_stage(item: DueItem) -> str:
    return ledger.stage_at(item.remind_at, item.due_at, item.notice_at, item.fixed_stage, clock.now())


# --------------------------------------------------------------------------- (a) ledger = recompute


def test_the_ledger_equals_a_full_recompute_at_five_dates(db, restored):
    for when in DATES:
        at(when)
        assert ledger.drift(when) == [], when
        shown = {(i.register_key, i.row_key, i.rule_code, i.due_at, i.stage) for i in reads.items(when)}
        reference = {
            (reg.key, d.row_key, d.rule, d.due_at, timerules.stage_of(d, when)) for reg, d in timerules.collect(when)
        }
        assert shown == reference, (when, sorted(shown ^ reference, key=str)[:10])
        assert shown, when


def test_every_rule_reports_its_own_code_once_per_row(db, restored):
    """What the pages label a due with (reads.Item.rule_label: the register's rule of that code)
    exists for every due, and no rule reports two dues of one row (the ledger keeps one)."""
    for when in DATES:
        for reg in registry.all_registers():
            for rule in reg.time_rules:
                dues = timerules.rule_dues(reg, rule, when)
                assert {d.rule for d in dues} <= {rule.code}, (reg.key, rule.code, when)
                keys = [d.row_key for d in dues]
                assert len(keys) == len(set(keys)), (reg.key, rule.code, when)
    codes = [(reg.key, rule.code) for reg in registry.all_registers() for rule in reg.time_rules]
    assert len(codes) == len(set(codes))
    at(DATES[-1])
    items = reads.items(DATES[-1])
    assert items and all(str(i.rule_label) != i.rule_code for i in items)


def test_the_deadline_rules_are_declarations(db):
    declared = {rule.code for reg in registry.all_registers() for rule in reg.time_rules if rule.declared}
    assert declared >= {
        "WI",
        "PM",
        "TR-04",
        "TR-14",
        "TR-17",
        "TR-17R",
        "TR-20",
        "TR-28",
        "TR-28C",
        "ZL-DELIB",
        "TR-29",
        "TR-30",
        "TR-37",
        "HAZARD",
        "FW-PLEDGE",
        "TR-42",
    }
    for reg in registry.all_registers():
        for rule in reg.time_rules:
            if rule.declared:
                assert rule.deadline and rule.open is not None and rule.soon > dt.timedelta(0), rule.code
                assert set(rule.watch) <= {r.key for r in registry.all_registers()}, rule.code


# --------------------------------------------------------------------------- (b) the write path


def _work_item_body(title, deadline, **over):
    body = {
        "module": "zhili",
        "kind": "other",
        "title": title,
        "org_unit": f.org("荷花社区").id,
        "responsible_person": f.user("sq1").id,
        "deadline": deadline,
        "status": "todo",
    }
    body.update(over)
    return body


def test_a_work_item_due_climbs_the_ladder_follows_its_deadline_and_goes_when_done(db, clients, restored):
    api = clients("leader")
    at(T(2029, 5, 7, 9))
    r = api.api("POST", "/api/v1/work_item/", json=_work_item_body("台账规则测试任务", "2029-05-24"))
    assert r.status_code == 201, r.get_json()
    wid = r.get_json()["id"]
    item = one("work_item", wid, "WI")
    assert item.due_at == T(2029, 5, 24, 23, 59, 59) and item.remind_at == T(2029, 5, 21, 23, 59, 59)
    assert item.stage == "upcoming" and item.owner_id == f.user("sq1").id and item.source == "WI"
    assert wid not in {i.row_key for i in reads.items(clock.now()) if i.register_key == "work_item"}

    at(T(2029, 5, 22, 9))
    assert one("work_item", wid, "WI").stage == "reminder"
    page = text(clients("sq1").get(ALL_DUE))
    assert f'href="/work_item/show/{wid}"' in page and "台账规则测试任务" in page

    # the deadline moved through the edit form: the same item, due later, back to upcoming at once
    sq1 = clients("sq1")
    form = text(sq1.get(f"/work_item/edit/{wid}"))
    version = re.search(r'name="lock_version" type="hidden" value="(\d+)"', form).group(1)
    data = {k: str(v) for k, v in _work_item_body("台账规则测试任务", "2029-05-29").items()} | {"lock_version": version}
    r = sq1.post_form(f"/work_item/edit/{wid}", data)
    assert r.status_code == 302, text(r)[:2000]
    item = one("work_item", wid, "WI")
    assert item.due_at == T(2029, 5, 29, 23, 59, 59) and item.stage == "upcoming"
    assert len(history("work_item", wid, "WI")) == 1

    at(T(2029, 5, 30, 9))
    assert one("work_item", wid, "WI").stage == "supervision"
    at(T(2029, 6, 1, 0, 0, 1))
    item = one("work_item", wid, "WI")
    assert item.stage == "notice" and shown_stage(item) == "notice"
    stages = db.session.execute(
        sa.select(EscalationRecord.stage).where(
            EscalationRecord.register_key == "work_item", EscalationRecord.row_id == wid
        )
    ).scalars()
    assert sorted(s.name for s in stages) == ["notice", "reminder", "supervision"]  # each stage once

    row = api.api("GET", f"/api/v1/work_item/{wid}").get_json()["result"]
    r = api.api("PUT", f"/api/v1/work_item/{wid}", json={"status": "done", "version": row["version"]})
    assert r.status_code == 200, r.get_json()
    assert open_items("work_item", wid) == []
    assert [i.resolution for i in history("work_item", wid, "WI")] == ["done"]

    # a deleted row takes its due with it
    r = api.api("POST", "/api/v1/work_item/", json=_work_item_body("台账规则删除测试", "2029-06-03"))
    gone = r.get_json()["id"]
    assert one("work_item", gone, "WI").stage == "reminder"
    assert api.api("DELETE", f"/api/v1/work_item/{gone}").status_code == 200
    assert open_items("work_item", gone) == []


def test_a_supervision_item_is_due_once_its_list_is_issued(db, clients, restored):
    """TR-17 looks at the parent list (open= … supervision_list.has(…), watch=("supervision_list",)):
    issuing the list — a write to the list, not to the item — puts the item's due in the ledger."""
    dcb = clients("dcb")
    at(T(2029, 9, 6, 9))  # TR-16: the 5th working day is Friday 7 September
    r = dcb.api(
        "POST",
        "/api/v1/supervision_list/",
        json={
            "month": "2029-09-01",
            "title": "2029年09月台账测试清单",
            "made_by": f.user("dcb").id,
            "org_unit": f.org("荷花街道").id,
        },
    )
    assert r.status_code == 201, r.get_json()
    sl = r.get_json()["id"]
    r = dcb.api(
        "POST",
        "/api/v1/supervision_item/",
        json={
            "supervision_list": sl,
            "title": "台账测试督查事项",
            "module": "zhili",
            "responsible_person": f.user("mk_zhili").id,
            "deadline": "2029-09-08",
            "progress_percent": 10,
            "status": "on_track",
            "org_unit": f.org("荷花街道").id,
        },
    )
    assert r.status_code == 201, r.get_json()
    item_id = r.get_json()["id"]
    assert open_items("supervision_item", item_id) == []  # a draft list is not handed out
    assert one("supervision_list", sl, "TR-16").stage == "reminder"  # the list itself is due (TR-16)

    version = dcb.api("GET", f"/api/v1/supervision_list/{sl}").get_json()["result"]["version"]
    r = dcb.api("POST", f"/api/v1/supervision_list/{sl}/transition/issue_list", json={"version": version})
    assert r.status_code == 200, r.get_json()
    due = one("supervision_item", item_id, "TR-17")
    assert due.due_at == T(2029, 9, 8, 23, 59, 59) and due.stage == "reminder"
    assert due.owner_id == f.user("mk_zhili").id
    assert open_items("supervision_list", sl, "TR-16") == []

    at(T(2029, 9, 9, 9))
    assert one("supervision_item", item_id, "TR-17").stage == "supervision"
    v = dcb.api("GET", f"/api/v1/supervision_item/{item_id}").get_json()["result"]["version"]
    r = dcb.api("PUT", f"/api/v1/supervision_item/{item_id}", json={"status": "done", "version": v})
    assert r.status_code == 200, r.get_json()
    assert open_items("supervision_item", item_id) == []


def test_a_major_action_deadline_is_a_datetime(db, clients, restored):
    """TR-37 on a datetime column: due at the very minute, moved by an API edit."""
    mk = clients("mk_zhifa")
    at(T(2029, 3, 1, 9))
    body = {
        "name": "台账测试暗访迎检",
        "level": "city",
        "kind": "unannounced",
        "action_start": "2029-03-10 09:00:00",
        "deploy_mode": "advance",
        "deploy_due": "2029-03-08 17:30:00",
        "lead": f.user("fgfsj").id,
        "plan_level": "level2",
    }
    r = mk.api("POST", "/api/v1/major_action/", json=body)
    assert r.status_code == 201, r.get_json()
    aid = r.get_json()["id"]
    item = one("major_action", aid, "TR-37")
    assert item.due_at == T(2029, 3, 8, 17, 30) and item.stage == "upcoming" and item.owner_id == f.user("fgfsj").id
    at(T(2029, 3, 5, 17, 30))  # exactly three days before
    assert one("major_action", aid, "TR-37").stage == "reminder"
    v = mk.api("GET", f"/api/v1/major_action/{aid}").get_json()["result"]["version"]
    r = mk.api("PUT", f"/api/v1/major_action/{aid}", json={"deploy_due": "2029-03-09 12:00:00", "version": v})
    assert r.status_code == 200, r.get_json()
    item = one("major_action", aid, "TR-37")
    assert item.due_at == T(2029, 3, 9, 12) and item.stage == "upcoming"
    at(T(2029, 3, 9, 12, 1))
    assert one("major_action", aid, "TR-37").stage == "supervision"
    v = mk.api("GET", f"/api/v1/major_action/{aid}").get_json()["result"]["version"]
    r = mk.api("POST", f"/api/v1/major_action/{aid}/transition/deploy", json={"version": v})
    assert r.status_code == 200, r.get_json()
    assert open_items("major_action", aid) == []


# --------------------------------------------------------------------------- (c) TR-28C


def test_the_60_day_petition_clock_has_its_own_code_and_label(db, clients, restored):
    wg1 = clients("wg1")
    at(T(2029, 2, 1, 9))
    r = wg1.api(
        "POST",
        "/api/v1/petition_case/",
        json={
            "case_no": "台账-XF-2029-0001",
            "channel": "visit",
            "received_at": "2029-02-01 08:30:00",
            "petitioner_name": "李测试",
            "org_unit": f.user("wg1").org_unit_id,
            "category": "neighbour",
            "grade": "general",
            "content": "测试信访内容",
            "first_receiver": f.user("wg1").id,
            "handling_level": "grid",
        },
    )
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["id"]
    accept = one("petition_case", cid, "TR-28")
    assert accept.due_at == T(2029, 2, 16, 23, 59, 59) and accept.source == "TR-28"
    at(T(2029, 2, 5, 9))
    v = wg1.api("GET", f"/api/v1/petition_case/{cid}").get_json()["result"]["version"]
    assert wg1.api("POST", f"/api/v1/petition_case/{cid}/transition/accept", json={"version": v}).status_code == 200
    assert open_items("petition_case", cid, "TR-28") == []
    close = one("petition_case", cid, "TR-28C")
    assert close.source == "TR-28C" and close.due_at == T(2029, 4, 6, 23, 59, 59)  # 5 Feb + 60 days
    assert close.remind_at == T(2029, 3, 25, 23, 59, 59) and close.owner_id == f.user("wg1").id

    at(T(2029, 4, 8, 9))  # overdue: 督办, under its own rule's label
    page = text(clients("wg1").get(ALL_DUE))
    row = re.search(rf'<tr[^>]*data-register="petition_case"\s+data-row="{cid}"[^>]*>(.*?)</tr>', page, re.S)
    assert row, "the case is not on the escalation list"
    assert "TR-28C" in row.group(1) and "60日内办结" in row.group(1)
    assert "15日内决定是否受理" not in row.group(1)
    (item,) = [i for i in reads.items(clock.now()) if i.register_key == "petition_case" and i.row_key == cid]
    assert item.rule_code == "TR-28C" and item.stage == "supervision"


# --------------------------------------------------------------------------- (d) TR-09, TR-35, TR-39


def test_tr35_emergency_analysis_is_due_the_same_day(db, clients, restored):
    api = clients("mk_zhifa")
    at(T(2029, 3, 12, 12))
    body = {
        "module": "zhifa",
        "meeting_type": "enforcement_emergency",
        "title": "台账测试应急研判会",
        "status": "planned",
        "org_unit": f.org("荷花街道").id,
        "planned_start": "2029-03-13T19:00:00",  # a Tuesday: emergency analysis is allowed (TR-10)
        "chair": f.user("fgfsj").id,
    }
    r = api.api("POST", "/api/v1/meeting/", json=body)
    assert r.status_code == 201, r.get_json()
    mid = r.get_json()["id"]
    (early,) = open_items("meeting", mid, "TR-35")  # declared: in the ledger at once, not shown the day before
    assert early.stage == "upcoming" and early.remind_at == T(2029, 3, 13, 0, 0)
    at(T(2029, 3, 13, 0, 0))
    item = one("meeting", mid, "TR-35")
    assert item.due_at == T(2029, 3, 13, 23, 59, 59) and item.stage == "reminder"
    assert item.owner_id == f.user("fgfsj").id and item.module == "zhifa"
    at(T(2029, 3, 14, 0, 0))
    assert one("meeting", mid, "TR-35").stage == "supervision"
    v = api.api("GET", f"/api/v1/meeting/{mid}").get_json()["result"]["version"]
    r = api.api("POST", f"/api/v1/meeting/{mid}/transition/hold", json={"version": v})
    assert r.status_code == 200, r.get_json()
    assert open_items("meeting", mid, "TR-35") == []
    # only emergency analyses owe TR-35: no other kind of meeting is in the ledger under it
    others = {i.row_key for i in open_items("meeting", rule="TR-35")}
    kinds = set(db.session.execute(sa.select(Meeting.meeting_type).where(Meeting.id.in_(others))).scalars())
    assert kinds <= {MeetingType.enforcement_emergency}


def test_tr39_each_community_is_assessed_every_year(db, clients, restored):
    at(T(2029, 11, 30, 23, 0))
    assert not [i for i in open_items("community_safety_assessment", rule="TR-39") if "2029" in i.title]
    at(T(2029, 12, 1, 0, 0))
    due = [i for i in open_items("community_safety_assessment", rule="TR-39") if "2029年度" in i.title]
    communities = db.session.execute(
        sa.select(sa.func.count())
        .select_from(OrgUnit)
        .where(OrgUnit.is_deleted.is_(False), OrgUnit.unit_type.in_(COMMUNITY_TYPES))
    ).scalar()
    assert len(due) == communities and {i.due_at for i in due} == {T(2029, 12, 31, 23, 59, 59)}
    assert all(i.row_id is None and i.org_unit_id and i.stage == "reminder" for i in due)
    heh = next(i for i in due if i.org_unit_id == f.org("荷花社区").id)
    assert heh.title == "荷花社区：2029年度安全生产考核（尚未考核）"
    # each community sees its own
    page = text(clients("sq1").get(ALL_DUE))
    assert "荷花社区：2029年度安全生产考核" in page and "新村社区：2029年度安全生产考核" not in page
    # the assessment recorded through the API: that community's due goes
    r = clients("mk_jingji").api(
        "POST",
        "/api/v1/community_safety_assessment/",
        json={"year": 2029, "org_unit": f.org("荷花社区").id, "score": "92", "result": "safe_community"},
    )
    assert r.status_code == 201, r.get_json()
    left = [i for i in open_items("community_safety_assessment", rule="TR-39") if "2029年度" in i.title]
    assert len(left) == communities - 1 and heh.org_unit_id not in {i.org_unit_id for i in left}
    at(T(2030, 1, 4, 9))  # the month of the due has ended: 通报 (§9.7)
    left = [i for i in open_items("community_safety_assessment", rule="TR-39") if "2029年度" in i.title]
    assert len(left) == communities - 1 and {i.stage for i in left} == {"notice"}


def test_tr09_alliance_summaries_remind_in_the_quarters_last_month(db, clients, app, restored):
    from app.modules.dangjian.enums import AllianceStatus
    from app.modules.dangjian.models import RedPropertyAlliance

    alliances = (
        db.session.execute(
            sa.select(RedPropertyAlliance).where(
                RedPropertyAlliance.is_deleted.is_(False), RedPropertyAlliance.status == AllianceStatus.active
            )
        )
        .scalars()
        .all()
    )
    assert alliances
    at(T(2029, 3, 10, 9))
    assert open_items("red_property_alliance", rule="TR-09") == []  # off by default (domain §10.13)
    app.config["DANGJIAN_TR09_ENABLED"] = True
    at(T(2029, 3, 1, 12))  # the window opens at the end of 1 March (31 March − 30 days)
    assert open_items("red_property_alliance", rule="TR-09") == []
    at(T(2029, 3, 2, 9))
    due = open_items("red_property_alliance", rule="TR-09")
    assert {i.row_key for i in due} == {a.id for a in alliances}
    assert {(i.due_at, i.fixed_stage, i.stage) for i in due} == {(T(2029, 3, 31, 23, 59, 59), "reminder", "reminder")}
    a = alliances[0]
    assert one("red_property_alliance", a.id, "TR-09").title == f"{a.name}：2029年第1季度方法经验总结"
    assert one("red_property_alliance", a.id, "TR-09").owner_id == a.lead_person_id
    # the quarter's experience summary, written through the API: that alliance's reminder goes
    r = clients("djb").api(
        "POST",
        "/api/v1/alliance_record/",
        json={
            "alliance": a.id,
            "dimension": "system_building",
            "kind": "experience",
            "title": "台账测试经验总结",
            "content": "总结",
            "record_date": "2029-03-02",
            "org_unit": a.org_unit_id,
        },
    )
    assert r.status_code == 201, r.get_json()
    assert open_items("red_property_alliance", a.id, "TR-09") == []
    assert len(open_items("red_property_alliance", rule="TR-09")) == len(alliances) - 1
    at(T(2029, 3, 31, 23, 0))  # still a reminder at the end: never escalated
    assert {shown_stage(i) for i in open_items("red_property_alliance", rule="TR-09")} == {"reminder"}
    at(T(2029, 4, 1, 0, 0))  # the quarter is over: not enforced
    assert open_items("red_property_alliance", rule="TR-09") == []
