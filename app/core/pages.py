"""Small helpers shared by the custom pages (boards, summaries, reports)."""

from __future__ import annotations

from flask import request

from . import clock


def year_arg() -> int:
    """The page's ?year=, or this year when absent or not a number."""
    try:
        return int(request.args.get("year", ""))
    except ValueError:
        return clock.today().year
