"""quiz draws: the questions each attempt asked

An attempt keeps the ids of the questions it asked, drawn from its version's questions. Attempts
recorded before this have none (NULL): they asked every question of their version.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 08:36:35.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('question_ids')
