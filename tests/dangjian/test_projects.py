"""党建项目: TR-05 (2 per secretary-year), TR-06 (January), TR-07 (three rounds in order),
return/resubmit with history, implementation and completion, the board and the inboxes."""

import datetime as dt

import sqlalchemy as sa

from app.common.models import AuditLog
from app.extensions import db as _db
from app.modules.dangjian import rules
from app.modules.dangjian.enums import ProjectStatus as PS
from app.modules.dangjian.enums import ReviewRound
from app.modules.dangjian.models import PartyProject, PartyProjectReview

from .. import factories as f
from ..conftest import text
from .helpers import frozen, project

ALL_DUE = "/escalation/?size=1000"  # the whole list (a page shows 100)


def step(client, p_id, name, **body):
    row = _db.session.get(PartyProject, p_id)
    _db.session.refresh(row)
    return client.api("POST", f"/api/v1/party_project/{p_id}/transition/{name}", json={"version": row.version, **body})


def state(p_id):
    _db.session.expire_all()
    return _db.session.get(PartyProject, p_id).status


def test_pure_rules():
    assert rules.in_declaration_window(2027, dt.datetime(2027, 1, 31, 23, 59))
    assert not rules.in_declaration_window(2027, dt.datetime(2027, 2, 1, 0, 0))
    assert not rules.in_declaration_window(2027, dt.datetime(2026, 1, 15))
    assert not rules.too_many_projects(1) and rules.too_many_projects(2)


def test_three_rounds_in_order_then_implementation(db, clients):
    p = project(2030, "三轮审核测试项目")
    with frozen(dt.datetime(2030, 1, 10, 9)):
        assert step(clients("sq1"), p.id, "declare").status_code == 200
        assert state(p.id) == PS.declared
        # no skipping: round 2 and 3 and start are refused while round 1 is open
        assert step(clients("djb"), p.id, "review_round2").status_code == 409
        assert step(clients("leader"), p.id, "review_round3").status_code == 409
        assert step(clients("sq1"), p.id, "start").status_code == 409
        # round 1 belongs to the 组织委员: the 党工委书记 and 党建办 cannot take it
        r = step(clients("djb"), p.id, "review_round1")
        assert r.status_code == 422 and "组织委员" in r.get_json()["message"]
        assert step(clients("leader"), p.id, "review_round1").status_code == 422
        assert step(clients("sq1"), p.id, "review_round1").status_code == 422
        assert step(clients("zzwy"), p.id, "review_round1", opinion="同意").status_code == 200
        assert step(clients("djb"), p.id, "review_round2").status_code == 200
        # round 3: only the 党工委书记
        assert step(clients("zzwy"), p.id, "review_round3").status_code == 422
        assert step(clients("sq1"), p.id, "start").status_code == 409
        assert step(clients("leader"), p.id, "review_round3").status_code == 200
        assert state(p.id) == PS.approved
        assert step(clients("sq1"), p.id, "start").status_code == 200
        # completion: the liaison leader, with the outcome
        assert step(clients("sq1"), p.id, "complete", outcome="成效").status_code == 422
        assert step(clients("leader"), p.id, "complete").status_code == 422
        assert step(clients("leader"), p.id, "complete", outcome="楼道议事全覆盖").status_code == 200
    db.session.expire_all()
    row = db.session.get(PartyProject, p.id)
    assert row.status == PS.completed and row.outcome == "楼道议事全覆盖"
    assert row.declared_at == dt.datetime(2030, 1, 10, 9) and row.approved_at and row.completed_at
    reviews = (
        db.session.execute(
            sa.select(PartyProjectReview).where(PartyProjectReview.project_id == p.id).order_by(PartyProjectReview.id)
        )
        .scalars()
        .all()
    )
    assert [r.round for r in reviews] == [ReviewRound.round1, ReviewRound.round2, ReviewRound.round3]
    assert [r.convener.username for r in reviews] == ["zzwy", "djb", "leader"]
    assert reviews[0].opinion == "同意" and all(r.org_unit_id == p.org_unit_id for r in reviews)


