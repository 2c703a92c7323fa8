"""`flask --app run escalate`: the sweep, safe to run from cron (idempotent)."""

from __future__ import annotations

import datetime as dt

import click


def register_cli(app) -> None:
    @app.cli.command("escalate")
    @click.option("--at", "at", default=None, help="Evaluate at this local time (ISO), e.g. 2026-12-11T09:00.")
    def escalate_cmd(at):
        """Record every new reminder / 督办 / 通报 of every register's time rules (once each)."""
        from app.maintenance.locks import exclusive_sweep

        now = dt.datetime.fromisoformat(at) if at else None
        result = exclusive_sweep(now)  # one sweep at a time across processes (advisory lock / lock file)
        if result["skipped"]:
            click.echo("skipped: another escalation sweep is running")
            return
        click.echo(f"due: {result['due']}, newly recorded: {result['recorded']}, resolved: {result['resolved']}")
