"""街道领导 reads the escalation list and the dashboards; a filtered list goes to Excel and comes back;
the calendar's month view and its .ics feed — all in a real browser."""

import icalendar
import openpyxl
import pytest

pytestmark = pytest.mark.browser


def test_leader_opens_the_escalation_list_and_the_dashboards(person):
    leader = person("leader")
    assert "/todo/" in leader.page.url  # home of every role but the administrator (app.todo)
    leader.page.goto(leader.base + "/dashboard/")
    leader.seen()
    leader.page.wait_for_selector("#chart-registers canvas")
    leader.menu("公共", "督办预警")
    assert leader.page.locator("table.escalation-list tbody tr").count() > 0
    assert "新村社区" in leader.text()  # the street leader reads every community
    for name in ("大党建", "大治理"):
        with leader.page.expect_navigation():
            leader.page.locator("#dashboard-nav a", has_text=name).first.click() if leader.page.locator(
                "#dashboard-nav"
            ).count() else leader.page.goto(leader.base + "/dashboard/")
        leader.seen()
    sq1 = person("sq1")
    sq1.menu("公共", "督办预警")
    assert "新村社区" not in sq1.text()


def test_filtered_list_exported_and_imported_back(person, tmp_path):
    sq1 = person("sq1")
    sq1.menu("公共", "会议台账")
    page = sq1.page
    everything = len(sq1.list_rows())
    sq1.search("会议名称", "荷花社区组团联社月例会（1")  # FAB's first operator: starts with
    headers = [h.strip() for h in page.locator(".table-responsive table thead th").all_inner_texts()]
    col = next(i for i, h in enumerate(headers) if h.startswith("会议名称"))
    titles = sorted(
        r.locator("td").nth(col).inner_text().strip() for r in page.locator(".table-responsive table tbody tr").all()
    )
    assert titles == ["荷花社区组团联社月例会（10月）", "荷花社区组团联社月例会（11月）"], titles
    assert everything > len(titles)
    assert all("新村社区" not in r for r in sq1.list_rows())

    with page.expect_download() as download:
        page.click("#export-xlsx")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    col = head.index("会议名称")
    exported = sorted(str(r[col]) for r in rows[1:] if r[col])
    assert exported == titles, (exported, titles)

    # the person edits one cell and imports the file back: one update, nothing else
    book = openpyxl.load_workbook(path)
    sheet = book.active
    title = [c.value for c in sheet[1]].index("会议名称") + 1
    renamed = sheet.cell(row=2, column=title).value + "（浏览器导入修改）"
    sheet.cell(row=2, column=title, value=renamed)
    book.save(path)
    sq1.click("#import-xlsx")
    page.set_input_files("input[name=file]", str(path))
    sq1.click("#import-form button[type=submit]")
    summary = page.inner_text("#import-summary").replace(" ", "")
    assert "更新：1" in summary and "错误：0" in summary, summary
    sq1.click("#import-confirm")
    assert "更新 1 条" in sq1.flash(), sq1.flash()
    assert renamed in " ".join(sq1.list_rows()), sq1.list_rows()


def test_month_view_and_ics_feed(person, live_server):
    djb = person("djb")
    djb.menu("公共", "工作日程")
    assert djb.page.locator("#jd-calendar thead th").first.inner_text() == "周一"
    items = djb.page.locator("#jd-calendar .jd-item").all_inner_texts()
    assert items
    djb.click("我的日程订阅")
    djb.click("button[type=submit].btn-primary")
    url = djb.page.input_value("#jd-feed-url")
    assert url.startswith("http")
    # a calendar app fetches the address without logging in
    response = djb.page.context.browser.new_context().request.get(url)
    assert response.ok and "text/calendar" in response.headers["content-type"]
    cal = icalendar.Calendar.from_ical(response.body())
    summaries = [str(e.get("summary")) for e in cal.walk("VEVENT")]
    assert summaries and any("例会" in s for s in summaries), summaries[:10]
