"""team circles: a circle belongs to a cohort or to one of its teams (team_id); one circle per cohort
and module, and one per team and module, by two partial unique indexes (NULLs never collide in a
unique constraint)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 12:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_circles_team_id_teams'), 'teams', ['team_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint('uq_circles_cohort_id_course_slug_module_slug', type_='unique')
    op.create_index('uq_circles_cohort_module', 'circles', ['cohort_id', 'course_slug', 'module_slug'], unique=True,
                    sqlite_where=sa.text('team_id IS NULL'), postgresql_where=sa.text('team_id IS NULL'))
    op.create_index('uq_circles_team_module', 'circles', ['team_id', 'course_slug', 'module_slug'], unique=True,
                    sqlite_where=sa.text('team_id IS NOT NULL'), postgresql_where=sa.text('team_id IS NOT NULL'))


def downgrade():
    op.drop_index('uq_circles_team_module', table_name='circles')
    op.drop_index('uq_circles_cohort_module', table_name='circles')
    op.execute('DELETE FROM circles WHERE team_id IS NOT NULL')
    with op.batch_alter_table('circles', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_circles_cohort_id_course_slug_module_slug', ['cohort_id', 'course_slug', 'module_slug'])
        batch_op.drop_constraint(batch_op.f('fk_circles_team_id_teams'), type_='foreignkey')
        batch_op.drop_column('team_id')
