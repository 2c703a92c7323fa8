"""我的待办 (/todo/, /api/v1/todo/, the navbar badge): the home page of every role but the
administrator, each user's own items in their groups, in scope, the same on the page and in the API."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import WorkItem
from app.core import clock
from app.dues.models import DueItem
from app.modules.xietiao.enums import AssignmentStatus as AS
from app.modules.xietiao.models import AssignmentOrder
from app.org.enums import Module

from ..conftest import PASSWORD, Client, text
from ..factories import community_and_grids, org, user
from ..sqlcount import QueryCounter
from ..xietiao import factories as xf

T0 = dt.datetime(2026, 11, 27, 10, 0)  # a Friday
OLD = dt.date(2024, 1, 2)  # long overdue: these sort first in 已超期, before the demo's
GROUPS = ("review", "mine", "soon", "overdue")


@pytest.fixture()
def frozen():
    clock.freeze(T0)
    yield
    clock.reset()


def _work_item(db, title, unit, person, deadline, module=Module.common):
    wi = WorkItem(
        module=module,
        kind=WorkItemKind.other,
        title=title,
        org_unit=unit,
        deadline=deadline,
        status=WorkItemStatus.todo,
        responsible_person=user(person),
    )
    db.session.add(wi)
    db.session.commit()
    return wi.id


def _sections(page: str) -> dict[str, set[str]]:
    """{group: the data-key of each entry} as the page shows them."""
    out = {}
    for key in GROUPS:
        m = re.search(rf'<section class="todo-group" id="todo-{key}".*?</section>', page, re.S)
        assert m, key
        out[key] = set(re.findall(r'data-key="([^"]+)"', m.group(0)))
    return out


def _api_groups(client: Client, **kw) -> dict[str, set[str]]:
    r = client.get("/api/v1/todo/", **kw)
    assert r.status_code == 200, text(r)
    body = r.get_json()
    return {
        k: {f"{i['register']}:{i['row_id']}:{i['rule_code'] or ''}" for i in g["items"]}
        for k, g in body["groups"].items()
    }


def _wi(row_id) -> str:
    return f"work_item:{row_id}:WI"


def _login(app, username) -> tuple[Client, list[str]]:
    """A fresh sign-in through the login form; the redirects it follows."""
    c = Client(app, None)
    r = c.post_form("/login/", {"username": username, "password": PASSWORD}, form_url="/login/")
    c.username = username
    hops = []
    while r.status_code == 302 and len(hops) < 5:
        hops.append(r.headers["Location"])
        r = c.get(hops[-1])
    assert r.status_code == 200, (username, hops)
    return c, hops


@pytest.fixture()
def rows(db, frozen):
    """Work items with known deadlines, one for each group and user (WI: due at the deadline day's end)."""
    hehua, xincun, street = org("荷花社区"), org("新村社区"), org("荷花街道")
    grid = user("wg1").org_unit
    d = T0.date()
    made = {
        "sq1_mine": _work_item(db, "待办测试·书记本人", hehua, "sq1", d + dt.timedelta(days=2)),
        "sq2_mine": _work_item(db, "待办测试·新村书记", xincun, "sq2", d + dt.timedelta(days=2)),
        "hehua_soon": _work_item(db, "待办测试·社区他人", hehua, "sqgz1", d + dt.timedelta(days=1)),
        "hehua_late": _work_item(db, "待办测试·社区超期", hehua, "sqgz1", OLD, Module.zhili),
        "grid_mine": _work_item(db, "待办测试·网格员本人", grid, "wg1", d + dt.timedelta(days=2)),
        "grid_late": _work_item(db, "待办测试·网格超期", grid, "sqgz1", OLD, Module.zhili),
        "xietiao_late": _work_item(db, "待办测试·协调超期", street, "mk_xietiao", OLD, Module.xietiao),
        "zhili_late": _work_item(db, "待办测试·治理超期", street, "mk_zhili", OLD, Module.zhili),
        "leader_mine": _work_item(db, "待办测试·领导本人", street, "leader", d + dt.timedelta(days=1), Module.zhili),
        "leader_late": _work_item(db, "待办测试·领导超期", street, "leader", OLD, Module.zhili),
        "sq1_later": _work_item(db, "待办测试·十天后", hehua, "sq1", d + dt.timedelta(days=10)),
    }
    yield made
    _drop(db, WorkItem, made.values())


def _drop(db, model, ids) -> None:
    """Delete a test's rows as the app does — softly, so SQLite never hands their ids to the next
    test's rows — and their dues leave the ledger: the next test's groups are its own."""
    db.session.rollback()
    for row in db.session.execute(sa.select(model).where(model.id.in_(list(ids)))).scalars():
        row.is_deleted = True
    db.session.commit()


def _mine_of_test(groups: dict[str, set[str]], rows: dict) -> dict[str, set[str]]:
    ours = {_wi(i): name for name, i in rows.items()}
    return {k: {ours[key] for key in keys if key in ours} for k, keys in groups.items()}


EXPECTED = {
    "sq1": {
        "review": set(),
        "mine": {"sq1_mine"},
        "soon": {"hehua_soon", "grid_mine"},
        "overdue": {"hehua_late", "grid_late"},  # the community's and its grids'
    },
    "sq2": {"review": set(), "mine": {"sq2_mine"}, "soon": set(), "overdue": set()},
    "wg1": {"review": set(), "mine": {"grid_mine"}, "soon": set(), "overdue": {"grid_late"}},  # the grid only
    "leader": {
        "review": set(),
        "mine": {"leader_mine"},
        "soon": {"sq1_mine", "sq2_mine", "hehua_soon", "grid_mine"},
        "overdue": {"leader_late", "xietiao_late"},  # own, and of the modules led (大党建, 大协调); not 大治理
    },
    "dcb": {
        "review": set(),
        "mine": set(),
        "soon": {"sq1_mine", "sq2_mine", "hehua_soon", "grid_mine", "leader_mine"},
        "overdue": {"xietiao_late"},  # 综合督考办: 大协调
    },
}


@pytest.mark.parametrize("username", ["sq1", "leader", "dcb", "wg1"])
def test_each_role_lands_on_its_todo_and_sees_exactly_its_own_items(app, db, rows, username):
    c, hops = _login(app, username)
    assert hops[-1] == "/todo/", hops  # the login goes home, home is 我的待办
    assert c.get("/").headers["Location"] == "/todo/"
    page = text(c.get("/todo/"))
    assert _mine_of_test(_sections(page), rows) == EXPECTED[username]
    assert _mine_of_test(_api_groups(c), rows) == EXPECTED[username]


def test_sq2_sees_its_own_and_sq1_never_a_xincun_item(app, db, rows, clients):
    assert _mine_of_test(_api_groups(clients("sq2")), rows) == EXPECTED["sq2"]
    # every item sq1 is shown, ours and the demo's, belongs to 荷花社区 or its grids
    body = clients("sq1").get("/api/v1/todo/").get_json()
    units = community_and_grids("荷花社区")
    shown = [i for g in body["groups"].values() for i in g["items"]]
    assert shown
    for i in shown:
        row = db.session.execute(
            sa.select(DueItem.org_unit_id).where(
                DueItem.register_key == i["register"],
                DueItem.rule_code == i["rule_code"],
                DueItem.row_id == i["row_id"],  # None: a missing record, told apart by title and deadline
                DueItem.title == i["title"],
                DueItem.resolved_at.is_(None),
            )
        ).first()
        assert row is None or row.org_unit_id in units, sorted(i.items())  # review rows: not in the ledger
    assert "新村" not in text(clients("sq1").get("/todo/"))


def test_the_admin_keeps_the_dashboard(app, db):
    _c, hops = _login(app, "admin")
    assert hops[-1] == "/dashboard/"


def test_an_item_not_yet_due_is_nowhere_and_a_done_one_leaves(app, db, rows, clients):
    keys = set().union(*_api_groups(clients("sq1")).values())
    assert _wi(rows["sq1_later"]) not in keys
    wi = db.session.get(WorkItem, rows["sq1_mine"])
    wi.status = WorkItemStatus.done
    db.session.commit()
    assert _wi(rows["sq1_mine"]) not in set().union(*_api_groups(clients("sq1")).values())


def test_the_api_is_the_page_and_needs_a_login(app, db, rows, clients):
    for username in ("sq1", "leader", "dcb"):
        c = clients(username)
        page = text(c.get("/todo/"))
        assert _sections(page) == _api_groups(c)
        # cards, not a wide table: on a phone each item stacks (the page's own @media rule)
        content = page[page.index('id="todo-title"') :]
        assert "<table" not in content and "@media (max-width: 767px)" in page
    r = clients(None).get("/api/v1/todo/")
    assert r.status_code == 401 and r.is_json
    # a bearer token works like the session
    http = Client(app, None)
    token = http._open(
        "/api/v1/security/login", method="POST", json={"username": "sq1", "password": PASSWORD, "provider": "db"}
    ).get_json()["access_token"]
    assert _api_groups(http, headers={"Authorization": f"Bearer {token}"}) == _api_groups(clients("sq1"))
    body = clients("sq1").get("/api/v1/todo/").get_json()
    item = next(i for i in body["groups"]["mine"]["items"] if i["row_id"] == rows["sq1_mine"])
    assert item["register"] == "work_item" and item["rule_code"] == "WI" and item["stage"] == "reminder"
    assert item["due_at"] == f"{T0.date() + dt.timedelta(days=2)}T23:59:59" and item["overdue"] is False
    assert item["url"] == f"/work_item/show/{rows['sq1_mine']}" and item["title"] == "待办测试·书记本人"
    assert item["rule_label"] and item["actions"] == []


def _forms(page: str, key: str) -> dict[str, tuple[str, dict]]:
    """{step: (action url, hidden fields)} of the entry `key` on the page."""
    m = re.search(rf'<li class="todo-item[^"]*" data-key="{re.escape(key)}".*?</li>', page, re.S)
    assert m, key
    out = {}
    for form in re.findall(r"<form .*?</form>", m.group(0), re.S):
        action = unescape(re.search(r'action="([^"]+)"', form).group(1))
        fields = {n: unescape(v) for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form)}
        step = re.search(r'data-step="([^"]+)"', form).group(1)
        out[step] = (action, fields)
    return out


