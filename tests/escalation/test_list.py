"""督办预警 list: every filter narrows (and the counts follow), scope holds on the page, the counts,
the drop-downs and the export; keyset pages continue without repeats; the export is exactly the
filtered list; the statements per page do not grow with the page size."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import event

from app.core import clock
from app.modules.xietiao.enums import AssignmentStatus as AS

from ..conftest import text
from ..factories import community_and_grids, org, user
from ..sqlcount import QueryCounter
from ..xietiao import factories as xf
from .common import T0, due_of, rows, walk, work_item


@pytest.fixture()
def setup(db):
    """Four dues of known shape at T0 (titles unique to this module)."""
    clock.freeze(T0)
    day = T0.date()
    from app.org.enums import Module

    a = work_item("荷花社区", "ESC筛选甲", day - dt.timedelta(days=2), module=Module.zhili, owner="sq1")
    b = work_item("新村社区第1网格", "ESC筛选乙", day + dt.timedelta(days=1), module=Module.zhili, owner="sq2")
    c = work_item("荷花社区第2网格", "ESC筛选丙", dt.date(2027, 3, 31), module=Module.dangjian, owner="wg1")
    o = xf.assignment(status=AS.assigned, deadline=day + dt.timedelta(days=2))
    ids = {
        "A": str(due_of("work_item", a.id).id),
        "B": str(due_of("work_item", b.id).id),
        "C": str(due_of("work_item", c.id).id),
        "O": str(due_of("assignment_order", o.id).id),
    }
    yield ids
    clock.reset()


def _ids(found):
    return {r["item"] for r in found}


def test_every_filter_narrows_and_the_counts_follow(clients, setup):
    ids = setup
    dcb = clients("dcb")
    everything, all_counts, _pages = walk(dcb)
    assert set(ids.values()) <= _ids(everything)
    by_id = {r["item"]: r for r in everything}
    assert by_id[ids["A"]]["stage"] == "supervision" and by_id[ids["B"]]["stage"] == "reminder"
    assert by_id[ids["C"]]["stage"] == "notice" and by_id[ids["O"]]["stage"] == "reminder"
    assert sum(all_counts[s] for s in ("reminder", "supervision", "notice")) == len(everything) == all_counts["all"]
    holehua = {str(i) for i in community_and_grids("荷花社区")}
    grid2 = str(org("荷花社区第2网格").id)
    sq2 = str(user("sq2").id)
    cases = [
        # (query, predicate every row meets, expected in, expected out)
        ("module=zhili", lambda r: r["module"] == "zhili", "AB", "CO"),
        ("register=work_item", lambda r: r["register"] == "work_item", "ABC", "O"),
        (f"org_unit={org('荷花社区').id}", lambda r: r["org"] in holehua, "AC", "BO"),
        (f"org_unit={grid2}", lambda r: r["org"] == grid2, "C", "ABO"),
        ("stage=supervision", lambda r: r["stage"] == "supervision", "A", "BCO"),
        ("stage=notice", lambda r: r["stage"] == "notice", "C", "ABO"),
        ("stage=reminder", lambda r: r["stage"] == "reminder", "BO", "AC"),
        ("rule=WI", lambda r: r["rule"] == "WI", "ABC", "O"),
        ("rule=TR-20", lambda r: r["rule"] == "TR-20", "O", "ABC"),
        (f"owner={sq2}", lambda r: r["owner"] == sq2, "B", "ACO"),
        ("due=overdue", lambda r: r["overdue"] == "y", "AC", "BO"),
        ("due=soon", lambda r: r["overdue"] == "n", "BO", "AC"),
        ("module=zhili&register=work_item&due=soon", lambda r: r["register"] == "work_item", "B", "ACO"),
    ]
    for query, ok, inside, outside in cases:
        found, counts, _pages = walk(dcb, query)
        assert found and all(ok(r) for r in found), query
        assert {ids[k] for k in inside} <= _ids(found), query
        assert not {ids[k] for k in outside} & _ids(found), query
        assert len(found) < len(everything), query
        stage = re.search(r"stage=(\w+)", query)
        # the counts per stage are of the set the other filters select; the stage picks one of them
        shown = counts[stage.group(1)] if stage else counts["all"]
        assert shown == len(found), query
        assert counts["overdue"] == sum(r["overdue"] == "y" for r in found), query
        assert counts["soon"] == sum(r["overdue"] == "n" for r in found), query


def test_mine_is_what_i_must_act_on(clients, setup):
    sq1 = user("sq1")
    found, counts, _pages = walk(clients("sq1"), "mine=1")
    assert setup["A"] in _ids(found)
    assert all(r["owner"] == str(sq1.id) or (r["owner"] == "" and r["org"] == str(sq1.org_unit_id)) for r in found)
    assert counts["all"] == len(found)


def test_sq1_never_sees_xincun_on_the_page_in_counts_dropdowns_or_export(clients, setup):
    xincun = {str(i) for i in community_and_grids("新村社区")}
    sq1 = clients("sq1")
    found, counts, _pages = walk(sq1)
    assert found and not [r for r in found if r["org"] in xincun]
    assert setup["B"] not in _ids(found) and setup["A"] in _ids(found)
    assert counts["all"] == len(found)
    # asking for the other community, or its secretary's items, finds nothing and counts nothing
    for query in (f"org_unit={org('新村社区').id}", f"owner={user('sq2').id}", f"org_unit={org('新村社区第1网格').id}"):
        found_there, counts_there, _p = walk(sq1, query)
        assert found_there == [] and counts_there["all"] == 0 and counts_there["overdue"] == 0, query
    page = text(sq1.get("/escalation/"))
    options = re.search(r'<select[^>]*id="f-org_unit".*?</select>', page, re.S).group(0)
    assert f'value="{org("荷花社区").id}"' in options and f'value="{org("新村社区").id}"' not in options
    owners = re.search(r'<select[^>]*id="f-owner".*?</select>', page, re.S).group(0)
    assert f'value="{user("sq1").id}"' in owners and f'value="{user("sq2").id}"' not in owners
    sheet = _export(sq1, "")
    assert len(sheet) == len(found) and "ESC筛选乙" not in {r[1] for r in sheet}
    assert "ESC筛选甲" in {r[1] for r in sheet}


def _export(client, query: str) -> list[tuple]:
    r = client.get("/escalation/export/" + (f"?{query}" if query else ""))
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(r.data), read_only=True)
    values = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert values[0][0] == "预警级别" and values[0][1] == "事项"
    return [v for v in values[1:] if any(x is not None for x in v)]


@pytest.mark.parametrize("sort", ["due", "due_desc", "stage", "register"])
def test_keyset_pages_continue_without_repeats_in_every_sort(clients, setup, sort):
    dcb = clients("dcb")
    small, _c, pages = walk(dcb, f"sort={sort}", size=7)
    whole, _c, one = walk(dcb, f"sort={sort}", size=500)
    assert pages > 3 and one == 1
    assert [r["item"] for r in small] == [r["item"] for r in whole]
    dues = [r["due"] for r in whole]
    if sort == "due":
        assert dues == sorted(dues)
    elif sort == "due_desc":
        assert dues == sorted(dues, reverse=True)
    elif sort == "stage":
        rank = {"notice": 0, "supervision": 1, "reminder": 2}
        keys = [(rank[r["stage"]], r["due"]) for r in whole]
        assert keys == sorted(keys)
    else:
        keys = [(r["register"], r["due"]) for r in whole]
        assert keys == sorted(keys)


def test_pages_are_keyset_not_offset(app, db, clients, setup):
    dcb = clients("dcb")
    first = text(dcb.get("/escalation/?size=5"))
    from .common import next_url

    seen = []

    def grab(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", grab)
    try:
        assert dcb.get(next_url(first)).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", grab)
    page_sql = [(s, p) for s, p in seen if "FROM due_item" in s and "LIMIT" in s]
    # SQLite's dialect writes "LIMIT ? OFFSET ?" for every LIMIT: the offset must be 0
    assert page_sql and all("OFFSET" not in s or list(p)[-1] == 0 for s, p in page_sql)
    assert any(re.search(r"\(due_item\.due_at, due_item\.id\) >", s) for s, _p in page_sql)


def test_export_is_exactly_the_filtered_list(clients, setup):
    dcb = clients("dcb")
    query = "register=work_item&sort=stage"
    found, _c, pages = walk(dcb, query, size=5)
    assert pages > 1
    page = text(dcb.get(f"/escalation/?{query}&size=5"))
    titles = re.findall(r'<td><a href="[^"]*">([^<]*)</a></td>', page)
    # size and cursor are the page's, not the export's: every page, in the list's order
    sheet = _export(dcb, f"{query}&size=5&cursor=x")
    assert len(sheet) == len(found)
    assert [r[1] for r in sheet[:5]] == [t.replace("&#34;", '"').replace("&amp;", "&") for t in titles]
    assert [r[0] for r in sheet] == [
        {"notice": "通报", "supervision": "督办", "reminder": "提醒"}[r["stage"]] for r in found
    ]
    assert {r[2] for r in sheet} == {"工作任务"}
    assert all(isinstance(r[9], dt.datetime) for r in sheet)
    assert [r[9].strftime("%Y-%m-%dT%H:%M:%S") for r in sheet] == [r["due"][:19] for r in found]


def test_bad_arguments_are_ignored_with_a_message_not_an_error(clients, setup):
    dcb = clients("dcb")
    r = dcb.get(
        "/escalation/?module=nope&org_unit=abc&owner=-3&stage=x&sort=zzz&size=100000&cursor=%%%&due=later&rule=<b>"
    )
    assert r.status_code == 200
    page = text(r)
    assert page.count("escalation-input") >= 6 and "<b>" not in page
    # a cursor of another sort is refused too (the first page is shown)
    found, _c, _p = walk(dcb, "sort=due", size=5)
    first = text(dcb.get("/escalation/?size=5"))
    from .common import next_url

    bad = next_url(first).replace("size=5", "size=5&sort=register")
    r = dcb.get(bad)
    assert r.status_code == 200 and "escalation-input" in text(r)
    assert dcb.get("/escalation/export/?module=nope&cursor=zz").status_code == 200


@pytest.mark.parametrize("login", ["dcb", "sq1"])
def test_statements_per_page_do_not_grow_with_the_page_size(app, db, clients, setup, login):
    c = clients(login)
    counted = []
    for size in (5, 50):
        c.get(f"/escalation/?size={size}")  # warm: the sweep of the moved clock, caches
        with QueryCounter(db.engine) as qc:
            r = c.get(f"/escalation/?size={size}")
        assert r.status_code == 200
        n = len(rows(text(r)))
        assert n == size or (login == "sq1" and n < 50 and size == 50)
        counted.append(qc.count)
    assert counted[0] == counted[1], counted
