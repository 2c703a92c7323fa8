"""The web side of the jobs: starting them from the export/import routes (when REDIS_URL is set
and the work is above JOB_THRESHOLD_ROWS) and the page /jobs/<id> that follows one.

A job belongs to the user who started it: its page, status, file and retry answer 404 to anyone
else. The id is in the URL, so the page survives a reload; the status is polled as JSON.
"""

from __future__ import annotations

import logging
import re

from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _

from app.core.context import client_ip, current_user_id

from . import FAILURE_TTL, JOB_TIMEOUT, RESULT_TTL, enabled, folder, queue, threshold

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _locale():
    from flask import session

    return session.get("locale")


def _enqueue(func, kind: str, view, label, total, **kwargs):
    """The job, or None when Redis cannot be reached (the caller then works in the request)."""
    from redis.exceptions import RedisError

    meta = {
        "user_id": current_user_id(),
        "kind": kind,
        "register": view.register.key,
        "label": str(label),
        "done": 0,
        "total": total,
        "phase": "queued",
        "back": view._jiedao_url("list"),
    }
    try:
        return queue().enqueue(
            func,
            kwargs={
                "user_id": current_user_id(),
                "register_key": view.register.key,
                "locale": _locale(),
                "ip": client_ip(),
                **kwargs,
            },
            meta=meta,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            job_timeout=JOB_TIMEOUT,
        )
    except RedisError:
        log.warning("job queue unreachable: %s runs in the request", kind, exc_info=True)
        return None


def export_as_job(view):
    """A redirect to the job's page when the export is big enough for a job, else None."""
    from . import tasks
    from .counting import count_rows

    if not enabled() or request.args.get("pages") == "current":
        return None
    total = count_rows(view)
    if total <= threshold():
        return None
    job = _enqueue(
        tasks.export_register,
        "export",
        view,
        _("Export %(register)s", register=view.register.name),
        total,
        query_string=request.query_string.decode("latin-1"),
    )
    return redirect(url_for("JobView.show", job_id=job.id)) if job else None


def _sheet_rows(stream) -> int:
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True)
        try:
            sheet = book.worksheets[0]
            n = sheet.max_row
            if n is None:
                n = sum(1 for _row in sheet.iter_rows(values_only=True))
            return max(n - 1, 0)
        finally:
            book.close()
    except Exception:  # not a workbook: the request path reports it as today
        return 0
    finally:
        stream.seek(0)


def import_as_job(view):
    """A big upload (POST to import_xlsx): stash it and preview it in a job. None otherwise."""
    from app.core import imports

    from . import tasks

    if not enabled() or request.method != "POST":
        return None
    upload = request.files.get("file")
    if upload is None or not upload.filename or _sheet_rows(upload.stream) <= threshold():
        return None
    token, _path = imports.stash(view.register, upload)
    job = _enqueue(
        tasks.import_register,
        "import",
        view,
        _("Import %(register)s", register=view.register.name),
        None,
        token=token,
        commit=False,
        filename=upload.filename,
    )
    if job is None:
        imports.discard(token)
        return None
    return redirect(url_for("JobView.show", job_id=job.id))


def confirm_as_job(view, token: str):
    """The confirmation of a big previewed upload: the write runs in a job. None otherwise."""
    from app.core import imports

    from . import tasks

    if not enabled():
        return None
    found = imports.unstash(view.register, token)
    if found is None:
        return None
    path, meta = found
    with open(path, "rb") as fh:
        if _sheet_rows(fh) <= threshold():
            return None
    job = _enqueue(
        tasks.import_register,
        "import",
        view,
        _("Import %(register)s", register=view.register.name),
        None,
        token=token,
        commit=True,
        filename=meta.get("filename", ""),
    )
    return redirect(url_for("JobView.show", job_id=job.id)) if job else None


# --- the job's page ---------------------------------------------------------------------------


def _status(job) -> str:
    status = job.get_status(refresh=True)
    return getattr(status, "value", status) or "unknown"


