"""Background jobs (RQ on Redis): a big export runs in a REAL `rq worker` process under the
starting user's scope; the job page survives reloads, belongs to its user, shows failures and
retries them; a big import is previewed and written in jobs. Without REDIS_URL nothing changes.

Cost: ~10 s (two worker processes start the app once each)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl

from ..conftest import ids_in_api, text
from .conftest import QUEUE, run_worker_burst

JOB_URL = re.compile(r"/jobs/([A-Za-z0-9-]+)$")


def _job_id(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    m = JOB_URL.search(response.headers["Location"])
    assert m, response.headers["Location"]
    return m.group(1)


def _xlsx_ids(data: bytes) -> list[int]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    id_col = len(rows[0]) - 1  # the export appends id as the last column of a writable register
    return [int(r[id_col]) for r in rows[1:]]


def test_export_job_runs_in_a_real_worker_with_the_users_scope(app, with_redis, clients):
    sq1, sq2 = clients("sq1"), clients("sq2")
    visible = ids_in_api(sq1, "meeting")
    everything = ids_in_api(clients("admin"), "meeting")
    assert 3 < len(visible) < len(everything)  # above the test threshold, and scope matters

    job_id = _job_id(sq1.get("/meeting/export_xlsx/"))
    page = sq1.get(f"/jobs/{job_id}")  # before the worker: the progress page, id in the URL
    assert page.status_code == 200 and 'id="job-bar"' in text(page)
    status = sq1.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "queued" and status["total"] == len(visible)
    # another user: the job does not exist for them
    assert sq2.get(f"/jobs/{job_id}").status_code == 404
    assert sq2.get(f"/jobs/{job_id}/status").status_code == 404

    done = run_worker_burst()
    assert done.returncode == 0, done.stderr[-2000:]
    status = sq1.get(f"/jobs/{job_id}/status").get_json()
    assert status["status"] == "finished", status
    assert status["percent"] == 100 and status["download"] == f"/jobs/{job_id}/download"
    page = sq1.get(f"/jobs/{job_id}")  # a reload shows the result
    assert 'id="job-download"' in text(page)

    assert sq2.get(f"/jobs/{job_id}/download").status_code == 404
    r = sq1.get(f"/jobs/{job_id}/download")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in r.headers["Content-Disposition"]
    ids = _xlsx_ids(r.get_data())
    assert sorted(ids) == sorted(visible)  # exactly the scoped list: nothing the user cannot see
    (Path(app.config["JOB_FOLDER"]) / f"{job_id}.xlsx").unlink()  # the file was where the worker put it


def test_small_exports_and_no_redis_stay_in_the_request(app, clients, with_redis, monkeypatch):
    sq1 = clients("sq1")
    monkeypatch.setitem(app.config, "JOB_THRESHOLD_ROWS", 100000)
    r = sq1.get("/meeting/export_xlsx/")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet") and r.get_data()[:2] == b"PK"
    monkeypatch.setitem(app.config, "JOB_THRESHOLD_ROWS", 3)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    r = sq1.get("/meeting/export_xlsx/")
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet") and r.get_data()[:2] == b"PK"
    assert sq1.get("/jobs/00000000-0000").status_code == 404


def test_a_failed_job_shows_its_reason_and_can_be_retried(app, with_redis, clients):
    from rq import Queue, SimpleWorker

    from app.jobs import tasks

    sq1 = clients("sq1")
    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username="sq1").id
    q = Queue(QUEUE, connection=with_redis)
    job = q.enqueue(
        tasks.export_register,
        kwargs={"user_id": user_id, "register_key": "no_such_register"},
        meta={"user_id": user_id, "kind": "export", "label": "x"},
    )
    with app.app_context():
        SimpleWorker([q], connection=with_redis).work(burst=True)
    status = sq1.get(f"/jobs/{job.id}/status").get_json()
    assert status["status"] == "failed" and "no list page for register no_such_register" in status["reason"]
    page = text(sq1.get(f"/jobs/{job.id}"))
    assert 'id="job-reason"' in page and "JobRefused" in page and 'id="job-retry"' in page
    r = sq1.post_form(f"/jobs/{job.id}/retry", {}, form_url=f"/jobs/{job.id}")
    assert r.status_code == 302
    assert sq1.get(f"/jobs/{job.id}/status").get_json()["status"] == "queued"
    assert clients("sq2").post_form(f"/jobs/{job.id}/retry", {}, form_url="/meeting/list/").status_code == 404


def test_a_big_import_is_previewed_and_written_in_jobs(app, with_redis, clients):
    from rq import Queue, SimpleWorker

    from app.common.models import Meeting
    from app.extensions import db

    admin = clients("admin")
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            admin.get(
                "/meeting/export_xlsx/?pages=current&_oc_MeetingView=planned_start&_od_MeetingView=asc"
            ).get_data()
        )
    ).worksheets[0]
    header = [c.value for c in sheet[1]]
    from flask_babel import force_locale

    from app.core import clock, registry

    with app.test_request_context(), force_locale("zh"):
        title_col = header.index(str(registry.get("meeting").label("title")))
        start_col = header.index(str(registry.get("meeting").label("planned_start")))
    # meetings already past (other tests may leave a "held" meeting in the future, which the rules refuse)
    rows = [
        [c.value for c in row]
        for row in sheet.iter_rows(min_row=2)
        if row[start_col].value is not None and row[start_col].value < clock.now()
    ][:5]
    assert len(rows) > 3
    for r in rows:
        r[title_col] = f"{r[title_col]}·prod"
    book = openpyxl.Workbook()
    out = book.active
    out.append(header)
    for r in rows:
        out.append(r)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    r = admin.post_form(
        "/meeting/import_xlsx/",
        {"file": (data, "big.xlsx")},
        form_url="/meeting/import_xlsx/",
        content_type="multipart/form-data",
    )
    job_id = _job_id(r)
    q = Queue(QUEUE, connection=with_redis)
    with app.app_context():
        SimpleWorker([q], connection=with_redis).work(burst=True)
    preview = text(admin.get(f"/jobs/{job_id}"))
    m = re.search(r'action="(/meeting/import_confirm/[^"]+)"', preview)
    summary = re.search(r'id="import-summary">(.*?)</p>', preview, re.S)
    errors = re.search(r'id="import-errors">(.*?)</table>', preview, re.S)
    assert m, (summary and summary.group(1), errors and re.sub(r"\s+", " ", errors.group(1))[:1500])
    r = admin.post_form(m.group(1), {}, form_url="/meeting/import_xlsx/")
    job2 = _job_id(r)
    with app.app_context():
        SimpleWorker([q], connection=with_redis).work(burst=True)
        page = text(admin.get(f"/jobs/{job2}"))
        assert 'id="job-done"' in page, page[:2000]
        ids = [int(r[-1]) for r in rows]
        titles = dict(db.session.query(Meeting.id, Meeting.title).filter(Meeting.id.in_(ids)).all())
        assert all(t.endswith("·prod") for t in titles.values())
        for row_id, t in titles.items():  # put the titles back for the other tests
            db.session.query(Meeting).filter_by(id=row_id).update({"title": t[: -len("·prod")]})
        db.session.commit()
