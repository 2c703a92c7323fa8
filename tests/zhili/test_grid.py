"""网格户情, 人员, 出租房, 巡查: period arithmetic (TR-24/25/26, §10.35), compliance and the
escalation feed, colour counts, personal data and scope."""

import datetime as dt
import io

import openpyxl
import pytest

from app.core import registry, timerules
from app.modules.zhili import rules
from app.modules.zhili.enums import FiveColour, PatrolTarget, RentalStatus, ResidentKind, VisitType
from app.modules.zhili.enums import RentalClass as RC
from app.modules.zhili.models import Household, PatrolRecord, RentalHouse, Resident

from .. import factories as f
from ..conftest import ids_in_api, text
from .helpers import first_grid, grid_of, other_grid_of, save

D = dt.date


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "cls,day,period",
    [
        (RC.A, D(2026, 11, 25), (D(2026, 11, 23), D(2026, 11, 29))),
        (RC.A, D(2027, 1, 2), (D(2026, 12, 28), D(2027, 1, 3))),  # ISO week 53 of 2026 crosses the year
        (RC.A, D(2026, 12, 28), (D(2026, 12, 28), D(2027, 1, 3))),
        (RC.A, D(2021, 1, 3), (D(2020, 12, 28), D(2021, 1, 3))),  # 2020-W53 ends on 3 January
        (RC.A, D(2027, 1, 4), (D(2027, 1, 4), D(2027, 1, 10))),
        (RC.B, D(2028, 2, 15), (D(2028, 2, 1), D(2028, 2, 29))),  # leap February
        (RC.B, D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
        (RC.C, D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30))),
        (RC.C, D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
    ],
)
def test_patrol_periods(cls, day, period):
    assert rules.patrol_period(cls, day) == period


def test_previous_periods_cross_year_boundaries():
    assert rules.previous_period(RC.A, D(2027, 1, 5)) == (D(2026, 12, 28), D(2027, 1, 3))
    assert rules.previous_period(RC.B, D(2027, 1, 5)) == (D(2026, 12, 1), D(2026, 12, 31))
    assert rules.previous_period(RC.C, D(2027, 3, 1)) == (D(2026, 7, 1), D(2026, 12, 31))


def test_compliance_counts_inside_the_period_and_waits_for_a_full_period():
    week = rules.patrol_period(RC.A, D(2027, 1, 1))
    c = rules.compliance(RC.A, [D(2026, 12, 27), D(2027, 1, 4)], week, None)
    assert c.count == 0 and c.behind
    c = rules.compliance(RC.A, [D(2026, 12, 31)], week, None)
    assert c.count == 1 and not c.behind
    half = rules.patrol_period(RC.C, D(2026, 9, 1))
    assert rules.compliance(RC.C, [D(2026, 8, 1)], half, None).behind  # 1 of 2
    assert not rules.compliance(RC.C, [D(2026, 8, 1), D(2026, 12, 31)], half, None).behind
    # let (or reclassified) during the period: first judged in the next full period
    assert not rules.compliance(RC.B, [], rules.patrol_period(RC.B, D(2026, 11, 20)), D(2026, 11, 5)).judged
    assert rules.compliance(RC.B, [], rules.patrol_period(RC.B, D(2026, 12, 20)), D(2026, 11, 5)).behind


# --------------------------------------------------------------------------- rules


def _rental(org, cls=RC.B, **kw):
    return save(
        RentalHouse(
            org_unit=org,
            address=kw.pop("address", f"测试路{cls.name}号"),
            landlord_name="房东",
            landlord_phone=kw.pop("landlord_phone", "13700001111"),
            rental_class=cls,
            status=RentalStatus.renting,
            lease_start=kw.pop("lease_start", D(2024, 1, 1)),
            **kw,
        )
    )


def _patrol(rental, when):
    return save(
        PatrolRecord(
            target=PatrolTarget.rental_house,
            rental_house=rental,
            visit_type=VisitType.patrol,
            visited_at=when,
            visitor=f.user("wg1"),
        )
    )


def _dues(now, rental_id):
    reg = registry.get("rental_house")
    return sorted(
        (d.rule, d.due_at, timerules.stage_of(d, now))
        for _r, d in timerules.collect(now, [reg])
        if d.row_id == rental_id
    )


