"""Configuration. Everything can be overridden from the environment."""

import datetime as dt
import os
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("JIEDAO_INSTANCE", BASE_DIR / "instance"))


def _password_policy(password: str) -> None:
    from app.access.passwords import fab_validator

    fab_validator(password)


class Config:
    ENV_NAME = os.environ.get("JIEDAO_ENV", "development")
    # unset: a random key made on first start in SECRET_KEY_FILE (app/access/keys.py); production
    # refuses keys shorter than 32 bytes
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = os.environ.get("JIEDAO_SECRET_KEY_FILE", str(INSTANCE_DIR / "secret_key"))
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'jiedao.db'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # a page reading the due ledger runs the sweep itself when none ran for this long (the
    # scheduler sweeps every 15 minutes, so with it up no page does)
    DUES_STALE_MINUTES = int(os.environ.get("JIEDAO_DUES_STALE_MINUTES", "30"))

    APP_NAME = os.environ.get("JIEDAO_APP_NAME", "街道工作台账")
    APP_THEME = ""
    TIMEZONE = os.environ.get("JIEDAO_TIMEZONE", "Asia/Shanghai")
    CLOCK_AT = None  # the real time; only the test configuration anchors the clock (app/core/clock.py)

    # Security: tables are built by Alembic, roles by `flask --app run init-roles`.
    FAB_CREATE_DB = False
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "系统管理员"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    FAB_ADD_SECURITY_API = True
    FAB_API_SWAGGER_UI = True
    FAB_SECURITY_MANAGER_CLASS = "app.access.security.JiedaoSecurityManager"
    FAB_UPDATE_PERMS = False  # synced by `flask --app run init`, not at every start
    # FAB's own login limit stays off: app/access/ratelimit.py limits failed sign-ins per account
    # and per address (LOGIN_RATE_LIMIT_* below), counted in the database (every process sees them).
    AUTH_RATE_LIMITED = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # behind HTTPS in production: cookies only over TLS, and HSTS (app/ops.py)
    SESSION_COOKIE_SECURE = ENV_NAME == "production"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("JIEDAO_SESSION_SECONDS", 8 * 3600))
    # API tokens (app/access/api.py): access tokens live 15 min; a refresh token no longer than a
    # browser session unless set otherwise
    JWT_ACCESS_TOKEN_EXPIRES = dt.timedelta(seconds=int(os.environ.get("JIEDAO_API_TOKEN_SECONDS", 15 * 60)))
    JWT_REFRESH_TOKEN_EXPIRES = dt.timedelta(
        seconds=int(os.environ.get("JIEDAO_REFRESH_TOKEN_SECONDS", PERMANENT_SESSION_LIFETIME))
    )
    # Access (app/access, README "Security"): limits of failed sign-ins (None = off), idle timeout, password
    # policy for new passwords, optional TOTP (TOTP_REQUIRED: compulsory for roles seeing personal data)
    LOGIN_RATE_LIMIT_ACCOUNT = os.environ.get("JIEDAO_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes") or None
    LOGIN_RATE_LIMIT_ADDRESS = os.environ.get("JIEDAO_LOGIN_LIMIT_ADDRESS", "30 per 15 minutes") or None
    RATELIMIT_KEY_PREFIX = "jiedao"
    SESSION_IDLE_SECONDS = int(os.environ.get("JIEDAO_IDLE_SECONDS", 30 * 60)) or None
    PASSWORD_MIN_LENGTH = int(os.environ.get("JIEDAO_PASSWORD_MIN_LENGTH", 10))
    FAB_PASSWORD_COMPLEXITY_ENABLED = True
    FAB_PASSWORD_COMPLEXITY_VALIDATOR = _password_policy
    TOTP_REQUIRED = os.environ.get("JIEDAO_TOTP_REQUIRED", "") in ("1", "true", "yes")
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None

    # i18n: FAB's catalogs first, ours second (ours win where both define a msgid).
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = {
        "zh": {"flag": "cn", "name": "简体中文"},
        "zh_TW": {"flag": "tw", "name": "繁體中文"},
        "en": {"flag": "gb", "name": "English"},
    }

    # Attachments live outside FAB's UPLOAD_FOLDER: FAB serves that folder to any reader of any
    # view (ModelView.download); ours are served only through their row's scope.
    UPLOAD_FOLDER = str(INSTANCE_DIR / "fab-uploads")
    ATTACHMENT_FOLDER = os.environ.get("JIEDAO_ATTACHMENT_FOLDER", str(INSTANCE_DIR / "attachments"))
    ATTACHMENT_MAX_BYTES = int(os.environ.get("JIEDAO_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
    MAX_CONTENT_LENGTH = ATTACHMENT_MAX_BYTES + 1024 * 1024
    ATTACHMENT_TYPES = {
        ".pdf": "application/pdf",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".doc": "application/msword",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xls": "application/vnd.ms-excel",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".txt": "text/plain",
    }

    # Redis (optional): when REDIS_URL is set, Flask-Limiter's counters, the cache and the job queue live
    # there, shared by every process; without it everything works in one process (embedded default).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_ENABLED = os.environ.get("JIEDAO_RATELIMIT_ENABLED", "1") == "1"  # FAB defaults it to False
    # Flask-Caching (app/cache.py): Redis shared by every process, else one process's memory
    CACHE_TYPE = "RedisCache" if REDIS_URL else "SimpleCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = "jiedao:cache:"
    CACHE_DEFAULT_TIMEOUT = 300

    # Production (README "Deployment"): reverse proxy, background jobs, logs, retention
    PROXY_FIX = os.environ.get("JIEDAO_PROXY_FIX", "0") == "1"  # trust X-Forwarded-* from the proxy
    PROXY_FIX_HOPS = {
        k: int(os.environ.get(f"JIEDAO_PROXY_FIX_{k.upper()}", d))
        for k, d in (("x_for", 1), ("x_proto", 1), ("x_host", 1), ("x_port", 0), ("x_prefix", 0))
    }
    JOB_THRESHOLD_ROWS = int(os.environ.get("JIEDAO_JOB_THRESHOLD_ROWS", 5000))  # bigger exports/imports → job
    JOB_FOLDER = os.environ.get("JIEDAO_JOB_FOLDER", str(INSTANCE_DIR / "jobs"))
    LOG_JSON = os.environ.get("JIEDAO_LOG_JSON", "1" if ENV_NAME == "production" else "0") == "1"
    AUDIT_RETENTION_DAYS = int(os.environ.get("JIEDAO_AUDIT_RETENTION_DAYS", 183))  # ≥ 6 months

    # Lists
    FAB_API_MAX_PAGE_SIZE = 100
    PAGE_SIZE = 25


# The instant the test suite runs at (the app's clock, the demo seed, the browser tests' server and
# pages): one known date, so the suite passes on any day of the year. `make test-dates` (in .ci/run)
# runs the date-sensitive tests again at the boundary dates of the Makefile's DATE_MATRIX.
TEST_TODAY_DEFAULT = "2026-11-27 10:00"


class TestConfig(Config):
    TESTING = True
    CLOCK_AT = dt.datetime.fromisoformat(os.environ.get("JIEDAO_TEST_TODAY") or TEST_TODAY_DEFAULT)
    SECRET_KEY = "jiedao-test-key-only-for-the-test-suite-0123456789"
    # the suite signs in thousands of times from 127.0.0.1 and keeps sessions for the whole run:
    # tests of these features switch them on themselves (tests/test_access.py)
    LOGIN_RATE_LIMIT_ACCOUNT = None
    LOGIN_RATE_LIMIT_ADDRESS = None
    SESSION_IDLE_SECONDS = None
    TOTP_REQUIRED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'test.db'}")
    SERVER_NAME = "localhost"
