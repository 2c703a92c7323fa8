"""Stored HTML in a meeting title: the calendar month and week views, the dashboard, the escalation list and
the meeting list never render it as markup. (Whether the calendar shows these rows at all is not asserted.)"""

from __future__ import annotations

import datetime as dt

from app.common.enums import MeetingStatus
from app.core import clock
from tests import factories as f
from tests.conftest import text

XSS = '<script>alert("cal")</script><img src=x onerror=alert(1)>'


def test_meeting_title_with_html_is_escaped_on_calendar_dashboard_and_escalation(db, clients):
    today = clock.today()
    f.meeting("荷花社区", XSS, planned_start=dt.datetime.combine(today, dt.time(10, 0)), created_by="admin")
    f.meeting(
        "荷花社区",
        XSS + "过期",
        planned_start=dt.datetime.combine(today - dt.timedelta(days=20), dt.time(10, 0)),
        status=MeetingStatus.planned,
        created_by="admin",
    )
    admin = clients("admin")
    escaped = []
    for url in (
        "/calendar/month/",
        "/calendar/week/",
        "/dashboard/",
        "/escalation/",
        "/meeting/list/?_flt_2_title=alert",
    ):  # filtered: other tests' meetings may fill page 1
        r = admin.get(url)
        assert r.status_code == 200, url
        assert '<script>alert("cal")' not in text(r) and "<img src=x onerror" not in text(r), url
        if "&lt;script&gt;alert(" in text(r):
            escaped.append(url)
    assert "/meeting/list/?_flt_2_title=alert" in escaped  # the title is on the pages, escaped


def test_chart_data_cannot_close_its_script_element(clients, monkeypatch):
    # chart rows carry stored names (org units, titles): the JSON block escapes < > & so a name
    # holding "</script>" cannot end the data block and inject markup
    from app.dashboards import charts as C

    hostile = "</script><img src=x onerror=alert(1)>&"
    monkeypatch.setattr(C, "charts_for", lambda module: [C.Chart("x", "图", "bar", ["单位", "数量"], [[hostile, 1]])])
    page = text(clients("leader").get("/dashboard/"))
    data = page.split('id="dashboard-data">', 1)[1].split("</script>", 1)[0]
    assert "<img" not in page and "\\u003c/script\\u003e\\u003cimg" in data
