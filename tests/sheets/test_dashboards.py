"""Dashboards: home is the index page, numbers are the viewer's scope, charts vendored, xlsx."""

import datetime as dt
import io
import json
import re

import openpyxl
import sqlalchemy as sa

from app.common.enums import MeetingStatus, WorkItemStatus
from app.common.models import Meeting, WorkItem
from app.core import registry

from .. import factories as f
from .helpers import page


def _specs(response) -> dict:
    m = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page(response), re.S)
    assert m, page(response)[:2000]
    return {s["key"]: s for s in json.loads(m.group(1))}


def _live_count(model, *where):
    from app.extensions import db

    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(model.is_deleted.is_(False), *where)
    ).scalar()


def test_index_redirects_the_admin_to_the_dashboard_and_others_to_their_todo(clients):
    r = clients("admin").get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/dashboard/")
    r = clients("sq1").get("/")  # every other role lands on 我的待办 (app.todo); the dashboard stays in the menu
    assert r.status_code == 302 and r.headers["Location"].endswith("/todo/")
    assert clients(None).get("/").status_code == 200


def test_echarts_is_served_from_the_app(clients):
    body = page(clients("leader").get("/dashboard/"))
    assert "/static/vendor/echarts/echarts.min.js" in body and "cdn" not in body.lower()
    assert clients("leader").get("/static/vendor/echarts/echarts.min.js").status_code == 200


def test_register_counts_are_in_scope_for_leader_and_sq1(db, clients):
    own = f.community_and_grids("荷花社区")
    f.meeting("荷花社区第2网格", "看板计数会议", chair="sq1")
    leader = _specs(clients("leader").get("/dashboard/"))["registers"]
    sq1 = _specs(clients("sq1").get("/dashboard/"))["registers"]
    name = "会议台账"
    leader_n = {r[0]: r[2] for r in leader["rows"]}[name]
    sq1_n = {r[0]: r[2] for r in sq1["rows"]}[name]
    assert leader_n == _live_count(Meeting)
    assert sq1_n == _live_count(Meeting, Meeting.org_unit_id.in_(own))
    assert sq1_n < leader_n
    # registers sq1 may not read are not listed at all
    assert "审计日志" not in {r[0] for r in sq1["rows"]}


def test_work_items_by_status_in_scope(db, clients):
    own = f.community_and_grids("荷花社区")
    sq1 = _specs(clients("sq1").get("/dashboard/"))["work_items"]
    assert sum(r[1] for r in sq1["rows"]) == _live_count(WorkItem, WorkItem.org_unit_id.in_(own))
    leader = _specs(clients("leader").get("/dashboard/"))["work_items"]
    assert sum(r[1] for r in leader["rows"]) == _live_count(WorkItem)


def test_meetings_held_per_month_per_module(db, clients):
    from app.core import clock

    now = clock.now()
    f.meeting(
        "荷花社区",
        "看板已开会议",
        chair="sq1",
        status=MeetingStatus.held,
        planned_start=now - dt.timedelta(days=1),
        actual_start=now - dt.timedelta(days=1),
    )
    page_ = _specs(clients("sq1").get("/dashboard/dangjian/"))
    chart = page_["meetings"]
    assert len(chart["rows"]) == 12 and chart["rows"][-1][0] == f"{now:%Y-%m}"
    own = f.community_and_grids("荷花社区")
    start = dt.datetime(now.year, now.month, 1)
    expected = _live_count(
        Meeting,
        Meeting.org_unit_id.in_(own),
        Meeting.module == "dangjian",
        Meeting.status == MeetingStatus.held,
        sa.func.coalesce(Meeting.actual_start, Meeting.planned_start) >= start,
        sa.func.coalesce(Meeting.actual_start, Meeting.planned_start) <= now,
    )
    assert chart["rows"][-1][1] == expected >= 1


def test_deadlines_chart_counts_overdue_work_items(db, clients):
    from app.core import clock

    item = WorkItem(
        module="dangjian",
        kind=list(__import__("app.common.enums", fromlist=["WorkItemKind"]).WorkItemKind)[0],
        title="看板超期任务",
        org_unit=f.org("荷花社区"),
        deadline=clock.today() - dt.timedelta(days=3),
        status=WorkItemStatus.todo,
    )
    db.session.add(item)
    db.session.commit()
    sq1 = _specs(clients("sq1").get("/dashboard/"))["deadlines"]
    sq2 = _specs(clients("sq2").get("/dashboard/"))["deadlines"]
    overdue = lambda spec: sum(r[2] for r in spec["rows"])  # noqa: E731
    assert overdue(sq1) >= 1
    item.org_unit = f.org("新村社区")
    db.session.commit()
    sq1_after = _specs(clients("sq1").get("/dashboard/"))["deadlines"]
    sq2_after = _specs(clients("sq2").get("/dashboard/"))["deadlines"]
    assert overdue(sq1_after) == overdue(sq1) - 1
    assert overdue(sq2_after) == overdue(sq2) + 1


def test_every_module_dashboard_renders(clients):
    for m in registry.MODULES:
        for who in ("leader", "sq1"):
            r = clients(who).get(f"/dashboard/{m}/")
            assert r.status_code == 200, (m, who)
    assert clients("sq1").get("/dashboard/nonsense/").status_code == 404


def test_numbers_as_xlsx(db, clients):
    r = clients("sq1").get("/dashboard/xlsx/home/registers")
    assert r.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0].iter_rows(values_only=True))
    spec = _specs(clients("sq1").get("/dashboard/"))["registers"]
    assert [list(x) for x in rows[1:]] == spec["rows"]
    assert isinstance(rows[1][2], int)


def test_module_hook_adds_charts(db, clients, monkeypatch):
    import types

    from app.dashboards import charts as C

    fake = types.SimpleNamespace(
        charts=lambda module: (
            [C.Chart("hooked", "模块自定义图表", "bar", ["x", "n"], [("a", 1)])] if module == "zhili" else []
        )
    )
    real = registry.optional_import
    monkeypatch.setattr(
        registry, "optional_import", lambda name: fake if name == "app.zhili_test.dashboard" else real(name)
    )
    monkeypatch.setattr(registry, "PACKAGES", registry.PACKAGES + ("app.zhili_test",))
    assert "hooked" in _specs(clients("leader").get("/dashboard/zhili/"))
    assert "hooked" not in _specs(clients("leader").get("/dashboard/"))