def test_a_review_waits_for_its_approver_and_its_button_takes_the_step(app, db, frozen, clients):
    o = xf.assignment(status=AS.pending_review, deadline=dt.date(2027, 7, 1))  # after its receipt (2027-06-01)
    key = f"assignment_order:{o.id}:"
    leader = clients("leader")
    page = text(leader.get("/todo/"))
    assert key in _sections(page)["review"]
    assert key in _api_groups(leader)["review"]
    assert key not in set().union(*_api_groups(clients("sq1")).values())  # not sq1's to review
    forms = _forms(page, key)
    assert set(forms) == {"approve", "return_order"}  # the steps its state offers the leader
    action, fields = forms["approve"]
    assert action == f"/assignment_order/action/approve/{o.id}" and fields["next"] == "/todo/"
    r = leader.post(action, data=fields)
    assert r.status_code == 302 and r.headers["Location"] == "/todo/"
    db.session.expire_all()
    assert db.session.get(AssignmentOrder, o.id).status == AS.assigned
    assert key not in _sections(text(leader.get("/todo/")))["review"]


def test_a_step_refused_by_its_guard_comes_back_to_the_todo_with_the_reason(app, db, frozen, clients):
    o = xf.assignment(status=AS.pending_review, lead="fgfsj", deadline=dt.date(2027, 7, 1))
    key = f"assignment_order:{o.id}:"
    dcb = clients("dcb")  # approves 交办单 (WA) but is not the order's lead leader
    page = text(dcb.get("/todo/"))
    action, fields = _forms(page, key)["approve"]
    r = dcb.post(action, data=fields)
    assert r.status_code == 302 and r.headers["Location"] == "/todo/"
    assert "alert-danger" in text(dcb.get("/todo/"))  # the guard's reason, flashed on the todo page
    db.session.expire_all()
    assert db.session.get(AssignmentOrder, o.id).status == AS.pending_review
    assert key in _sections(text(dcb.get("/todo/")))["review"]
    # the show page's own button still returns to the show page; a foreign `next` is ignored
    r = dcb.post(action, data={**fields, "next": "https://example.com/"})
    assert r.headers["Location"].endswith(f"/assignment_order/show/{o.id}")
    _drop(db, AssignmentOrder, [o.id])


