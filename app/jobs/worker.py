"""`rq worker -w app.jobs.worker.Worker`: builds the Flask app once in the worker process, before
RQ forks a work horse per job (without it every job would build the app again: ~2–10 s each)."""

from __future__ import annotations

from rq import Worker as _Worker


class Worker(_Worker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from . import tasks

        tasks.app()
