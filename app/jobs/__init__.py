"""Background jobs on RQ (Redis Queue), used only when REDIS_URL is set.

- exports and imports above JOB_THRESHOLD_ROWS run in an `rq worker` (app/jobs/tasks.py) under the
  identity and data scope of the user who started them; the page /jobs/<id> shows their progress
  (job.meta), then the download link or the import result;
- the scheduled sweeps (escalate, open-month) are enqueued by `rq cron app/jobs/cron.py`.

Without REDIS_URL nothing here is used: exports and imports run in the request as before.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

QUEUE = "jiedao"
RESULT_TTL = 24 * 3600  # seconds a finished job (and its file) stays downloadable
FAILURE_TTL = 7 * 24 * 3600
JOB_TIMEOUT = 3600


def enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def connection(url: str | None = None):
    """The Redis client of the app (or of `url`); one per process and URL."""
    from redis import Redis

    url = url or current_app.config["REDIS_URL"]
    conn = _connections.get(url)
    if conn is None:
        conn = _connections[url] = Redis.from_url(url, socket_timeout=10, socket_connect_timeout=3)
    return conn


_connections: dict = {}


def queue():
    from rq import Queue

    return Queue(current_app.config.get("JOB_QUEUE", QUEUE), connection=connection())


def threshold() -> int:
    return int(current_app.config.get("JOB_THRESHOLD_ROWS", 5000))


def folder() -> Path:
    """Where job files (finished exports) are kept: under the instance folder, never served directly."""
    path = Path(current_app.config["JOB_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def sweep_files(max_age: float = RESULT_TTL + 3600) -> int:
    """Remove job files older than their job's result (the download link is gone by then)."""
    import time

    cutoff, removed = time.time() - max_age, 0
    for p in folder().iterdir():
        try:
            if p.is_file() and p.stat().st_mtime < cutoff:
                p.unlink()
                removed += 1
        except OSError:
            pass
    return removed
