"""Fixtures of the production tests: Redis (database 1, this branch's keys only) and helpers to
run the real `rq worker` and gunicorn as subprocesses against the test database."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("JIEDAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
QUEUE = "prod_test"
BIN = Path(sys.executable).parent


def _flush(conn) -> None:
    """Only what these tests write: RQ's keys of the test queue, the limiter's and the cache's."""
    for pattern in ("rq:*", "LIMITS:*", "LIMITER*", "jiedao:*"):
        keys = list(conn.scan_iter(match=pattern, count=500))
        if keys:
            conn.delete(*keys)


@pytest.fixture()
def redis_conn():
    from redis import Redis
    from redis.exceptions import RedisError

    conn = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        conn.ping()
    except RedisError as e:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({e.__class__.__name__}): start redis-server")
    _flush(conn)
    yield conn
    _flush(conn)


@pytest.fixture()
def with_redis(app, redis_conn, monkeypatch):
    """The session app with REDIS_URL (jobs on, small threshold) for this test only."""
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOB_QUEUE", QUEUE)
    monkeypatch.setitem(app.config, "JOB_THRESHOLD_ROWS", 3)
    return redis_conn


def subprocess_env(**extra) -> dict:
    from config import TestConfig

    env = dict(os.environ)
    env.update(
        TEST_DATABASE_URL=TestConfig.SQLALCHEMY_DATABASE_URI,
        DATABASE_URL=TestConfig.SQLALCHEMY_DATABASE_URI,
        JIEDAO_CONFIG="config.TestConfig",
        REDIS_URL=REDIS_URL,
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_worker_burst(timeout: float = 120) -> subprocess.CompletedProcess:
    """A real `rq worker --burst` on the test queue: runs what is queued, then exits."""
    return subprocess.run(
        [
            str(BIN / "rq"),
            "worker",
            "-w",
            "app.jobs.worker.Worker",
            "--burst",
            "--url",
            REDIS_URL,
            "--path",
            str(ROOT),
            QUEUE,
        ],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def gunicorn_servers(count: int, **env):
    """`count` gunicorn servers (gunicorn.conf.py, one worker each) on the test database, with `env`
    added to each one's environment; yields their base URLs once each answers /healthz."""
    procs, urls = [], []
    try:
        for _ in range(count):
            port = free_port()
            server_env = subprocess_env(
                GUNICORN_BIND=f"127.0.0.1:{port}",
                GUNICORN_WORKERS=1,
                GUNICORN_THREADS=2,
                GUNICORN_GRACEFUL_TIMEOUT=3,
                **env,
            )
            log = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: a full pipe would block the server
            procs.append(
                subprocess.Popen(
                    [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "run:app"],
                    cwd=ROOT,
                    env=server_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, proc in zip(urls, procs):
            wait_http(url + "/healthz", proc)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()  # graceful; the tests close their keep-alive connections first
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = ""
            if proc.stdout is not None and hasattr(proc.stdout, "seek"):
                proc.stdout.seek(0)
                output = proc.stdout.read()[-3000:]
            raise AssertionError(f"server exited ({proc.returncode}): {output}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {timeout}s")
