"""List pages at scale (app/core/paging.py, app/core/search.py): keyset "next"/"previous" links,
the capped count, the indexed search kept in step with the table, sorting by a related column."""

from __future__ import annotations

import html
import re

import pytest

from app.core import paging

from . import factories
from .conftest import text

V = "MeetingView"


def ids(body: str) -> list[int]:
    out: list[int] = []
    for m in re.finditer(r"/meeting/show/(\d+)", body):
        if not out or out[-1] != int(m.group(1)):
            out.append(int(m.group(1)))
    return out


def link_to(body: str, page: int) -> str | None:
    for m in re.finditer(r'href="([^"]+)"', body):
        href = html.unescape(m.group(1))
        if f"page_{V}={page}" in href and f"_k_{V}=" in href:
            return href
    return None


@pytest.fixture()
def meetings(db):
    made = [factories.meeting("荷花社区", f"分页测试会议{i}") for i in range(7)]
    yield made
    for m in made:
        db.session.delete(m)
    db.session.commit()


def test_next_and_previous_links_carry_a_keyset_cursor_and_give_the_offset_pages(clients, meetings):
    c = clients("admin")
    size = f"psize_{V}=3"
    offset_pages = [ids(text(c.get(f"/meeting/list/?{size}&page_{V}={p}"))) for p in range(3)]
    assert all(len(p) == 3 for p in offset_pages)
    first = text(c.get(f"/meeting/list/?{size}"))
    nxt = link_to(first, 1)
    assert nxt is not None
    second = text(c.get(nxt))
    assert ids(second) == offset_pages[1]
    third = text(c.get(link_to(second, 2)))
    assert ids(third) == offset_pages[2]
    back = link_to(third, 1)  # "previous" walks the key the other way
    assert back is not None and ids(text(c.get(back))) == offset_pages[1]


def test_a_cursor_for_another_page_or_order_is_ignored(clients, meetings):
    c = clients("admin")
    size = f"psize_{V}=3"
    first = text(c.get(f"/meeting/list/?{size}"))
    cursor = re.search(rf"_k_{V}=([A-Za-z0-9_\-]+)", html.unescape(first)).group(1)
    plain = ids(text(c.get(f"/meeting/list/?{size}&page_{V}=2")))
    # made for page 1: on page 2 it does not apply, the page is read by its number
    assert ids(text(c.get(f"/meeting/list/?{size}&page_{V}=2&_k_{V}={cursor}"))) == plain
    assert c.get(f"/meeting/list/?{size}&page_{V}=1&_k_{V}=garbage").status_code == 200


def test_count_stops_at_the_cap_and_still_offers_the_next_page(clients, meetings, monkeypatch):
    c = clients("admin")
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    body = text(c.get(f"/meeting/list/?psize_{V}=3"))
    assert "4+" in body
    assert link_to(body, 1) is not None


def test_the_last_page_shows_the_exact_count_past_the_cap(clients, db, meetings, monkeypatch):
    from app.common.models import Meeting

    total = db.session.query(Meeting).filter(Meeting.is_deleted.is_(False)).count()
    monkeypatch.setattr(paging, "COUNT_CAP", 4)
    size = next(n for n in (3, 5, 7, 11) if total % n)  # a short last page tells the total (a full one cannot)
    last = (total - 1) // size
    body = text(clients("admin").get(f"/meeting/list/?psize_{V}={size}&page_{V}={last}"))
    assert re.search(rf"</strong>\s*{total}\b", body), "exact total on the last page"


def test_search_index_follows_inserts_updates_and_deletes(clients, db):
    m = factories.meeting("荷花社区", "防汛抗旱物资盘点会")
    c = clients("admin")
    try:
        assert m.id in ids(text(c.get("/meeting/list/?_flt_2_title=物资盘点")))
        m.title = "秋季消防演练部署会"
        db.session.commit()
        assert m.id not in ids(text(c.get("/meeting/list/?_flt_2_title=物资盘点")))
        assert m.id in ids(text(c.get("/meeting/list/?_flt_2_title=消防演练")))
        assert m.id in ids(text(c.get("/meeting/list/?_flt_2_title=消防")))  # two characters: LIKE
    finally:
        db.session.delete(m)
        db.session.commit()
    assert m.id not in ids(text(c.get("/meeting/list/?_flt_2_title=消防演练")))


def test_search_stays_in_scope(clients, db):
    m = factories.meeting("新村社区", "仅新村可见的协调会")
    try:
        assert m.id in ids(text(clients("sq2").get("/meeting/list/?_flt_2_title=新村可见")))
        assert m.id not in ids(text(clients("sq1").get("/meeting/list/?_flt_2_title=新村可见")))
    finally:
        db.session.delete(m)
        db.session.commit()


def test_a_related_column_sorts_by_the_related_name(clients, db, meetings):
    from app.common.models import Meeting

    body = text(clients("admin").get(f"/meeting/list/?_oc_{V}=org_unit&_od_{V}=asc&psize_{V}=100"))
    shown = ids(body)
    names = [db.session.get(Meeting, i).org_unit.name for i in shown]
    assert len(shown) > 3 and names == sorted(names)
    # the column header is a sort link
    assert f"_oc_{V}=org_unit" in html.unescape(text(clients("admin").get("/meeting/list/")))
