"""Keeping the due ledger true.

Three ways in, one diff (`_sync`):
- a write: a session event notes every register row a flush touched; before the commit the
  rules of those rows (and the rules that watch their register) are recomputed, in the same
  transaction — form, API, import, workflow step, delete and restore alike, and a failed write
  rolls its ledger change back with it;
- the sweep: what time alone changes — a stored stage reached (one statement finds them), and
  the irregular rules (a period whose record is missing) run again;
- `rebuild()`: everything from the rows (the migration and `flask dues rebuild`).

Declared rules keep every open row in the ledger, also before its reminder starts (stage
"upcoming", `remind_at` in the future), so which rows are due is right at any clock without
a sweep; irregular rules keep what their function reported at the last write or sweep.
Listeners (`on_change`) hear every item opened, moved to another stage or resolved.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event

from app.core import clock, registry, timerules
from app.core.timerules import Due, TimeRule

from .models import (
    CLOSED_BY_HAND,
    DONE,
    NOTICE,
    REMINDER,
    SUPERVISION,
    UPCOMING,
    DueItem,
    DueSweep,
)

log = logging.getLogger(__name__)
T = DueItem.__table__
CHUNK = 500  # ids per IN (…) list


@dataclass(frozen=True)
class Change:
    """An item opened (old None), moved (old → new) or resolved (new None)."""

    item_id: int
    register_key: str
    row_key: int
    rule_code: str
    old: str | None
    new: str | None
    values: dict


Listener = Callable[[list[Change], dt.datetime, Counter], None]
_listeners: list[Listener] = []


def on_change(fn: Listener) -> Listener:
    """Subscribe to ledger changes (escalation records, later notifications); runs in the
    transaction that made them."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def tell(changes: list[Change], now: dt.datetime, stats: Counter) -> None:
    """Pass changes to every listener (the ledger's own ways in, and an action that closes an item)."""
    if changes:
        for fn in _listeners:
            fn(changes, now, stats)


# --- what an item should be -----------------------------------------------------------------


