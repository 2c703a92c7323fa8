"""Operations: health probes, the security headers every response carries, and the production
wiring (ProxyFix behind a reverse proxy, the cache, request ids and JSON logs: app/logs.py)."""

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


MIN_RETENTION_DAYS = 183  # audit and login logs are kept at least 6 months (Cybersecurity Law art. 21)


def install(app: Flask) -> None:
    from . import logs
    from .cache import cache

    if app.config.get("AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS) < MIN_RETENTION_DAYS:
        raise RuntimeError(f"JIEDAO_AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS} (6 months)")
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **app.config["PROXY_FIX_HOPS"])
    cache.init_app(app)
    logs.install(app)

    @app.get("/healthz")
    @csrf.exempt
    def healthz():
        """The process is up (no dependencies checked)."""
        return jsonify(status="ok")

    @app.get("/readyz")
    @csrf.exempt
    def readyz():
        """The database answers (and Redis, when REDIS_URL is set); 503 otherwise."""
        body, ready = {}, True
        try:
            db.session.execute(sa.text("SELECT 1"))
            body["database"] = "ok"
        except Exception as e:  # any failure of the dependency means not ready
            db.session.rollback()
            body["database"], ready = e.__class__.__name__, False
        if app.config.get("REDIS_URL"):
            from .jobs import connection

            try:
                connection().ping()
                body["redis"] = "ok"
            except Exception as e:
                body["redis"], ready = e.__class__.__name__, False
        return jsonify(status="ok" if ready else "unavailable", **body), (200 if ready else 503)

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
