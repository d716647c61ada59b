"""sign-in identities: single sign-on with OpenID Connect providers

sign_in_identities links an account at a provider (its subject) to a Courseware account.
organisation_domains lists the email domains an organisation owns; organisation_sign_in says
whether single sign-on creates accounts for them (and which cohort new staff join), and whether
passwords are turned off for them. Nothing existing changes.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 11:28:38.844780

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_domains_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_domains')),
    sa.UniqueConstraint('domain', name=op.f('uq_organisation_domains_domain'))
    )
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_domains_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('sign_in_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=50), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_sign_in_identities_provider_subject')),
    sa.UniqueConstraint('user_id', 'provider', name=op.f('uq_sign_in_identities_user_id_provider'))
    )
    with op.batch_alter_table('sign_in_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_identities_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_sign_in',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('create_accounts', sa.Boolean(), nullable=False),
    sa.Column('passwords_off', sa.Boolean(), nullable=False),
    sa.Column('new_staff_cohort_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['new_staff_cohort_id'], ['cohorts.id'], name=op.f('fk_organisation_sign_in_new_staff_cohort_id_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_sign_in_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_organisation_sign_in'))
    )


def downgrade():
    op.drop_table('organisation_sign_in')
    with op.batch_alter_table('sign_in_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_identities_user_id'))

    op.drop_table('sign_in_identities')
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_domains_organisation_id'))

    op.drop_table('organisation_domains')