def month_end(at: dt.datetime) -> dt.datetime:
    """The first instant after the month of `at` (the month-end 公示 of domain §9.7)."""
    first = (at.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


def stage_at(remind_at, due_at, notice_at, fixed_stage, now: dt.datetime) -> str:
    """The stage of an item at `now` (timerules.stage_of, with the reminder's start)."""
    if now < remind_at:
        return UPCOMING
    if fixed_stage:
        return fixed_stage
    if now < due_at:
        return REMINDER
    if notice_at is not None and now >= notice_at:
        return NOTICE
    return SUPERVISION


def stage_case(now: dt.datetime):
    """stage_at() as SQL over due_item, for filters, counts and the sweep."""
    return sa.case(
        (T.c.remind_at > now, UPCOMING),
        (T.c.fixed_stage.is_not(None), T.c.fixed_stage),
        (T.c.due_at > now, REMINDER),
        (sa.and_(T.c.notice_at.is_not(None), T.c.notice_at <= now), NOTICE),
        else_=SUPERVISION,
    )


def _values(reg, rule: TimeRule, due: Due, now: dt.datetime) -> dict:
    remind = due.due_at - rule.soon
    if not rule.declared:  # the function already decided it is due now
        remind = min(remind, now)
    return {
        "register_key": reg.key,
        "row_key": due.row_key,
        "row_id": due.row_id,
        "rule_code": due.rule,
        "source": _source(reg, rule),
        "occurrence": due.due_at,
        "title": (due.title or "")[:300],
        "owner_id": due.owner_id,
        "org_unit_id": due.org_unit_id,
        "module": due.module or reg.module,
        "remind_at": remind,
        "due_at": due.due_at,
        "notice_at": None if due.stage else month_end(due.due_at),
        "fixed_stage": due.stage,
    }


COMPARED = (
    "occurrence",
    "title",
    "owner_id",
    "org_unit_id",
    "module",
    "remind_at",
    "due_at",
    "notice_at",
    "fixed_stage",
    "row_id",
)
KEPT_WHEN_EXTENDED = ("remind_at", "due_at", "notice_at")  # a 督办's new deadline outlives a recompute


def _rule_dues(reg, rule: TimeRule, now: dt.datetime, ids=None) -> list[Due]:
    """Every due the rule holds now: all open rows of a declared rule (their reminders may not
    have started), what an irregular rule reports."""
    if rule.declared:
        return timerules.declared_dues(reg, rule, None, ids)
    return list(rule.check(now))


def _fill_units(reg, dues: list[Due]) -> list[Due]:
    """An irregular rule names a row; the ledger needs the row's org unit (for scope) and module."""
    from dataclasses import replace

    from app.extensions import db

    col = getattr(reg.model, reg.scope_column, None)
    mod = getattr(reg.model, reg.module_column) if reg.module_column else sa.null()
    need = sorted({d.row_id for d in dues if d.row_id is not None})
    if col is None or not need:
        return dues
    found = {}
    for i in range(0, len(need), CHUNK):
        part = need[i : i + CHUNK]
        for rid, unit, module in db.session.execute(
            sa.select(reg.model.id, col, mod).where(reg.model.id.in_(part))
        ).all():
            found[rid] = (unit, getattr(module, "value", module))
    return [
        replace(d, org_unit_id=d.org_unit_id or found[d.row_id][0], module=d.module or found[d.row_id][1])
        if d.row_id in found
        else d
        for d in dues
    ]


# --- the diff -------------------------------------------------------------------------------


# An item's identity within (register, source rule): (row_key, rule_code, occurrence). A declared
# rule has one due per row (occurrence None: a new deadline updates the item); an irregular one
# may report a row several times (each missed weekly session of one schedule) — each is an item.
Key = tuple[int, str, "dt.datetime | None"]


def _key(rule: TimeRule, row_key: int, rule_code: str, occurrence: dt.datetime) -> Key:
    return (row_key, rule_code, None if rule.declared else occurrence)


def _source(reg, rule: TimeRule) -> str:
    """The rule's code, made unique within the register (two rules sharing a code stay apart)."""
    same = [r for r in reg.time_rules if r.code == rule.code]
    n = next(i for i, r in enumerate(same) if r is rule)
    return rule.code if n == 0 else f"{rule.code}#{n + 1}"


def _open_items(session, reg, rule: TimeRule, row_keys=None) -> dict[Key, dict]:
    base = sa.select(T).where(T.c.register_key == reg.key, T.c.source == _source(reg, rule), T.c.resolved_at.is_(None))
    parts = [base] if row_keys is None else []
    keys = sorted(row_keys or ())
    parts += [base.where(T.c.row_key.in_(keys[i : i + CHUNK])) for i in range(0, len(keys), CHUNK)]
    out: dict[Key, dict] = {}
    for part in parts:
        for r in session.execute(part):
            out[_key(rule, r.row_key, r.rule_code, r.occurrence)] = dict(r._mapping)
    return out


def _closed_by_hand(session, reg, rule: TimeRule, keys: Iterable[Key]) -> set[tuple[Key, dt.datetime]]:
    row_keys = sorted({k[0] for k in keys})
    out = set()
    for i in range(0, len(row_keys), CHUNK):
        out |= {
            (_key(rule, r.row_key, r.rule_code, r.occurrence), r.occurrence)
            for r in session.execute(
                sa.select(T.c.row_key, T.c.rule_code, T.c.occurrence).where(
                    T.c.register_key == reg.key,
                    T.c.source == _source(reg, rule),
                    T.c.resolution == CLOSED_BY_HAND,
                    T.c.row_key.in_(row_keys[i : i + CHUNK]),
                )
            )
        }
    return out


FEW = 50  # inserts one by one (insert-if-absent) up to here; a rebuild's thousands in bulk


def dialect_insert(session):
    """The database's own INSERT construct (ON CONFLICT DO NOTHING is dialect-specific)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _insert_if_absent(session):
    return (
        dialect_insert(session)(T)
        .on_conflict_do_nothing(
            index_elements=["register_key", "source", "row_key", "rule_code", "occurrence"],
            index_where=T.c.resolved_at.is_(None),
        )
        .returning(T.c.id)
    )


def _sync(session, reg, rule: TimeRule, dues: Iterable[Due], now: dt.datetime, row_keys=None, at=None) -> list[Change]:
    """Make the open items of (reg, rule) — of `row_keys` only, when given — equal `dues`, which
    an irregular rule computed as of `at` (default now)."""
    wanted: dict[Key, dict] = {}
    for due in dues:
        if row_keys is not None and due.row_key not in row_keys:
            continue
        wanted[_key(rule, due.row_key, due.rule, due.due_at)] = _values(reg, rule, due, at or now)
    have = _open_items(session, reg, rule, row_keys)
    changes: list[Change] = []
    new_keys = [k for k in wanted if k not in have]
    skip = _closed_by_hand(session, reg, rule, new_keys) if new_keys else set()
    inserts = []
    for key in new_keys:
        v = wanted[key]
        if (key, v["occurrence"]) in skip:  # closed by hand (销号) for this very deadline: stays closed
            continue
        stage = stage_at(v["remind_at"], v["due_at"], v["notice_at"], v["fixed_stage"], now)
        inserts.append({**v, "stage": stage, "opened_at": now, "stage_changed_at": now, "urged_count": 0})
    if len(inserts) <= FEW:
        # a write's few new dues: insert-if-absent, so two people saving rows of one due at once
        # (two 包案 actions of one case) do not have the second save refused by the unique index
        for v in inserts:
            item_id = session.execute(_insert_if_absent(session).values(**v)).scalar()
            if item_id is not None:
                changes.append(Change(item_id, reg.key, v["row_key"], v["rule_code"], None, v["stage"], v))
    else:
        for part in range(0, len(inserts), CHUNK):
            rows = inserts[part : part + CHUNK]
            stmt = sa.insert(T).returning(T.c.id, sort_by_parameter_order=True)
            ids = session.execute(stmt, rows).scalars().all()
            for item_id, v in zip(ids, rows):
                changes.append(Change(item_id, reg.key, v["row_key"], v["rule_code"], None, v["stage"], v))
    for key, old in have.items():
        v = wanted.get(key)
        if v is None:
            session.execute(
                sa.update(T).where(T.c.id == old["id"]).values(resolved_at=now, resolution=DONE, stage_changed_at=now)
            )
            changes.append(Change(old["id"], reg.key, key[0], key[1], old["stage"], None, old))
            continue
        if old["extended_to"] is not None:
            v = {**v, **{k: old[k] for k in KEPT_WHEN_EXTENDED}}
        elif not rule.declared and old["remind_at"] <= (at or now):
            v = {**v, "remind_at": old["remind_at"]}  # shown since it was first reported
        diff = {k: v[k] for k in COMPARED if old[k] != v[k]}
        stage = stage_at(v["remind_at"], v["due_at"], v["notice_at"], v["fixed_stage"], now)
        if stage != old["stage"]:
            diff.update(stage=stage, stage_changed_at=now)
        if diff:
            session.execute(sa.update(T).where(T.c.id == old["id"]).values(**diff))
            if stage != old["stage"]:
                changes.append(Change(old["id"], reg.key, key[0], key[1], old["stage"], stage, {**old, **diff}))
    return changes


# --- ways in --------------------------------------------------------------------------------


def _office_locale(fn):
    """Run in the office's default locale: a missing record's title (gettext text) is part of its
    key, so a sweep started from an English page must not rename — close and reopen — its dues."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from flask import current_app, has_app_context
        from flask_babel import force_locale

        if not has_app_context():
            return fn(*args, **kwargs)
        with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh")):
            return fn(*args, **kwargs)

    return wrapper


def _watch_entries(rule: TimeRule):
    """(register key, mapper or None) of each `watch` entry: a key, or (key, ids -> own row ids)."""
    for w in rule.watch:
        yield (w, None) if isinstance(w, str) else (w[0], w[1])


def _rules_touched_by(reg_key: str) -> list[tuple[registry.Register, TimeRule, Callable | None]]:
    """(register, rule, rows) for every rule a write to `reg_key` can change: its own rules (rows:
    the written ids themselves) and the rules watching it (rows: the watch entry's mapper from the
    written ids to the rule's rows, or None — then the whole rule is recomputed)."""
    out = []
    for reg in registry.all_registers():
        for rule in reg.time_rules:
            if reg.key == reg_key:
                out.append((reg, rule, lambda ids: ids))
                continue
            for key, mapper in _watch_entries(rule):
                if key == reg_key:
                    out.append((reg, rule, mapper))
    return out


@_office_locale
def refresh(session, touched: dict[str, set[int]], now: dt.datetime | None = None, stats=None) -> int:
    """Recompute the dues of written rows ({register key: ids}); returns the items changed."""
    now = now or clock.now()
    # Irregular rules are evaluated as of the last sweep, on writes too: the ledger then holds
    # what they reported at one instant (drift() can recompute it exactly); the data is new.
    at = swept_at() or now
    stats = stats if stats is not None else Counter()
    changes: list[Change] = []
    done: set[tuple[str, str]] = set()
    for reg_key, ids in touched.items():
        for reg, rule, rows in _rules_touched_by(reg_key):
            if rows is not None and (rule.declared or rule.per_row):  # just the rows the write touched
                keys = set(rows(ids))
                if not keys:
                    continue
                dues = (
                    timerules.declared_dues(reg, rule, None, keys)
                    if rule.declared
                    else _fill_units(reg, list(rule.check(at, ids=keys)))
                )
                changes += _sync(session, reg, rule, dues, now, keys, at)
            elif (reg.key, rule.code) not in done:  # the whole rule, once per commit
                done.add((reg.key, rule.code))
                changes += _sync(session, reg, rule, _fill_units(reg, _rule_dues(reg, rule, at)), now, None, at)
    tell(changes, now, stats)
    return len(changes)


@_office_locale
def sweep(now: dt.datetime | None = None) -> Counter:
    """What time alone changes: stored stages reached (or, on a clock set back, left) and the
    irregular rules' periods. Touches only the items that change; commits. A ledger never built
    (no sweep on record: a database just migrated) is rebuilt instead."""
    from app.extensions import db

    now = now or clock.now()
    last = swept_at()
    if last is None:
        return rebuild(now)
    session = db.session
    stats: Counter = Counter()
    target = stage_case(now)
    moved = session.execute(
        sa.select(T, target.label("target")).where(T.c.resolved_at.is_(None), T.c.stage != target)
    ).all()
    changes = []
    by_target: dict[str, list[int]] = {}
    for r in moved:
        by_target.setdefault(r.target, []).append(r.id)
        values = {k: v for k, v in r._mapping.items() if k != "target"}
        changes.append(Change(r.id, r.register_key, r.row_key, r.rule_code, r.stage, r.target, values))
    for stage, ids in by_target.items():
        for i in range(0, len(ids), CHUNK):
            session.execute(
                sa.update(T).where(T.c.id.in_(ids[i : i + CHUNK])).values(stage=stage, stage_changed_at=now)
            )
    same_day = last <= now and last.date() == now.date()
    for reg in registry.all_registers():
        for rule in reg.time_rules:
            if rule.declared or (rule.daily and same_day):  # a daily rule ran today already; writes keep it
                continue
            changes += _sync(session, reg, rule, _fill_units(reg, _rule_dues(reg, rule, now)), now)
    tell(changes, now, stats)
    _mark_swept(session, now)
    stats["changed"] += len(changes)
    stats["due"] = session.execute(
        sa.select(sa.func.count()).select_from(T).where(T.c.resolved_at.is_(None), T.c.remind_at <= now)
    ).scalar_one()
    session.commit()
    return stats


@_office_locale
def rebuild(now: dt.datetime | None = None) -> Counter:
    """Every rule over every row: the ledger as the rows say it should be (idempotent); commits."""
    from app.extensions import db

    now = now or clock.now()
    stats: Counter = Counter()
    changes = []
    with suspended():
        for reg in registry.all_registers():
            for rule in reg.time_rules:
                changes += _sync(db.session, reg, rule, _fill_units(reg, _rule_dues(reg, rule, now)), now)
        tell(changes, now, stats)
        _mark_swept(db.session, now)
        db.session.commit()
    stats["changed"] += len(changes)
    return stats


def _sample_keys(reg, rule: TimeRule, n: int) -> set[int]:
    """Up to n row ids of a declared rule to recompute: its newest ledger items and newest rows."""
    from app.extensions import db

    items = sa.select(T.c.row_key).where(
        T.c.register_key == reg.key, T.c.source == _source(reg, rule), T.c.resolved_at.is_(None)
    )
    keys = set(db.session.execute(items.order_by(T.c.id.desc()).limit(n)).scalars())
    rows = sa.select(reg.model.id).order_by(reg.model.id.desc()).limit(n)
    return keys | set(db.session.execute(rows).scalars())


@_office_locale
def drift(at: dt.datetime | None = None, sample: int | None = None) -> list[str]:
    """Where the ledger differs from a recompute of the rows (empty when they agree). Irregular
    rules are recomputed as of `at`, by default the last sweep (the instant the ledger holds them
    as of). With `sample`, declared rules are recomputed for their newest `sample` items and rows."""
    from app.extensions import db

    at = at or swept_at() or clock.now()
    out = []
    for reg in registry.all_registers():
        for rule in reg.time_rules:
            keys = _sample_keys(reg, rule, sample) if sample and rule.declared else None
            if rule.declared:
                dues = timerules.declared_dues(reg, rule, None, keys)
            else:
                dues = _fill_units(reg, _rule_dues(reg, rule, at))
            wanted = {_key(rule, d.row_key, d.rule, d.due_at): _values(reg, rule, d, at) for d in dues}
            ignored = set(KEPT_WHEN_EXTENDED) if rule.declared else {"remind_at"}  # irregular: first reported
            have = _open_items(db.session, reg, rule, keys)
            closed = _closed_by_hand(db.session, reg, rule, set(wanted) - set(have)) if wanted else set()
            for key, v in wanted.items():
                old = have.get(key)
                if old is None:
                    if (key, v["occurrence"]) not in closed:
                        out.append(f"{reg.key}#{key[0]} {key[1]}: missing from the ledger")
                    continue
                fields = [
                    k
                    for k in COMPARED
                    if old[k] != v[k] and not (k in ignored and (old["extended_to"] or not rule.declared))
                ]
                if fields:
                    out.append(f"{reg.key}#{key[0]} {key[1]}: {', '.join(fields)} differ")
            out += [f"{reg.key}#{k[0]} {k[1]}: in the ledger, no longer due" for k in set(have) - set(wanted)]
    return out


def _mark_swept(session, now: dt.datetime) -> None:
    row = session.get(DueSweep, 1)
    if row is None:
        session.add(DueSweep(id=1, swept_at=now))
    else:
        row.swept_at = now
    session.flush()


def swept_at():
    from app.extensions import db

    row = db.session.get(DueSweep, 1)
    return row.swept_at if row else None


def stale_after() -> dt.timedelta:
    """How old the last sweep may be before a page runs one (config DUES_STALE_MINUTES; longer than
    the scheduler's 15-minute interval, so with the scheduler up no page ever sweeps)."""
    from flask import current_app

    return dt.timedelta(minutes=current_app.config.get("DUES_STALE_MINUTES", 30))


def ensure_current(now: dt.datetime | None = None) -> None:
    """Before a page reads the ledger: if no sweep ran within stale_after() of `now` (the
    scheduler is down, or a test moved the clock) run one — under the sweep's lock — so stages
    and missing records are as of now."""
    now = now or clock.now()
    last = swept_at()
    if last is not None and abs(now - last) <= stale_after():
        return
    from app.maintenance.locks import exclusive

    with exclusive("escalate") as acquired:
        if acquired:
            # never built (a database just migrated): from the rows; otherwise what time changed
            rebuild(now) if last is None else sweep(now)


# --- the session hook -----------------------------------------------------------------------

_PENDING = "jiedao_dues_touched"
_OFF = "jiedao_dues_off"


def _watched() -> set[str]:
    keys = set()
    for reg in registry.all_registers():
        if reg.time_rules:
            keys.add(reg.key)
        for rule in reg.time_rules:
            keys.update(key for key, _m in _watch_entries(rule))
    return keys


def _after_flush(session, flush_context):
    if session.info.get(_OFF):
        return
    watched = _watched()
    pending = session.info.setdefault(_PENDING, {})
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        reg = registry.for_model(type(obj))
        if reg is not None and reg.key in watched and getattr(obj, "id", None) is not None:
            pending.setdefault(reg.key, set()).add(obj.id)


def _before_commit(session):
    if session.info.get(_OFF):
        return
    session.flush()
    touched = session.info.pop(_PENDING, None)
    if touched:
        refresh(session, touched)


def _forget(session, *args):
    session.info.pop(_PENDING, None)


@contextlib.contextmanager
def suspended():
    """No write hook inside (the demo seed and bulk loads): call rebuild() afterwards."""
    from app.extensions import db

    session = db.session()
    before = session.info.get(_OFF)
    session.info[_OFF] = True
    try:
        yield
    finally:
        session.info[_OFF] = before
        session.info.pop(_PENDING, None)


def install(session) -> None:
    for name, fn in (("after_flush", _after_flush), ("before_commit", _before_commit)):
        if not event.contains(session, name, fn):
            event.listen(session, name, fn)
    for name in ("after_rollback", "after_soft_rollback"):
        if not event.contains(session, name, _forget):
            event.listen(session, name, _forget)


STAGES_SHOWN = (REMINDER, SUPERVISION, NOTICE)
