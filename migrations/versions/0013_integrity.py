"""integrity: seat time's last credited moment; what became of each email job's message

Enrolments gain ``credited_until``, the moment up to which seat time has been credited; heartbeats
credit only time after it. Existing enrolments start with none (their next heartbeat sets it).
email_deliveries records, apart from the job's own transaction, whether an "email.send" job's
message is being given to the mail server, was accepted, or is uncertain; jobs queued before have
no row and are sent as before.

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
    op.create_table('email_deliveries',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('sending', 'sent', 'uncertain')", name=op.f('ck_email_deliveries_state')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_email_deliveries_job_id_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_email_deliveries'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('credited_until')

    op.drop_table('email_deliveries')
