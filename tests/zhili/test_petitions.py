"""信访: deadlines (TR-28), states, hand-off path, hearings, 包案 reviews (TR-27), screening,
personal data, scope, and the monthly ranking against hand-computed figures."""

import datetime as dt
import io
import json

import openpyxl
import sqlalchemy as sa

from app.common.models import AuditLog
from app.core import pii, registry, timerules
from app.modules.zhili import rules
from app.modules.zhili.enums import (
    HandlingLevel,
    HearingForm,
    HearingResult,
    PetitionActionType,
    PetitionChannel,
    Satisfaction,
    TransferAction,
)
from app.modules.zhili.enums import (
    PetitionStatus as PS,
)
from app.modules.zhili.models import PetitionAction, PetitionCase, PetitionHearing, PetitionTransfer

from .. import factories as f
from ..conftest import ids_in_api, text
from .helpers import case, first_grid, grid_of, other_grid_of, save


def _fresh(model, pk):
    from app.extensions import db

    db.session.expire_all()
    return db.session.get(model, pk)


# --------------------------------------------------------------------------- TR-28 deadlines


def test_deadlines_follow_the_regulation():
    acc, close = rules.petition_deadlines(dt.datetime(2026, 1, 20, 16), None)
    assert acc == dt.date(2026, 2, 4) and close is None
    acc, close = rules.petition_deadlines(dt.datetime(2026, 1, 20, 16), dt.datetime(2026, 1, 25, 9))
    assert close == dt.date(2026, 3, 26)  # 60 days after acceptance
    _acc, close = rules.petition_deadlines(dt.datetime(2026, 1, 20), dt.datetime(2026, 1, 25), extension_days=30)
    assert close == dt.date(2026, 4, 25)


def test_deadlines_are_configurable(app, db):
    app.config["ZHILI_PETITION_ACCEPT_DAYS"] = 10
    try:
        c = case(grid_of("wg1"), received_at=dt.datetime(2026, 11, 1, 9))
        assert c.accept_due == dt.date(2026, 11, 11)
    finally:
        del app.config["ZHILI_PETITION_ACCEPT_DAYS"]


def test_extension_is_at_most_30_days_and_needs_approval(db, clients):
    c = case(grid_of("wg1"), status=PS.accepted, accepted_at=dt.datetime(2026, 11, 3, 9))
    assert c.close_due == dt.date(2027, 1, 2)
    wg1 = clients("wg1")
    r = wg1.api("PUT", f"/api/v1/petition_case/{c.id}", json={"extended_days": 31, "version": c.version})
    assert r.status_code == 422 and "extended_days" in r.get_json()["errors"]
    r = wg1.api(
        "PUT",
        f"/api/v1/petition_case/{c.id}",
        json={"extended_days": 20, "extension_reason": "涉及多部门会商", "version": c.version},
    )
    assert r.status_code == 200, r.get_json()
    assert _fresh(PetitionCase, c.id).close_due == dt.date(2027, 1, 2)  # not approved yet
    v = r.get_json()["version"]
    assert (
        wg1.api("POST", f"/api/v1/petition_case/{c.id}/transition/approve_extension", json={"version": v}).status_code
        == 403
    )  # grid worker: write only
    r = clients("leader").api("POST", f"/api/v1/petition_case/{c.id}/transition/approve_extension", json={"version": v})
    assert r.status_code == 200, r.get_json()
    row = _fresh(PetitionCase, c.id)
    assert row.extension_approved and row.close_due == dt.date(2027, 1, 22)
    assert row.extension_approved_by_id == f.user("leader").id


def test_regulation_is_marked_on_the_case_page(db, clients):
    c = case(grid_of("wg1"))
    page = text(clients("wg1").get(f"/petition_case/show/{c.id}"))
    assert "信访工作条例" in page and 'id="zhili-regulation"' in page


# --------------------------------------------------------------------------- states


