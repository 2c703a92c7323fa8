"""No key query of the dashboards, the calendar, the escalation list and sweep, or a list page
scans a big table (PostgreSQL EXPLAIN).

Every SQL statement those pages send is recorded with its parameters and explained with
``enable_seqscan = off``: the planner then scans a table sequentially only when no index
can answer the query. A "Seq Scan on <big table>" is a query that would read every row of
a million-row register (the test database is small, so plain EXPLAIN would choose seq scans
everywhere and prove nothing). SQLite has no comparable planner switch: skipped there.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

BIG_TABLES = ("meeting", "petition_case", "service_list_item", "audit_log")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


@pytest.fixture()
def pg(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN with enable_seqscan=off is a PostgreSQL check (SQLite has no such switch)")
    return db


class Recorder:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))


def full_scans(engine, statements) -> list[tuple[str, str]]:
    """(table, statement) for every statement whose plan reads a big table sequentially."""
    found = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            cur.execute("SET enable_seqscan = off")
            for statement, params in statements:
                if not any(re.search(rf"\b{t}\b", statement) for t in BIG_TABLES):
                    continue
                cur.execute("EXPLAIN " + statement, params)
                plan = "\n".join(r[0] for r in cur.fetchall())
                for table in SEQ_SCAN.findall(plan):
                    if table in BIG_TABLES:
                        found.append((table, statement[:300]))
            cur.execute("RESET enable_seqscan")
        raw.rollback()
    return found


PAGES = [
    "/dashboard/",
    "/dashboard/dangjian/",
    "/dashboard/xietiao/",
    "/dashboard/zhili/",
    "/dashboard/zhifa/",
    "/dashboard/jingji/",
    "/dashboard/fuwu/",
    "/calendar/month/",
    "/escalation/",
]
LISTS = [
    "/meeting/list/",
    "/meeting/list/?_flt_2_title=碰头会",
    "/petition_case/list/?_flt_2_content=垃圾分类",
    "/service_list_item/list/?page_ServiceListItemView=3",
    "/audit_log/list/?_flt_2_diff=status",
]


@pytest.mark.parametrize("username", ["leader", "sq1"])
def test_dashboards_calendar_escalation_use_indexes(pg, clients, username):
    c = clients(username)
    with Recorder(pg.engine) as rec:
        for url in PAGES:
            r = c.get(url)
            assert r.status_code in (200, 403), (url, r.status_code)
    assert rec.statements
    assert full_scans(pg.engine, rec.statements) == []


def test_escalation_sweep_uses_indexes(pg, app):
    from app.escalation.engine import due_now

    # due_now() runs every time rule over the whole database, as the sweep does (without writing)
    with app.test_request_context():
        with Recorder(pg.engine) as rec:
            due_now()
    assert rec.statements
    assert full_scans(pg.engine, rec.statements) == []


def test_list_pages_search_and_deep_pages_use_indexes(pg, clients):
    with Recorder(pg.engine) as rec:
        for username, url in [("leader", u) for u in LISTS[:4]] + [("audit", LISTS[4]), ("sq1", LISTS[0])]:
            r = clients(username).get(url)
            assert r.status_code == 200, (username, url)
    assert full_scans(pg.engine, rec.statements) == []


def test_the_check_sees_a_full_scan(pg):
    """The detector itself: a LIKE on an unindexed column must be reported."""
    statement = "SELECT count(*) FROM meeting WHERE lower(meeting.place) LIKE %(w)s"
    assert full_scans(pg.engine, [(statement, {"w": "%x%"})]) == [("meeting", statement)]
