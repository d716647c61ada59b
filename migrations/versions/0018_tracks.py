"""tracks: the role track a learner takes a course on, and the track a certificate was earned on

``enrolments.track`` is the id of the course's track (course.yml ``tracks``) the learner chose for
this round of the course; empty for a course without tracks, or before they choose.
``certificates.track_title`` records the track's title as it was when the certificate was issued.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track', sa.String(length=50), nullable=True))
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('track_title', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('track_title')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('track')
