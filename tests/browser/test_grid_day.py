"""A 网格员's and a 团长's day in a real browser: a rental patrol, a petition, a monthly check."""

import datetime as dt

import pytest

from app.core import clock

pytestmark = pytest.mark.browser


def _a_rental_house_in(app, grid: str) -> str:
    """The address of a live rental house the demo put in `grid` (its addresses are drawn at random)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.modules.zhili.models import RentalHouse
    from app.org.models import OrgUnit

    with app.app_context():
        return db.session.execute(
            sa.select(RentalHouse.address)
            .join(OrgUnit, RentalHouse.org_unit_id == OrgUnit.id)
            .where(OrgUnit.name == grid, RentalHouse.is_deleted.is_(False))
            .order_by(RentalHouse.id)
            .limit(1)
        ).scalar_one()


def test_grid_worker_records_a_rental_patrol_and_a_petition(app, person):
    house = _a_rental_house_in(app, "荷花社区第1网格")
    wg1 = person("wg1")
    wg1.menu("大治理", "巡查走访记录")
    wg1.add()
    wg1.choose("target", "出租房").choose("rental_house", house).choose("visit_type", "巡查")
    wg1.fill("visited_at", "2026-11-20T10:30").fill("findings", "浏览器巡查：消防通道畅通，租户登记齐全")
    wg1.save()
    assert "浏览器巡查" in " ".join(wg1.list_rows()) or "巡查" in " ".join(wg1.list_rows())
    assert "新村社区" not in wg1.text()

    wg1.menu("大治理", "信访件")
    wg1.add()
    org = wg1.page.locator("#org_unit option").all_inner_texts()
    assert org == ["荷花社区第1网格"], org  # the grid worker saves only into his grid
    wg1.fill("case_no", "XF-BROWSER-001").fill("received_at", "2026-11-21T09:00")
    wg1.fill("petitioner_name", "浏览器来访人").choose("category", "邻里纠纷")
    wg1.fill("content", "楼上漏水影响楼下住户，协调未果")
    wg1.save()
    rows = " ".join(wg1.list_rows())
    assert "XF-BROWSER-001" in rows, rows
    row = wg1.page.locator("tr", has_text="XF-BROWSER-001").first
    with wg1.page.expect_navigation():
        row.locator("a[href*='/show/']").first.click()
    wg1.seen()
    assert "邻里纠纷" in wg1.text()


def test_team_leader_fills_a_monthly_check(person):
    # a past month the demo made no checks for (it makes last month's and this month's)
    first = clock.today().replace(day=1)
    month = ((first - dt.timedelta(days=1)).replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    tz1 = person("tz1")
    tz1.menu("大党建", "团长月度检查")
    tz1.add()
    member = tz1.page.locator("#volunteer option").first.inner_text()
    tz1.fill("month", f"{month:%Y-%m-%d}")  # the date picker takes a whole date
    tz1.page.check("#attended_every_tuesday")
    tz1.page.check("#executed_list")
    tz1.save()  # no progress note: refused next to the field
    assert "服务清单" in tz1.field_error("progress_note") or tz1.field_error("progress_note"), tz1.text()[:500]
    tz1.fill("progress_note", "服务清单按月推进，走访独居老人三户").save()
    tz1.goto(f"/monthly_check/list/?_flt_0_month={month:%Y-%m-%d}")  # newer months fill the first page
    rows = " ".join(tz1.list_rows())
    assert member in rows and f"{month:%Y-%m}" in rows, rows
