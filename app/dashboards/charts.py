"""Dashboard numbers: SQL aggregates in the viewer's data scope, as chart specs.

A chart is a small table (first column the category, numeric columns the series) that the
page draws with ECharts, prints as a table and exports as xlsx. Generic charts come from the
registry; a package adds its own with a ``dashboard.py`` defining

    def charts(module: str | None) -> list[Chart]    # module None = the home dashboard

(queries through scope.clause, as below). See docs/sheets.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock, registry, scope
from app.extensions import db

WORK_MODULES = tuple(m for m in registry.MODULES if m != "common")


@dataclass
class Chart:
    key: str
    title: Any
    kind: str  # bar | line | pie
    columns: list  # headers; first = category
    rows: list = field(default_factory=list)
    kinds: list | None = None  # spreadsheet kinds per column (default: text then int)
    stack: bool = False

    def col_kinds(self) -> list[str]:
        return self.kinds or ["text"] + ["int"] * (len(self.columns) - 1)


def _readable(reg, p) -> bool:
    if not reg.views:
        return False
    if p is None or p.is_admin:
        return True
    return bool(p.cell(reg).read)


def _where(reg, p, module: str | None):
    conds = []
    if hasattr(reg.model, "is_deleted"):
        conds.append(reg.model.is_deleted.is_(False))
    cond = scope.clause(reg, p, "read")
    if cond is not None:
        conds.append(cond)
    if module is not None and reg.module_column:
        conds.append(getattr(reg.model, reg.module_column) == module)
    return conds


def _module_registers(module: str | None):
    for reg in registry.all_registers():
        if module is None or reg.module == module or reg.module_column:
            yield reg


def register_counts(module: str | None = None) -> Chart:
    """Rows per register in the viewer's scope: one SELECT of COUNT sub-queries."""
    p = scope.principal()
    regs = [r for r in _module_registers(module) if _readable(r, p)]
    counts: dict[str, int] = {}
    for i in range(0, len(regs), 40):
        chunk = regs[i : i + 40]
        subs = [
            sa.select(sa.func.count())
            .select_from(r.model)
            .where(*_where(r, p, module))
            .scalar_subquery()
            .label(f"c{j}")
            for j, r in enumerate(chunk)
        ]
        values = db.session.execute(sa.select(*subs)).one()
        counts.update({r.key: int(v or 0) for r, v in zip(chunk, values)})
    rows = [(str(r.name), str(registry.module_label(r.module)), counts[r.key]) for r in regs]
    return Chart(
        "registers",
        _("Records per register"),
        "bar",
        [_("Register"), _("Module"), _("Records")],
        rows,
        ["text", "text", "int"],
    )


def _row_modules(reg, ids) -> dict[int, str]:
    if not reg.module_column or not ids:
        return {}
    col = getattr(reg.model, reg.module_column)
    return {
        i: (m.name if hasattr(m, "name") else m)
        for i, m in db.session.execute(sa.select(reg.model.id, col).where(reg.model.id.in_(ids)))
    }


def due_counts(module: str | None = None, now: dt.datetime | None = None) -> Chart:
    """Open deadlines from the due ledger (scoped), per module — per register on a module's
    page: due soon (提醒) vs overdue (督办 and 通报). One grouped query."""
    from app.dues import ledger, reads
    from app.dues.models import REMINDER, DueItem

    now = now or clock.now()
    ledger.ensure_current(now)
    t = DueItem.__table__
    soon = sa.case((reads.stage_case(now) == REMINDER, 1), else_=0)
    key = t.c.register_key if module is not None else t.c.module
    q = sa.select(key, sa.func.sum(soon), sa.func.count()).where(reads.shown(now)).group_by(key)
    if module is not None:
        q = q.where(t.c.module == module)
    per: dict[str, list[int]] = {}
    for k, n_soon, n in db.session.execute(q):
        label = str(registry.get(k).name) if module is not None else str(registry.module_label(k))
        slot = per.setdefault(label, [0, 0])
        slot[0] += int(n_soon or 0)
        slot[1] += int(n) - int(n_soon or 0)
    rows = sorted((k, v[0], v[1]) for k, v in per.items())
    first = _("Register") if module is not None else _("Module")
    return Chart(
        "deadlines", _("Deadlines: due soon and overdue"), "bar", [first, _("Due soon"), _("Overdue")], rows, stack=True
    )


def _months(now: dt.datetime, n: int = 12) -> list[tuple[int, int]]:
    y, m = now.year, now.month
    out = []
    for _i in range(n):
        out.append((y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def meetings_per_month(module: str | None = None, now: dt.datetime | None = None) -> Chart | None:
    """Meetings held per month (last 12 months) per module: GROUP BY module, year, month."""
    try:
        reg = registry.get("meeting")
    except KeyError:
        return None
    p = scope.principal()
    if not _readable(reg, p):
        return None
    from app.common.enums import MeetingStatus

    model = reg.model
    now = now or clock.now()
    months = _months(now)
    start = dt.datetime(*months[0], 1)
    when = sa.func.coalesce(model.actual_start, model.planned_start)
    year, month = sa.extract("year", when), sa.extract("month", when)
    query = (
        sa.select(model.module, year, month, sa.func.count())
        .where(*_where(reg, p, module), model.status == MeetingStatus.held, when >= start)
        .group_by(model.module, year, month)
    )
    mods = [module] if module else list(registry.MODULES)
    table = {(int(y), int(mo)): {} for y, mo in months}
    for mod, y, mo, n in db.session.execute(query):
        key = (int(y), int(mo))
        if key in table:
            name = mod.name if hasattr(mod, "name") else mod
            table[key][name] = table[key].get(name, 0) + n
    used = [m for m in mods if module or any(m in v for v in table.values())] or mods[:1]
    rows = [(f"{y}-{mo:02d}", *[table[(y, mo)].get(m, 0) for m in used]) for y, mo in months]
    return Chart(
        "meetings",
        _("Meetings held per month"),
        "line",
        [_("Month"), *[str(registry.module_label(m)) for m in used]],
        rows,
    )


def work_items_by_status(module: str | None = None) -> Chart | None:
    try:
        reg = registry.get("work_item")
    except KeyError:
        return None
    p = scope.principal()
    if not _readable(reg, p):
        return None
    model = reg.model
    query = sa.select(model.status, sa.func.count()).where(*_where(reg, p, module)).group_by(model.status)
    rows = [(s.label if hasattr(s, "label") else str(s), n) for s, n in db.session.execute(query)]
    return Chart("work_items", _("Work items by status"), "pie", [_("Status"), _("Work items")], rows)


def hook_charts(module: str | None) -> list[Chart]:
    """Charts packages add through their dashboard.py (charts(module) -> list[Chart])."""
    out = []
    for pkg in registry.PACKAGES:
        mod = registry.optional_import(f"{pkg}.dashboard")
        if mod is not None and hasattr(mod, "charts"):
            out.extend(mod.charts(module) or [])
    return out


def charts_for(module: str | None) -> list[Chart]:
    charts = [
        register_counts(module),
        due_counts(module),
        meetings_per_month(module),
        work_items_by_status(module),
        *hook_charts(module),
    ]
    return [c for c in charts if c is not None]
