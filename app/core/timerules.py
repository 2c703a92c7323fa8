"""Time rules as code: each register declares TimeRule objects; collect() runs them.

A rule is a function of `now` that returns the register's open rows that are
due soon or overdue (Due). The escalation list, the sweep and the calendar read
them through collect(), which keeps only rows inside the viewer's data scope —
adding a register never touches the engine.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import registry, scope

REMINDER, SUPERVISION, NOTICE = "reminder", "supervision", "notice"  # 提醒 → 督办 → 通报


@dataclass(frozen=True)
class Due:
    rule: str  # "TR-20"
    row_id: int | None  # None: a period without its record (a missing report, a Tuesday without its action)
    due_at: dt.datetime
    title: str
    owner_id: int | None = None  # who must act
    stage: str | None = None  # set to override the default ladder
    org_unit_id: int | None = None  # a missing row's unit (its community …), so scoped readers see it

    @property
    def row_key(self) -> int:
        """row_id; for a missing row (None) a stable negative id of (rule, title, due time), so the
        sweep records each missing period once and the page can tell them apart."""
        if self.row_id is not None:
            return self.row_id
        digest = zlib.crc32(f"{self.rule}|{self.title}|{self.due_at:%Y%m%d%H%M}".encode())
        return -(digest & 0x7FFFFFFF) - 1


@dataclass(frozen=True)
class TimeRule:
    code: str  # "TR-20", or a register-local code for inferred rules
    label: Any  # lazy_gettext text
    check: Callable[[dt.datetime], Iterable[Due]]
    soon: dt.timedelta = dt.timedelta(days=3)  # how early a reminder starts


def stage_of(due: Due, now: dt.datetime) -> str:
    """Default ladder: before the due time → 提醒; after → 督办; still open after the
    month of the due date has ended → 通报 (the month-end 公示, domain §9.7)."""
    if due.stage:
        return due.stage
    if now < due.due_at:
        return REMINDER
    month_end = (due.due_at.replace(day=28) + dt.timedelta(days=4)).replace(day=1, hour=0, minute=0, second=0)
    return NOTICE if now >= month_end else SUPERVISION


def collect(now: dt.datetime, registers=None) -> list[tuple[registry.Register, Due]]:
    """Every rule's Due rows, restricted to the current user's read scope."""
    from app.extensions import db

    out = []
    for reg in registers or registry.all_registers():
        dues = [d for rule in reg.time_rules for d in rule.check(now)]
        if not dues:
            continue
        cond = scope.clause(reg, scope.principal(), "read")
        if cond is not None:
            ids = {d.row_id for d in dues if d.row_id is not None}
            visible = (
                set(db.session.execute(sa.select(reg.model.id).where(reg.model.id.in_(ids), cond)).scalars())
                if ids
                else set()
            )
            # a missing row is seen by readers of its org unit, or (none given) of the whole register
            p = scope.principal()
            dues = [d for d in dues if d.row_id in visible] + [
                d
                for d in dues
                if d.row_id is None and d.org_unit_id is not None and scope.reads_unit(reg, p, d.org_unit_id)
            ]
        out.extend((reg, d) for d in dues)
    out.sort(key=lambda rd: rd[1].due_at)
    return out
