"""The Jiedao benchmark: list pages, search, export, dashboards and the sweep from 1k to 1M rows.

    make bench                                   # SQLite, sizes 1000,100000,1000000
    make bench BENCH_SIZES=1000,100000           # fewer sizes
    make bench DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_x

The database is DROPPED and rebuilt (migrations + demo seed): a PostgreSQL URL must name
a database whose name contains "bench" or "test". The biggest registers (meeting,
petition_case, service_list_item, audit_log) are filled with bulk inserts (bench/data.py)
to each size in turn, and every case is measured through the real app (Flask test client,
logged in through the login form): rendered HTML, FAB, scope, eager loading, paging.

For each register and user: the first page, a deep page (the middle of the table) reached
by the "next" link (keyset) and by a jump to its page number (deferred OFFSET), a search
(the search form's "contains"), a filter, a sort by a related column; SQL statements per
page at page sizes 25 and 100; the same rows fetched by one hand-written SQL query (ratio
app / raw) and checked equal; a plain ``LIKE '%word%'`` scan of the table for comparison.
Then each dashboard, the calendar month, the escalation list and sweep, and — when the
sizes pass 200,000 — the xlsx export of 200,000 meetings against xlsxwriter writing the
same rows directly (each in its own process, for its peak memory).

Prints a table and writes JSON (BENCH_OUT, default instance/bench-<db>.json).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench import data  # noqa: E402
from bench.memory import peak_mb, rss_mb  # noqa: E402

PASSWORD = "Demo@2026"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
EXPORT_ROWS = 200_000


# --- what is measured ---------------------------------------------------------------------------
@dataclass
class Spec:
    """One register's cases and the hand-written SQL that fetches the same page."""

    key: str
    view: str
    users: tuple[str, ...]
    select: str  # columns and joins after SELECT, table named by its own name
    order: str  # default ORDER BY
    search: tuple[str, str]  # (column, FAB filter index of "contains")
    filter: tuple[str, str, str]  # (column, FAB filter index, value)
    sort: tuple[str, str]  # (list column, SQL ORDER BY for it ascending)
    live: str = "{t}.is_deleted = {false}"
    # False where the users may not search the column: the audit log's diffs hold personal data the
    # auditor sees masked, and a search would be an oracle on it (app/core/pii.py hidden columns)
    users_search: bool = True

    @property
    def t(self) -> str:
        return self.key


SPECS = [
    Spec(
        "meeting",
        "MeetingView",
        ("leader", "sq1"),
        "meeting.id, meeting.planned_start, meeting.title, meeting.meeting_type, meeting.module, "
        "chair.last_name, chair.first_name, org_unit.name, meeting.status FROM meeting "
        "JOIN ab_user chair ON chair.id = meeting.chair_id JOIN org_unit ON org_unit.id = meeting.org_unit_id",
        "meeting.planned_start DESC, meeting.id DESC",
        ("title", "2"),
        ("status", "0", "held"),
        ("org_unit", "org_unit.name ASC, meeting.id ASC"),
    ),
    Spec(
        "petition_case",
        "PetitionCaseView",
        ("leader", "sq1"),
        "petition_case.id, petition_case.case_no, petition_case.received_at, petition_case.petitioner_name, "
        "petition_case.petitioner_phone, petition_case.category, petition_case.grade, org_unit.name, "
        "petition_case.handling_level, petition_case.status, petition_case.close_due FROM petition_case "
        "JOIN org_unit ON org_unit.id = petition_case.org_unit_id",
        "petition_case.received_at DESC, petition_case.id DESC",
        ("content", "2"),
        ("grade", "0", "significant"),
        ("org_unit", "org_unit.name ASC, petition_case.id ASC"),
    ),
    Spec(
        "service_list_item",
        "ServiceListItemView",
        ("leader", "sq1"),
        "service_list_item.id, service_list_item.month, service_group.name, volunteer.full_name, "
        "service_list_item.action_kind, service_list_item.content, service_list_item.planned_date, "
        "service_list_item.status FROM service_list_item "
        "JOIN service_group ON service_group.id = service_list_item.group_id "
        "LEFT JOIN volunteer ON volunteer.id = service_list_item.volunteer_id",
        "service_list_item.month DESC, service_list_item.id DESC",
        ("content", "2"),
        ("status", "0", "done"),
        ("group", "service_group.name ASC, service_list_item.id ASC"),
    ),
    Spec(
        "audit_log",
        "AuditLogView",
        ("audit",),
        "audit_log.id, audit_log.at, usr.last_name, usr.first_name, audit_log.action, audit_log.register_key, "
        "audit_log.row_id, audit_log.ip FROM audit_log LEFT JOIN ab_user usr ON usr.id = audit_log.user_id",
        "audit_log.at DESC, audit_log.id DESC",
        ("diff", "2"),
        ("action", "3", "delete"),
        ("user", "usr.last_name ASC, audit_log.id ASC"),
        live="1 = 1",
        users_search=False,
    ),
]
PAGE = 25
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))  # 0: one measured call per case


