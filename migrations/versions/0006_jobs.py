"""jobs: a durable job table; unsent outbox mail becomes "email.send" jobs, and outbox_messages goes

Upgrade: every unsent message of outbox_messages becomes an "email.send" job with the same
recipient, subject, body and kind: one waiting or being retried is queued for its next attempt
(with its failed attempts counted), one given up is dead with its last error. Sent messages
were a record only and are not carried over. Then outbox_messages is dropped.

Downgrade: the email jobs not yet done go back to outbox_messages (queued and running ones due
at their time, dead ones given up); jobs of other kinds cannot be kept. Then jobs is dropped.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 06:00:00.000000

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

EMAIL_SEND = 'email.send'
EMAIL_MAX_ATTEMPTS = 12
ACTIVE = sa.text("status IN ('queued', 'running')")
BATCH = 1000

outbox = sa.table(
    'outbox_messages',
    sa.column('id', sa.Integer()),
    sa.column('to_address', sa.String()),
    sa.column('subject', sa.String()),
    sa.column('body', sa.Text()),
    sa.column('kind', sa.String()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('attempts', sa.Integer()),
    sa.column('next_attempt_at', sa.DateTime(timezone=True)),
    sa.column('last_error', sa.Text()),
    sa.column('sent_at', sa.DateTime(timezone=True)),
    sa.column('claimed_until', sa.DateTime(timezone=True)),
)
jobs = sa.table(
    'jobs',
    sa.column('id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('payload', sa.JSON()),
    sa.column('status', sa.String()),
    sa.column('attempts', sa.Integer()),
    sa.column('max_attempts', sa.Integer()),
    sa.column('run_at', sa.DateTime(timezone=True)),
    sa.column('last_error', sa.Text()),
    sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('finished_at', sa.DateTime(timezone=True)),
)


def _batches(result):
    while rows := result.fetchmany(BATCH):
        yield rows


def upgrade():
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=100), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worker_id', sa.String(length=200), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'dead')", name=op.f('ck_jobs_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_status_run_at', ['status', 'run_at', 'id'], unique=False)
        batch_op.create_index('uq_jobs_dedupe_key_active', ['dedupe_key'], unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    bind = op.get_bind()
    unsent = bind.execute(
        sa.select(outbox).where(outbox.c.sent_at.is_(None)).order_by(outbox.c.id)
    )
    now = datetime.now(timezone.utc)
    for rows in _batches(unsent):
        bind.execute(jobs.insert(), [
            {
                'kind': EMAIL_SEND,
                'payload': {'to': row.to_address, 'subject': row.subject, 'body': row.body, 'kind': row.kind},
                # next_attempt_at is NULL once a message was given up
                'status': 'queued' if row.next_attempt_at is not None else 'dead',
                'attempts': row.attempts,
                'max_attempts': max(EMAIL_MAX_ATTEMPTS, row.attempts),
                'run_at': row.next_attempt_at or row.created_at,
                'last_error': row.last_error,
                'created_at': row.created_at,
                'finished_at': None if row.next_attempt_at is not None else now,
            }
            for row in rows
        ])

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_next_attempt_at'))

    op.drop_table('outbox_messages')


def downgrade():
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_next_attempt_at'), ['next_attempt_at'], unique=False)

    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(jobs)
        .where(jobs.c.kind == EMAIL_SEND, jobs.c.status != 'done')
        .order_by(jobs.c.id)
    )
    for rows in _batches(waiting):
        bind.execute(outbox.insert(), [
            {
                'to_address': row.payload['to'],
                'subject': row.payload['subject'],
                'body': row.payload['body'],
                'kind': row.payload.get('kind') or 'email',
                'created_at': row.created_at,
                # the outbox counted failed attempts: a running job's attempt has not failed
                'attempts': row.attempts - 1 if row.status == 'running' else row.attempts,
                'next_attempt_at': None if row.status == 'dead' else row.run_at,
                'last_error': row.last_error,
            }
            for row in rows
        ])

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_jobs_dedupe_key_active', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index('ix_jobs_status_run_at')

    op.drop_table('jobs')
