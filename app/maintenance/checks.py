"""`flask --app run check`: what an operator should know before trusting the database.

- pending migrations: the database's Alembic revision against the code's heads;
- missing indexes: every index and unique constraint the models declare, by table and columns,
  against what the database has (a table missing altogether is reported too);
- orphan rows: rows whose foreign key points to no row (SQLite does not enforce foreign keys
  unless asked, and rows may have been copied in by hand).
Each finding is one line; the command exits non-zero when there is any.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.extensions import db


def pending_migrations() -> list[str]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    if current == heads:
        return []
    return [
        f"migrations pending: database at {', '.join(sorted(current)) or 'no revision'}, "
        f"code at {', '.join(sorted(heads))} (run `flask --app run db upgrade`)"
    ]


def _declared(table: sa.Table) -> list[tuple[str, tuple[str, ...], bool]]:
    out = [(ix.name or "", tuple(c.name for c in ix.columns), bool(ix.unique)) for ix in table.indexes]
    for c in table.constraints:
        if isinstance(c, sa.UniqueConstraint) and c.columns:
            out.append((c.name or "", tuple(col.name for col in c.columns), True))
    for col in table.columns:  # Column(unique=True) without a named constraint
        if col.unique and not any(cols == (col.name,) for _n, cols, _u in out):
            out.append(("", (col.name,), True))
    return out


def missing_indexes() -> list[str]:
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())
    problems = []
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            problems.append(f"table missing: {table.name}")
            continue
        have = {tuple(ix["column_names"]) for ix in inspector.get_indexes(table.name)}
        have |= {tuple(uc["column_names"]) for uc in inspector.get_unique_constraints(table.name)}
        pk = tuple(inspector.get_pk_constraint(table.name).get("constrained_columns") or ())
        have.add(pk)
        for name, cols, unique in _declared(table):
            if cols not in have:
                kind = "unique constraint" if unique else "index"
                problems.append(f"{kind} missing: {table.name}({', '.join(cols)})" + (f" [{name}]" if name else ""))
    return problems


def orphan_rows() -> list[str]:
    """Rows whose non-null foreign key has no target row, per foreign key."""
    problems = []
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in tables:
            continue
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table
            if parent.name not in tables:
                continue
            pairs = list(zip(fk.columns, [e.column for e in fk.elements]))
            target = parent.alias("target")
            cond = sa.and_(*(child_col == target.c[parent_col.name] for child_col, parent_col in pairs))
            stmt = (
                sa.select(sa.func.count())
                .select_from(table.outerjoin(target, cond))
                .where(*(child_col.is_not(None) for child_col, _p in pairs), target.c[pairs[0][1].name].is_(None))
            )
            n = db.session.execute(stmt).scalar()
            if n:
                cols = ", ".join(c.name for c, _p in pairs)
                problems.append(f"orphan rows: {n} in {table.name}({cols}) → {parent.name} (no such row)")
    return problems


DRIFT_SAMPLE = 1000  # rows per declared rule recomputed by `flask check` (`flask dues check`: all)


def ledger_drift() -> list[str]:
    """The due ledger against a recompute of a sample of rows (app.dues.ledger.drift)."""
    from app.dues import ledger

    return ledger.drift(sample=DRIFT_SAMPLE)


def run() -> dict[str, list[str]]:
    found = {"migrations": pending_migrations(), "indexes": missing_indexes(), "orphans": orphan_rows()}
    if not found["migrations"]:  # the ledger's tables exist
        found["due_ledger"] = ledger_drift()
    return found
