"""Demo escalation records: one sweep over every register that has seeded its rows."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db

from . import engine
from .models import EscalationRecord


def seed_demo(fake, rnd) -> str:
    if db.session.execute(sa.select(EscalationRecord.id).limit(1)).first() is not None:
        return "escalation records: already there"
    result = engine.sweep()
    return f"escalation records: {result['recorded']} raised"
