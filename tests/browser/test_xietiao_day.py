"""综合督考办 in a real browser: the month's 督查清单 with an item, issued, and a 督办单."""

import pytest

pytestmark = pytest.mark.browser

LIST = "2031年3月重点工作督查清单"
ITEM = "浏览器督查：老旧小区加装电梯推进"


def test_dcb_issues_the_months_list_and_an_order(person):
    dcb = person("dcb")
    dcb.menu("大协调", "月度重点督查清单")
    dcb.add()
    dcb.fill("month", "2031-03-01").fill("title", LIST).choose("org_unit", "荷花街道")
    dcb.save()
    assert LIST in " ".join(dcb.list_rows())

    dcb.menu("大协调", "督查事项")
    dcb.add()
    dcb.choose("supervision_list", LIST).fill("title", ITEM).choose("module", "大治理")
    dcb.fill("deadline", "2031-03-20").fill("target", "完成3个小区加装电梯意见征询").choose("org_unit", "荷花街道")
    dcb.save()
    assert ITEM in " ".join(dcb.list_rows())

    dcb.menu("大协调", "月度重点督查清单")
    with dcb.page.expect_navigation():
        dcb.page.locator("tr", has_text=LIST).first.locator("a[href*='/show/']").first.click()
    dcb.seen()
    dcb.step("下发")
    assert "已下发" in dcb.text() or "下发" in dcb.flash(), dcb.flash()

    dcb.menu("大协调", "工作督办单")
    dcb.add()
    dcb.fill("order_no", "督办〔2031〕BR1号").choose("supervision_item", ITEM)
    dcb.fill("issued_at", "2031-03-21T09:00").fill("lag_description", "意见征询进度滞后")
    dcb.fill("requirement", "三个工作日内书面回复").fill("reply_deadline", "2031-03-26").choose("org_unit", "荷花街道")
    dcb.save()
    assert "督办〔2031〕BR1号" in " ".join(dcb.list_rows())
    dcb.menu("大协调", "月度督查")
    assert dcb.page.title()
