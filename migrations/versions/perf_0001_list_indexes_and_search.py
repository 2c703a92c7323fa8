"""perf: list-order indexes and the search indexes (FTS5 on SQLite, pg_trgm on PostgreSQL)

Revision ID: perf_0001
Revises: fuwu_0001
Create Date: 2026-11-27 08:10:00

"""
from alembic import op

from app.core import search

# revision identifiers, used by Alembic.
revision = 'perf_0001'
down_revision = 'access_0001'
branch_labels = None
depends_on = None

#: the default list order over live rows (app/core/paging.py walks it for keyset and deep pages);
#: org_unit_id last: scoped pages and counts are read from the index alone
ORDER_INDEXES = {
    "ix_meeting_live_order": ("meeting", ["is_deleted", "planned_start", "id", "org_unit_id"]),
    "ix_petition_case_live_order": ("petition_case", ["is_deleted", "received_at", "id", "org_unit_id"]),
    "ix_service_list_item_live_order": ("service_list_item", ["is_deleted", "month", "id", "org_unit_id"]),
}
#: Register.fulltext of these registers, frozen at this revision (app/core/search.py)
FULLTEXT = {
    "meeting": ("title",),
    "petition_case": ("content",),
    "service_list_item": ("content",),
    "audit_log": ("diff",),
}


def upgrade():
    for name, (table, columns) in ORDER_INDEXES.items():
        op.create_index(name, table, columns, unique=False)
    dialect = op.get_bind().dialect.name
    for table, columns in FULLTEXT.items():
        for statement in search.ddl(dialect, table, columns)[0]:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table, columns in FULLTEXT.items():
        for statement in search.ddl(dialect, table, columns)[1]:
            op.execute(statement)
    for name, (table, _columns) in ORDER_INDEXES.items():
        op.drop_index(name, table_name=table)