def test_states_run_in_order_and_refuse_skips(db, clients):
    c = case(grid_of("wg1"))
    wg1 = clients("wg1")
    v = c.version
    assert wg1.api("POST", f"/api/v1/petition_case/{c.id}/transition/close", json={"version": v}).status_code == 409
    for step, state in [
        ("accept", PS.accepted),
        ("investigate", PS.investigating),
        ("reply", PS.replied),
        ("feedback", PS.feedback),
        ("close", PS.closed),
    ]:
        r = wg1.api("POST", f"/api/v1/petition_case/{c.id}/transition/{step}", json={"version": v})
        assert r.status_code == 200, (step, r.get_json())
        v = r.get_json()["version"]
        assert _fresh(PetitionCase, c.id).status == state
    row = _fresh(PetitionCase, c.id)
    assert row.accepted_at is not None and row.closed_at is not None and row.close_due is not None
    # 满意度测评 at the end
    r = wg1.api("PUT", f"/api/v1/petition_case/{c.id}", json={"satisfaction": "satisfied", "version": v})
    assert r.status_code == 200 and _fresh(PetitionCase, c.id).satisfaction == Satisfaction.satisfied


def test_satisfaction_only_after_closing_and_not_accepting_needs_a_reason(db, clients):
    c = case(grid_of("wg1"))
    wg1 = clients("wg1")
    r = wg1.api("PUT", f"/api/v1/petition_case/{c.id}", json={"satisfaction": "satisfied", "version": c.version})
    assert r.status_code == 422
    r = wg1.api("POST", f"/api/v1/petition_case/{c.id}/transition/not_accept", json={"version": c.version})
    assert r.status_code == 422 and _fresh(PetitionCase, c.id).status == PS.registered
    r = wg1.api(
        "PUT",
        f"/api/v1/petition_case/{c.id}",
        json={"status_reason": "不属于信访事项，已告知走诉讼渠道", "version": c.version},
    )
    v = r.get_json()["version"]
    assert (
        wg1.api("POST", f"/api/v1/petition_case/{c.id}/transition/not_accept", json={"version": v}).status_code == 200
    )
    assert _fresh(PetitionCase, c.id).status == PS.not_accepted


def test_cease_is_for_approvers(db, clients):
    c = case(
        grid_of("wg1"),
        status=PS.investigating,
        accepted_at=dt.datetime(2026, 11, 3),
        is_backlog=True,
        package_leader=f.user("fgfsj"),
    )
    assert (
        clients("wg1")
        .api("POST", f"/api/v1/petition_case/{c.id}/transition/cease", json={"version": c.version})
        .status_code
        == 403
    )
    r = clients("fgfsj").api("POST", f"/api/v1/petition_case/{c.id}/transition/cease", json={"version": c.version})
    assert r.status_code == 200, r.get_json()
    row = _fresh(PetitionCase, c.id)
    assert row.status == PS.ceased and row.ceased_at is not None


def test_hearing_termination_ends_the_case(db):
    c = case(grid_of("wg1"), status=PS.investigating, accepted_at=dt.datetime(2026, 11, 3))
    h = save(
        PetitionHearing(
            case=c,
            form=HearingForm.hearing,
            held_at=dt.datetime(2026, 11, 10, 14),
            chair=f.user("fgfsj"),
            result=HearingResult.terminated,
        )
    )
    row = _fresh(PetitionCase, c.id)
    assert row.status == PS.terminated and row.closed_at == dt.datetime(2026, 11, 10, 14)
    assert _fresh(PetitionHearing, h.id).org_unit_id == c.org_unit_id


# --------------------------------------------------------------------------- 代办 chain


