"""The escalation engine on top of the due ledger (app.dues): what is due now, the sweep,
and the 督办预警记录 each stage reached leaves behind.

It knows no register by name. A due without a row stands for a record that is missing (a
monthly list not made yet): it links to the list page.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock
from app.core.rules import RuleViolation
from app.dues import ledger, reads
from app.dues.ledger import STAGES_SHOWN
from app.extensions import db

from .models import EscalationRecord, EscalationStage


def check_record(rec) -> None:
    if rec.id is None and not rec.register_key:
        raise RuleViolation(_("Escalation records are raised by the sweep, not entered by hand."))


def _record_stages(changes: list[ledger.Change], now: dt.datetime, stats) -> None:
    """Ledger listener: a stage entered is recorded once (督办预警记录, insert-if-absent against
    the unique constraint); a due resolved resolves its records."""
    table = EscalationRecord.__table__
    rows = [
        {
            "register_key": c.register_key,
            "row_id": c.row_key,
            "rule_code": c.rule_code,
            "stage": EscalationStage[c.new],
            "due_at": c.values["due_at"],
            "raised_at": now,
            "responsible_person_id": c.values["owner_id"],
            "title": (c.values["title"] or "")[:300],
            "org_unit_id": c.values["org_unit_id"] or _street_id(),
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "is_deleted": False,
        }
        for c in changes
        if c.new in STAGES_SHOWN
    ]
    if rows:
        stmt = (
            ledger.dialect_insert(db.session)(table)
            .on_conflict_do_nothing(index_elements=["register_key", "row_id", "rule_code", "stage"])
            .returning(table.c.id)
        )
        for row in rows:  # RETURNING yields the id only when the row was new (rowcount is -1 on psycopg)
            stats["recorded"] += len(db.session.execute(stmt.values(**row)).all())
    for c in changes:
        if c.new is None:
            stats["resolved"] += db.session.execute(
                sa.update(table)
                .where(
                    table.c.register_key == c.register_key,
                    table.c.row_id == c.row_key,
                    table.c.rule_code == c.rule_code,
                    table.c.resolved_at.is_(None),
                )
                .values(resolved_at=now)
            ).rowcount


ledger.on_change(_record_stages)


def _street_id():
    street = _street()
    return street.id if street else None


def _street():
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    return (
        db.session.execute(sa.select(OrgUnit).where(OrgUnit.unit_type == OrgUnitType.street).order_by(OrgUnit.id))
        .scalars()
        .first()
    )


def due_now(now: dt.datetime | None = None, where=None, limit: int | None = None) -> list[reads.Item]:
    """Everything overdue or due soon in the current user's scope, most urgent first (the ledger,
    brought up to date first if no sweep ran lately)."""
    now = now or clock.now()
    ledger.ensure_current(now)
    return reads.items(now, where=where, limit=limit)


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """The ledger's sweep (app.dues.ledger.sweep); each stage reached is recorded once.

    Runs without a request: every register, no scope."""
    stats = ledger.sweep(now or clock.now())
    return {"due": stats["due"], "recorded": stats["recorded"], "resolved": stats["resolved"]}
