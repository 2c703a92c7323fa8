"""Reading the ledger within the viewer's data scope.

The ledger carries each row's scope column (`org_unit_id`), so the register's scope clause
(app.core.scope) is translated onto the ledger without a join: community and grid scopes are
`org_unit_id IN (…)`, module scope a constant; only "own records" and per-row module scopes
look at the register's table (`row_id IN (SELECT id …)`). A missing record (no row) is seen by
the readers of its org unit, as scope.reads_unit decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from flask import has_request_context

from app.core import clock, registry, scope
from app.core.scope import Principal

from .ledger import STAGES_SHOWN, stage_at, stage_case  # noqa: F401 (stage_case: for readers)
from .models import NOTICE, REMINDER, SUPERVISION, DueItem

T = DueItem.__table__
ALL = "all"  # the whole register


def _row_is(reg: registry.Register, cond):
    """The item's row satisfies `cond`: a correlated EXISTS — a primary-key probe per item that
    reaches it, not a scan of a million-row register per request (IN (SELECT …) materialises)."""
    model = reg.model
    return sa.exists(sa.select(sa.literal(1)).where(model.id == T.c.row_id, cond).correlate(T))


def _register_clause(reg: registry.Register, p: Principal):
    scopes = p.cell(reg).read
    if not scopes:
        return None
    if "a" in scopes:
        return ALL
    parts = []
    for s in sorted(scopes):
        if s == "m":
            if reg.module_column:
                if p.modules:
                    col = getattr(reg.model, reg.module_column)
                    parts.append(_row_is(reg, col.in_(sorted(p.modules))))
            elif reg.module in p.modules:
                return ALL
        elif s == "c" and p.community_ids:
            parts.append(T.c.org_unit_id.in_(sorted(p.community_ids)))
        elif s == "g" and p.grid_ids:
            parts.append(T.c.org_unit_id.in_(sorted(p.grid_ids)))
        elif s == "o":
            parts.append(_row_is(reg, scope._clause(reg, p, "o")))
    if reg.reference and p.street_ids:
        parts.append(T.c.org_unit_id.in_(sorted(p.street_ids)))
    return sa.or_(*parts) if parts else None


def scope_clause(p: Principal | None = None):
    """SQL over due_item: the items `p` (default: the current user) may read. None: all."""
    if p is None:
        p = scope.principal()
        if p is None:
            return sa.false() if has_request_context() else None
    if p.is_admin:
        return None
    whole: list[str] = []
    same: dict[str, tuple[list[str], Any]] = {}  # registers sharing one condition: one OR term
    for reg in registry.all_registers():
        if not reg.time_rules:
            continue
        cond = _register_clause(reg, p)
        if cond is None:
            continue
        if cond is ALL:
            whole.append(reg.key)
            continue
        text = str(cond.compile(compile_kwargs={"literal_binds": True}))
        same.setdefault(text, ([], cond))[0].append(reg.key)
    parts = [T.c.register_key.in_(whole)] if whole else []
    parts += [sa.and_(T.c.register_key.in_(keys), cond) for keys, cond in same.values()]
    return sa.or_(*parts) if parts else sa.false()


def shown(now: dt.datetime, p: Principal | None = None, upcoming: bool = False):
    """WHERE for open items whose reminder has started (or not yet: upcoming=True), in scope."""
    conds = [T.c.resolved_at.is_(None)] + ([] if upcoming else [T.c.remind_at <= now])
    cond = scope_clause(p)
    if cond is not None:
        conds.append(cond)
    return sa.and_(*conds)


@dataclass
class Item:
    """One open due as the pages show it."""

    row: Any  # a due_item row (mapping)
    now: dt.datetime

    def __getattr__(self, name):
        try:
            return self.row._mapping[name]
        except KeyError:
            raise AttributeError(name) from None

    @cached_property
    def register(self):
        return registry.get(self.row.register_key)

    @property
    def stage(self) -> str:
        r = self.row
        return stage_at(r.remind_at, r.due_at, r.notice_at, r.fixed_stage, self.now)

    @property
    def overdue(self) -> bool:
        return self.now >= self.row.due_at

    @property
    def late(self) -> dt.timedelta:
        return self.now - self.row.due_at

    @cached_property
    def rule_label(self):
        return next((r.label for r in self.register.time_rules if r.code == self.row.rule_code), self.row.rule_code)

    @property
    def late_text(self) -> str:
        from flask_babel import gettext as _

        delta = self.late if self.overdue else self.row.due_at - self.now
        days, hours = delta.days, delta.seconds // 3600
        text = _("%(days)s d %(hours)s h", days=days, hours=hours) if days else _("%(hours)s h", hours=hours)
        return _("%(time)s late", time=text) if self.overdue else _("due in %(time)s", time=text)

    @property
    def url(self) -> str:
        if self.row.row_id is not None and self.register.views:
            return f"/{self.register.key}/show/{self.row.row_id}"
        return self.register.list_url


COUNT_CAP = 1000  # counts stop here and print "1,000+" (as list pages do): a count never scans the ledger


def capped_count(where, cap: int = COUNT_CAP) -> int:
    """Items matching `where`, counted up to `cap` (a BoundedCount beyond): the scan stops at
    cap + 1 matches, so its cost does not grow with the ledger."""
    from app.core.paging import BoundedCount
    from app.extensions import db

    inner = sa.select(sa.literal(1)).select_from(T).where(where).limit(cap + 1).subquery()
    n = int(db.session.execute(sa.select(sa.func.count()).select_from(inner)).scalar_one())
    return BoundedCount(cap, cap) if n > cap else n


def capped_sum(*counts: int) -> int:
    """A sum that stays "1,000+" when a part was capped."""
    from app.core.paging import BoundedCount

    total = sum(int(c) for c in counts)
    capped = [c for c in counts if isinstance(c, BoundedCount)]
    return BoundedCount(total, capped[0].cap) if capped else total


def _max_soon():
    return max((r.soon for reg in registry.all_registers() for r in reg.time_rules), default=dt.timedelta(0))


def count_stages_and_overdue(now: dt.datetime, where=None) -> tuple[dict[str, int], int]:
    """({stage: items}, overdue items), each capped (the 督办预警 header). Each stage is a range of
    the due-time index: a reminder is due within the longest lead from now, 督办 since this
    month began (the month-end ladder), 通报 before it; a rule's fixed stage is a small side index."""
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    ladder = T.c.fixed_stage.is_(None)
    side = {
        REMINDER: sa.and_(ladder, T.c.due_at > now, T.c.due_at <= now + _max_soon()),
        SUPERVISION: sa.or_(sa.and_(ladder, T.c.due_at >= month, T.c.due_at <= now), T.c.fixed_stage == SUPERVISION),
        NOTICE: sa.or_(sa.and_(ladder, T.c.due_at < month), T.c.fixed_stage == NOTICE),
    }
    # an item due by now has started its reminder (remind_at <= due_at): those counts leave the
    # remind_at term out, so the planner walks the due-time index, not the reminder one
    extra = [] if where is None else [where]
    due = shown(now, upcoming=True)
    stage = stage_case(now)
    counts = {
        s: capped_count(sa.and_(shown(now) if s == REMINDER else due, side[s], stage == s, *extra))
        for s in STAGES_SHOWN
    }
    return counts, capped_count(sa.and_(due, T.c.due_at <= now, *extra))


