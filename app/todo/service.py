"""我的待办: what is the viewer's to do now, grouped, in the viewer's data scope.

Groups (each at most LIMIT entries, with its full count):
- review  待我审核: rows waiting for a workflow step that needs my approve right (see waiting_states);
- mine    待我办理: shown ledger items that are mine (reads.mine_clause), not overdue;
- soon    即将到期: shown items in my scope, not mine, due within SOON, not overdue;
- overdue 已超期: shown overdue items I answer for: mine, plus those of my own units (a community
  user: the community and its grids; a grid user: the grids) or, for street-level users (leaders,
  offices, module heads), those of my modules.
Plus this week's meetings in my scope.

Statements per page: the ledger check (ensure_current), one count over the ledger for the three
ledger groups, one query per ledger group, one per register with reviews I may take, one per
register among the page's ledger items that has transitions (their state and my rights, for the
buttons), one for the meetings. None grows with the number of items.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _

from app.core import clock, registry, scope
from app.core.registry import Register
from app.core.views import view_class_name
from app.dues import ledger, reads

T = reads.T
LIMIT = 20  # entries per group
SOON = dt.timedelta(hours=72)
GROUPS = ("review", "mine", "soon", "overdue")
# columns that name a row, in order of preference (personal-data columns are skipped)
TITLE_COLUMNS = ("title", "name", "order_no", "case_no", "request_no", "notice_no", "period_label")
BADGE = "jiedao_todo_badge"
BADGE_CAP = 99  # the navbar shows "99+" beyond: its count stops there on every page


@dataclass
class Action:
    name: str
    label: Any
    url: str
    confirmation: Any = None


@dataclass
class Entry:
    """One line of the page: a ledger item, or a row waiting for my review."""

    register: Register
    row_id: int | None
    title: str
    url: str
    rule_code: str | None = None
    rule_label: Any = None
    stage: str | None = None
    due_at: dt.datetime | None = None
    overdue: bool = False
    late_text: str = ""
    state: Any = None  # the row's workflow state, for a review
    actions: list[Action] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.register.key}:{self.row_id}:{self.rule_code or ''}"

    def as_json(self) -> dict:
        return {
            "register": self.register.key,
            "register_label": str(self.register.name),
            "row_id": self.row_id,
            "rule_code": self.rule_code,
            "rule_label": str(self.rule_label) if self.rule_label is not None else None,
            "title": self.title,
            "stage": self.stage,
            "state": getattr(self.state, "name", self.state),
            "due_at": self.due_at.isoformat() if self.due_at else None,
            "overdue": self.overdue,
            "late_text": self.late_text or None,
            "url": self.url,
            "actions": [{"name": a.name, "label": str(a.label)} for a in self.actions],
        }


@dataclass
class Group:
    key: str
    entries: list[Entry]
    total: int


@dataclass
class Meeting:
    id: int
    title: str
    start: dt.datetime
    place: str | None
    url: str

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "place": self.place,
            "url": self.url,
        }


@dataclass
class Todo:
    now: dt.datetime
    groups: dict[str, Group]
    meetings: list[Meeting]
    meetings_total: int

    @property
    def badge(self) -> int:
        from app.core.paging import BoundedCount

        n = int(self.groups["mine"].total) + int(self.groups["overdue"].total)
        return BoundedCount(BADGE_CAP, BADGE_CAP) if n > BADGE_CAP else n

    @property
    def today(self) -> list[Meeting]:
        return [m for m in self.meetings if m.start.date() == self.now.date()]

    @property
    def later_this_week(self) -> list[Meeting]:
        return [m for m in self.meetings if m.start.date() != self.now.date()]

    def as_json(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "badge": self.badge,
            "groups": {
                k: {"total": grp.total, "items": [e.as_json() for e in grp.entries]} for k, grp in self.groups.items()
            },
            "meetings": {"total": self.meetings_total, "items": [m.as_json() for m in self.meetings]},
        }


# --- which ledger items belong to which group ---------------------------------------------------


def _mine(p):
    # mine_clause is NULL (not false) for an item without owner or org unit: NOT of it must be true
    return sa.func.coalesce(reads.mine_clause(p), sa.false())


def _answer_for(p):
    """Beyond my own items, the overdue ones I answer for: my units' or, at street level, my modules'."""
    unit = p.org_unit_id
    if unit is not None and unit in p.grid_ids:
        return T.c.org_unit_id.in_(sorted(p.grid_ids))
    if unit is not None and unit in p.community_ids:
        return T.c.org_unit_id.in_(sorted(p.community_ids))
    if p.modules:
        return T.c.module.in_(sorted(p.modules))
    return sa.false()


def ledger_conditions(p, now: dt.datetime) -> dict:
    mine = _mine(p)
    late = T.c.due_at <= now
    return {
        "mine": sa.and_(mine, sa.not_(late)),
        "soon": sa.and_(sa.not_(mine), sa.not_(late), T.c.due_at <= now + SOON),
        "overdue": sa.and_(late, sa.or_(mine, _answer_for(p))),
    }


def _badge_condition(p, now: dt.datetime):
    c = ledger_conditions(p, now)
    return sa.or_(c["mine"], c["overdue"])


def badge() -> int | None:
    """The navbar's count (待我办理 + 已超期): one COUNT per page, cached on g; None when signed out.
    A page that built the whole list (the todo page) has already set it."""
    from sqlalchemy.exc import SQLAlchemyError

    if BADGE in g:
        return g.get(BADGE)
    value = None
    try:
        p = scope.principal()
        if p is not None:
            now = clock.now()
            value = reads.capped_count(sa.and_(reads.shown(now, p), _badge_condition(p, now)), BADGE_CAP)
    except SQLAlchemyError:  # a page rendered after a failed statement (an error page): no badge
        value = None
    setattr(g, BADGE, value)
    return value


# --- rows waiting for a review -----------------------------------------------------------------


def _is_step(t) -> bool:
    return t.confirmation is None


def waiting_states(reg: Register) -> dict[str, set]:
    """{state field: states} in which a row of `reg` waits for an approve step.

    An approve transition counts when it is a step forward (no confirmation prompt: reject,
    withdraw, cancel, supervise, 督办 ask for one — they are interventions, not pending reviews),
    its source names states (not a flag still unset: None) and no write step leaves any of its
    source states (then the row waits for someone else's work, and the transition is an exit
    from it, as 息访 is from every open petition)."""
    written = defaultdict(set)
    for t in reg.transitions:
        if t.right == "write" and _is_step(t):
            written[t.field] |= set(t.source)
    out: dict[str, set] = defaultdict(set)
    for t in reg.transitions:
        if t.right != "approve" or not _is_step(t) or None in t.source:
            continue
        if written[t.field] & set(t.source):
            continue
        out[t.field] |= set(t.source)
    return dict(out)


def _title_column(reg: Register):
    cols = reg.model.__table__.c
    return next((cols[c] for c in TITLE_COLUMNS if c in cols and c not in reg.pii), None)


def _flag(cond):
    """A scope condition as a boolean column (None: unrestricted)."""
    if cond is None:
        return sa.literal(True)
    return sa.case((cond, sa.literal(True)), else_=sa.literal(False))


def _state_columns(reg: Register, p) -> list:
    fields = sorted({t.field for t in reg.transitions})
    rights = sorted({t.right for t in reg.transitions})
    return [getattr(reg.model, f).label(f"state_{f}") for f in fields] + [
        _flag(scope.clause(reg, p, r)).label(f"can_{r}") for r in rights
    ]


def _actions(reg: Register, row) -> list[Action]:
    """The steps the row's state offers that my rights and scope allow (the show page's buttons)."""
    if not reg.views:
        return []
    m = row._mapping
    endpoint = f"{view_class_name(reg)}.action"
    return [
        Action(t.name, t.label, url_for(endpoint, name=t.name, pk=row.id), t.confirmation)
        for t in reg.transitions
        if m[f"state_{t.field}"] in t.source and bool(m[f"can_{t.right}"])
    ]


def _live(reg: Register, q):
    return q.where(reg.model.is_deleted.is_(False)) if hasattr(reg.model, "is_deleted") else q


def _in_states(col, states: set):
    return col.in_(sorted(states, key=lambda s: str(getattr(s, "name", s))))


def _reviews(p, limit: int) -> Group:
    """One query per register whose approve steps I may take: the oldest waiting first; the count
    rides along (COUNT(*) OVER ()), so the group's total costs no statement of its own."""
    from app.extensions import db

    found: list[tuple[dt.datetime, int, Entry]] = []
    total = 0
    for reg in registry.all_registers():
        if not reg.transitions or not reg.views or not (p.is_admin or p.cell(reg).approve):
            continue
        waiting = waiting_states(reg)
        if not waiting:
            continue
        model = reg.model
        title = _title_column(reg)
        since = getattr(model, "updated_at", None)
        q = sa.select(
            model.id,
            (title if title is not None else sa.null()).label("title"),
            (since if since is not None else sa.null()).label("since"),
            *_state_columns(reg, p),
            sa.func.count().over().label("total"),
        ).where(sa.or_(*[_in_states(getattr(model, f), states) for f, states in sorted(waiting.items())]))
        cond = scope.clause(reg, p, "approve")
        if cond is not None:
            q = q.where(cond)
        q = _live(reg, q).order_by(*([since] if since is not None else []), model.id).limit(limit)
        rows = db.session.execute(q).all()
        total += rows[0].total if rows else 0
        for row in rows:
            name = str(row.title) if row.title else _("%(register)s #%(id)s", register=reg.name, id=row.id)
            state = next(row._mapping[f"state_{f}"] for f, st in waiting.items() if row._mapping[f"state_{f}"] in st)
            entry = Entry(reg, row.id, name, f"/{reg.key}/show/{row.id}", state=state)
            entry.actions = _actions(reg, row)
            found.append((row.since or dt.datetime.min, row.id, entry))
    found.sort(key=lambda f: (f[0], f[2].register.key, f[1]))
    return Group("review", [f[2] for f in found[:limit]], total)