def test_return_needs_a_reason_and_resubmission_keeps_history(db, clients):
    p = project(2031, "退回修改测试项目")
    with frozen(dt.datetime(2031, 1, 12, 9)):
        assert step(clients("sq1"), p.id, "declare").status_code == 200
        r = step(clients("zzwy"), p.id, "return")
        assert r.status_code == 422 and "意见" in r.get_json()["message"]
        assert step(clients("zzwy"), p.id, "return", opinion="目标不够具体").status_code == 200
        assert state(p.id) == PS.returned
        assert step(clients("zzwy"), p.id, "review_round1").status_code == 409  # not silently back in review
        assert step(clients("sq1"), p.id, "resubmit").status_code == 200
        assert state(p.id) == PS.declared  # review restarts at round 1
        assert step(clients("zzwy"), p.id, "review_round1").status_code == 200
        assert step(clients("djb"), p.id, "reject", opinion="可行性不足").status_code == 200
    rows = db.session.execute(
        sa.select(PartyProjectReview.round, PartyProjectReview.result, PartyProjectReview.opinion)
        .where(PartyProjectReview.project_id == p.id)
        .order_by(PartyProjectReview.id)
    ).all()
    assert [(r.round.name, r.result.name, r.opinion) for r in rows] == [
        ("round1", "return", "目标不够具体"),
        ("round1", "pass", None),
        ("round2", "reject", "可行性不足"),
    ]
    assert state(p.id) == PS.rejected


def test_review_rows_are_not_entered_by_hand(db, clients):
    p = project(2031, "审核记录手工录入测试", secretary="sq2", community="新村社区")
    r = clients("djb").api("POST", "/api/v1/party_project_review/", json={"opinion": "x"})
    assert r.status_code in (400, 422)
    assert not db.session.execute(sa.select(PartyProjectReview).where(PartyProjectReview.project_id == p.id)).first()


def test_a_third_project_is_refused_and_a_rejected_one_frees_its_place(db, clients):
    sq1 = clients("sq1")
    body = {
        "year": 2032,
        "org_unit": f.org("荷花社区").id,
        "secretary": f.user("sq1").id,
        "liaison_leader": f.user("leader").id,
        "goal": "目标",
        "responsible_person": f.user("sq1").id,
    }
    ids = []
    for title in ("第一个项目", "第二个项目"):
        r = sq1.api("POST", "/api/v1/party_project/", json={**body, "title": title})
        assert r.status_code == 201, r.get_json()
        ids.append(r.get_json()["id"])
    r = sq1.api("POST", "/api/v1/party_project/", json={**body, "title": "第三个项目"})
    assert r.status_code == 422 and "2" in r.get_json()["message"] and "领办" in r.get_json()["message"]
    # through the form too, with the message on the page
    page = sq1.post_form(
        "/party_project/add", {**{k: str(v) for k, v in body.items()}, "title": "第三个项目"}, follow_redirects=True
    )
    assert "已领办2个项目" in text(page)
    # a rejected project frees the place
    with frozen(dt.datetime(2032, 1, 5, 9)):
        assert step(sq1, ids[0], "declare").status_code == 200
        assert step(clients("zzwy"), ids[0], "reject", opinion="不符合要求").status_code == 200
    assert sq1.api("POST", "/api/v1/party_project/", json={**body, "title": "替补项目"}).status_code == 201


def test_declaration_outside_january_needs_a_leader_and_a_reason(db, clients):
    p = project(2033, "逾期申报测试项目")
    with frozen(dt.datetime(2033, 3, 2, 10)):
        r = step(clients("sq1"), p.id, "declare")
        assert r.status_code == 422 and "1月" in r.get_json()["message"]
        r = step(clients("leader"), p.id, "declare")
        assert r.status_code == 422 and "原因" in r.get_json()["message"]
        before = db.session.execute(sa.select(sa.func.max(AuditLog.id))).scalar()
        assert step(clients("leader"), p.id, "declare", late_reason="社区书记调整，延后申报").status_code == 200
    db.session.expire_all()
    row = db.session.get(PartyProject, p.id)
    assert row.status == PS.declared and row.late_reason == "社区书记调整，延后申报"
    audit = (
        db.session.execute(
            sa.select(AuditLog).where(
                AuditLog.id > before, AuditLog.register_key == "party_project", AuditLog.row_id == p.id
            )
        )
        .scalars()
        .all()
    )
    assert audit and audit[-1].user.username == "leader" and "延后申报" in audit[-1].diff


def test_the_state_cannot_be_written_directly(db, clients):
    p = project(2034, "状态直写测试项目")
    r = clients("sq1").api("PUT", f"/api/v1/party_project/{p.id}", json={"version": p.version, "status": "approved"})
    db.session.expire_all()
    assert db.session.get(PartyProject, p.id).status == PS.draft
    assert r.status_code in (200, 400, 422)


def test_progress_only_once_implementation_started(db, clients):
    p = project(2035, "进展填报测试项目", status=PS.approved)
    djb = clients("djb")
    body = {"project": p.id, "report_date": "2035-05-10", "progress": "完成调研"}
    r = djb.api("POST", "/api/v1/party_project_progress/", json=body)
    assert r.status_code == 422 and "实施" in r.get_json()["message"]
    with frozen(dt.datetime(2035, 3, 1, 9)):
        assert step(clients("sq1"), p.id, "start").status_code == 200
    r = djb.api("POST", "/api/v1/party_project_progress/", json={**body, "percent_complete": 30})
    assert r.status_code == 201, r.get_json()
    row = db.session.get(rules_model("PartyProjectProgress"), r.get_json()["id"])
    assert row.recorded_by.username == "djb" and row.org_unit_id == p.org_unit_id


