"""A row's show page lists its open dues with their stage; list pages mark overdue and soon-due rows,
with one query for the page's ids (app.core.panels, filled by app.escalation)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.core import clock
from app.dues.models import DueItem
from app.org.enums import Module

from ..conftest import text
from ..sqlcount import QueryCounter
from .common import T0, due_of, work_item


@pytest.fixture()
def three(db):
    clock.freeze(T0)
    day = T0.date()
    late = work_item("荷花社区", "ESC面板超期", day - dt.timedelta(days=2), module=Module.zhili)
    soon = work_item("荷花社区", "ESC面板临期", day + dt.timedelta(days=1), module=Module.zhili)
    later = work_item("荷花社区", "ESC面板远期", day + dt.timedelta(days=30), module=Module.zhili)
    yield late, soon, later
    clock.reset()


def _row(page: str, row_id: int) -> str:
    """The <tr> of a list page holding the row's show link."""
    for tr in re.findall(r"<tr\b[^>]*>.*?</tr>", page, re.S):
        if f"/work_item/show/{row_id}" in tr:
            return tr
    raise AssertionError(f"row {row_id} not on the page")


def test_the_show_page_lists_the_rows_open_dues_with_their_stage(clients, three):
    late, soon, later = three
    sq1 = clients("sq1")
    page = text(sq1.get(f"/work_item/show/{late.id}"))
    item = due_of("work_item", late.id)
    assert 'id="row-dues"' in page
    assert f'data-item="{item.id}" data-stage="supervision" data-rule="WI"' in page
    assert "督办" in page.split('id="row-dues"', 1)[1] and f"/escalation/item/{item.id}" in page
    page = text(sq1.get(f"/work_item/show/{soon.id}"))
    assert f'data-item="{due_of("work_item", soon.id).id}" data-stage="reminder"' in page
    assert 'id="row-dues"' not in text(sq1.get(f"/work_item/show/{later.id}"))  # not due yet
    assert 'id="row-dues"' not in text(sq1.get("/org_unit/show/2"))  # a register without deadlines
    # outside the scope the show page is a 404, panel and all
    assert clients("sq2").get(f"/work_item/show/{late.id}").status_code == 404


def test_a_custom_show_page_has_the_panel_too(db, clients, three):
    # 信访件 has its own show template (the path of the case); the panel is in the show widget
    db.session.expire_all()
    row_id = db.session.execute(
        sa.select(DueItem.row_id).where(
            DueItem.register_key == "petition_case", DueItem.resolved_at.is_(None), DueItem.remind_at <= T0
        )
    ).scalar()
    assert row_id is not None
    page = text(clients("admin").get(f"/petition_case/show/{row_id}"))
    assert 'id="zhili-path"' in page and 'id="row-dues"' in page


def test_list_pages_mark_overdue_and_soon_rows(clients, three):
    late, soon, later = three
    page = text(clients("sq1").get("/work_item/list/?_flt_2_title=ESC面板"))
    assert 'data-mark="overdue"' in _row(page, late.id) and 'class="danger"' in _row(page, late.id)
    assert "row-mark" in _row(page, late.id) and "督办" in _row(page, late.id)
    assert 'data-mark="soon"' in _row(page, soon.id) and "提醒" in _row(page, soon.id)
    assert "data-mark" not in _row(page, later.id)
    # registers without time rules: no marks, no query for them
    assert "data-mark" not in text(clients("sq1").get("/org_unit/list/"))


def test_the_marks_cost_one_query_whatever_the_page_size(app, db, clients, three):
    c = clients("dcb")
    counted, marked = [], []
    for size in (5, 50):
        url = f"/work_item/list/?psize_WorkItemView={size}"
        c.get(url)
        with QueryCounter(db.engine) as qc:
            r = c.get(url)
        assert r.status_code == 200
        counted.append(qc.count)
        marked.append(text(r).count("row-mark"))
    assert counted[0] == counted[1], counted
    assert marked[0] <= 5 and marked[1] > marked[0]
