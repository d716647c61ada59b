"""kept submissions belong to a person: user_id instead of a key held in the session

Forms kept across an expired session are now kept only for the person named by the form's signed
keep token, one per form and person. Rows kept the old way belong to nobody and are removed (they
lived two days at most).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM kept_submissions")
    with op.batch_alter_table('kept_submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_kept_submissions_key'), type_='unique')
        batch_op.drop_column('key')
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f('fk_kept_submissions_user_id_users'), 'users', ['user_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_index(batch_op.f('ix_kept_submissions_user_id'), ['user_id'], unique=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_kept_submissions_user_id_kind_target'), ['user_id', 'kind', 'target']
        )


def downgrade():
    op.execute("DELETE FROM kept_submissions")
    with op.batch_alter_table('kept_submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_kept_submissions_user_id_kind_target'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_kept_submissions_user_id'))
        batch_op.drop_constraint(batch_op.f('fk_kept_submissions_user_id_users'), type_='foreignkey')
        batch_op.drop_column('user_id')
        batch_op.add_column(sa.Column('key', sa.String(length=32), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_kept_submissions_key'), ['key'])