def _statements(client, url, db):
    client.get(url)  # warm: the ledger's sweep, caches
    with QueryCounter(db.engine) as qc:
        r = client.get(url)
    assert r.status_code == 200
    return qc.count


def test_statements_do_not_grow_with_the_number_of_items(app, db, frozen, clients):
    head, leader = clients("mk_zhili"), clients("leader")
    due = T0.date() + dt.timedelta(days=2)

    orders, items = [], []

    def add(n):
        for i in range(n):
            # 交办单 assigned to mk_zhili (TR-20, mine, with its 上报 button) and one pending review (the leader's)
            orders.append(xf.assignment(status=AS.assigned, deadline=due, completion_report="已完成").id)
            orders.append(xf.assignment(status=AS.pending_review, deadline=due + dt.timedelta(days=30)).id)
            items.append(_work_item(db, f"待办计数{i}", org("荷花街道"), "mk_zhili", due, Module.zhili))

    try:
        _count_with(add, db, head, leader)
    finally:
        _drop(db, AssignmentOrder, orders)
        _drop(db, WorkItem, items)


def _count_with(add, db, head, leader):
    add(2)
    before = (_statements(head, "/todo/", db), _statements(leader, "/todo/", db))
    mine = _api_groups(head)["mine"]
    assert (
        sum(k.startswith("assignment_order:") for k in mine) >= 2 and sum(k.startswith("work_item:") for k in mine) >= 2
    )
    assert any(_forms(text(head.get("/todo/")), k) for k in mine if k.startswith("assignment_order:"))
    add(18)
    after = (_statements(head, "/todo/", db), _statements(leader, "/todo/", db))
    body = head.get("/api/v1/todo/").get_json()
    assert body["groups"]["mine"]["total"] >= 40 and len(body["groups"]["mine"]["items"]) == 20
    assert leader.get("/api/v1/todo/").get_json()["groups"]["review"]["total"] >= 20
    assert before == after, (before, after)


