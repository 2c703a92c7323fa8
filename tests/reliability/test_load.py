"""Load: gunicorn on loopback serving a fresh copy of the test database, 50 concurrent users (threads
with their own HTTP sessions, logged in as five demo roles) browsing lists and show pages and saving
(API adds and edits of a meeting each role shares) for a bounded time. No 5xx; every accepted add is a
row; every shared meeting's version went up by exactly its accepted edits (409s are refused, not lost).
bench/load.py runs the same for longer and prints throughput and p95."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import load  # noqa: E402

SECONDS = float(os.environ.get("JIEDAO_LOAD_SECONDS", 20))


def test_fifty_users_browse_and_save_without_errors_or_lost_writes(app):
    result = load.run(app.config["SQLALCHEMY_DATABASE_URI"], users=50, seconds=SECONDS)
    print("\nload:", {k: v for k, v in result.items() if k != "server_errors"})
    assert result["server_errors"] == [], result["server_errors"]
    assert result["requests"] > 100 and result["codes"].get(200, 0) > 0
    assert result["created_201"] > 0 and result["edits_ok"] > 0
    assert result["lost_adds"] == {} and result["lost_edits"] == {}
    assert result["rows_added"] == result["created_201"]
