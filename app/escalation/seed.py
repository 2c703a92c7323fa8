"""Demo ledger and escalation records: the ledger built once over every register's seeded rows."""

from __future__ import annotations

from app.dues import ledger


def seed_demo(fake, rnd) -> str:
    if ledger.swept_at() is not None:
        return "due ledger: already there"
    stats = ledger.rebuild()
    return f"due ledger: {stats['changed']} changes, escalation records: {stats['recorded']} raised"
