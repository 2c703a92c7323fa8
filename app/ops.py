"""Operations: health probes and the security headers every response carries."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, jsonify

from .extensions import csrf, db

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def install(app: Flask) -> None:
    @app.get("/healthz")
    @csrf.exempt
    def healthz():
        """The process is up (no dependencies checked)."""
        return jsonify(status="ok")

    @app.get("/readyz")
    @csrf.exempt
    def readyz():
        """The database answers; 503 otherwise."""
        try:
            db.session.execute(sa.text("SELECT 1"))
        except Exception as e:  # any failure of the dependency means not ready
            db.session.rollback()
            return jsonify(status="unavailable", database=str(e.__class__.__name__)), 503
        return jsonify(status="ok", database="ok")

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            from .access import content_security_policy

            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