class Client:
    """A logged-in test client that counts the SQL statements of each request."""

    def __init__(self, app, engine, username: str):
        self.app, self.engine, self.username = app, engine, username
        self.http = app.test_client()
        self.statements = 0
        self.sql_s = 0.0
        self._t0 = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._count)
        sa.event.listen(engine, "after_cursor_execute", self._done)
        page = self.get("/login/")[0]
        token = CSRF_RE.search(page).group(1)
        with app.app_context():
            r = self.http.post("/login/", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 302, f"login of {username} failed"

    def _count(self, *args):
        self.statements += 1
        self._t0 = time.perf_counter()

    def _done(self, *args):
        self.sql_s += time.perf_counter() - self._t0

    def close(self):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)
        sa.event.remove(self.engine, "after_cursor_execute", self._done)

    def get(self, url: str) -> tuple[str, float, int]:
        """(body, seconds, SQL statements) of one GET; CPU and SQL seconds in self.last."""
        before, sql_before = self.statements, self.sql_s
        with self.app.app_context():
            c0, t0 = time.process_time(), time.perf_counter()
            r = self.http.get(url)
            body = r.get_data(as_text=True)
            elapsed = time.perf_counter() - t0
            self.last = {"cpu_s": time.process_time() - c0, "sql_s": self.sql_s - sql_before}
        if r.status_code != 200:
            raise RuntimeError(f"{self.username} GET {url}: {r.status_code}")
        return body, elapsed, self.statements - before


def timed(fn, repeat: int | None = None):
    """Median and max seconds of `repeat` calls after one warm-up call, and the warm-up's result."""
    repeat = REPEAT if repeat is None else repeat
    t0 = time.perf_counter()
    result = fn()
    if repeat == 0:
        elapsed = time.perf_counter() - t0
        return result, elapsed, elapsed
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return result, statistics.median(times), max(times)


def timed_page(client: Client, url: str, repeat: int | None = None):
    """Like timed(), for a page: also the median CPU seconds of this process and SQL seconds."""
    repeat = REPEAT if repeat is None else repeat
    first = client.get(url)
    if repeat == 0:  # one measured call (BENCH_REPEAT=0: the slowest pages at the largest size)
        return first, first[1], first[1], client.last["cpu_s"], client.last["sql_s"]
    wall, cpu, sql = [], [], []
    for _ in range(repeat):
        _b, t, _q = client.get(url)
        wall.append(t)
        cpu.append(client.last["cpu_s"])
        sql.append(client.last["sql_s"])
    return first, statistics.median(wall), max(wall), statistics.median(cpu), statistics.median(sql)


def page_ids(body: str, key: str) -> list[int]:
    out: list[int] = []
    for m in re.finditer(rf"/{key}/show/(\d+)", body):
        i = int(m.group(1))
        if not out or out[-1] != i:
            out.append(i)
    return out


def next_link(body: str, view: str, page: int) -> str | None:
    for m in re.finditer(r'href="([^"]+)"', body):
        href = html.unescape(m.group(1))
        if f"_k_{view}=" in href and f"page_{view}={page}" in href:
            return href
    return None


