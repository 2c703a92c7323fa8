"""The main pages at phone (390 px, iPhone 12) and desktop (1280 px) width, reached through the menus:
the collapsed navbar opens, no page scrolls sideways (wide tables scroll inside their own box), and a
screenshot of each is kept under instance/screenshots/ (JIEDAO_SCREENSHOTS overrides) to look at."""

import pytest

pytestmark = pytest.mark.browser

PAGES = {  # login → (menu group, menu item, screenshot name, open its add form too)
    "sq1": [
        ("大党建", "党建项目", "party_project", True),
        ("大党建", "专项经费支出", "fund_expenditure", True),
        ("大党建", "党建项目看板", "dangjian_board", False),
        ("公共", "会议台账", "meeting", True),
        ("公共", "工作日程", "calendar_month", False),
        ("公共", "督办预警", "escalation", False),
    ],
    "wg1": [("大治理", "巡查走访记录", "patrol_record", True), ("大治理", "信访件", "petition_case", True)],
    "leader": [
        ("大协调", "月度督查", "xietiao_supervision", False),
        ("大治理", "信访月度汇总排名", "petition_ranking", False),
        ("大党建", "专项经费收支情况", "dangjian_fund", False),
    ],
}


@pytest.mark.parametrize("phone", [True, False], ids=["phone-390", "desktop-1280"])
def test_main_pages_fit_the_screen(person, phone):
    for login, pages in PAGES.items():
        someone = person(login, phone=phone)
        someone.assert_no_horizontal_scroll()
        someone.shoot(f"{login}-todo")  # where the login lands (app.todo)
        if phone:
            assert someone.page.locator(".navbar-toggle").is_visible()
            assert not someone.page.locator(".navbar-nav").first.is_visible()  # collapsed behind the button
        for group, item, name, add in pages:
            someone.menu(group, item)
            someone.assert_no_horizontal_scroll()
            someone.shoot(f"{login}-{name}")
            table = someone.page.locator(".table-responsive").first
            if phone and table.count():
                overflow = table.evaluate("e => getComputedStyle(e).overflowX")
                assert overflow in ("auto", "scroll"), f"{name}: the table box does not scroll ({overflow})"
            if add:
                someone.add()
                someone.assert_no_horizontal_scroll()
                someone.shoot(f"{login}-{name}-add")
                rows = someone.page.locator("#model_form label").all_inner_texts()
                assert rows and all(r.strip() for r in rows)
                someone.page.go_back()
                someone.page.wait_for_load_state()
