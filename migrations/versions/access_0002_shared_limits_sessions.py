"""access: failed sign-ins and browser sessions in the database (shared by every process);
the calendar feed token remembers the session epoch it was made in

Revision ID: access_0002
Revises: perf_0001
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'access_0002'
down_revision = 'perf_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_failure_kind_key_at', 'login_failure', ['kind', 'key', 'at'])
    op.create_index('ix_login_failure_at', 'login_failure', ['at'])
    op.create_table(
        'login_session',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_session_user_id', 'login_session', ['user_id'])
    op.create_index('ix_login_session_created_at', 'login_session', ['created_at'])
    with op.batch_alter_table('calendar_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('calendar_token', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
    op.drop_index('ix_login_session_created_at', table_name='login_session')
    op.drop_index('ix_login_session_user_id', table_name='login_session')
    op.drop_table('login_session')
    op.drop_index('ix_login_failure_at', table_name='login_failure')
    op.drop_index('ix_login_failure_kind_key_at', table_name='login_failure')
    op.drop_table('login_failure')
