"""Indexed substring search for the list pages ("包含" in the search form).

FAB's "Contains" filter is ``lower(col) LIKE '%word%'``: a full scan of the table on every
search and again for its count. A register names the text columns people search in
(``Register.fulltext``); for those the filter goes through an index instead:

- PostgreSQL: a pg_trgm GIN index on the column; ILIKE '%word%' uses it as it is.
- SQLite: an FTS5 table with the ``trigram`` tokenizer over the same columns (external
  content, kept in step by triggers), queried as ``id IN (SELECT rowid … MATCH '"word"')``.

Both need at least three characters to use the index (trigrams); a one- or two-character
word falls back to the LIKE scan, which the list page bounds (page LIMIT, capped count).
The migration (perf_0001) builds the tables, triggers and indexes with ``ddl()`` below;
``is_search_object`` tells Alembic's comparison to leave them alone (they are not models).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_appbuilder.models.sqla.filters import FilterContains, SQLAFilterConverter

FTS_SUFFIX = "_fts"
TRGM_SUFFIX = "_trgm"
MIN_CHARS = 3  # trigram indexes cannot answer shorter words


def fts_table(table: str) -> str:
    return f"{table}{FTS_SUFFIX}"


def trgm_index(table: str, column: str) -> str:
    return f"ix_{table}_{column}{TRGM_SUFFIX}"


def is_search_object(name: str | None, type_: str) -> bool:
    """FTS5 tables (and their shadow tables) and trigram indexes: built by the migration
    for search, not described by the models — the schema comparison skips them."""
    if not name:
        return False
    if type_ == "table":
        return FTS_SUFFIX in name and (
            name.endswith(FTS_SUFFIX)
            or name.rsplit(FTS_SUFFIX, 1)[1] in ("_data", "_idx", "_docsize", "_config", "_content")
        )
    if type_ == "index":
        return name.endswith(TRGM_SUFFIX)
    return False


def ddl(dialect: str, table: str, columns: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(upgrade, downgrade) statements for the search index of `table` over `columns`."""
    if dialect == "postgresql":
        up = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"]
        up += [f"CREATE INDEX {trgm_index(table, c)} ON {table} USING gin ({c} gin_trgm_ops)" for c in columns]
        down = [f"DROP INDEX IF EXISTS {trgm_index(table, c)}" for c in columns]
        return up, down
    if dialect == "sqlite":
        fts = fts_table(table)
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        up = [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', content_rowid='id', tokenize='trigram')",
            f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {table}",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        ]
        down = [f"DROP TRIGGER IF EXISTS {fts}_{s}" for s in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {fts}"]
        return up, down
    return [], []


def _fts_phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def contains(model, column: str, word: str):
    """SQL condition: `column` of `model` contains `word` (case-insensitive), through the index
    where the database and the word allow it."""
    from app.extensions import db

    col = getattr(model, column)
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite" and len(word) >= MIN_CHARS:
        fts = sa.table(fts_table(model.__tablename__), sa.column("rowid"))
        match = sa.text(f"{fts_table(model.__tablename__)} MATCH :q").bindparams(
            q=f"{{{column}}} : {_fts_phrase(word)}"
        )
        return model.id.in_(sa.select(fts.c.rowid).where(match))
    from .filtering import ilike

    return ilike(col, "%", word, "%")  # PostgreSQL: served by the pg_trgm GIN index (escaped wildcards too)


class IndexedContains(FilterContains):
    """FAB's "Contains" (same name and URL argument `ct`), through the search index."""

    def apply(self, query, value):
        if not value:
            return query
        return query.filter(contains(self.model, self.column_name, str(value)))


def converter_for(columns: tuple[str, ...]):
    """A FAB filter converter that answers "Contains" on `columns` through the index."""
    indexed = frozenset(columns)

    class Converter(SQLAFilterConverter):
        def convert(self, col_name):
            filters = super().convert(col_name)
            if col_name in indexed and filters:
                filters = [
                    IndexedContains(col_name, self.datamodel) if type(f) is FilterContains else f for f in filters
                ]
            return filters

    return Converter


def include_name(name, type_, parent_names) -> bool:
    """Alembic ``include_name`` hook (autogenerate and tests/test_schema.py): skip search objects."""
    return not is_search_object(name, type_)
