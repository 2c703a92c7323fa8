"""Time rules as code: each register declares TimeRule objects; collect() runs them.

A rule is a function of `now` that returns the register's open rows that are
due soon or overdue (Due). The escalation list, the sweep and the calendar read
them through collect(), which keeps only rows inside the viewer's data scope —
adding a register never touches the engine.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable, Sequence
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
    module: str | None = None  # the row's own module, where the register has a module column

    @property
    def row_key(self) -> int:
        """row_id; for a missing row (None) a stable negative id of (rule, title, due time), so the
        sweep records each missing period once and the page can tell them apart."""
        if self.row_id is not None:
            return self.row_id
        digest = zlib.crc32(f"{self.rule}|{self.title}|{self.due_at:%Y%m%d%H%M}".encode())
        return -(digest & 0x7FFFFFFF) - 1


END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class TimeRule:
    """One deadline of a register.

    The common shape is *declared*: `deadline` (a column; a Date means its end of day) plus
    `after`, `open` (the SQL condition for "not done yet"), `owner` and `title`. From that the
    engine derives the query for every row, for one written row and for the reference recompute
    (`declared_dues`). An irregular rule (a missing record, a patrol frequency, a ranking) gives
    `check(now)` instead and reports its own Due rows.
    """

    code: str  # "TR-20", or a register-local code for inferred rules
    label: Any  # lazy_gettext text
    check: Callable[[dt.datetime], Iterable[Due]] | None = None  # irregular rules
    soon: dt.timedelta = dt.timedelta(days=3)  # how early the reminder (提醒) starts
    deadline: str | None = None  # column holding the deadline
    after: dt.timedelta = dt.timedelta(0)  # due = deadline column + after (15 days after receipt)
    end_of_day: bool = False  # a DateTime deadline counts to the end of its day (held "the same day")
    open: Callable[[type], Any] | None = None  # model -> SQL condition: the row still owes this
    owner: str | Callable[[Any], int | None] | None = None  # column holding the user who must act, or row -> id
    title: str | Callable[[Any], str] | None = None  # column, or row -> text
    stage: str | None = None  # a fixed stage instead of the ladder
    # other registers whose writes change these dues: a key (the whole rule is recomputed), or
    # (key, ids -> this register's row ids) to recompute just those rows (declared or per_row rules)
    watch: Sequence[Any] = ()
    manual_close: bool = True  # may a 督办 role close (销号) the due by hand
    per_row: bool = False  # an irregular check that takes `ids=` (the rows a write touched) as well
    daily: bool = False  # an irregular check whose answer changes only with the date: one sweep a day

    @property
    def declared(self) -> bool:
        return self.check is None


def _due_of(value: Any, after: dt.timedelta, end_of_day: bool = False) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, END_OF_DAY)
    elif end_of_day:
        value = dt.datetime.combine(value.date(), END_OF_DAY)
    return value + after


def _due_by(column, bound: dt.datetime, after: dt.timedelta, end_of_day: bool = False):
    """SQL: the column's due time (_due_of) is <= bound, compared in the column's own type."""
    limit = bound - after
    if isinstance(column.type, sa.DateTime) and not end_of_day:
        return column <= limit
    day = limit.date() if limit.time() >= END_OF_DAY else limit.date() - dt.timedelta(days=1)
    if isinstance(column.type, sa.DateTime):  # any time of a day whose end is due by the bound
        return column < dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
    return column <= day


def declared_dues(reg, rule: TimeRule, now: dt.datetime | None = None, ids=None) -> list[Due]:
    """A declared rule's Due rows: every open row (now=None), or those due by now + soon; only
    the rows `ids` when given. No scope: callers decide who sees them."""
    from app.extensions import db

    model = reg.model
    column = getattr(model, rule.deadline)
    query = sa.select(model).where(column.is_not(None))
    if hasattr(model, "is_deleted"):
        query = query.where(model.is_deleted.is_(False))
    if rule.open is not None:
        query = query.where(rule.open(model))
    if now is not None:
        query = query.where(_due_by(column, now + rule.soon, rule.after, rule.end_of_day))
    if ids is not None:
        query = query.where(model.id.in_(sorted(ids)))
    out = []
    for row in db.session.execute(query).scalars():
        if callable(rule.title):
            title = rule.title(row)
        elif rule.title:
            title = getattr(row, rule.title)
        else:
            title = str(row)
        if callable(rule.owner):  # a parent's user (watch= its register), or one column falling back on another
            owner = rule.owner(row)
        else:
            owner = getattr(row, rule.owner) if rule.owner else None
        unit = getattr(row, reg.scope_column, None)
        module = getattr(row, reg.module_column) if reg.module_column else None
        out.append(
            Due(
                rule.code,
                row.id,
                _due_of(getattr(row, rule.deadline), rule.after, rule.end_of_day),
                str(title or ""),
                owner,
                rule.stage,
                unit,
                getattr(module, "value", module),
            )
        )
    return out


def rule_dues(reg, rule: TimeRule, now: dt.datetime) -> list[Due]:
    """What a rule reports at `now`: due soon or overdue (the reference every surface agrees with)."""
    return declared_dues(reg, rule, now) if rule.declared else list(rule.check(now))


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
        dues = [d for rule in reg.time_rules for d in rule_dues(reg, rule, now)]
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
