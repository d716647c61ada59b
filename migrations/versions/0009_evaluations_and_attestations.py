"""evaluations and attestations: the learner's attestation per course and cycle, and anonymous evaluation
responses with their ratings, comments, and links to the learner's cohorts and their organisations

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 08:34:57.120325

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evaluation_responses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('course_version', sa.String(length=50), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_responses'))
    )
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_responses_course_slug'), ['course_slug'], unique=False)

    op.create_table('attestations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=False),
    sa.Column('cycle', sa.Integer(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('attested_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_attestations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attestations')),
    sa.UniqueConstraint('user_id', 'course_slug', 'cycle', name=op.f('uq_attestations_user_id_course_slug_cycle'))
    )
    op.create_table('evaluation_comments',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.String(length=100), nullable=False),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_comments_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'question_id', name=op.f('pk_evaluation_comments'))
    )
    op.create_table('evaluation_ratings',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('item_id', sa.String(length=100), nullable=False),
    sa.Column('statement', sa.String(length=500), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_evaluation_ratings_rating_on_the_scale')),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_ratings_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'item_id', name=op.f('pk_evaluation_ratings'))
    )
    op.create_table('evaluation_response_organisations',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_evaluation_response_organisations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_response_organisations_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'organisation_id', name=op.f('pk_evaluation_response_organisations'))
    )
    with op.batch_alter_table('evaluation_response_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_response_organisations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('evaluation_response_cohorts',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_evaluation_response_cohorts_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_id'], ['evaluation_responses.id'], name=op.f('fk_evaluation_response_cohorts_response_id_evaluation_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'cohort_id', name=op.f('pk_evaluation_response_cohorts'))
    )
    with op.batch_alter_table('evaluation_response_cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluation_response_cohorts_cohort_id'), ['cohort_id'], unique=False)



def downgrade():
    with op.batch_alter_table('evaluation_response_cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_response_cohorts_cohort_id'))

    op.drop_table('evaluation_response_cohorts')
    with op.batch_alter_table('evaluation_response_organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_response_organisations_organisation_id'))

    op.drop_table('evaluation_response_organisations')
    op.drop_table('evaluation_ratings')
    op.drop_table('evaluation_comments')
    op.drop_table('attestations')
    with op.batch_alter_table('evaluation_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_responses_course_slug'))

    op.drop_table('evaluation_responses')