def test_hand_offs_move_the_level_and_show_as_the_path(db, clients):
    c = case(grid_of("wg1"), channel=PetitionChannel.proxy)
    chain = [
        (TransferAction.report_up, HandlingLevel.grid, HandlingLevel.grid, "wg1", "代办员上报"),
        (TransferAction.screen, HandlingLevel.grid, HandlingLevel.command_center, "wgz1", "网格难以处理"),
        (TransferAction.assign, HandlingLevel.command_center, HandlingLevel.third_party, "zhzx", "转司法所调处"),
    ]
    for i, (action, a, b, who, why) in enumerate(chain):
        save(
            PetitionTransfer(
                case=c,
                action=action,
                from_level=a,
                to_level=b,
                by_user=f.user(who),
                opinion=why,
                transferred_at=dt.datetime(2026, 11, 2, 10 + i),
            )
        )
    row = _fresh(PetitionCase, c.id)
    assert row.handling_level == HandlingLevel.third_party
    assert {t.org_unit_id for t in row.transfers} == {c.org_unit_id}
    page = text(clients("wg1").get(f"/petition_case/show/{c.id}"))
    assert page.count('class="zhili-hop"') == 3
    assert page.index("代办员上报") < page.index("网格难以处理") < page.index("转司法所调处")


def test_transfer_via_api_copies_the_case_org_unit(db, clients):
    c = case(grid_of("wg1"))
    r = clients("wg1").api(
        "POST",
        "/api/v1/petition_transfer/",
        json={
            "case": c.id,
            "action": "report_up",
            "from_level": "grid",
            "to_level": "command_center",
            "transferred_at": "2026-11-02 15:00:00",
            "by_user": f.user("wg1").id,
        },
    )
    assert r.status_code == 201, r.get_json()
    t = _fresh(PetitionTransfer, r.get_json()["id"])
    assert t.org_unit_id == c.org_unit_id


# --------------------------------------------------------------------------- time rules


def _due_codes(now, key="petition_case"):
    return {(d.rule, d.row_id, timerules.stage_of(d, now)) for _r, d in timerules.collect(now, [registry.get(key)])}


def test_acceptance_and_closing_deadlines_reach_the_escalation_list(db):
    c = case(grid_of("wg1"), received_at=dt.datetime(2026, 3, 1, 9))  # accept by 2026-03-16
    assert ("TR-28", c.id, timerules.REMINDER) not in _due_codes(dt.datetime(2026, 3, 10))
    assert ("TR-28", c.id, timerules.REMINDER) in _due_codes(dt.datetime(2026, 3, 14))
    assert ("TR-28", c.id, timerules.SUPERVISION) in _due_codes(dt.datetime(2026, 3, 17))
    c2 = case(
        grid_of("wg1"),
        received_at=dt.datetime(2026, 3, 1),
        status=PS.investigating,
        accepted_at=dt.datetime(2026, 3, 2),
    )  # close by 2026-05-01
    assert ("TR-28C", c2.id, timerules.SUPERVISION) in _due_codes(dt.datetime(2026, 5, 2))  # its own code
    assert not any(d[1] == c2.id for d in _due_codes(dt.datetime(2026, 4, 1)))


def test_screening_within_one_working_day(db):
    overrides = {dt.date(2026, 10, 1): False, dt.date(2026, 10, 10): True}
    assert rules.screening_due_at(dt.datetime(2026, 11, 27, 18), {}) == dt.datetime(
        2026, 11, 30, 23, 59, 59
    )  # Fri → Mon
    assert rules.screening_due_at(dt.datetime(2026, 9, 30, 9), overrides) == dt.datetime(2026, 10, 2, 23, 59, 59)
    assert rules.screening_due_at(dt.datetime(2026, 10, 9, 9), overrides) == dt.datetime(2026, 10, 10, 23, 59, 59)
    c = case(grid_of("wg1"), channel=PetitionChannel.proxy, received_at=dt.datetime(2026, 11, 13, 10))  # Fri
    assert ("ZL-SCREEN", c.id, timerules.REMINDER) in _due_codes(dt.datetime(2026, 11, 16, 9))
    assert ("ZL-SCREEN", c.id, timerules.SUPERVISION) in _due_codes(dt.datetime(2026, 11, 17, 9))
    save(
        PetitionTransfer(
            case=c,
            action=TransferAction.screen,
            from_level=HandlingLevel.grid,
            to_level=HandlingLevel.grid,
            by_user=f.user("wgz1"),
            transferred_at=dt.datetime(2026, 11, 13, 11),
        )
    )
    assert not any(d[0] == "ZL-SCREEN" and d[1] == c.id for d in _due_codes(dt.datetime(2026, 11, 17, 9)))


