"""Retention of the audit and login logs (audit_log: row changes, logins, failed logins, imports,
clear views of personal data). Kept at least 183 days (6 months, China's Cybersecurity Law
art. 21); `flask --app run purge-logs` removes only rows older than the retention period."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.extensions import db

MIN_DAYS = 183


class RetentionRefused(ValueError):
    pass


def retention_days(days: int | None = None) -> int:
    days = int(days if days is not None else current_app.config.get("AUDIT_RETENTION_DAYS", MIN_DAYS))
    if days < MIN_DAYS:
        raise RetentionRefused(f"logs are kept at least {MIN_DAYS} days (6 months); refusing {days}")
    return days


def cutoff(days: int | None = None) -> dt.datetime:
    """Rows strictly older than this instant may go."""
    return clock.now() - dt.timedelta(days=retention_days(days))


def purge(days: int | None = None, dry_run: bool = False) -> tuple[int, dt.datetime]:
    from app.common.models import AuditLog

    limit = cutoff(days)
    where = AuditLog.at < limit
    if dry_run:
        n = db.session.execute(sa.select(sa.func.count()).select_from(AuditLog).where(where)).scalar()
        return n, limit
    n = db.session.execute(sa.delete(AuditLog).where(where)).rowcount
    db.session.commit()
    return n, limit
