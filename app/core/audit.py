"""Audit trail: every insert, update and delete of a register row, written in the
same transaction by a session event, with the field-level diff; logins too."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json

import sqlalchemy as sa
from sqlalchemy import event, inspect

from . import clock, registry
from .context import client_ip, current_user_id

NOISE = {"updated_at", "updated_by_id", "version", "created_at", "created_by_id"}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "__table__"):  # a related row
        return getattr(value, "id", None)
    return value


def _diff(obj, inserting: bool) -> dict:
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in NOISE or key == "id":
            continue
        hist = state.attrs[key].history
        if inserting:
            new = hist.added[0] if hist.added else getattr(obj, key)
            if new not in (None, "", False):
                out[key] = [None, _plain(new)]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            out[key] = [_plain(old), _plain(new)]
    for rel in state.mapper.relationships:
        if rel.uselist and rel.secondary is not None:
            hist = state.attrs[rel.key].history
            if hist.has_changes():
                out[rel.key] = [sorted(_plain(v) for v in hist.deleted), sorted(_plain(v) for v in hist.added)]
    return out


def _entries(session):
    for obj, kind in [(o, "insert") for o in session.new] + [(o, "update") for o in session.dirty]:
        reg = registry.for_model(type(obj))
        if reg is None or not reg.writable:
            continue
        diff = _diff(obj, kind == "insert")
        if kind == "update":
            if not diff:
                continue
            if diff.get("is_deleted") == [False, True]:
                kind = "delete"
            elif diff.get("is_deleted") == [True, False]:
                kind = "restore"  # from the recycle bin
        yield reg, obj, kind, diff
    for obj in session.deleted:
        reg = registry.for_model(type(obj))
        if reg is not None and reg.writable:
            yield reg, obj, "delete", {}


def _after_flush(session, flush_context):
    from app.common.models import AuditLog

    rows = []
    for reg, obj, action, diff in _entries(session):
        rows.append(
            {
                "at": clock.now(),
                "user_id": current_user_id(),
                "action": action,
                "register_key": reg.key,
                "row_id": obj.id,
                "org_unit_id": getattr(obj, reg.scope_column, None),
                "diff": json.dumps(diff, ensure_ascii=False, default=str),
                "ip": client_ip(),
            }
        )
    if rows:
        session.connection().execute(sa.insert(AuditLog.__table__), rows)


def log_event(action: str, user_id: int | None, detail: dict | None = None) -> None:
    """Logins and other non-row events, in their own transaction."""
    from app.common.models import AuditLog
    from app.extensions import db

    db.session.execute(
        sa.insert(AuditLog.__table__).values(
            at=clock.now(),
            user_id=user_id,
            action=action,
            ip=client_ip(),
            diff=json.dumps(detail or {}, ensure_ascii=False),
        )
    )
    db.session.commit()


def install(session) -> None:
    if not event.contains(session, "after_flush", _after_flush):
        event.listen(session, "after_flush", _after_flush)