def _reason(job) -> str:
    """The failure's last line (exception and message), not the whole traceback."""
    text = ""
    try:
        result = job.latest_result()
        text = (result.exc_string if result is not None else "") or ""
    except Exception:  # older results without a Result record
        text = ""
    text = text or (job.exc_info or "")
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else _("The job stopped without a reason.")


def _outcome(data):
    from app.core.imports import Outcome, Problem

    data = dict(data)
    data["errors"] = [Problem(**p) for p in data.get("errors", [])]
    return Outcome(**data)


class JobView(BaseView):
    """/jobs/<id>: progress, result, download, retry — for the user who started the job only."""

    route_base = "/jobs"
    default_view = "show"

    def _job(self, job_id: str):
        from flask_login import current_user
        from rq.exceptions import NoSuchJobError
        from rq.job import Job

        from . import connection

        if not current_user.is_authenticated:
            return None
        if not enabled() or not JOB_ID.match(job_id):
            abort(404)
        try:
            job = Job.fetch(job_id, connection=connection())
        except NoSuchJobError:
            abort(404)
        if job.meta.get("user_id") != current_user_id():
            abort(404)  # another user's job does not exist for you
        return job

    def _login(self):
        return redirect(url_for(self.appbuilder.sm.auth_view.endpoint + ".login", next=request.full_path))

    @expose("/<job_id>")
    def show(self, job_id):
        job = self._job(job_id)
        if job is None:
            return self._login()
        status = _status(job)
        result = job.return_value() if status == "finished" else None
        view = None
        if result and result.get("kind") == "import":
            from .tasks import find_view

            view = find_view(self.appbuilder.app, result["register"])
            if "outcome" in result and not (result["commit"] and result["outcome"]["written"]):
                from app.core import imports

                token = result.get("token")
                return imports._render(
                    view,
                    outcome=_outcome(result["outcome"]),
                    token=token,
                    filename=result.get("filename"),
                    refused=_("Nothing was imported.") if result["commit"] else None,
                    confirm_url=view._jiedao_url("import_confirm", token=token) if token else None,
                )
        return self.render_template(
            "jobs/show.html",
            job=job,
            status=status,
            result=result,
            title=job.meta.get("label", _("Job")),
            reason=_reason(job) if status == "failed" else None,
            back=job.meta.get("back"),
            outcome=_outcome(result["outcome"]) if result and "outcome" in result else None,
        )

    @expose("/<job_id>/status")
    def status(self, job_id):
        job = self._job(job_id)
        if job is None:
            return jsonify(status="unauthorized"), 401
        status = _status(job)
        meta = job.get_meta(refresh=True)
        done, total = meta.get("done") or 0, meta.get("total")
        percent = 100 if status == "finished" else (min(99, int(100 * done / total)) if total else None)
        body = {
            "id": job.id,
            "status": status,
            "phase": meta.get("phase"),
            "done": done,
            "total": total,
            "percent": percent,
            "page": url_for("JobView.show", job_id=job.id),
        }
        if status == "failed":
            body["reason"] = _reason(job)
        if status == "finished":
            result = job.return_value() or {}
            if result.get("file"):
                body["download"] = url_for("JobView.download", job_id=job.id)
        return jsonify(body)

    @expose("/<job_id>/download")
    def download(self, job_id):
        job = self._job(job_id)
        if job is None:
            return self._login()
        result = job.return_value() if _status(job) == "finished" else None
        if not result or not result.get("file"):
            abort(404)
        path = folder() / result["file"]
        if not path.is_file():
            abort(404)
        from app.core.spreadsheets import XLSX_MIMETYPE, content_disposition

        response = send_file(path, mimetype=XLSX_MIMETYPE, max_age=0)
        response.headers["Content-Disposition"] = content_disposition(result["filename"])
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<job_id>/retry", methods=["POST"])
    def retry(self, job_id):
        job = self._job(job_id)
        if job is None:
            return self._login()
        if _status(job) == "failed":
            job.meta.update(done=0, phase="queued")
            job.save_meta()
            job.requeue()
            flash(_("The job was queued again."), "info")
        return redirect(url_for("JobView.show", job_id=job.id))


def register_views(appbuilder) -> None:
    appbuilder.add_view_no_menu(JobView)