# --- one register, one user -----------------------------------------------------------------------
def scope_sql(app, reg_key: str, username: str, engine) -> str:
    """The user's read scope of the register as literal SQL (app.core.scope, rendered once)."""
    from flask import g

    from app.core import registry, scope
    from app.extensions import db
    from app.org.models import AppUser

    with app.test_request_context():
        g.user = db.session.execute(sa.select(AppUser).where(AppUser.username == username)).scalar_one()
        cond = scope.clause(registry.get(reg_key), scope.principal(), "read")
        sql = (
            "1 = 1"
            if cond is None
            else str(cond.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        )
        db.session.remove()
    return sql


def measure_register(app, engine, spec: Spec, username: str, client: Client) -> list[dict]:
    false = "false" if engine.dialect.name == "postgresql" else "0"
    where = f"{spec.live.format(t=spec.t, false=false)} AND ({scope_sql(app, spec.key, username, engine)})"
    base = f"/{spec.key}/list/"
    v = spec.view
    with engine.connect() as conn:
        visible = conn.execute(
            sa.text(f"SELECT count(*) FROM {spec.select.split(' FROM ', 1)[1]} WHERE {where}")
        ).scalar()

    def raw(extra: str = "", order: str = spec.order, offset: int = 0, params=None):
        sql = f"SELECT {spec.select} WHERE {where} {extra} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}"

        def run():
            with engine.connect() as conn:
                return [r[0] for r in conn.execute(sa.text(sql), params or {})]

        return run

    word = data.RARE_WORD
    col, idx = spec.search
    fcol, fidx, fval = spec.filter
    scol, sorder = spec.sort
    deep = max(visible // 2 // PAGE, 1)
    cases = [
        ("first", base, raw()),
        ("deep (next link)", None, raw(offset=deep * PAGE)),
        ("deep (jump)", f"{base}?page_{v}={deep}", raw(offset=deep * PAGE)),
        ("search", f"{base}?_flt_{idx}_{col}={word}", raw(f"AND {spec.t}.{col} LIKE :w", params={"w": f"%{word}%"})),
        ("filter", f"{base}?_flt_{fidx}_{fcol}={fval}", raw(f"AND {spec.t}.{fcol} = :f", params={"f": fval})),
        ("sort related", f"{base}?_oc_{v}={scol}&_od_{v}=asc", raw(order=sorder)),
    ]
    if not spec.users_search:
        cases = [c for c in cases if c[0] != "search"]
    out = []
    for name, url, raw_fn in cases:
        if url is None:  # reach the deep page as a user does: "next" from the page before it
            body = client.get(f"{base}?page_{v}={deep - 1}")[0]
            url = next_link(body, v, deep)
            if url is None:
                raise RuntimeError(f"{spec.key}: no keyset link to page {deep}")
        (body, _t, queries), med, mx, cpu, sql = timed_page(client, url)
        ids = page_ids(body, spec.key)
        raw_ids, raw_med, _raw_max = timed(raw_fn)
        out.append(
            {
                "register": spec.key,
                "user": username,
                "case": name,
                "url": url,
                "median_ms": med * 1000,
                "max_ms": mx * 1000,
                "cpu_ms": cpu * 1000,
                "sql_ms": sql * 1000,
                "queries": queries,
                "raw_ms": raw_med * 1000,
                "ratio_raw": med / raw_med if raw_med else None,
                "sql_ratio_raw": sql / raw_med if raw_med else None,
                "rows_on_page": len(ids),
                "matches_raw": ids == raw_ids,
                "visible_rows": visible,
            }
        )
    # statements per page at two page sizes: equal, or there is an N+1
    q = {}
    for size in (25, 100):
        q[size] = client.get(f"{base}?psize_{v}={size}")[2]
    out.append(
        {
            "register": spec.key,
            "user": username,
            "case": "queries 25 vs 100",
            "queries_25": q[25],
            "queries_100": q[100],
            "queries": q[25],
            "equal": q[25] == q[100],
        }
    )
    # the Django-admin way, for the search target: LIKE over the table, count and page
    like = f"lower({spec.t}.{col}) LIKE :w"

    def like_scan():
        with engine.connect() as conn:
            conn.execute(sa.text(f"SELECT count(*) FROM {spec.t} WHERE {like}"), {"w": f"%{word}%"}).scalar()
            conn.execute(
                sa.text(f"SELECT {spec.t}.id FROM {spec.t} WHERE {like} ORDER BY {spec.order} LIMIT {PAGE}"),
                {"w": f"%{word}%"},
            ).all()

    _r, med, mx = timed(like_scan, repeat=min(3, REPEAT))
    out.append(
        {
            "register": spec.key,
            "user": username,
            "case": "LIKE scan (baseline)",
            "median_ms": med * 1000,
            "max_ms": mx * 1000,
            "queries": 2,
        }
    )
    return out


def measure_pages(app, engine, client_for) -> list[dict]:
    from app.core import registry

    modules = sorted({r.module for r in registry.all_registers()} - {"common"})
    out = []
    for username in ("leader", "sq1"):
        client = client_for(username)
        pages = [
            "/dashboard/",
            *[f"/dashboard/{m}/" for m in modules],
            "/calendar/month/",
            "/escalation/",
            "/escalation/?module=zhili&size=25",
            "/escalation/?mine=1",
            "/todo/",
        ]
        for url in pages:
            try:
                (_b, _t, queries), med, mx, cpu, sql = timed_page(client, url, repeat=min(3, REPEAT))
            except RuntimeError as e:  # a page the user may not open
                out.append({"register": "pages", "user": username, "case": url, "error": str(e)})
                continue
            out.append(
                {
                    "register": "pages",
                    "user": username,
                    "case": url,
                    "median_ms": med * 1000,
                    "max_ms": mx * 1000,
                    "cpu_ms": cpu * 1000,
                    "sql_ms": sql * 1000,
                    "queries": queries,
                }
            )
    return out


def measure_sweep(app) -> list[dict]:
    """The sweep at the app's clock: the first run may have work (stages reached since the
    ledger was built); the next ones have nothing to change — the steady state under cron."""
    from app.core import clock
    from app.escalation.engine import sweep
    from app.extensions import db

    times = []
    result = None
    for _ in range(1 + max(REPEAT, 2)):
        with app.app_context():
            t0 = time.perf_counter()
            result = sweep(clock.now())
            times.append(time.perf_counter() - t0)
            db.session.remove()
    rest = times[1:]
    return [
        {
            "register": "escalation",
            "user": "-",
            "case": "sweep, nothing to change",
            "median_ms": statistics.median(rest) * 1000,
            "max_ms": max(rest) * 1000,
            "first_ms": times[0] * 1000,
            "result": result,
        }
    ]


LEDGER_WRITES = ("work_item", "petition_case", "meeting")  # the big registers with time rules


def measure_ledger_write(app, engine, key: str, writes: int = 10) -> dict:
    """The ledger's share of one write to a row of `key` with an open due: what the session hook
    does before the commit (recompute that row's rules and those watching the register), SQL time
    and statements; each write rolled back."""
    from app.core import registry
    from app.dues import ledger
    from app.dues.models import DueItem
    from app.extensions import db

    model = registry.get(key).model
    spent, counted = [], []
    state = {"n": 0, "sql": 0.0, "t0": 0.0}

    def before(*_a):
        state["n"] += 1
        state["t0"] = time.perf_counter()

    def after(*_a):
        state["sql"] += time.perf_counter() - state["t0"]

    with app.app_context():
        ids = (
            db.session.execute(
                sa.select(DueItem.row_id)
                .where(DueItem.register_key == key, DueItem.resolved_at.is_(None), DueItem.row_id.is_not(None))
                .order_by(DueItem.id.desc())
                .limit(writes)
            )
            .scalars()
            .all()
        )
        for row_id in ids:
            item = db.session.get(model, row_id)
            item.remarks = (item.remarks or "") + "·"
            db.session.flush()
            sa.event.listen(engine, "before_cursor_execute", before)
            sa.event.listen(engine, "after_cursor_execute", after)
            state.update(n=0, sql=0.0)
            t0 = time.perf_counter()
            ledger.refresh(db.session, {key: {row_id}})
            wall = time.perf_counter() - t0
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
            spent.append((state["sql"], wall))
            counted.append(state["n"])
            db.session.rollback()
        db.session.remove()
    case = f"ledger share of a {key} write"
    if not spent:
        return {"register": "dues", "user": "-", "case": case, "error": "no open due"}
    return {
        "register": "dues",
        "user": "-",
        "case": case,
        "median_ms": statistics.median(w for _s, w in spent) * 1000,
        "max_ms": max(w for _s, w in spent) * 1000,
        "sql_ms": statistics.median(s for s, _w in spent) * 1000,
        "queries": max(counted),
    }


# --- export, each side in its own process -------------------------------------------------------
def export_child(which: str, url: str) -> dict:
    os.environ["TEST_DATABASE_URL"] = url
    engine_url = url
    if which == "app":
        from app import create_app
        from app.extensions import db
        from config import TestConfig

        app = create_app(TestConfig)

        with app.app_context():
            engine = db.engine
        client = Client(app, engine, "leader")
        before = rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        with app.app_context():
            r = client.http.get("/meeting/export_xlsx/", buffered=False)
            size = sum(len(chunk) for chunk in r.response)
            r.close()
        total = time.perf_counter() - t0
    else:  # the same rows and columns, SQL → xlsxwriter constant_memory, no app
        import xlsxwriter

        engine = sa.create_engine(engine_url)
        before = rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            book = xlsxwriter.Workbook(
                tmp.name,
                {
                    "constant_memory": True,
                    "remove_timezone": True,
                    "strings_to_formulas": False,
                    "strings_to_urls": False,
                },
            )
            sheet = book.add_worksheet("meeting")
            fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
            sheet.write_row(
                0, 0, ["计划时间", "会议名称", "会议类型", "所属模块", "主持人", "归属单位", "状态", "编号"]
            )
            with engine.connect().execution_options(stream_results=True, yield_per=2000) as conn:
                rows = conn.execute(
                    sa.text(
                        "SELECT meeting.planned_start, meeting.title, meeting.meeting_type, meeting.module, "
                        "chair.last_name || chair.first_name, org_unit.name, meeting.status, meeting.id FROM meeting "
                        "JOIN ab_user chair ON chair.id = meeting.chair_id "
                        "JOIN org_unit ON org_unit.id = meeting.org_unit_id WHERE meeting.is_deleted = "
                        + ("false" if engine.dialect.name == "postgresql" else "0")
                        + " ORDER BY meeting.planned_start DESC, meeting.id DESC"
                    )
                )
                r_i = 0
                for r_i, row in enumerate(rows, start=1):
                    when = (
                        row[0] if not isinstance(row[0], str) else __import__("datetime").datetime.fromisoformat(row[0])
                    )
                    sheet.write_datetime(r_i, 0, when, fmt)
                    for c in range(1, 7):
                        if row[c] is not None:
                            sheet.write_string(r_i, c, str(row[c]))
                    sheet.write_number(r_i, 7, row[7])
            sheet.autofilter(0, 0, r_i, 7)
            book.close()
            size = os.path.getsize(tmp.name)
        total = time.perf_counter() - t0
    return {
        "total_s": total,
        "cpu_s": time.process_time() - c0,
        "bytes": size,
        "rss_before_mb": before,
        "peak_rss_mb": peak_mb(),
    }


def measure_export(url: str, rows: int, rounds: int = 2) -> list[dict]:
    """The app's export and xlsxwriter direct, alternating `rounds` times (the machine's load
    varies); the best round of each is kept."""
    res: dict[str, dict] = {}
    for _ in range(rounds):
        for which in ("xlsxwriter", "app"):
            p = subprocess.run(
                [sys.executable, __file__, "--export-child", which, "--url", url],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            if p.returncode:
                raise RuntimeError(f"export {which} failed: {p.stderr[-3000:]}")
            r = json.loads(p.stdout.strip().splitlines()[-1])
            if which not in res or r["total_s"] < res[which]["total_s"]:
                res[which] = r
    out = []
    for which, r in res.items():
        out.append(
            {
                "register": "meeting",
                "user": "leader" if which == "app" else "-",
                "case": f"export xlsx {rows:,} rows ({'app' if which == 'app' else 'xlsxwriter direct'})",
                "median_ms": r["total_s"] * 1000,
                "max_ms": r["total_s"] * 1000,
                "cpu_ms": r["cpu_s"] * 1000,
                "peak_rss_mb": r["peak_rss_mb"],
                "rss_before_mb": r["rss_before_mb"],
                "export_growth_mb": r["peak_rss_mb"] - r["rss_before_mb"],
                "bytes": r["bytes"],
                "ratio_raw": r["total_s"] / res["xlsxwriter"]["total_s"] if which == "app" else 1.0,
                "cpu_ratio": r["cpu_s"] / res["xlsxwriter"]["cpu_s"] if which == "app" else 1.0,
            }
        )
    return out


# --- the run ------------------------------------------------------------------------------------
def reset_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).unlink(missing_ok=True)
        return
    name = sa.engine.make_url(url).database or ""
    if "bench" not in name and "test" not in name:
        raise SystemExit(f"refusing to drop database {name!r}: its name must contain 'bench' or 'test'")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def build_app(url: str, fresh: bool = True):
    os.environ["TEST_DATABASE_URL"] = url
    from flask_migrate import upgrade

    from app import create_app
    from app.cli import init_security
    from app.seed import seed_demo
    from config import TestConfig

    if fresh:
        reset_database(url)
    app = create_app(TestConfig)
    if fresh:
        with app.app_context():
            upgrade()
            init_security()
            seed_demo()
    return app


def measure_size(app, engine, size: int, log=print, registers=None, pages: bool = True, sweep: bool = True):
    clients: dict[str, Client] = {}

    def client_for(username):
        if username not in clients:
            clients[username] = Client(app, engine, username)
        return clients[username]

    results = []
    try:
        for spec in SPECS:
            if registers and spec.key not in registers:
                continue
            for username in spec.users:
                log(f"  {spec.key} as {username}")
                for r in measure_register(app, engine, spec, username, client_for(username)):
                    r["rows"] = size
                    results.append(r)
        if pages:
            log("  dashboards, calendar, escalation list")
            for r in measure_pages(app, engine, client_for):
                r["rows"] = size
                results.append(r)
        if sweep:
            log("  escalation sweep, ledger write")
            for r in [*measure_sweep(app), *(measure_ledger_write(app, engine, key) for key in LEDGER_WRITES)]:
                r["rows"] = size
                results.append(r)
    finally:
        for c in clients.values():
            c.close()
    return results


def fill(engine, size: int, log=print, app=None) -> None:
    t0 = time.perf_counter()
    for table in data.GENERATORS:
        data.grow(engine, table, size, log=log)
    data.analyze(engine)
    log(f"  filled to {size:,} rows per table in {time.perf_counter() - t0:.0f} s")
    if app is not None:  # bulk inserts bypass the write hook: the ledger is built from the rows
        from app.dues import ledger
        from app.dues.models import DueItem
        from app.extensions import db

        t0 = time.perf_counter()
        with app.app_context():
            ledger.rebuild()
            n = db.session.execute(sa.select(sa.func.count()).where(DueItem.resolved_at.is_(None))).scalar()
            db.session.remove()
        data.analyze(engine)
        log(f"  due ledger rebuilt in {time.perf_counter() - t0:.0f} s: {n:,} open dues")


def table(results: list[dict]) -> str:
    head = (
        f"{'rows':>9} {'register':18} {'user':7} {'case':30} {'median':>8} {'max':>8} {'cpu':>7} {'sql':>7} "
        f"{'queries':>7} {'raw':>7} {'app/raw':>7} {'sql/raw':>7}  ok"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['rows']:>9,} {r['register']:18} {r['user']:7} {r['case'][:30]:30} {r['error']}")
            continue
        if r["case"] == "queries 25 vs 100":
            lines.append(
                f"{r['rows']:>9,} {r['register']:18} {r['user']:7} {'SQL statements, 25 / 100 rows':30} "
                f"{'':>8} {'':>8} {'':>7} {'':>7} {r['queries_25']:>3}/{r['queries_100']:<3} {'':>7} {'':>7} "
                f"{'':>7}  {'yes' if r['equal'] else 'NO'}"
            )
            continue
        ok = "" if "matches_raw" not in r else ("yes" if r["matches_raw"] else "NO")
        raw = f"{r['raw_ms']:.1f}" if r.get("raw_ms") is not None else ""
        ratio = f"{r['ratio_raw']:.2f}" if r.get("ratio_raw") is not None else ""
        sql_ratio = f"{r['sql_ratio_raw']:.2f}" if r.get("sql_ratio_raw") is not None else ""
        cpu = f"{r['cpu_ms']:.1f}" if r.get("cpu_ms") is not None else ""
        sql = f"{r['sql_ms']:.1f}" if r.get("sql_ms") is not None else ""
        extra = f"  peak {r['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in r else ""
        lines.append(
            f"{r['rows']:>9,} {r['register']:18} {r['user']:7} {r['case'][:30]:30} {r['median_ms']:>8.1f} "
            f"{r['max_ms']:>8.1f} {cpu:>7} {sql:>7} {r.get('queries', ''):>7} {raw:>7} {ratio:>7} "
            f"{sql_ratio:>7}  {ok}{extra}"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default=os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'bench.db'}")
    ap.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,100000,1000000"))
    ap.add_argument("--out", default=os.environ.get("BENCH_OUT"))
    ap.add_argument("--export-child")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--export", action="store_true", help="measure the 200,000-row export even if the sizes stop below")
    ap.add_argument("--registers", help="comma-separated register keys to measure (default: all four)")
    ap.add_argument("--no-pages", action="store_true", help="skip dashboards, calendar, escalation list and sweep")
    ap.add_argument(
        "--keep",
        action="store_true",
        help="measure the database as it is (no rebuild); sizes below its row count are skipped",
    )
    args = ap.parse_args()
    if args.export_child:
        print(json.dumps(export_child(args.export_child, args.url)))
        return
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    url = args.url
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    out_path = Path(args.out or ROOT / "instance" / f"bench-{dialect}.json")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Jiedao benchmark on {dialect}, sizes {sizes}" + ("" if args.keep else "; the database is rebuilt"))
    app = build_app(url, fresh=not args.keep)
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    results: list[dict] = []
    export = (max(sizes) >= EXPORT_ROWS or args.export) and not args.no_export
    stages = sorted(set(sizes) | ({EXPORT_ROWS} if export else set()))
    registers = set(args.registers.split(",")) if args.registers else None
    if args.keep:
        with engine.connect() as conn:
            have = min(data.count(conn, t) for t in (registers or data.GENERATORS))
        stages = [s for s in stages if s >= have]
    for size in stages:
        print(f"[{size:,} rows per register]")
        if not args.keep:
            fill(engine, size, app=app)
        if size == EXPORT_ROWS and export:
            print("  export")
            for r in measure_export(url, size):
                r["rows"] = size
                results.append(r)
        if size in sizes:
            results.extend(
                measure_size(app, engine, size, registers=registers, pages=not args.no_pages, sweep=not args.no_pages)
            )
        out_path.write_text(
            json.dumps({"database": dialect, "sizes": sizes, "results": results}, indent=1, default=str)
        )
    print(
        "times in ms: median / max wall time of the request, cpu = this process's CPU time (app, and SQLite's\n"
        "own work), sql = time inside the page's SQL statements, raw = one hand-written SQL query for the same rows"
    )
    print(table(results))
    print(f"JSON: {out_path}")


if __name__ == "__main__":
    main()
