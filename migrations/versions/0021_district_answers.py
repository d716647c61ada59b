"""district answers: each district's answers to the blanks of a course's district box

district_answers holds, per district organisation, course and blank key, the text its leaders
filled in, with who last changed it and when. Nothing existing changes.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('district_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by'], ['users.id'], name=op.f('fk_district_answers_changed_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_district_answers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_answers')),
    sa.UniqueConstraint('organisation_id', 'course_slug', 'key', name=op.f('uq_district_answers_organisation_id_course_slug_key'))
    )


def downgrade():
    op.drop_table('district_answers')