def test_monthly_package_review_pure():
    got = rules.missing_package_reviews(dt.date(2026, 1, 5), [dt.date(2026, 10, 12)], dt.date(2026, 11, 20))
    assert got == [dt.date(2026, 11, 1)]
    got = rules.missing_package_reviews(dt.date(2026, 1, 5), [dt.date(2026, 11, 2)], dt.date(2026, 11, 20))
    assert got == [dt.date(2026, 10, 1)]
    # a case received this month is only judged for this month; year boundary
    assert rules.missing_package_reviews(dt.date(2027, 1, 3), [], dt.date(2027, 1, 10)) == [dt.date(2027, 1, 1)]
    assert rules.missing_package_reviews(dt.date(2026, 6, 3), [dt.date(2026, 12, 30)], dt.date(2027, 1, 10)) == [
        dt.date(2027, 1, 1)
    ]


def test_backlog_case_without_monthly_review_is_escalated(db):
    c = case(
        grid_of("wg1"),
        received_at=dt.datetime(2025, 6, 1),
        status=PS.investigating,
        accepted_at=dt.datetime(2025, 6, 2),
        is_backlog=True,
        package_leader=f.user("fgfsj"),
    )
    save(
        PetitionAction(
            case=c,
            action_type=PetitionActionType.package_review,
            acted_at=dt.datetime(2025, 9, 10),
            by_user=f.user("fgfsj"),
            content="包案研究",
        )
    )
    now = dt.datetime(2025, 10, 26, 9)
    dues = [
        d for _r, d in timerules.collect(now, [registry.get("petition_case")]) if d.row_id == c.id and d.rule == "TR-27"
    ]
    assert len(dues) == 1 and dues[0].due_at == dt.datetime(2025, 10, 31, 23, 59, 59)
    assert dues[0].owner_id == f.user("fgfsj").id
    assert timerules.stage_of(dues[0], now) == timerules.REMINDER
    later = dt.datetime(2025, 11, 3, 9)  # October ended without a review: 通报 (month-end ladder, §9.7)
    stages = {
        timerules.stage_of(d, later)
        for _r, d in timerules.collect(later, [registry.get("petition_case")])
        if d.row_id == c.id and d.rule == "TR-27"
    }
    assert stages == {timerules.NOTICE}
    save(
        PetitionAction(
            case=c,
            action_type=PetitionActionType.package_deploy,
            acted_at=dt.datetime(2025, 10, 20),
            by_user=f.user("fgfsj"),
            content="部署推动",
        )
    )
    assert not [
        d for _r, d in timerules.collect(now, [registry.get("petition_case")]) if d.row_id == c.id and d.rule == "TR-27"
    ]


# --------------------------------------------------------------------------- personal data


def test_petitioner_data_masked_for_leader_and_secretary(db, clients):
    c = case(
        grid_of("wg1"), petitioner_phone="13911112222", petitioner_id_no="330802198802023458", first_receiver="fgfsj"
    )
    for login in ("leader", "sq1"):
        cl = clients(login)
        show = text(cl.get(f"/petition_case/show/{c.id}"))
        assert "139****2222" in show and "13911112222" not in show and "330802198802023458" not in show
        assert "13911112222" not in text(cl.get("/petition_case/list/?psize_PetitionCaseView=100"))
        res = cl.api("GET", f"/api/v1/petition_case/{c.id}").get_json()["result"]
        assert res["petitioner_id_no"] == "3308**********3458"
        sheet = openpyxl.load_workbook(io.BytesIO(cl.get("/petition_case/export_xlsx/").data), read_only=True).active
        assert "13911112222" not in {v for row in sheet.iter_rows(values_only=True) for v in row}


