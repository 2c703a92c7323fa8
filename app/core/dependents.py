"""Which live register rows refer to a row: foreign keys and many-to-many links, found from the
models' metadata (no per-register code). writes.delete() refuses while any exist; the recycle
bin lists and restores soft-deleted rows."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db

from . import registry


@cache
def _references(table_name: str) -> tuple:
    """(register, count query builder) for every way a live register row can point at `table_name`."""
    out = []
    for reg in registry.all_registers():
        if not reg.writable or not hasattr(reg.model, "is_deleted"):
            continue
        table = reg.model.__table__
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and fk.parent.name not in ("created_by_id", "updated_by_id"):
                out.append((reg, table, fk.parent, None))
        # many-to-many link tables declared on this register's relationships
        for rel in sa.inspect(reg.model).relationships:
            if rel.secondary is None:
                continue
            link = rel.secondary
            local = [c for c in link.columns for f in c.foreign_keys if f.column.table is table]
            remote = [c for c in link.columns for f in c.foreign_keys if f.column.table.name == table_name]
            if local and remote and rel.mapper.class_.__tablename__ == table_name:
                out.append((reg, table, remote[0], (link, local[0])))
    return tuple(out)


def dependents(item) -> list[tuple[registry.Register, int]]:
    """[(register, number of live rows)] that refer to `item`, in registry order."""
    counts: dict[str, int] = {}
    regs = {}
    for reg, table, column, link in _references(type(item).__tablename__):
        if link is None:
            q = sa.select(sa.func.count()).select_from(table).where(column == item.id, table.c.is_deleted.is_(False))
            if table is type(item).__table__:
                q = q.where(table.c.id != item.id)
        else:
            link_table, local = link
            q = (
                sa.select(sa.func.count(sa.distinct(table.c.id)))
                .select_from(link_table.join(table, local == table.c.id))
                .where(column == item.id, table.c.is_deleted.is_(False))
            )
        n = db.session.execute(q).scalar_one()
        if n:
            counts[reg.key] = counts.get(reg.key, 0) + n
            regs[reg.key] = reg
    return [(regs[k], n) for k, n in counts.items()]


def describe(found) -> str:
    return _("list_separator").join(_("%(count)d rows of %(register)s", count=n, register=reg.name) for reg, n in found)
