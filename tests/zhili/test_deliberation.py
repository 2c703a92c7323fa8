"""六步议事法 (no step skipped, failed vote back to step 3, archived read-only) and 网格公约."""

import datetime as dt

from app.modules.zhili import rules
from app.modules.zhili.enums import (
    AdoptionMethod,
    ConventionScope,
    ConventionStatus,
    DeliberationScope,
    DeliberationSource,
    ParticipantKind,
    VoteMethod,
    VoteResult,
)
from app.modules.zhili.enums import (
    DeliberationStage as DS,
)
from app.modules.zhili.models import DeliberationItem, DeliberationStep, DeliberationVote, GridConvention

from ..conftest import ids_in_api
from .helpers import first_grid, grid_of, save

T = dt.datetime


def _item(org, no):
    return save(
        DeliberationItem(
            item_no=no,
            title="楼道堆物整治",
            description="楼道堆物",
            org_unit=org,
            source=DeliberationSource.visit,
            scope=DeliberationScope.public_interest,
            registered_at=T(2026, 10, 1, 9),
        )
    )


def _step(item, stage):
    from app.extensions import db

    db.session.expire_all()
    _advance()
    return save(DeliberationStep(item=item, stage=stage, held_at=T(2026, 10, 2, 9), outcome="形成意见"))


_tick = {"now": T(2026, 10, 20, 9)}


def _advance():
    """Each action a minute later (a step record counts for the round it was made in)."""
    from app.core import clock

    _tick["now"] += dt.timedelta(minutes=1)
    clock.freeze(_tick["now"])


def _go(client, item_id, name):
    from app.extensions import db

    _advance()
    db.session.expire_all()
    v = db.session.get(DeliberationItem, item_id).version
    return client.api("POST", f"/api/v1/deliberation_item/{item_id}/transition/{name}", json={"version": v})


def _stage(item_id):
    from app.extensions import db

    db.session.expire_all()
    return db.session.get(DeliberationItem, item_id).stage


def test_vote_majority_of_votes_cast():
    assert rules.vote_passes(41, 9, 4)
    assert not rules.vote_passes(5, 3, 2)  # 5 of 10 is not a majority
    assert not rules.vote_passes(0, 0, 0)


def test_six_steps_in_order_with_failed_vote_and_archive(db, clients, frozen):
    wg1, sq1 = clients("wg1"), clients("sq1")
    item = _item(grid_of("wg1"), "T-YS-001")
    assert item.stage == DS.step1_propose
    # no step skipped: without the step-1 record the topic cannot move
    assert _go(wg1, item.id, "to_step2").status_code == 422
    assert _go(wg1, item.id, "to_step3").status_code == 409
    for stage, name in [
        (DS.step1_propose, "to_step2"),
        (DS.step2_consult, "to_step3"),
        (DS.step3_plan, "to_step4"),
        (DS.step4_convention, "to_step5"),
    ]:
        _step(item, stage)
        r = _go(wg1, item.id, name)
        assert r.status_code == 200, (name, r.get_json())
    assert _stage(item.id) == DS.step5_vote
    # a record must be of the current step
    r = wg1.api(
        "POST",
        "/api/v1/deliberation_step/",
        json={"item": item.id, "stage": "step6_implement", "held_at": "2026-10-05 09:00:00", "outcome": "x"},
    )
    assert r.status_code == 422
    _step(item, DS.step5_vote)
    save(
        DeliberationVote(
            item=item,
            method=VoteMethod.signature,
            start_date=dt.date(2026, 10, 6),
            end_date=dt.date(2026, 10, 8),
            eligible_count=40,
            votes_for=10,
            votes_against=20,
            votes_abstain=2,
            result=VoteResult.failed,
        )
    )
    assert _go(wg1, item.id, "to_step6").status_code == 422
    assert _go(wg1, item.id, "vote_failed").status_code == 200
    assert _stage(item.id) == DS.step3_plan
    # round two: step 3 needs a new record (the old one belongs to the first round)
    assert _go(wg1, item.id, "to_step4").status_code == 422
    _step(item, DS.step3_plan)
    assert _go(wg1, item.id, "to_step4").status_code == 200
    _step(item, DS.step4_convention)
    assert _go(wg1, item.id, "to_step5").status_code == 200
    _step(item, DS.step5_vote)
    save(
        DeliberationVote(
            item=item,
            method=VoteMethod.vote,
            start_date=dt.date(2026, 10, 12),
            end_date=dt.date(2026, 10, 14),
            eligible_count=40,
            votes_for=30,
            votes_against=5,
            votes_abstain=1,
            result=VoteResult.passed,
        )
    )
    assert _go(wg1, item.id, "to_step6").status_code == 422  # step 6 needs owner, measures, deadline, supervisors
    from app.extensions import db

    row = db.session.get(DeliberationItem, item.id)
    row.responsible_party, row.measures, row.due_date = "物业公司", "每周清理", dt.date(2026, 11, 30)
    row.supervisors = [ParticipantKind.red_steward]
    save(row)
    assert _go(wg1, item.id, "to_step6").status_code == 200
    _step(item, DS.step6_implement)
    assert _go(wg1, item.id, "archive").status_code == 403  # grid worker: no approval
    assert _go(sq1, item.id, "archive").status_code == 200
    db.session.expire_all()
    row = db.session.get(DeliberationItem, item.id)
    assert row.stage == DS.archived and row.archived_at is not None
    # archived: read-only for its fields, its steps and its votes
    r = sq1.api("PUT", f"/api/v1/deliberation_item/{item.id}", json={"title": "改", "version": row.version})
    assert r.status_code == 422
    r = wg1.api(
        "POST",
        "/api/v1/deliberation_step/",
        json={"item": item.id, "stage": "archived", "held_at": "2026-10-20 09:00:00", "outcome": "x"},
    )
    assert r.status_code == 422
    page = clients("wg1").get(f"/deliberation_item/show/{item.id}").get_data(as_text=True)
    assert page.count('class="zhili-step"') == 9


