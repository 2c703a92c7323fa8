"""Error pages in the user's language (Werkzeug's defaults are English), JSON under /api/."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from app.core.errors import InputError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    403: (_l("No access"), _l("You do not have the right to open this page.")),
    404: (_l("Not found"), _l("This page or record does not exist, or it is outside your data scope.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("Too large"), _l("The upload is larger than allowed.")),
    500: (
        _l("Server error"),
        _l(
            "Something went wrong on our side and nothing was saved. Try again; "
            "if it happens again, tell the system administrator."
        ),
    ),
}


def _page(error: HTTPException):
    code = error.code or 500
    title, message = (str(t) for t in MESSAGES.get(code, MESSAGES[500]))
    if isinstance(error, InputError):
        message = str(error.description)
    if request.path.startswith("/api/"):
        return jsonify(message=message), code
    appbuilder = current_app.appbuilder
    try:
        return render_template(
            "jiedao/error.html",
            title=title,
            message=message,
            appbuilder=appbuilder,
            base_template=appbuilder.base_template,
        ), code
    except Exception:  # the error page must not fail itself (e.g. the database is down)
        current_app.logger.exception("error page %s could not be rendered", code)
        return f"{code} {title}: {message}", code, {"Content-Type": "text/plain; charset=utf-8"}


def install(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, _page)
