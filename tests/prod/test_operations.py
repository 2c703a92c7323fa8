"""Operations: /readyz with Redis, request ids, ProxyFix, JSON logs, `check`, log retention and
`purge-logs` (fixed clock), the deployment files. Cost: ~3 s."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]


# --- health ---------------------------------------------------------------------------------


def test_readyz_checks_redis_when_configured(app, redis_conn, monkeypatch):
    from .conftest import REDIS_URL

    http = app.test_client()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    r = http.get("/readyz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/1")  # nothing listens there
    r = http.get("/readyz")
    assert r.status_code == 503 and r.get_json()["status"] == "unavailable"
    assert r.get_json()["database"] == "ok" and r.get_json()["redis"] != "ok"


def test_request_id_is_honoured_or_generated(app):
    http = app.test_client()
    assert http.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made = http.get("/healthz", headers={"X-Request-ID": "bad id; with spaces"}).headers["X-Request-ID"]
    assert made != "bad id; with spaces" and len(made) == 32
    assert http.get("/healthz").headers["X-Request-ID"] != http.get("/healthz").headers["X-Request-ID"]


def test_json_log_lines_carry_the_request_id(app, capsys):
    from flask import g

    from app import logs

    logs.configure(json_logs=True)
    try:
        with app.test_request_context("/x"):
            g.request_id = "rid-42"
            logging.getLogger("jiedao.test").warning("hello %s", "world")
    finally:
        root = logging.getLogger()
        for h in [h for h in root.handlers if getattr(h, "_jiedao", False)]:
            root.removeHandler(h)
    line = [ln for ln in capsys.readouterr().err.splitlines() if "hello world" in ln][-1]
    record = json.loads(line)
    assert record["message"] == "hello world" and record["request_id"] == "rid-42"
    assert record["level"] == "WARNING" and record["logger"] == "jiedao.test"


def _probe_app(proxy_fix: bool):
    """A bare Flask app with the production wiring of app/ops.py and one route showing what it sees."""
    from flask import Flask, request

    from app import ops
    from config import Config

    bare = Flask("probe")
    bare.config.update(
        PROXY_FIX=proxy_fix,
        PROXY_FIX_HOPS=Config.PROXY_FIX_HOPS,
        CACHE_TYPE="SimpleCache",
        AUDIT_RETENTION_DAYS=183,
        LOG_JSON=False,
    )
    ops.install(bare)

    @bare.get("/probe")
    def probe():
        return {"ip": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return bare


FORWARDED = {"X-Forwarded-For": "10.9.8.7", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "jiedao.example.cn"}


def test_proxy_fix_uses_forwarded_headers_only_when_enabled():
    direct = _probe_app(False).test_client().get("/probe", headers=FORWARDED).get_json()
    assert direct == {"ip": "127.0.0.1", "scheme": "http", "host": "localhost"}
    behind = _probe_app(True).test_client().get("/probe", headers=FORWARDED).get_json()
    assert behind == {"ip": "10.9.8.7", "scheme": "https", "host": "jiedao.example.cn"}


# --- retention ------------------------------------------------------------------------------


def test_retention_below_six_months_is_refused(app):
    from app.maintenance.retention import RetentionRefused, cutoff

    with pytest.raises(RuntimeError, match="at least 183"):
        from flask import Flask

        from app import ops

        bare = Flask("short")
        bare.config.update(AUDIT_RETENTION_DAYS=90, CACHE_TYPE="SimpleCache")
        ops.install(bare)
    with app.app_context():
        with pytest.raises(RetentionRefused):
            cutoff(182)
    out = app.test_cli_runner().invoke(args=["purge-logs", "--days", "100"])
    assert out.exit_code != 0 and "at least 183 days" in out.output


def test_purge_logs_removes_only_rows_older_than_the_retention(app):
    from app.common.models import AuditLog
    from app.core import clock
    from app.extensions import db

    with app.app_context():
        oldest = db.session.execute(sa.select(sa.func.min(AuditLog.at))).scalar() or clock.now()
        now = oldest.replace(microsecond=0) - dt.timedelta(days=1)  # every existing row is younger
        clock.freeze(now)
        ages = {
            "400d": dt.timedelta(days=400),
            "183d+1s": dt.timedelta(days=183, seconds=1),
            "183d-1s": dt.timedelta(days=183, seconds=-1),
            "10d": dt.timedelta(days=10),
        }
        ids = {}
        for name, age in ages.items():
            row = AuditLog(at=now - age, action="login", diff=json.dumps({"prod_test": name}))
            db.session.add(row)
            db.session.flush()
            ids[name] = row.id
        db.session.commit()
        total = db.session.execute(sa.select(sa.func.count()).select_from(AuditLog)).scalar()
        try:
            dry = app.test_cli_runner().invoke(args=["purge-logs", "--dry-run"])
            assert dry.exit_code == 0 and "would delete 2 log rows" in dry.output
            out = app.test_cli_runner().invoke(args=["purge-logs"])
            assert out.exit_code == 0 and "deleted 2 log rows" in out.output, out.output
            left = set(db.session.execute(sa.select(AuditLog.id).where(AuditLog.id.in_(ids.values()))).scalars())
            assert left == {ids["183d-1s"], ids["10d"]}
            assert db.session.execute(sa.select(sa.func.count()).select_from(AuditLog)).scalar() == total - 2
        finally:
            db.session.execute(sa.delete(AuditLog).where(AuditLog.id.in_(ids.values())))
            db.session.commit()
            db.session.remove()


# --- check ----------------------------------------------------------------------------------


def test_check_is_clean_on_the_migrated_database(app):
    out = app.test_cli_runner().invoke(args=["check"])
    assert out.exit_code == 0, out.output
    assert "migrations: ok" in out.output and "indexes: ok" in out.output and "orphans: ok" in out.output


def test_check_reports_a_missing_index_and_pending_migrations(app):
    from app.extensions import db

    with app.app_context():
        rev = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        db.session.execute(sa.text("DROP INDEX ix_audit_log_row"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = 'zhifa_0001'"))
        db.session.commit()
        try:
            out = app.test_cli_runner().invoke(args=["check", "--json"])
            assert out.exit_code == 1
            found = json.loads(out.output)
            assert found["indexes"] == ["index missing: audit_log(register_key, row_id) [ix_audit_log_row]"]
            assert "database at zhifa_0001" in found["migrations"][0]
        finally:
            db.session.execute(sa.text("CREATE INDEX ix_audit_log_row ON audit_log (register_key, row_id)"))
            db.session.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": rev})
            db.session.commit()
            db.session.remove()


def test_check_reports_orphan_rows(app):
    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("orphan rows need a database without foreign key enforcement (SQLite)")
        db.session.execute(
            sa.text("INSERT INTO audit_log (at, action, user_id) VALUES (:at, 'prod_orphan', 987654)"),
            {"at": dt.datetime(2026, 1, 1)},
        )
        db.session.commit()
        try:
            out = app.test_cli_runner().invoke(args=["check"])
            assert out.exit_code == 1
            assert "orphan rows: 1 in audit_log(user_id) → ab_user" in out.output
        finally:
            db.session.execute(sa.text("DELETE FROM audit_log WHERE action = 'prod_orphan'"))
            db.session.commit()
            db.session.remove()


# --- deployment files -----------------------------------------------------------------------


def _compose_errors(doc) -> list[str]:
    import jsonschema

    schema = json.loads((ROOT / "deploy" / "compose_spec.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(doc)]


def test_docker_compose_file_is_valid_against_the_compose_spec():
    import yaml

    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert _compose_errors(doc) == []
    assert {"postgres", "redis", "app", "worker", "scheduler"} <= set(doc["services"])
    assert doc["services"]["worker"]["command"][:2] == ["rq", "worker"]
    assert doc["services"]["scheduler"]["command"][:2] == ["rq", "cron"]
    assert (ROOT / doc["services"]["scheduler"]["command"][-1]).is_file()  # app/jobs/cron.py
    # the validation is real: a misspelt key is refused
    doc["services"]["worker"]["restart_policy"] = "always"
    assert any("restart_policy" in e for e in _compose_errors(doc))


def test_dockerfile_runs_gunicorn_with_the_repository_config():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "\nFROM python:3.11" in text
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py", "run:app"]' in text
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_rq_cron_config_registers_the_sweeps():
    import runpy

    from rq import cron

    runpy.run_path(str(ROOT / "app" / "jobs" / "cron.py"))
    names = {j["name"]: j for j in cron._job_data_registry}
    assert names["escalate"]["func"].__name__ == "escalate" and names["escalate"]["cron"] == "*/15 * * * *"
    assert names["open-month"]["func"].__name__ == "open_month"
