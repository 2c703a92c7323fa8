"""The month view in a real Chromium: a table starting on Monday, and “record this meeting” opens a
pre-filled add form that saves."""
import pytest

pytestmark = pytest.mark.browser


def test_record_a_meeting_from_the_month_view(login, live_server, tmp_path):
    page = login("djb")
    page.goto(f"{live_server}/calendar/month/?year=2027&month=5")
    assert page.locator("#jd-calendar thead th").first.inner_text() == "周一"
    page.screenshot(path=str(tmp_path / "month.png"), full_page=True)
    cell = page.locator('td[data-date="2027-05-17"]')
    item = cell.locator(".jd-item", has_text="党建办周一例会")
    assert item.get_attribute("data-status") == "open"
    item.locator("a.jd-record").click()
    page.wait_for_load_state()
    assert page.input_value("#title") == "党建办周一例会（05月17日）"
    assert page.input_value("#place") == "街道三楼会议室"
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server}/calendar/month/?year=2027&month=5")
    item = page.locator('td[data-date="2027-05-17"] .jd-item', has_text="党建办周一例会")
    assert item.get_attribute("data-status") == "planned"
    assert item.locator("a").first.get_attribute("href").startswith("/meeting/show/")
