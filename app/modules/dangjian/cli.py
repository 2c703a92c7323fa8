"""`flask --app run open-month YYYY-MM`: the month's empty 团长 check rows (TR-13)."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    @app.cli.command("open-month")
    @click.argument("month")
    def open_month_cmd(month):
        """Create one empty monthly check per active volunteer for MONTH (YYYY-MM); idempotent."""
        from .rules import open_month

        try:
            first = dt.datetime.strptime(month, "%Y-%m").date()
        except ValueError as e:
            raise click.BadParameter("use YYYY-MM, e.g. 2026-11") from e
        made = open_month(first)
        click.echo(f"monthly checks for {first:%Y-%m}: {made} created")
