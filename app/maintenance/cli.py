"""`flask --app run check | purge-logs`."""

from __future__ import annotations

import json

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("check")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def check_cmd(as_json):
        """Report pending migrations, missing indexes, orphan rows and due-ledger drift; exit 1 when anything is wrong."""
        from .checks import run

        found = run()
        if as_json:
            click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        else:
            for section, lines in found.items():
                click.echo(f"{section}: {'ok' if not lines else f'{len(lines)} problem(s)'}")
                for line in lines:
                    click.echo(f"  {line}")
        if any(found.values()):
            raise SystemExit(1)

    @app.cli.command("purge-logs")
    @click.option(
        "--days",
        type=int,
        default=None,
        help="Keep this many days (default JIEDAO_AUDIT_RETENTION_DAYS, at least 183).",
    )
    @click.option("--dry-run", is_flag=True, help="Only count what would go.")
    def purge_logs_cmd(days, dry_run):
        """Delete audit and login log rows older than the retention period (never younger ones)."""
        from .retention import RetentionRefused, purge

        try:
            n, limit = purge(days, dry_run=dry_run)
        except RetentionRefused as e:
            raise click.ClickException(str(e)) from e
        click.echo(f"{'would delete' if dry_run else 'deleted'} {n} log rows older than {limit:%Y-%m-%d %H:%M}")
