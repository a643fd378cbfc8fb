"""registrations: the procedures a province opens to registration on Zalo (and the fields each form asks) and
the registrations citizens sent (answers encrypted)

Revision ID: 0021
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.types import EncryptedText, UTCDateTime

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'registration_procedure',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('procedure_code', sa.String(length=40), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_registration_procedure_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_registration_procedure')),
        sa.UniqueConstraint('tenant_id', 'procedure_code', name=op.f('uq_registration_procedure_tenant_id_procedure_code')),
    )
    rls.enable_tenant_rls(op, 'registration_procedure')
    op.create_table(
        'registration',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('procedure_code', sa.String(length=40), nullable=False),
        sa.Column('procedure_name', sa.Text(), nullable=False),
        sa.Column('zalo_user_id', sa.String(length=40), nullable=True),
        sa.Column('answers', EncryptedText(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('dossier_code', sa.String(length=80), nullable=True),
        sa.Column('token_digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('linked_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('answers_removed_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_registration_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_registration')),
        sa.UniqueConstraint('tenant_id', 'token_digest', name=op.f('uq_registration_tenant_id_token_digest')),
    )
    op.create_index('ix_registration_tenant_status_created', 'registration', ['tenant_id', 'status', 'created_at'])
    op.create_index('ix_registration_tenant_user', 'registration', ['tenant_id', 'zalo_user_id'])
    rls.enable_tenant_rls(op, 'registration')


def downgrade():
    rls.disable_tenant_rls(op, 'registration')
    op.drop_index('ix_registration_tenant_user', table_name='registration')
    op.drop_index('ix_registration_tenant_status_created', table_name='registration')
    op.drop_table('registration')
    rls.disable_tenant_rls(op, 'registration_procedure')
    op.drop_table('registration_procedure')
