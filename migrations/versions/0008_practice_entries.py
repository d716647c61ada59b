"""practice entries: what learners log of the practice they do in their school between sessions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practice_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.String(length=100), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('tried', sa.Text(), nullable=False),
    sa.Column('noticed', sa.Text(), nullable=False),
    sa.Column('attested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('form_key', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_practice_entries_minutes_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_entries')),
    sa.UniqueConstraint('user_id', 'form_key', name=op.f('uq_practice_entries_user_id_form_key'))
    )
    with op.batch_alter_table('practice_entries', schema=None) as batch_op:
        batch_op.create_index('ix_practice_entries_learner_course_cycle', ['user_id', 'course_slug', 'cycle'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_practice_entries_learner_course_cycle')

    op.drop_table('practice_entries')
