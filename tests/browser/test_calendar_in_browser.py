"""The month view in a real Chromium: a table starting on Monday, and “record this meeting” opens a
pre-filled add form that saves."""

import datetime as dt

import pytest

from app.core import clock

pytestmark = pytest.mark.browser


def _a_working_monday_ahead(app) -> dt.date:
    """A Monday some weeks after the suite's today that is a working day (no meeting of the demo yet)."""
    from app.core.workdays import WorkDays

    day = clock.today() + dt.timedelta(weeks=5)
    day -= dt.timedelta(days=day.weekday())
    with app.app_context():
        days = WorkDays.load(day, day + dt.timedelta(weeks=8))
        while not days.is_working(day):
            day += dt.timedelta(weeks=1)
    return day


def test_record_a_meeting_from_the_month_view(app, login, live_server, tmp_path):
    monday = _a_working_monday_ahead(app)
    month_url = f"{live_server}/calendar/month/?year={monday.year}&month={monday.month}"
    page = login("djb")
    page.goto(month_url)
    assert page.locator("#jd-calendar thead th").first.inner_text() == "周一"
    page.screenshot(path=str(tmp_path / "month.png"), full_page=True)
    cell = page.locator(f'td[data-date="{monday:%Y-%m-%d}"]')
    item = cell.locator(".jd-item", has_text="党建办周一例会")
    assert item.get_attribute("data-status") == "open"
    item.locator("a.jd-record").click()
    page.wait_for_load_state()
    assert page.input_value("#title") == f"党建办周一例会（{monday:%m月%d日}）"
    assert page.input_value("#place") == "街道三楼会议室"
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    page.goto(month_url)
    item = page.locator(f'td[data-date="{monday:%Y-%m-%d}"] .jd-item', has_text="党建办周一例会")
    assert item.get_attribute("data-status") == "planned"
    assert item.locator("a").first.get_attribute("href").startswith("/meeting/show/")