def test_handlers_see_clear_and_it_is_audited(db, clients):
    c = case(grid_of("wg1"), petitioner_phone="13933334444")
    before = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar()
    for login in ("wg1", "zhzx"):
        assert "13933334444" in text(clients(login).get(f"/petition_case/show/{c.id}"))
    rows = (
        db.session.execute(sa.select(AuditLog).where(AuditLog.id > before, AuditLog.action == "view_pii"))
        .scalars()
        .all()
    )
    assert {r.user_id for r in rows} == {f.user("wg1").id, f.user("zhzx").id}
    assert all(json.loads(r.diff) == {"register": "petition_case", "rows": [c.id]} for r in rows)


# --------------------------------------------------------------------------- scope


def test_petition_scope_for_wg1_sq1_sq2_leader(db, clients):
    mine = case(grid_of("wg1"))
    next_grid = case(other_grid_of("wg1"), first_receiver="fgfsj")
    xincun = case(first_grid("新村社区"), first_receiver="sq2")
    ids = {mine.id, next_grid.id, xincun.id}
    assert ids_in_api(clients("wg1"), "petition_case") & ids == {mine.id}
    assert ids_in_api(clients("sq1"), "petition_case") & ids == {mine.id, next_grid.id}
    assert ids_in_api(clients("sq2"), "petition_case") & ids == {xincun.id}
    assert ids_in_api(clients("leader"), "petition_case") & ids == ids
    assert clients("sq1").get(f"/petition_case/show/{xincun.id}").status_code == 404
    # 社区书记 writes only cases where she is first receiver / responsible / package leader (W·o)
    sq1 = clients("sq1")
    assert (
        sq1.api("PUT", f"/api/v1/petition_case/{mine.id}", json={"demand": "x", "version": mine.version}).status_code
        == 200
    )
    assert (
        sq1.api(
            "PUT", f"/api/v1/petition_case/{next_grid.id}", json={"demand": "x", "version": next_grid.version}
        ).status_code
        == 403
    )
    # the leader reads and approves but does not edit
    assert clients("leader").api(
        "PUT", f"/api/v1/petition_case/{mine.id}", json={"demand": "y", "version": 2}
    ).status_code in (403, 405)


def test_child_rows_follow_the_case_scope(db, clients):
    c = case(first_grid("新村社区"), first_receiver="sq2")
    a = save(
        PetitionAction(
            case=c,
            action_type=PetitionActionType.education,
            acted_at=dt.datetime(2026, 11, 3),
            by_user=f.user("sq2"),
            content="教育疏导",
        )
    )
    assert a.id in ids_in_api(clients("sq2"), "petition_action")
    assert a.id not in ids_in_api(clients("sq1"), "petition_action")
    assert a.id not in ids_in_api(clients("wg1"), "petition_action")


# --------------------------------------------------------------------------- ranking (TR-22)


def _march_fixture():
    hh, xc = first_grid("荷花社区"), first_grid("新村社区")
    D = dt.datetime
    case(
        hh,
        received_at=D(2025, 3, 2),
        status=PS.closed,
        accepted_at=D(2025, 3, 3),
        closed_at=D(2025, 3, 20),
        satisfaction=Satisfaction.satisfied,
    )  # on time
    case(
        f.org("荷花社区"),
        received_at=D(2025, 1, 5),
        status=PS.closed,
        accepted_at=D(2025, 1, 6),
        closed_at=D(2025, 3, 15),
        satisfaction=Satisfaction.dissatisfied,
    )  # due 03-07: late
    case(hh, received_at=D(2025, 3, 10), status=PS.accepted, accepted_at=D(2025, 3, 10))  # open, due 05-09
    case(
        hh,
        received_at=D(2025, 1, 2),
        status=PS.investigating,
        accepted_at=D(2025, 1, 3),
        is_backlog=True,
        package_leader=f.user("fgfsj"),
    )  # due 03-04: overdue, backlog
    case(hh, received_at=D(2025, 3, 25))  # accept due 04-09
    case(
        xc,
        received_at=D(2025, 3, 5),
        status=PS.closed,
        accepted_at=D(2025, 3, 6),
        closed_at=D(2025, 3, 28),
        satisfaction=Satisfaction.basically,
        first_receiver="sq2",
    )
    case(xc, received_at=D(2025, 3, 6), status=PS.not_accepted, status_reason="不属于受理范围", first_receiver="sq2")