def rules_model(name):
    from app.modules.dangjian import models

    return getattr(models, name)


def test_board_and_waiting_for_me(db, clients):
    declared = project(2036, "荷花待第一轮项目", status=PS.declared)
    third = project(2036, "待第三轮项目", status=PS.round2_passed)
    other = project(2036, "新村社区申报项目", secretary="sq2", community="新村社区", status=PS.declared)
    url = "/dangjian_projects/board/?year=2036"

    def inbox(login):
        page = text(clients(login).get(url))
        return page.split('id="inbox"')[1].split("<h4>")[0]

    assert declared.title in inbox("zzwy") and other.title in inbox("zzwy") and third.title not in inbox("zzwy")
    assert third.title in inbox("leader") and declared.title not in inbox("leader")
    assert declared.title not in inbox("sq1") and third.title not in inbox("sq1")
    sq2_page = text(clients("sq2").get(url))
    assert other.title in sq2_page and declared.title not in sq2_page  # scope: own community only
    assert clients("tz1").get(url).status_code in (302, 403)


def test_views_load_for_the_module_roles(clients):
    for login in ("sq1", "djb", "leader"):
        c = clients(login)
        for url in (
            "/party_project/list/",
            "/dangjian_projects/board/",
            "/dangjian_fund/balance/",
            "/service_fund/list/",
            "/fund_expenditure/list/",
            "/red_property_alliance/list/",
            "/volunteer/list/",
            "/monthly_check/list/",
            "/tuesday_theme/list/",
        ):
            assert c.get(url).status_code == 200, (login, url)
    for url in (
        "/volunteer/list/",
        "/monthly_check/list/",
        "/service_list_item/list/",
        "/tuesday_theme/list/",
        "/tuesday_attendance/list/",
        "/service_team/list/",
    ):
        assert clients("tz1").get(url).status_code == 200, url


def test_review_through_the_show_page_with_an_opinion(db, clients):
    p = project(2037, "页面审核测试项目", status=PS.declared)
    zzwy = clients("zzwy")
    page = text(zzwy.get(f"/party_project/show/{p.id}"))
    assert 'id="dj-opinion"' in page and "退回修改" in page and "第一轮通过" in page
    r = zzwy.post_form(
        f"/party_project/action/return/{p.id}", {}, form_url=f"/party_project/show/{p.id}", follow_redirects=True
    )
    assert "审核意见" in text(r) and state(p.id) == PS.declared
    zzwy.post_form(
        f"/party_project/action/return/{p.id}", {"opinion": "请补充时间节点"}, form_url=f"/party_project/show/{p.id}"
    )
    assert state(p.id) == PS.returned
    review = db.session.execute(sa.select(PartyProjectReview).where(PartyProjectReview.project_id == p.id)).scalar_one()
    assert review.opinion == "请补充时间节点" and review.convener.username == "zzwy"
    # the read-only auditor gets no step
    clients("audit").post_form(f"/party_project/action/resubmit/{p.id}", {}, form_url=f"/party_project/show/{p.id}")
    assert state(p.id) == PS.returned


def test_a_community_short_of_two_declared_projects_by_31_january_is_flagged(db, clients):
    # 2031: no demo projects. From 24 January each community below 2 declared projects is listed,
    # to the readers of that community (a secretary sees her own, not the neighbour's).
    with frozen(dt.datetime(2031, 1, 20, 9)):
        assert "2031年已申报" not in text(clients("djb").get(ALL_DUE))
    with frozen(dt.datetime(2031, 1, 28, 9)):
        page = text(clients("djb").get(ALL_DUE))
        assert "荷花社区：2031年已申报 0/2 个书记党建项目" in page and "新村社区：2031年已申报 0/2" in page
        sq1 = text(clients("sq1").get(ALL_DUE))
        assert "荷花社区：2031年已申报 0/2" in sq1 and "新村社区：2031年" not in sq1
        for title in ("申报一", "申报二"):
            p = project(2031, "逾期检查" + title)
            p.declared_at, p.status = dt.datetime(2031, 1, 10, 9), PS.declared
            db.session.commit()
    with frozen(dt.datetime(2031, 2, 3, 9)):
        page = text(clients("djb").get(ALL_DUE))
        assert "荷花社区：2031年" not in page and "新村社区：2031年已申报 0/2" in page
