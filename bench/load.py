"""Load test: gunicorn on loopback serving a fresh copy of a database, N concurrent simulated users.

    .venv/bin/python bench/load.py                           # copy of instance/jiedao.db, 50 users, 60 s
    .venv/bin/python bench/load.py --users 50 --seconds 300  # a longer run
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/jiedao .venv/bin/python bench/load.py

The source database (DATABASE_URL, or --source) is copied first (SQLite: online backup API; PostgreSQL:
pg_dump/pg_restore into a scratch database that is dropped afterwards) so the run never touches it.
Each user is a thread with its own HTTP session, logged in as one of several demo roles: it opens
register lists and show pages (HTML and REST API), adds meetings (API POST) and edits a meeting its
role shares with the other users of that role (API PUT with the version it read: 200 or 409).
Afterwards the database is checked: every 201 is a row, and every shared meeting's version went up by
exactly its number of 200 edits (a 409 is a refused edit, not a lost one). Prints throughput and p95.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo@2026"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
# role login → org unit its meetings go into (within its write scope)
ROLES = {"admin": "荷花街道", "leader": "荷花街道", "djb": "荷花街道", "sq1": "荷花社区", "sq2": "新村社区"}
PAGES = [
    "/meeting/list/",
    "/work_item/list/",
    "/dashboard/",
    "/calendar/month/",
    "/escalation/",
    "/party_project/list/",
    "/petition_case/list/",
    "/household/list/",
    "/unit/list/",
]
API_LISTS = ["meeting", "work_item", "unit", "party_project"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a fresh copy of the database ----------------------------------------------------------


def copy_database(source: str, workdir: Path) -> tuple[str, callable]:
    url = sa.engine.make_url(source)
    if url.get_backend_name() == "sqlite":
        dest = workdir / "load.db"
        src, dst = sqlite3.connect(url.database), sqlite3.connect(dest)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
        return f"sqlite:///{dest}", lambda: None
    name = f"{url.database}_load"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    dump = workdir / "load.dump"
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), "-d", plain.render_as_string(hide_password=False)],
        check=True,
        env=env,
    )
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "-d",
            plain.set(database=name).render_as_string(hide_password=False),
            str(dump),
        ],
        check=True,
        env=env,
    )

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


# --- the server ------------------------------------------------------------------------------


class Server:
    def __init__(self, db_url: str, workdir: Path, workers: int = 2, threads: int = 8):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "JIEDAO_ENV": "development",
            "JIEDAO_ATTACHMENT_FOLDER": str(workdir / "attachments"),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("TEST_DATABASE_URL", None)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.log = open(workdir / "gunicorn.log", "w")
        self.proc = subprocess.Popen(
            [
                gunicorn,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
                "run:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + (workdir / "gunicorn.log").read_text()[-2000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


# --- the users -------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.codes: Counter = Counter()
        self.errors: list[str] = []
        self.created: Counter = Counter()  # role → 201s
        self.edits_ok: Counter = Counter()  # shared meeting id → 200s
        self.edits_refused: Counter = Counter()  # shared meeting id → 409s

    def record(self, method: str, url: str, r: requests.Response, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.codes[r.status_code] += 1
            if r.status_code >= 500:
                self.errors.append(f"{method} {url} → {r.status_code}: {r.text[:300]}")


def login(base: str, username: str) -> tuple[requests.Session, str]:
    s = requests.Session()
    page = s.get(base + "/login/", timeout=30).text
    token = CSRF_RE.search(page).group(1)
    r = s.post(
        base + "/login/",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    if r.status_code != 302:
        raise RuntimeError(f"login of {username} failed: {r.status_code}")
    jwt = requests.post(
        base + "/api/v1/security/login", json={"username": username, "password": PASSWORD, "provider": "db"}, timeout=30
    ).json()["access_token"]
    return s, jwt


def user_loop(base, role, cookies, jwt, ids, shared_id, stop_at, stats: Stats, run_id, seed):
    rnd = random.Random(seed)
    s = requests.Session()
    s.cookies.update(cookies)
    auth = {"Authorization": f"Bearer {jwt}"}

    def call(method, path, **kw):
        t0 = time.perf_counter()
        r = s.request(method, base + path, timeout=60, allow_redirects=False, **kw)
        stats.record(method, path, r, time.perf_counter() - t0)
        return r

    while time.monotonic() < stop_at:
        roll = rnd.random()
        if roll < 0.35:
            call("GET", rnd.choice(PAGES))
        elif roll < 0.6:
            key = rnd.choice(API_LISTS)
            r = call("GET", f"/api/v1/{key}/?q=(page_size:25)", headers=auth)
            if r.status_code == 200 and r.json().get("ids"):
                row = rnd.choice(r.json()["ids"])
                call("GET", f"/{key}/show/{row}")
        elif roll < 0.8:
            body = {
                "module": "dangjian",
                "meeting_type": "team_weekly",
                "status": "planned",
                "title": f"LOAD-{run_id}-{role}-{uuid.uuid4().hex[:8]}",
                "org_unit": ids["org"][role],
                "chair": ids["user"][role],
                "planned_start": "2026-12-09 09:00:00",
            }
            r = call("POST", "/api/v1/meeting/", json=body, headers=auth)
            if r.status_code == 201:
                with stats.lock:
                    stats.created[role] += 1
        else:
            r = call("GET", f"/api/v1/meeting/{shared_id}", headers=auth)
            if r.status_code != 200:
                continue
            version = r.json()["result"]["version"]
            r = call(
                "PUT",
                f"/api/v1/meeting/{shared_id}",
                headers=auth,
                json={"version": version, "remarks": f"{role} {uuid.uuid4().hex[:6]}"},
            )
            with stats.lock:
                if r.status_code == 200:
                    stats.edits_ok[shared_id] += 1
                elif r.status_code == 409:
                    stats.edits_refused[shared_id] += 1


def lookup_ids(db_url: str) -> dict:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        users = dict(conn.execute(sa.text("SELECT username, id FROM ab_user")).all())
        orgs = dict(conn.execute(sa.text("SELECT name, id FROM org_unit")).all())
    engine.dispose()
    return {"user": {r: users[r] for r in ROLES}, "org": {r: orgs[o] for r, o in ROLES.items()}}


def check_database(db_url: str, run_id: str, shared: dict, stats: Stats) -> dict:
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        rows = Counter()
        for (title,) in conn.execute(
            sa.text("SELECT title FROM meeting WHERE title LIKE :p"), {"p": f"LOAD-{run_id}-%"}
        ):
            rows[title.split("-")[2]] += 1
        versions = {
            mid: conn.execute(sa.text("SELECT version FROM meeting WHERE id = :i"), {"i": mid}).scalar()
            for mid in shared.values()
        }
    engine.dispose()
    lost_adds = {role: stats.created[role] - rows[role] for role in ROLES if stats.created[role] != rows[role]}
    # a new meeting has version 1; every saved edit adds exactly one
    lost_edits = {
        mid: {"version": versions[mid], "expected": 1 + stats.edits_ok[mid]}
        for mid in versions
        if versions[mid] != 1 + stats.edits_ok[mid]
    }
    return {
        "rows_added": sum(rows.values()),
        "created_201": sum(stats.created.values()),
        "lost_adds": lost_adds,
        "lost_edits": lost_edits,
    }


def forget_sign_in_failures(db_url: str) -> None:
    """The copy starts with no failed sign-ins: the source's (another test's wrong passwords for a demo
    account) would lock the load's logins out."""
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM login_failure"))
    engine.dispose()


