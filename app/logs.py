"""Structured logs and the request id.

Every request gets an id: the proxy's X-Request-ID when it sends a sane one, else a new one; it is
returned in the response's X-Request-ID header and put on every log record of the request. With
LOG_JSON (default in production) the root logger writes one JSON object per line
(python-json-logger), with the request id, method, path, status and duration of each request.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("jiedao.request")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


def configure(json_logs: bool, level=logging.INFO) -> None:
    """The root logger: JSON lines on stderr (or plain text), each record with request_id."""
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_jiedao", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler._jiedao = True
    handler.addFilter(RequestIdFilter())
    if json_logs:
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def install(app: Flask) -> None:
    if app.config.get("LOG_JSON"):
        configure(True)

    @app.before_request
    def assign_request_id():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _SANE.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def return_request_id(response):
        rid = g.get("request_id")
        if rid:
            response.headers[HEADER] = rid
            if app.config.get("LOG_JSON") and request.path not in ("/healthz", "/readyz"):
                access_log.info(
                    "request",
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 1),
                        "user_id": getattr(getattr(g, "user", None), "id", None),
                        "ip": request.remote_addr,
                    },
                )
        return response
