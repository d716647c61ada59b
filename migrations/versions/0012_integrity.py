"""integrity: seat time's last credited moment; what became of each email job's message; the quiz
version shown to a learner for each attempt

Enrolments gain ``credited_until``, the moment up to which seat time has been credited; heartbeats
credit only time after it. Existing enrolments start with none (their next heartbeat sets it).
email_deliveries records, apart from the job's own transaction, whether an "email.send" job's
message is being given to the mail server, was accepted, or is uncertain; jobs queued before have
no row and are sent as before. quiz_shown records, per learner, quiz, cycle and attempt number,
the version last shown: the only one that attempt is graded against. A quiz form opened before
this revision is refused once, with the answers kept, and recorded as it is shown again.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 09:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
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
    op.create_table('quiz_shown',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('quiz_id', sa.String(length=100), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('quiz_version_id', sa.Integer(), nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['quiz_version_id'], ['quiz_versions.id'], name=op.f('fk_quiz_shown_quiz_version_id_quiz_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_shown_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_shown')),
    sa.UniqueConstraint('user_id', 'course_slug', 'quiz_id', 'cycle', 'number', name=op.f('uq_quiz_shown_user_id_course_slug_quiz_id_cycle_number'))
    )
    with op.batch_alter_table('quiz_shown', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_shown_quiz_version_id'), ['quiz_version_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_shown_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited_until', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('credited_until')

    op.drop_table('email_deliveries')
    with op.batch_alter_table('quiz_shown', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_shown_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_shown_quiz_version_id'))

    op.drop_table('quiz_shown')
