"""Dashboards and import clicked through in Chromium (skipped where chromium is missing)."""

import pytest

pytestmark = pytest.mark.browser


def test_login_lands_on_the_todo_and_the_dashboard_draws_its_charts(login, live_server):
    page = login("leader")
    assert "/todo/" in page.url  # home of every role but the administrator (app.todo)
    page.goto(f"{live_server}/dashboard/")
    page.wait_for_selector("#chart-registers canvas", timeout=15000)
    assert page.evaluate("typeof echarts") == "object"
    page.click("#panel-registers summary")
    assert page.is_visible("#table-registers")


def test_export_file_name_and_import_preview(login, live_server, tmp_path):
    page = login("sq1")
    page.goto(f"{live_server}/meeting/list/")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    name = download.value.suggested_filename
    assert name.startswith("会议台账_") and name.endswith(".xlsx")
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    page.click("#import-xlsx")
    page.set_input_files("input[name=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert page.is_visible("#import-summary")
    assert not page.is_visible("#import-errors")
