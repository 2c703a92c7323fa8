"""Demo ledger and escalation records: the ledger built over every register's seeded rows."""

from __future__ import annotations

from app.dues import ledger


def seed_demo(fake, rnd) -> str:
    stats = ledger.rebuild()
    return f"due ledger: {stats['changed']} changes, escalation records: {stats['recorded']} raised"
