"""gunicorn settings for Jiedao (`make serve`). Every value can be overridden from the environment.

    gunicorn -c gunicorn.conf.py run:app

Workers are separate processes: nothing that must be shared lives in a process (sessions are
signed cookies backed by database rows, failed sign-ins are counted in the database, the cache and
job queue are in Redis when REDIS_URL is set,
uploads and job files in the instance folder, which must be shared storage across machines).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 4))  # gthread worker: one thread per request in flight
worker_class = "gthread"
# a big export streams its file only once written: give requests time; bigger ones run as jobs
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))  # recycle workers: bounds slow leaks
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
limit_request_field_size = 16384
# gunicorn itself trusts X-Forwarded-* only from these addresses; the app's ProxyFix
# (JIEDAO_PROXY_FIX=1) is what makes Flask use them (client IP, https scheme, host).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
preload_app = os.environ.get("GUNICORN_PRELOAD", "0") == "1"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # the app logs each request (JSON) itself
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "jiedao"


def post_fork(server, worker):
    # connections opened before the fork (preload_app) must not be shared between processes
    try:
        from app.extensions import db

        with worker.app.wsgi().app_context():
            db.engine.dispose(close=False)
    except Exception:  # not preloaded: nothing to dispose
        pass
