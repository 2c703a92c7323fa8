"""The escalation engine: what is due now (on demand) and the sweep that records it.

It knows no register by name: every register declares its TimeRule objects and
app.core.timerules.collect() runs them. A Due whose row_id is None stands
for a row that is missing (e.g. a monthly list not made yet): it links to the list page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock, registry, timerules
from app.core.rules import RuleViolation
from app.extensions import db

from .models import EscalationRecord, EscalationStage


def check_record(rec) -> None:
    if rec.id is None and not rec.register_key:
        raise RuleViolation(_("Escalation records are raised by the sweep, not entered by hand."))


@dataclass
class Entry:
    """One line of the 督办预警 page."""

    register: Any
    due: timerules.Due
    stage: str
    org_unit: Any
    owner: Any
    rule_label: Any
    now: dt.datetime

    @property
    def overdue(self) -> bool:
        return self.now >= self.due.due_at

    @property
    def late(self) -> dt.timedelta:
        return self.now - self.due.due_at

    @property
    def late_text(self) -> str:
        delta = self.late if self.overdue else self.due.due_at - self.now
        days, hours = delta.days, delta.seconds // 3600
        text = _("%(days)s d %(hours)s h", days=days, hours=hours) if days else _("%(hours)s h", hours=hours)
        return _("%(time)s late", time=text) if self.overdue else _("due in %(time)s", time=text)

    @property
    def url(self) -> str:
        if self.due.row_id is not None and self.due.row_id > 0 and self.register.views:
            return f"/{self.register.key}/show/{self.due.row_id}"
        return self.register.list_url


def _row_org_units(reg, ids) -> dict[int, Any]:
    """Org unit of each row (one query per register)."""
    from app.org.models import OrgUnit

    ids = [i for i in ids if i > 0]
    col = getattr(reg.model, reg.scope_column, None)
    if not ids or col is None:
        return {}
    rows = db.session.execute(
        sa.select(reg.model.id, OrgUnit).join(OrgUnit, OrgUnit.id == col).where(reg.model.id.in_(ids))
    )
    return {rid: org for rid, org in rows}


def _street():
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    return (
        db.session.execute(sa.select(OrgUnit).where(OrgUnit.unit_type == OrgUnitType.street).order_by(OrgUnit.id))
        .scalars()
        .first()
    )


def due_now(now: dt.datetime | None = None) -> list[Entry]:
    """Everything overdue or due soon in the current user's scope, most urgent first."""
    from app.org.models import AppUser

    now = now or clock.now()
    pairs = timerules.collect(now)
    by_reg: dict[str, list] = {}
    for reg, due in pairs:
        by_reg.setdefault(reg.key, []).append(due.row_key)
    orgs = {key: _row_org_units(registry.get(key), ids) for key, ids in by_reg.items()}
    owner_ids = {d.owner_id for _r, d in pairs if d.owner_id}
    owners = (
        {u.id: u for u in db.session.execute(sa.select(AppUser).where(AppUser.id.in_(owner_ids))).scalars()}
        if owner_ids
        else {}
    )
    street = None
    out = []
    for reg, due in pairs:
        org = orgs[reg.key].get(due.row_key)
        if org is None:
            street = street or _street()
            org = street
        label = next((r.label for r in reg.time_rules if r.code == due.rule), due.rule)
        out.append(Entry(reg, due, timerules.stage_of(due, now), org, owners.get(due.owner_id), label, now))
    out.sort(key=lambda e: e.due.due_at)
    return out


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Record each (register, row, rule, stage) once; mark records whose row is no longer due resolved.

    Insert-if-absent against the unique constraint, so two runs (or two overlapping cron
    runs) never record a stage twice. Runs without a request: every register, no scope.
    """
    now = now or clock.now()
    pairs = timerules.collect(now)
    street = _street()
    orgs = {}
    for reg in {r for r, _d in pairs}:
        orgs[reg.key] = {i: o.id for i, o in _row_org_units(reg, [d.row_key for r, d in pairs if r is reg]).items()}
    rows = []
    current = set()
    for reg, due in pairs:
        stage = timerules.stage_of(due, now)
        current.add((reg.key, due.row_key, due.rule))
        rows.append(
            {
                "register_key": reg.key,
                "row_id": due.row_key,
                "rule_code": due.rule,
                "stage": EscalationStage[stage],
                "due_at": due.due_at,
                "raised_at": now,
                "responsible_person_id": due.owner_id,
                "title": (due.title or "")[:300],
                "org_unit_id": orgs[reg.key].get(due.row_key, street.id if street else None),
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "is_deleted": False,
            }
        )
    inserted = 0
    if rows:
        dialect = db.session.get_bind().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = EscalationRecord.__table__
        stmt = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["register_key", "row_id", "rule_code", "stage"])
            .returning(table.c.id)
        )
        for row in rows:  # RETURNING yields the id only when the row was new (rowcount is -1 on psycopg)
            inserted += len(db.session.execute(stmt.values(**row)).all())
    resolved = 0
    open_records = db.session.execute(
        sa.select(EscalationRecord).where(
            EscalationRecord.resolved_at.is_(None), EscalationRecord.is_deleted.is_(False)
        )
    ).scalars()
    for rec in open_records:
        if (rec.register_key, rec.row_id, rec.rule_code) not in current:
            rec.resolved_at = now
            resolved += 1
    db.session.commit()
    return {"due": len(rows), "recorded": inserted, "resolved": resolved}