def run(source: str, users: int, seconds: float, workers: int = 2, threads: int = 8) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="jiedao-load-"))
    db_url, drop = copy_database(source, workdir)
    forget_sign_in_failures(db_url)
    server = None
    try:
        server = Server(db_url, workdir, workers=workers, threads=threads)
        ids = lookup_ids(db_url)
        run_id = uuid.uuid4().hex[:6]
        sessions = {role: login(server.base, role) for role in ROLES}
        # one shared meeting per role, edited by all of that role's users at once
        shared = {}
        for role, (_sess, jwt) in sessions.items():
            r = requests.post(
                server.base + "/api/v1/meeting/",
                headers={"Authorization": f"Bearer {jwt}"},
                timeout=30,
                json={
                    "module": "dangjian",
                    "meeting_type": "team_weekly",
                    "status": "planned",
                    "title": f"SHARED-{run_id}-{role}",
                    "org_unit": ids["org"][role],
                    "chair": ids["user"][role],
                    "planned_start": "2026-12-09 09:00:00",
                },
            )
            if r.status_code != 201:
                raise RuntimeError(f"{role} cannot add a meeting: {r.status_code} {r.text[:300]}")
            shared[role] = r.json()["id"]
        stats = Stats()
        roles = list(ROLES)
        stop_at = time.monotonic() + seconds
        started = time.monotonic()
        threads_ = [
            threading.Thread(
                target=user_loop,
                args=(
                    server.base,
                    roles[i % len(roles)],
                    sessions[roles[i % len(roles)]][0].cookies,
                    sessions[roles[i % len(roles)]][1],
                    ids,
                    shared[roles[i % len(roles)]],
                    stop_at,
                    stats,
                    run_id,
                    i,
                ),
            )
            for i in range(users)
        ]
        for t in threads_:
            t.start()
        for t in threads_:
            t.join()
        elapsed = time.monotonic() - started
        lat = sorted(stats.latencies)
        result = {
            "users": users,
            "seconds": round(elapsed, 1),
            "requests": len(lat),
            "throughput_rps": round(len(lat) / elapsed, 1),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1) if lat else None,
            "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000, 1) if lat else None,
            "max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "codes": dict(sorted(stats.codes.items())),
            "server_errors": stats.errors[:20],
            "edits_ok": sum(stats.edits_ok.values()),
            "edits_refused_409": sum(stats.edits_refused.values()),
            "database": sa.engine.make_url(db_url).get_backend_name(),
            "workers": workers,
            "threads": threads,
        }
        result.update(check_database(db_url, run_id, shared, stats))
        return result
    finally:
        if server is not None:
            server.stop()
        drop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'jiedao.db'}"))
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    result = run(args.source, args.users, args.seconds, args.workers, args.threads)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print(
        f"\n{result['users']} users, {result['seconds']} s: {result['requests']} requests, "
        f"{result['throughput_rps']} req/s, p95 {result['p95_ms']} ms; 5xx: {len(result['server_errors'])}; "
        f"added {result['rows_added']} of {result['created_201']} accepted; edits {result['edits_ok']} saved, "
        f"{result['edits_refused_409']} refused (409); lost: adds {result['lost_adds']}, edits {result['lost_edits']}"
    )
    sys.exit(1 if result["server_errors"] or result["lost_adds"] or result["lost_edits"] else 0)


if __name__ == "__main__":
    main()
