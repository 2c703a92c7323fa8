"""What an `rq worker` runs. Every function builds (once per worker process) the app from the
environment, re-loads the starting user and runs the SAME code as the request would
(spreadsheets.export_response, imports.process) inside a request context logged in as that
user: the data scope is the one of the page, never wider."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import asdict

_app = None
_app_pid = None


class JobRefused(Exception):
    """The job cannot run for this user any more (account gone or inactive, permission removed)."""


def app():
    """The Flask app of this worker process (config from JIEDAO_CONFIG, default config.Config)."""
    global _app, _app_pid
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from app import create_app

        _app, _app_pid = create_app(os.environ.get("JIEDAO_CONFIG", "config.Config")), os.getpid()
    elif _app_pid != os.getpid():  # a work horse forked from the worker: never reuse its connections
        from app.extensions import db

        with _app.app_context():
            db.engine.dispose(close=False)
        _app_pid = os.getpid()
    return _app


def _current_job():
    from rq import get_current_job

    return get_current_job()


def set_progress(done: int, total: int | None, phase: str = "running") -> None:
    job = _current_job()
    if job is None:
        return
    job.meta.update(done=done, total=total, phase=phase)
    job.save_meta()


def find_view(application, register_key: str):
    from app.core.views import ScopedModelView

    for view in application.appbuilder.baseviews:
        if isinstance(view, ScopedModelView) and view.register.key == register_key:
            return view
    raise JobRefused(f"no list page for register {register_key}")


@contextmanager
def acting_as(application, user_id: int, path: str, locale: str | None, ip: str | None):
    """A request context for `path` in which `user_id` is the logged-in user (as on the page)."""
    from flask import g, session
    from flask_login import login_user

    from app.extensions import db

    with application.app_context():
        user = db.session.get(application.appbuilder.sm.user_model, user_id)
        if user is None or not user.is_active:
            raise JobRefused("the user who started this job no longer exists or is inactive")
        environ = {"REMOTE_ADDR": ip} if ip else {}
        with application.test_request_context(path, environ_base=environ):
            if locale:
                session["locale"] = locale
            login_user(user)
            g.user = user
            try:
                yield user
            finally:
                db.session.remove()


def export_register(
    user_id: int, register_key: str, query_string: str = "", locale: str | None = None, ip: str | None = None
) -> dict:
    """The register's list as the user sees it (filters, order, scope) → <JOB_FOLDER>/<job id>.xlsx."""
    import sqlalchemy as sa

    from app.core import spreadsheets

    from . import folder, sweep_files
    from .counting import count_rows

    application = app()
    job = _current_job()
    view = find_view(application, register_key)
    with application.app_context():
        sweep_files()
    path = f"{view.route_base}/export_xlsx/" + (f"?{query_string}" if query_string else "")
    with acting_as(application, user_id, path, locale, ip):
        if not application.appbuilder.sm.has_access("can_read", register_key):
            raise JobRefused("the user may no longer read this register")
        total = count_rows(view)
        set_progress(0, total)
        loaded = [0]

        def on_load(_target, _context):  # one call per row the export reads
            loaded[0] += 1
            if loaded[0] % 500 == 0:
                set_progress(loaded[0], total)

        model = view.register.model
        sa.event.listen(model, "load", on_load)
        try:
            response = spreadsheets.export_response(view)
            name = f"{job.id if job else 'export'}.xlsx"
            target = folder() / name
            partial = target.with_suffix(".part")
            with open(partial, "wb") as fh:
                for chunk in response.response:
                    fh.write(chunk)
            response.close()
            partial.replace(target)
        finally:
            sa.event.remove(model, "load", on_load)
        set_progress(total, total, "finished")
        return {
            "kind": "export",
            "file": name,
            "filename": spreadsheets.export_filename(view.register.name),
            "rows": total,
            "register": register_key,
        }


def import_register(
    user_id: int,
    register_key: str,
    token: str,
    commit: bool,
    filename: str = "",
    locale: str | None = None,
    ip: str | None = None,
) -> dict:
    """imports.process() on a stashed upload: the preview (commit=False) or the write (commit=True)."""
    from flask_babel import gettext as _

    from app.core import imports

    application = app()
    view = find_view(application, register_key)
    with acting_as(application, user_id, f"{view.route_base}/import_xlsx/", locale, ip):
        if not view.can_import():
            raise JobRefused("the user may no longer write to this register")
        reg = view.register
        found = imports.unstash(reg, token)
        if found is None:
            return {
                "kind": "import",
                "commit": commit,
                "register": register_key,
                "refused": _("This upload has expired or is not yours. Upload the file again."),
            }
        stashed, meta = found
        set_progress(0, None, "reading")
        try:
            outcome = imports.process(reg, stashed, commit=commit, filename=meta.get("filename", filename))
        except imports.ImportRefused as e:
            imports.discard(token)
            return {"kind": "import", "commit": commit, "register": register_key, "refused": str(e)}
        keep = not commit and not outcome.errors and (outcome.creates or outcome.updates)
        if not keep:
            imports.discard(token)
        set_progress(1, 1, "finished")
        return {
            "kind": "import",
            "commit": commit,
            "register": register_key,
            "token": token if keep else None,
            "filename": meta.get("filename", filename),
            "outcome": asdict(outcome),
        }


# --- scheduled sweeps (enqueued by `rq cron app/jobs/cron.py`, or run by cron through the CLI) ---


def escalate() -> dict:
    """The 督办预警 sweep (reminders, 督办, 通报 of every time rule), once at a time across workers."""
    from app.maintenance.locks import exclusive_sweep

    with app().app_context():
        return exclusive_sweep()


def open_month() -> int:
    """This month's empty 团长 monthly checks (idempotent: a second run creates nothing)."""
    from app.core import clock
    from app.maintenance.locks import exclusive
    from app.modules.dangjian.rules import open_month as _open

    with app().app_context():
        with exclusive("open-month") as acquired:
            if not acquired:
                return 0
            return _open(clock.today().replace(day=1))
