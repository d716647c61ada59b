"""circles: peer-learning discussions of a cohort, one per module of an assigned course; their
posts and replies, reports of posts to the cohort's leaders, the daily digests sent and who opted out

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 11:13:35.921631

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('circle_digest_opt_outs',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_circle_digest_opt_outs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_circle_digest_opt_outs'))
    )
    op.create_table('circle_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_circle_digests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_digests')),
    sa.UniqueConstraint('user_id', 'period', name=op.f('uq_circle_digests_user_id_period'))
    )
    op.create_table('circles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('module_slug', sa.String(length=100), nullable=False),
    sa.Column('locked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_circles_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['locked_by'], ['users.id'], name=op.f('fk_circles_locked_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circles')),
    sa.UniqueConstraint('cohort_id', 'course_slug', 'module_slug', name=op.f('uq_circles_cohort_id_course_slug_module_slug'))
    )
    op.create_table('circle_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('circle_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by', sa.Integer(), nullable=True),
    sa.Column('hidden_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_circle_posts_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['circle_id'], ['circles.id'], name=op.f('fk_circle_posts_circle_id_circles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by'], ['users.id'], name=op.f('fk_circle_posts_hidden_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['circle_posts.id'], name=op.f('fk_circle_posts_parent_id_circle_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_posts'))
    )
    with op.batch_alter_table('circle_posts', schema=None) as batch_op:
        batch_op.create_index('ix_circle_posts_author', ['author_id', 'circle_id'], unique=False)
        batch_op.create_index('ix_circle_posts_created', ['created_at'], unique=False)
        batch_op.create_index('ix_circle_posts_parent', ['parent_id'], unique=False)
        batch_op.create_index('ix_circle_posts_threads', ['circle_id', 'parent_id', 'activity_at'], unique=False)

    op.create_table('circle_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['circle_posts.id'], name=op.f('fk_circle_reports_post_id_circle_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_circle_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_reports')),
    sa.UniqueConstraint('post_id', 'reporter_id', name=op.f('uq_circle_reports_post_id_reporter_id'))
    )


def downgrade():
    op.drop_table('circle_reports')
    with op.batch_alter_table('circle_posts', schema=None) as batch_op:
        batch_op.drop_index('ix_circle_posts_threads')
        batch_op.drop_index('ix_circle_posts_parent')
        batch_op.drop_index('ix_circle_posts_created')
        batch_op.drop_index('ix_circle_posts_author')

    op.drop_table('circle_posts')
    op.drop_table('circles')
    op.drop_table('circle_digests')
    op.drop_table('circle_digest_opt_outs')