# --- the ledger groups -------------------------------------------------------------------------


def _ledger_counts(p, now: dt.datetime, conds: dict) -> dict[str, int]:
    """Each group's count, capped (reads.capped_count): bounded however big the ledger grows."""
    return {k: reads.capped_count(sa.and_(reads.shown(now, p), c)) for k, c in conds.items()}


def _entry(item: reads.Item) -> Entry:
    return Entry(
        item.register,
        item.row_id,
        item.title or str(item.register.name),
        item.url,
        rule_code=item.rule_code,
        rule_label=item.rule_label,
        stage=item.stage,
        due_at=item.due_at,
        overdue=item.overdue,
        late_text=item.late_text,
    )


def _attach_actions(p, entries: list[Entry]) -> None:
    """The buttons of ledger items: the rows' states and my rights, one query per register."""
    from app.extensions import db

    by_reg: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.row_id is not None and e.register.transitions and e.register.views:
            by_reg[e.register.key].append(e)
    for key, group in by_reg.items():
        reg = registry.get(key)
        ids = sorted({e.row_id for e in group})
        q = _live(reg, sa.select(reg.model.id, *_state_columns(reg, p)).where(reg.model.id.in_(ids)))
        rows = {r.id: r for r in db.session.execute(q)}
        main = sorted({t.field for t in reg.transitions})[0]
        for e in group:
            row = rows.get(e.row_id)
            if row is not None:
                e.state = row._mapping[f"state_{main}"]
                e.actions = _actions(reg, row)


