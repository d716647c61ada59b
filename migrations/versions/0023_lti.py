"""lti: platforms registered to launch Courseware as an LTI 1.3 tool, what each launch said, and
the short-lived tickets of the LTI flows

lti_registrations holds each learning platform an admin registered; lti_launches keeps, per person
and link, where to post their score and read the roster; lti_tickets holds the single-use login
states, hand-overs and deep linking requests. Nothing existing changes.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('deployment_ids', sa.Text(), nullable=False),
    sa.Column('key_set_url', sa.String(length=1000), nullable=False),
    sa.Column('auth_login_url', sa.String(length=1000), nullable=False),
    sa.Column('access_token_url', sa.String(length=1000), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_lti_registrations_organisation_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_registrations')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_registrations_issuer_client_id'))
    )
    op.create_table('lti_launches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('course_slug', sa.String(length=100), nullable=True),
    sa.Column('module_key', sa.String(length=100), nullable=True),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('context_title', sa.String(length=300), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('lineitem_url', sa.String(length=1000), nullable=True),
    sa.Column('ags_scopes', sa.JSON(), nullable=False),
    sa.Column('memberships_url', sa.String(length=1000), nullable=True),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['lti_registrations.id'], name=op.f('fk_lti_launches_registration_id_lti_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_launches')),
    sa.UniqueConstraint('registration_id', 'deployment_id', 'resource_link_id', 'sub', name=op.f('uq_lti_launches_registration_id_deployment_id_resource_link_id_sub'))
    )
    with op.batch_alter_table('lti_launches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_launches_course_slug'), ['course_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_launches_registration_id'), ['registration_id'], unique=False)

    op.create_table('lti_tickets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['lti_registrations.id'], name=op.f('fk_lti_tickets_registration_id_lti_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_tickets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_lti_tickets_token_hash'))
    )
    with op.batch_alter_table('lti_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_tickets_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_tickets_registration_id'), ['registration_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lti_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_tickets_registration_id'))
        batch_op.drop_index(batch_op.f('ix_lti_tickets_expires_at'))

    op.drop_table('lti_tickets')
    with op.batch_alter_table('lti_launches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_launches_registration_id'))
        batch_op.drop_index(batch_op.f('ix_lti_launches_course_slug'))

    op.drop_table('lti_launches')
    op.drop_table('lti_registrations')