def test_the_navbar_badge_counts_mine_and_overdue_with_one_statement(app, db, rows, clients):
    sq1 = clients("sq1")
    body = sq1.get("/api/v1/todo/").get_json()
    expected = body["groups"]["mine"]["total"] + body["groups"]["overdue"]["total"]
    assert body["badge"] == expected

    def badge(page):
        m = re.search(r'id="todo-badge" data-count="(\d+)"', page)
        return int(m.group(1)) if m else 0

    assert badge(text(sq1.get("/todo/"))) == expected
    on_ledger = []

    def note(conn, cursor, statement, *args):
        if "due_item" in statement and "count(" in statement.lower():  # not the list's row marks
            on_ledger.append(statement)

    sq1.get("/meeting/list/")
    event.listen(db.engine, "before_cursor_execute", note)
    try:
        page = text(sq1.get("/meeting/list/"))
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert badge(page) == expected and len(on_ledger) == 1, on_ledger
    extra = _work_item(db, "待办测试·又一件", org("荷花社区"), "sq1", T0.date())
    assert badge(text(sq1.get("/meeting/list/"))) == expected + 1
    _drop(db, WorkItem, [extra])
    assert 'id="todo-link"' not in text(clients(None).get("/login/"))  # nobody signed in: no link, no count


def test_meetings_of_today_and_this_week_in_scope(app, db, frozen, clients):
    from ..factories import meeting

    today = meeting("荷花社区", "待办测试·今日例会", planned_start=T0.replace(hour=15))
    sunday = meeting("荷花社区", "待办测试·周日活动", planned_start=dt.datetime(2026, 11, 29, 9))
    monday = meeting("荷花社区", "待办测试·下周一会", planned_start=dt.datetime(2026, 11, 30, 9))
    xincun = meeting("新村社区", "待办测试·新村例会", chair="sq2", planned_start=T0.replace(hour=16))
    ids = {m["id"] for m in clients("sq1").get("/api/v1/todo/").get_json()["meetings"]["items"]}
    assert {today.id, sunday.id} <= ids and monday.id not in ids and xincun.id not in ids
    page = text(clients("sq1").get("/todo/"))
    assert f'data-meeting="{today.id}"' in page and f'data-meeting="{xincun.id}"' not in page
    assert xincun.id in {m["id"] for m in clients("sq2").get("/api/v1/todo/").get_json()["meetings"]["items"]}


def test_every_role_opens_it(app, db, clients):
    from ..roles import LOGIN_FOR_ROLE

    for role, login in LOGIN_FOR_ROLE.items():
        assert clients(login).get("/todo/").status_code == 200, role