def test_class_a_weekly_rule_feeds_the_escalation_list(db):
    r = _rental(grid_of("wg1"), RC.A, address="A类测试房")
    _patrol(r, dt.datetime(2026, 10, 20, 10))  # week of 19–25 Oct: met
    # week of 26 Oct – 1 Nov has no patrol: on Saturday 31 Oct it is a reminder
    assert _dues(dt.datetime(2026, 10, 31, 9), r.id) == [("TR-24", dt.datetime(2026, 11, 1, 23, 59, 59), "reminder")]
    # the next Tuesday: last week is 督办, this week is not yet due soon
    assert _dues(dt.datetime(2026, 11, 3, 9), r.id) == [("TR-24", dt.datetime(2026, 11, 1, 23, 59, 59), "supervision")]


def test_class_b_and_c_rules(db):
    b = _rental(grid_of("wg1"), RC.B, address="B类测试房")
    _patrol(b, dt.datetime(2026, 9, 3, 10))
    _patrol(b, dt.datetime(2026, 9, 20, 10))
    _patrol(b, dt.datetime(2026, 10, 8, 10))
    assert _dues(dt.datetime(2026, 10, 10), b.id) == []  # September met; October not yet in its last week
    assert _dues(dt.datetime(2026, 10, 28), b.id) == [("TR-25", dt.datetime(2026, 10, 31, 23, 59, 59), "reminder")]
    _patrol(b, dt.datetime(2026, 10, 27, 10))
    assert _dues(dt.datetime(2026, 10, 28), b.id) == []
    c = _rental(grid_of("wg1"), RC.C, address="C类测试房")
    _patrol(c, dt.datetime(2026, 3, 3, 10))
    got = _dues(dt.datetime(2026, 7, 2), c.id)
    assert got == [("TR-26", dt.datetime(2026, 6, 30, 23, 59, 59), "supervision")]
    # only rentals being let are judged
    c.status = RentalStatus.vacant
    save(c)
    assert _dues(dt.datetime(2026, 7, 2), c.id) == []


def test_patrol_keeps_rental_counters_and_household_visit_date(db, frozen):
    frozen(dt.datetime(2026, 11, 10, 12))
    r = _rental(grid_of("wg1"), RC.B, address="计数测试房")
    _patrol(r, dt.datetime(2026, 11, 9, 10))
    assert r.patrols_in_period == 1 and r.next_patrol_due == D(2026, 11, 30)
    _patrol(r, dt.datetime(2026, 11, 10, 10))
    assert r.patrols_in_period == 2 and r.next_patrol_due == D(2026, 12, 31)
    h = save(Household(org_unit=grid_of("wg1"), address="1幢101", head_name="李测试", colour=FiveColour.blue))
    p = save(
        PatrolRecord(
            target=PatrolTarget.household,
            household=h,
            visit_type=VisitType.follow_up,
            visited_at=dt.datetime(2026, 11, 8, 9),
            visitor=f.user("wg1"),
        )
    )
    assert h.last_visit_at == D(2026, 11, 8) and p.org_unit_id == h.org_unit_id


def test_patrol_needs_its_target_and_no_future_time(db, clients):
    wg1 = clients("wg1")
    r = wg1.api(
        "POST",
        "/api/v1/patrol_record/",
        json={
            "target": "rental_house",
            "visit_type": "patrol",
            "visited_at": "2026-11-01 10:00:00",
            "visitor": f.user("wg1").id,
        },
    )
    assert r.status_code == 422 and "rental_house" in r.get_json()["errors"]
    rental = _rental(grid_of("wg1"), RC.A, address="未来巡查测试房")
    r = wg1.api(
        "POST",
        "/api/v1/patrol_record/",
        json={
            "target": "rental_house",
            "rental_house": rental.id,
            "visit_type": "patrol",
            "visited_at": "2099-01-01 10:00:00",
            "visitor": f.user("wg1").id,
        },
    )
    assert r.status_code == 422


def test_class_change_is_dated_and_c_suggested(db, frozen):
    frozen(dt.datetime(2026, 11, 10, 12))
    r = _rental(grid_of("wg1"), RC.A, address="调整类别测试房")
    r.rental_class = RC.B
    save(r)
    assert r.class_changed_at == D(2026, 11, 10)
    r.lease_start, r.lease_end = D(2025, 1, 1), D(2027, 6, 30)
    warnings = rules.check_rental_house(r)
    assert any("C" in str(w) for w in warnings)


def test_resident_needs_a_household_or_rental(db, clients):
    r = clients("wg1").api("POST", "/api/v1/resident/", json={"full_name": "无户测试", "kind": "tenant"})
    assert r.status_code == 422
    h = save(Household(org_unit=grid_of("wg1"), address="2幢202", head_name="赵测试", colour=FiveColour.white))
    r = clients("wg1").api(
        "POST",
        "/api/v1/resident/",
        json={"full_name": "有户测试", "kind": "household_member", "household": h.id, "id_no": "330802200001011115"},
    )
    assert r.status_code == 201, r.get_json()
    assert db.session.get(Resident, r.get_json()["id"]).org_unit_id == h.org_unit_id