def test_vote_must_match_its_counts_and_belong_to_step5(db):
    item = _item(grid_of("wg1"), "T-YS-002")
    v = DeliberationVote(
        item=item,
        method=VoteMethod.vote,
        start_date=dt.date(2026, 10, 6),
        end_date=dt.date(2026, 10, 8),
        votes_for=3,
        votes_against=1,
        result=VoteResult.passed,
    )
    try:
        rules.check_deliberation_vote(v)
    except Exception as e:  # noqa: BLE001
        assert "step 5" in str(e) or "第五步" in str(e)
    else:
        raise AssertionError("a vote outside step 5 was accepted")
    item.stage = DS.step5_vote
    v.result = VoteResult.failed
    try:
        rules.check_deliberation_vote(v)
    except Exception as e:  # noqa: BLE001
        assert "votes_for" in str(getattr(e, "errors", {})) or "result" in getattr(e, "errors", {})
    else:
        raise AssertionError("a result contradicting the counts was accepted")
    from app.extensions import db

    db.session.rollback()


def test_convention_versions_supersede(db, clients):
    g = grid_of("wg1")
    old = save(
        GridConvention(
            org_unit=g,
            scope=ConventionScope.grid,
            title="T-文明公约",
            content="一、…",
            version_no=1,
            adopted_on=dt.date(2025, 3, 1),
            adoption_method=AdoptionMethod.grid,
            status=ConventionStatus.effective,
        )
    )
    new = save(
        GridConvention(org_unit=g, scope=ConventionScope.grid, title="T-文明公约", content="一、…二、…", version_no=2)
    )
    wg1 = clients("wg1")
    r = wg1.api("POST", f"/api/v1/grid_convention/{new.id}/transition/adopt", json={"version": new.version})
    assert r.status_code == 422  # adoption date and method first
    r = wg1.api(
        "PUT",
        f"/api/v1/grid_convention/{new.id}",
        json={"adopted_on": "2026-11-01", "adoption_method": "vote", "version": new.version},
    )
    assert r.status_code == 200, r.get_json()
    r = wg1.api("POST", f"/api/v1/grid_convention/{new.id}/transition/adopt", json={"version": r.get_json()["version"]})
    assert r.status_code == 200, r.get_json()
    db.session.expire_all()
    assert db.session.get(GridConvention, old.id).status == ConventionStatus.repealed
    assert db.session.get(GridConvention, new.id).status == ConventionStatus.effective


def test_deliberation_scope(db, clients, frozen):
    mine = _item(grid_of("wg1"), "T-YS-003")
    xc = _item(first_grid("新村社区"), "T-YS-004")
    ids = {mine.id, xc.id}
    assert ids_in_api(clients("wg1"), "deliberation_item") & ids == {mine.id}
    assert ids_in_api(clients("sq1"), "deliberation_item") & ids == {mine.id}
    assert ids_in_api(clients("sq2"), "deliberation_item") & ids == {xc.id}
    assert ids_in_api(clients("leader"), "deliberation_item") & ids == ids
    assert _go(clients("leader"), mine.id, "to_step2").status_code == 403  # the leader reads only (R·a)
