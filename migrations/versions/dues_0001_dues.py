"""dues: the due ledger (due_item), the actions on it (due_action), the sweep's mark (due_sweep).
The ledger is built from the rows by the first sweep (a ledger with no sweep on record is rebuilt)
or by `flask --app run dues rebuild`.

Revision ID: dues_0001
Revises: access_0002
Create Date: 2026-12-04 20:01:55.029930

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "dues_0001"
down_revision = "access_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "due_sweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("swept_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "due_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register_key", sa.String(length=50), nullable=False),
        sa.Column("row_key", sa.BigInteger(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("rule_code", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("module", sa.String(length=20), nullable=False),
        sa.Column("remind_at", sa.DateTime(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("occurrence", sa.DateTime(), nullable=False),
        sa.Column("notice_at", sa.DateTime(), nullable=True),
        sa.Column("fixed_stage", sa.String(length=20), nullable=True),
        sa.Column("extended_to", sa.DateTime(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        sa.Column("urged_count", sa.Integer(), nullable=False),
        sa.Column("last_urged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["ab_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_due_item_open_due",
            ["due_at", "id"],
            unique=False,
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )
        batch_op.create_index(
            "ix_due_item_open_fixed",
            ["fixed_stage"],
            unique=False,
            sqlite_where=sa.text("resolved_at IS NULL AND fixed_stage IS NOT NULL"),
            postgresql_where=sa.text("resolved_at IS NULL AND fixed_stage IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_due_item_open_remind",
            ["remind_at"],
            unique=False,
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )
        batch_op.create_index(batch_op.f("ix_due_item_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_due_item_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_due_item_row", ["register_key", "row_key"], unique=False)
        batch_op.create_index(
            "uq_due_item_open",
            ["register_key", "source", "row_key", "rule_code", "occurrence"],
            unique=True,
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )

    op.create_table(
        "due_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("due_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("new_deadline", sa.DateTime(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["due_item_id"],
            ["due_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["ab_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("due_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_due_action_due_item_id"), ["due_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_due_action_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("due_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_due_action_user_id"))
        batch_op.drop_index(batch_op.f("ix_due_action_due_item_id"))

    op.drop_table("due_action")
    with op.batch_alter_table("due_item", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_due_item_open",
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )
        batch_op.drop_index("ix_due_item_row")
        batch_op.drop_index(batch_op.f("ix_due_item_owner_id"))
        batch_op.drop_index(batch_op.f("ix_due_item_org_unit_id"))
        batch_op.drop_index(
            "ix_due_item_open_fixed",
            sqlite_where=sa.text("resolved_at IS NULL AND fixed_stage IS NOT NULL"),
            postgresql_where=sa.text("resolved_at IS NULL AND fixed_stage IS NOT NULL"),
        )
        batch_op.drop_index(
            "ix_due_item_open_remind",
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_due_item_open_due",
            sqlite_where=sa.text("resolved_at IS NULL"),
            postgresql_where=sa.text("resolved_at IS NULL"),
        )

    op.drop_table("due_item")
    op.drop_table("due_sweep")