def _named():
    """due_item with its owner's and org unit's names (outer joins: one statement a page)."""
    from app.org.models import AppUser, OrgUnit

    name = sa.func.coalesce(AppUser.last_name, "") + sa.func.coalesce(AppUser.first_name, "")
    owner = sa.func.coalesce(sa.func.nullif(name, ""), AppUser.username)
    return (
        sa.select(T, owner.label("owner_name"), OrgUnit.name.label("org_unit_name"))
        .select_from(T)
        .outerjoin(AppUser, AppUser.id == T.c.owner_id)
        .outerjoin(OrgUnit, OrgUnit.id == T.c.org_unit_id)
    )


def items(
    now: dt.datetime | None = None, where=None, limit: int | None = None, order=None, upcoming: bool = False
) -> list[Item]:
    """Open, shown items in scope (also those before their reminder: upcoming), earliest due first."""
    from app.extensions import db

    now = now or clock.now()
    q = _named().where(shown(now, upcoming=upcoming))
    if where is not None:
        q = q.where(where)
    q = q.order_by(*(order or (T.c.due_at, T.c.id)))
    if limit is not None:
        q = q.limit(limit)
    return [Item(r, now) for r in db.session.execute(q)]


def for_row(reg_key: str, row_id: int, now: dt.datetime | None = None) -> list[Item]:
    """The open dues of one row (its show page; the caller has already checked the row is readable)."""
    from app.extensions import db

    now = now or clock.now()
    q = (
        _named()
        .where(T.c.register_key == reg_key, T.c.row_key == row_id, T.c.resolved_at.is_(None), T.c.remind_at <= now)
        .order_by(T.c.due_at)
    )
    return [Item(r, now) for r in db.session.execute(q)]


def mine_clause(p: Principal | None = None):
    """Items that are mine to act on: owned by me, or owned by nobody and belonging to my own
    org unit (a community's missing monthly report is its secretary's)."""
    p = p or scope.principal()
    if p is None:
        return sa.false()
    unowned_here = sa.and_(T.c.owner_id.is_(None), T.c.org_unit_id == p.org_unit_id) if p.org_unit_id else sa.false()
    return sa.or_(T.c.owner_id == p.user_id, unowned_here)


# --- dues-esc ---


def item_by_id(item_id: int, now: dt.datetime | None = None) -> Item | None:
    """One item in the viewer's scope, open or resolved, shown or not yet (its page and the
    actions on it); None when there is no such item or it is outside the scope."""
    from app.extensions import db

    q = _named().where(T.c.id == item_id)
    cond = scope_clause()
    if cond is not None:
        q = q.where(cond)
    row = db.session.execute(q).first()
    return Item(row, now or clock.now()) if row is not None else None
