"""Bulk data for the benchmark: meetings, petition cases, service-list items, audit-log rows.

Rows are written with the driver's fastest path — COPY on PostgreSQL, executemany on
SQLite — never the ORM one row at a time. ``grow(conn, table, target)`` tops a table up to
`target` rows, so the benchmark fills 1k, measures, fills to 100k, measures, and so on.

The data looks like a street office's years of records: dates spread over ten years with
most rows old and closed, titles and texts built from the office's words, ~2 % soft-deleted.
One word in a thousand rows, ``RARE_WORD``, is what the search measures.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import sqlalchemy as sa

RARE_WORD = "防汛抗旱"  # in ~0.1 % of titles and texts: the search case
COMMON_WORD = "碰头会"
NOW = dt.datetime(2026, 11, 20, 9, 0)
SPAN_DAYS = 3650

TOPICS = [
    "垃圾分类",
    "老旧小区改造",
    "停车难",
    "物业服务",
    "消防通道",
    "邻里纠纷",
    "违章搭建",
    "噪音扰民",
    "养老服务",
    "文明创建",
    "安全生产",
    "矛盾调解",
    "环境整治",
    "疫苗接种",
    "独居老人",
    "电动车充电",
]
PLACES = ["街道三楼会议室", "社区党群服务中心", "网格驿站", "新时代文明实践站", "便民服务中心"]
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "芳伟娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚"


class Context:
    """Ids the generated rows refer to (read once from the seeded database)."""

    def __init__(self, conn):
        self.org_ids = list(conn.execute(sa.text("SELECT id FROM org_unit ORDER BY id")).scalars())
        self.user_ids = list(conn.execute(sa.text("SELECT id FROM ab_user ORDER BY id")).scalars())
        self.group_ids = list(conn.execute(sa.text("SELECT id FROM service_group ORDER BY id")).scalars())
        self.volunteer_ids = list(conn.execute(sa.text("SELECT id FROM volunteer ORDER BY id")).scalars())
        if not self.group_ids:
            raise RuntimeError("the demo seed has no service groups")


def _when(rnd: random.Random) -> dt.datetime:
    # more recent years hold more rows (the office grows), all within SPAN_DAYS
    days = int(SPAN_DAYS * (rnd.random() ** 1.6))
    return (NOW - dt.timedelta(days=days, minutes=rnd.randrange(0, 24 * 60))).replace(second=0, microsecond=0)


def _text(rnd: random.Random, i: int, length: int = 2) -> str:
    words = [rnd.choice(TOPICS) for _ in range(length)]
    if i % 1000 == 7:
        words.insert(1, RARE_WORD)
    return "，".join(words)


def _name(rnd: random.Random) -> str:
    return rnd.choice(NAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


def meeting_rows(ctx: Context, start: int, n: int):
    from app.common.enums import MeetingStatus, MeetingType
    from app.org.enums import Module

    types = [t.name for t in MeetingType]
    modules = [m.name for m in Module]
    rnd = random.Random(start)
    for i in range(start, start + n):
        when = _when(rnd)
        past = when < NOW - dt.timedelta(days=2)
        status = (
            MeetingStatus.held.name if past and rnd.random() < 0.95 else rnd.choice([s.name for s in MeetingStatus])
        )
        org = ctx.org_ids[i % len(ctx.org_ids)]
        title = f"{_text(rnd, i, 1)}{COMMON_WORD if i % 3 == 0 else '专题会'}第{i}次"
        yield {
            "module": modules[i % len(modules)],
            "meeting_type": types[i % len(types)],
            "title": title,
            "planned_start": when,
            "actual_start": when if status == "held" else None,
            "place": PLACES[i % len(PLACES)],
            "chair_id": ctx.user_ids[i % len(ctx.user_ids)],
            "is_ad_hoc": i % 11 == 0,
            "status": status,
            "org_unit_id": org,
            "created_at": when,
            "updated_at": when,
            "created_by_id": ctx.user_ids[(i * 7) % len(ctx.user_ids)],
            "version": 1,
            "is_deleted": i % 50 == 49,
        }


def petition_rows(ctx: Context, start: int, n: int):
    from app.modules.zhili.enums import HandlingLevel, PetitionCategory, PetitionChannel, PetitionGrade

    channels = [c.name for c in PetitionChannel]
    cats = [c.name for c in PetitionCategory]
    grades = [g.name for g in PetitionGrade]
    levels = [h.name for h in HandlingLevel]
    open_ = ["registered", "accepted", "investigating", "replied", "feedback"]
    rnd = random.Random(start + 1)
    for i in range(start, start + n):
        when = _when(rnd)
        recent = when > NOW - dt.timedelta(days=75)
        status = rnd.choice(open_) if recent and rnd.random() < 0.6 else ("closed" if rnd.random() < 0.9 else "ceased")
        closed = when + dt.timedelta(days=rnd.randrange(5, 55)) if status in ("closed", "ceased") else None
        phone = f"13{rnd.randrange(10**8, 10**9)}"
        yield {
            "case_no": f"XF{when:%Y}-{i:07d}",
            "channel": channels[i % len(channels)],
            "received_at": when,
            "petitioner_name": _name(rnd),
            "petitioner_phone": phone,
            "petitioner_count": 1,
            "address": f"荷花街道{rnd.randrange(1, 300)}号",
            "category": cats[i % len(cats)],
            "grade": grades[0 if i % 20 else 1],
            "content": _text(rnd, i, 3),
            "demand": "请求尽快解决",
            "first_receiver_id": ctx.user_ids[i % len(ctx.user_ids)],
            "handling_level": levels[i % len(levels)],
            "status": status,
            "accepted_at": when + dt.timedelta(days=2) if status != "registered" else None,
            "accept_due": (when + dt.timedelta(days=15)).date(),
            "close_due": (when + dt.timedelta(days=60)).date(),
            "extension_approved": False,
            "is_backlog": i % 97 == 0,
            "satisfaction_in_scope": True,
            "closed_at": closed,
            "org_unit_id": ctx.org_ids[i % len(ctx.org_ids)],
            "created_at": when,
            "updated_at": closed or when,
            "version": 1,
            "is_deleted": i % 50 == 49,
        }


def service_item_rows(ctx: Context, start: int, n: int):
    from app.modules.dangjian.enums import ActionKind

    kinds = [k.name for k in ActionKind]
    rnd = random.Random(start + 2)
    for i in range(start, start + n):
        when = _when(rnd)
        month = when.date().replace(day=1)
        status = "done" if when < NOW - dt.timedelta(days=40) else rnd.choice(["planned", "in_progress", "done"])
        yield {
            "group_id": ctx.group_ids[i % len(ctx.group_ids)],
            "volunteer_id": ctx.volunteer_ids[i % len(ctx.volunteer_ids)] if ctx.volunteer_ids else None,
            "month": month,
            "content": _text(rnd, i, 2),
            "action_kind": kinds[i % len(kinds)],
            "planned_date": month + dt.timedelta(days=rnd.randrange(0, 27)),
            "status": status,
            "org_unit_id": ctx.org_ids[i % len(ctx.org_ids)],
            "created_at": when,
            "updated_at": when,
            "version": 1,
            "is_deleted": i % 50 == 49,
        }


def audit_rows(ctx: Context, start: int, n: int):
    actions = ["update"] * 6 + ["insert"] * 3 + ["delete", "login", "login_failed"]
    regs = ["meeting", "petition_case", "service_list_item", "work_item", "volunteer"]
    rnd = random.Random(start + 3)
    for i in range(start, start + n):
        action = "update" if i % 1000 == 7 else actions[i % len(actions)]
        diff = None
        if action in ("update", "insert"):
            diff = json.dumps({"status": ["planned", "held"], "remarks": [None, _text(rnd, i, 1)]}, ensure_ascii=False)
        yield {
            "at": _when(rnd),
            "user_id": ctx.user_ids[i % len(ctx.user_ids)],
            "action": action,
            "register_key": None if action.startswith("login") else regs[i % len(regs)],
            "row_id": None if action.startswith("login") else rnd.randrange(1, 10**6),
            "org_unit_id": ctx.org_ids[i % len(ctx.org_ids)],
            "diff": diff,
            "ip": f"10.{i % 250}.{(i // 250) % 250}.{i % 7 + 1}",
        }


def work_item_rows(ctx: Context, start: int, n: int):
    """Tasks with deadlines: those of the last year ~40 % still open — the due ledger's bulk
    (≥ 100,000 open dues at 1M rows)."""
    modules = ["dangjian", "xietiao", "zhili", "zhifa", "jingji", "fuwu"]
    rnd = random.Random(start + 4)
    for i in range(start, start + n):
        when = _when(rnd)
        deadline = (when + dt.timedelta(days=rnd.randrange(3, 60))).date()
        recent = when > NOW - dt.timedelta(days=365)
        status = rnd.choice(["todo", "in_progress", "done", "done", "done"]) if recent else "done"
        yield {
            "module": modules[i % len(modules)],
            "kind": "other",
            "title": _text(rnd, i, 2),
            "responsible_person_id": ctx.user_ids[i % len(ctx.user_ids)],
            "deadline": deadline,
            "status": status,
            "completed_at": when + dt.timedelta(days=2) if status == "done" else None,
            "org_unit_id": ctx.org_ids[i % len(ctx.org_ids)],
            "created_at": when,
            "updated_at": when,
            "version": 1,
            "is_deleted": i % 50 == 49,
        }


GENERATORS = {
    "meeting": meeting_rows,
    "petition_case": petition_rows,
    "service_list_item": service_item_rows,
    "audit_log": audit_rows,
    "work_item": work_item_rows,
}
BATCH = 20_000


def count(conn, table: str) -> int:
    return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def insert_rows(conn, table: str, rows: list[dict]) -> None:
    if not rows:
        return
    cols = list(rows[0])
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row([r[c] for c in cols])
    else:
        raw = conn.connection.driver_connection
        marks = ", ".join("?" for _ in cols)
        raw.executemany(
            f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})",
            [tuple(_sqlite(r[c]) for c in cols) for r in rows],
        )


def _sqlite(v):
    # what SQLAlchemy would store: ISO datetimes with a space, booleans as 0/1
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, bool):
        return int(v)
    return v


def grow(engine, table: str, target: int, log=print) -> int:
    """Add rows to `table` until it holds `target`; returns the number added."""
    with engine.begin() as conn:
        have = count(conn, table)
        if have >= target:
            return 0
        ctx = Context(conn)
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous = OFF")
    gen = GENERATORS[table]
    added = 0
    start = have  # deterministic: row i is the same row in every run
    while have + added < target:
        n = min(BATCH, target - have - added)
        rows = list(gen(ctx, start + added, n))
        with engine.begin() as conn:
            insert_rows(conn, table, rows)
        added += n
        if added % 200_000 == 0:
            log(f"  {table}: {have + added:,} rows")
    return added


def analyze(engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in [*GENERATORS, "due_item"]:
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
