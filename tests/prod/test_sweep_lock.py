"""Two escalation sweeps started at once (two threads, each with its own session and connection):
one runs, the other reports itself skipped; every escalation is recorded once. On PostgreSQL the
lock is pg_try_advisory_lock, on SQLite a lock file. Cost: < 2 s."""

from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa

AT = dt.datetime(2027, 3, 15, 9, 0)  # far enough ahead that rows are overdue


def test_two_sweeps_at_once_record_each_escalation_once(app, monkeypatch):
    from app.escalation import engine
    from app.escalation.models import EscalationRecord
    from app.extensions import db
    from app.maintenance.locks import exclusive_sweep

    with app.app_context():
        before = dict(db.session.execute(sa.select(EscalationRecord.id, EscalationRecord.resolved_at)).all())
        db.session.remove()

    entered, release = threading.Event(), threading.Event()
    real_sweep = engine.sweep

    def slow_sweep(now=None):  # the first sweep holds the lock until the second has tried
        result = real_sweep(now)
        entered.set()
        release.wait(30)
        return result

    monkeypatch.setattr(engine, "sweep", slow_sweep)
    results, errors = {}, []

    def run(name):
        try:
            with app.app_context():
                results[name] = exclusive_sweep(AT)
                db.session.remove()
        except Exception as e:  # reported below
            errors.append(e)
            entered.set()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert entered.wait(60), "the first sweep did not start"
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(30)
    release.set()
    first.join(60)
    assert not errors, errors
    try:
        assert results["second"]["skipped"] is True and results["second"]["recorded"] == 0
        assert results["first"]["skipped"] is False and results["first"]["recorded"] > 0
        with app.app_context():
            rows = db.session.execute(
                sa.select(
                    EscalationRecord.register_key,
                    EscalationRecord.row_id,
                    EscalationRecord.rule_code,
                    EscalationRecord.stage,
                )
            ).all()
            assert len(rows) == len(set(rows))  # each (register, row, rule, stage) once
            new = len(rows) - len(before)
            assert new == results["first"]["recorded"]
            # the lock is free again: a later sweep runs (and records nothing new)
            monkeypatch.setattr(engine, "sweep", real_sweep)
            again = exclusive_sweep(AT)
            assert again["skipped"] is False and again["recorded"] == 0
    finally:
        with app.app_context():  # leave the escalation records as they were for the other tests
            db.session.execute(sa.delete(EscalationRecord).where(EscalationRecord.id.not_in(list(before) or [0])))
            for rec_id, resolved in before.items():
                db.session.execute(
                    sa.update(EscalationRecord).where(EscalationRecord.id == rec_id).values(resolved_at=resolved)
                )
            db.session.commit()
            db.session.remove()


def test_escalate_command_reports_a_skipped_run(app):
    from app.maintenance.locks import exclusive

    runner = app.test_cli_runner()
    with app.app_context():
        with exclusive("escalate") as acquired:
            assert acquired
            out = runner.invoke(args=["escalate", "--at", AT.isoformat()])
    assert out.exit_code == 0 and "skipped: another escalation sweep is running" in out.output
