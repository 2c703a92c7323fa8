"""`flask --app run dues rebuild | check`."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup


def register_cli(app) -> None:
    group = AppGroup("dues", help="The due ledger (待办台账).")

    @group.command("rebuild")
    @click.option("--at", "at", default=None, help="Evaluate at this local time (ISO).")
    def rebuild_cmd(at):
        """Build the ledger from the rows (idempotent: only what differs is written)."""
        from . import ledger

        stats = ledger.rebuild(dt.datetime.fromisoformat(at) if at else None)
        click.echo(f"changed: {stats['changed']}")

    @group.command("check")
    @click.option("--at", "at", default=None, help="Evaluate at this local time (ISO).")
    def check_cmd(at):
        """Recompute every rule and report where the ledger differs (exit 1 on drift)."""
        from . import ledger

        found = ledger.drift(dt.datetime.fromisoformat(at) if at else None)
        for line in found[:50]:
            click.echo(line)
        click.echo(f"drift: {len(found)}")
        if found:
            raise SystemExit(1)

    app.cli.add_command(group)