def test_ranking_matches_hand_computed_figures(db, clients):
    _march_fixture()
    rows = {
        r.name: r
        for r in clients and __import__("app.modules.zhili.rules", fromlist=["x"]).load_ranking("2025-03", scoped=False)
    }
    hh, xc = rows["荷花社区"], rows["新村社区"]
    assert (hh.received, hh.closed, hh.on_time, hh.overdue, hh.backlog, hh.rated, hh.satisfied) == (3, 2, 1, 1, 1, 2, 1)
    assert hh.on_time_rate == 0.5 and hh.satisfaction_rate == 0.5
    assert (xc.received, xc.closed, xc.on_time, xc.overdue, xc.backlog) == (2, 1, 1, 0, 0)
    assert xc.on_time_rate == 1.0 and xc.satisfaction_rate == 1.0
    assert xc.rank == 1 and hh.rank == 2
    assert all(r.received == 0 for n, r in rows.items() if n not in ("荷花社区", "新村社区"))
    # the page and the xlsx show the same figures, in the viewer's scope
    page = text(clients("leader").get("/petition_ranking/?month=2025-03"))
    assert "<td>1</td><td>新村社区</td><td>2</td><td>1</td><td>100.0%</td><td>0</td><td>0</td><td>100.0%</td>" in page
    assert "<td>2</td><td>荷花社区</td><td>3</td><td>2</td><td>50.0%</td><td>1</td><td>1</td><td>50.0%</td>" in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("leader").get("/petition_ranking/xlsx/?month=2025-03").data), read_only=True
    ).active
    body = [r for r in sheet.iter_rows(values_only=True)][1:3]
    assert body[0] == (1, "新村社区", 2, 1, "100.0%", 0, 0, "100.0%")
    sq1_page = text(clients("sq1").get("/petition_ranking/?month=2025-03"))
    assert "荷花社区" in sq1_page and "新村社区" not in sq1_page
    assert clients("tz1").get("/petition_ranking/").status_code in (302, 403)


def test_ranking_pure_order_and_empty_communities():
    D = dt.datetime
    facts = [
        rules.CaseFacts(1, D(2026, 2, 3), PS.closed, D(2026, 2, 10), close_due=dt.date(2026, 2, 9)),
        rules.CaseFacts(
            2,
            D(2026, 2, 3),
            PS.closed,
            D(2026, 2, 10),
            close_due=dt.date(2026, 4, 9),
            satisfaction=Satisfaction.satisfied,
        ),
    ]
    out = rules.rank_communities(facts, [(1, "甲"), (2, "乙"), (3, "丙")], "2026-02", D(2026, 3, 5))
    assert [r.name for r in out] == ["乙", "甲", "丙"]
    assert out[2].on_time_rate is None and rules.pct(None) == "—"


def test_report_snapshots_the_ranking(db, clients):
    _ = pii  # noqa
    r = clients("leader").api(
        "POST",
        "/api/v1/petition_report/",
        json={
            "month": "2024-07",
            "evaluation": "平稳",
            "made_by": f.user("leader").id,
            "org_unit": f.org("荷花街道").id,
        },
    )
    assert r.status_code in (201, 403)
    r = clients("zhzx").api(
        "POST",
        "/api/v1/petition_report/",
        json={"month": "2024-07", "evaluation": "平稳", "made_by": f.user("zhzx").id, "org_unit": f.org("荷花街道").id},
    )
    assert r.status_code == 201, r.get_json()
    from app.modules.zhili.models import PetitionReport

    row = _fresh(PetitionReport, r.get_json()["id"])
    assert row.ranking.startswith("名次 | 社区") and "荷花社区" in row.ranking
    bad = clients("zhzx").api(
        "POST",
        "/api/v1/petition_report/",
        json={"month": "2024/08", "evaluation": "x", "made_by": f.user("zhzx").id, "org_unit": f.org("荷花街道").id},
    )
    assert bad.status_code == 422
