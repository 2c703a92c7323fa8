"""A community secretary's day, clicked through in Chromium."""

import pytest

pytestmark = pytest.mark.browser


def test_secretary_records_a_meeting_and_sees_only_her_community(login, live_server):
    page = login("sq1")
    page.goto(f"{live_server}/meeting/list/")
    assert "会议台账" in page.content()
    assert "新村社区组团联社月例会" not in page.content()

    page.goto(f"{live_server}/meeting/add")
    page.fill("#title", "浏览器录入的网格碰头会")
    page.fill("#planned_start", "2026-12-03T09:00")
    page.fill("#end_time", "2026-12-03T08:00")  # before the start: refused in the form
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    assert "结束时间不能早于开始时间" in page.content()
    assert page.input_value("#title") == "浏览器录入的网格碰头会"  # input kept

    page.fill("#end_time", "2026-12-03T10:00")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()
    assert "浏览器录入的网格碰头会" in page.content()  # back on the list, row saved


def test_export_button_downloads_a_spreadsheet(login, live_server):
    page = login("leader")
    page.goto(f"{live_server}/meeting/list/")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
