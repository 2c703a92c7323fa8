"""Request arguments FAB itself would choke on, answered 400 before they reach it."""

from __future__ import annotations

import prison
from flask import Flask, jsonify, request


def install(app: Flask) -> None:
    @app.before_request
    def malformed_rison():
        # FAB's @rison catches prison's ParserException only; "((((" recurses without end (a 500)
        q = request.args.get("q")
        if q is None or not request.path.startswith("/api/"):
            return None
        try:
            args = prison.loads(q)
        except (RecursionError, Exception):  # noqa: BLE001 - anything prison cannot read is a bad argument
            return jsonify(message="Not a valid rison argument"), 400
        if isinstance(args, dict):
            # a negative page or page size becomes a negative OFFSET/LIMIT, which PostgreSQL refuses
            for key in ("page", "page_size"):
                value = args.get(key)
                if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
                    return jsonify(message=f"{key} must be a whole number, 0 or more"), 400
        return None