# --------------------------------------------------------------------------- pages


def test_compliance_page_lists_rentals_behind(db, clients, frozen):
    frozen(dt.datetime(2026, 11, 25, 9))
    behind = _rental(grid_of("wg1"), RC.A, address="落后测试房")
    ok = _rental(grid_of("wg1"), RC.A, address="达标测试房")
    _patrol(ok, dt.datetime(2026, 11, 24, 9))
    page = text(clients("wg1").get("/rental_compliance/?behind=1"))
    assert f'data-rental="{behind.id}"' in page and f'data-rental="{ok.id}"' not in page
    assert f'data-rental="{ok.id}"' in text(clients("wg1").get("/rental_compliance/"))
    assert f'data-rental="{behind.id}"' not in text(clients("sq2").get("/rental_compliance/"))


def test_colour_counts_per_grid(db, clients):
    g = other_grid_of("wg1")
    before = text(clients("sq1").get("/household_colours/"))
    for colour in (FiveColour.red, FiveColour.red, FiveColour.green):
        save(Household(org_unit=g, address="颜色测试", head_name="钱测试", colour=colour))
    import sqlalchemy as sa

    from app.extensions import db as _db

    n_red = _db.session.execute(
        sa.select(sa.func.count())
        .select_from(Household)
        .where(Household.org_unit_id == g.id, Household.colour == FiveColour.red, Household.is_deleted.is_(False))
    ).scalar()
    page = text(clients("sq1").get("/household_colours/"))
    row = page[page.index(g.name) :]
    row = row[: row.index("</tr>")]
    assert f'<td data-colour="red">{n_red}</td>' in row
    assert g.name not in text(clients("sq2").get("/household_colours/"))
    assert g.name not in text(clients("wg1").get("/household_colours/"))
    assert before is not None


# --------------------------------------------------------------------------- personal data and scope


def test_household_phones_clear_for_grid_staff_masked_for_others(db, clients):
    h = save(
        Household(
            org_unit=grid_of("wg1"),
            address="3幢303",
            head_name="孙测试",
            head_phone="13655556666",
            colour=FiveColour.white,
        )
    )
    assert "13655556666" in text(clients("wg1").get(f"/household/show/{h.id}"))
    for login in ("sq1", "leader"):
        page = text(clients(login).get(f"/household/show/{h.id}"))
        assert "136****6666" in page and "13655556666" not in page
    sheet = openpyxl.load_workbook(
        io.BytesIO(clients("leader").get("/household/export_xlsx/").data), read_only=True
    ).active
    assert "13655556666" not in {v for row in sheet.iter_rows(values_only=True) for v in row}
    r = save(Resident(household=h, full_name="孙小", kind=ResidentKind.household_member, id_no="330802201501015555"))
    assert clients("sq1").api("GET", f"/api/v1/resident/{r.id}").get_json()["result"]["id_no"] == "3308**********5555"
    assert clients("wg1").api("GET", f"/api/v1/resident/{r.id}").get_json()["result"]["id_no"] == "330802201501015555"


def test_grid_registers_scope(db, clients):
    mine = save(Household(org_unit=grid_of("wg1"), address="范围测试1", head_name="周测试", colour=FiveColour.white))
    nxt = save(
        Household(org_unit=other_grid_of("wg1"), address="范围测试2", head_name="吴测试", colour=FiveColour.white)
    )
    xc = save(
        Household(org_unit=first_grid("新村社区"), address="范围测试3", head_name="郑测试", colour=FiveColour.white)
    )
    ids = {mine.id, nxt.id, xc.id}
    assert ids_in_api(clients("wg1"), "household") & ids == {mine.id}
    assert ids_in_api(clients("sq1"), "household") & ids == {mine.id, nxt.id}
    assert ids_in_api(clients("sq2"), "household") & ids == {xc.id}
    assert ids_in_api(clients("leader"), "household") & ids == ids
    # wg1 writes in own grid only; sq1 (R·c) reads only
    assert (
        clients("wg1")
        .api(
            "POST",
            "/api/v1/household/",
            json={"org_unit": other_grid_of("wg1").id, "address": "越界", "head_name": "x", "colour": "white"},
        )
        .status_code
        == 403
    )
    assert clients("sq1").api(
        "PUT", f"/api/v1/household/{mine.id}", json={"address": "改", "version": mine.version}
    ).status_code in (403, 405)