# --- meetings ----------------------------------------------------------------------------------


def _meetings(now: dt.datetime, limit: int) -> tuple[list[Meeting], int]:
    """Today's and the rest of this week's meetings (to Sunday) in my read scope, not cancelled."""
    from app.common.enums import MeetingStatus
    from app.common.models import Meeting as M
    from app.extensions import db

    start = dt.datetime.combine(now.date(), dt.time(0, 0))
    end = start + dt.timedelta(days=7 - now.weekday())
    q = (
        sa.select(M.id, M.title, M.planned_start, M.place, sa.func.count().over().label("total"))
        .where(M.planned_start >= start, M.planned_start < end, M.status != MeetingStatus.cancelled)
        .order_by(M.planned_start, M.id)
        .limit(limit)
    )
    rows = db.session.execute(scope.restrict(q, M)).all()
    found = [Meeting(r.id, r.title, r.planned_start, r.place, f"/meeting/show/{r.id}") for r in rows]
    return found, (rows[0].total if rows else 0)


# --- the whole page ----------------------------------------------------------------------------


def build(now: dt.datetime | None = None, limit: int = LIMIT) -> Todo:
    """The current user's todo (the ledger brought up to date first, as the escalation page does)."""
    now = now or clock.now()
    ledger.ensure_current(now)
    p = scope.principal()
    if p is None:
        raise LookupError("no signed-in user")
    conds = ledger_conditions(p, now)
    counts = _ledger_counts(p, now, conds)
    groups = {"review": _reviews(p, limit)}
    for key, cond in conds.items():
        items = reads.items(now, where=cond, limit=limit) if counts[key] else []
        groups[key] = Group(key, [_entry(i) for i in items], counts[key])
    _attach_actions(p, [e for k in conds for e in groups[k].entries])
    meetings, meetings_total = _meetings(now, limit)
    todo = Todo(now, {k: groups[k] for k in GROUPS}, meetings, meetings_total)
    setattr(g, BADGE, todo.badge)  # the navbar shows the same number, without a query of its own
    return todo
