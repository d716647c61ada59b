"""integrity: seat time's last credited moment

Enrolments gain ``credited_until``, the moment up to which seat time has been credited; heartbeats
credit only time after it. Existing enrolments start with none (their next heartbeat sets it).

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-29 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('credited_until')
