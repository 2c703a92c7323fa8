"""One sweep at a time across processes and machines.

PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) held on its own connection
for the duration of the block. SQLite (one machine): an exclusive lock (flock) on a file in
the instance folder. Either way a second caller does not wait: it is told the lock is taken.
"""

from __future__ import annotations

import fcntl
import logging
import zlib
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.extensions import db

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock (namespace 'jiedao:')."""
    return zlib.crc32(f"jiedao:{name}".encode())


@contextmanager
def exclusive(name: str):
    """`with exclusive("escalate") as acquired:` — acquired is False when another holder has it."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        conn = engine.connect()
        try:
            key = lock_key(name)
            acquired = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            conn.commit()
            try:
                yield acquired
            finally:
                if acquired:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        finally:
            conn.close()
        return
    folder = Path(current_app.config["JOB_FOLDER"]).parent / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def exclusive_sweep(now=None) -> dict:
    """engine.sweep() under the 'escalate' lock; {"skipped": True} when another sweep is running."""
    from app.escalation import engine

    with exclusive("escalate") as acquired:
        if not acquired:
            log.info("escalation sweep skipped: another sweep holds the lock")
            return {"skipped": True, "due": 0, "recorded": 0, "resolved": 0}
        result = engine.sweep(now)
        return {"skipped": False, **result}
