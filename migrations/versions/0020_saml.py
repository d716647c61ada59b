"""saml: assertions that signed someone in with SAML 2.0, kept until they expire

saml_assertions records the ID of each SAML assertion used to sign in, until it expires, so that
a replayed answer is refused. Nothing existing changes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 12:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saml_assertions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=50), nullable=False),
    sa.Column('assertion_id', sa.String(length=255), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saml_assertions')),
    sa.UniqueConstraint('provider', 'assertion_id', name=op.f('uq_saml_assertions_provider_assertion_id'))
    )
    with op.batch_alter_table('saml_assertions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_assertions_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('saml_assertions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_assertions_expires_at'))

    op.drop_table('saml_assertions')
