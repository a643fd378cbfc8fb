"""registrations: appointment slots booked with a registration, the province's signed webhook and its
deliveries; the procedures' required documents

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.types import EncryptedText, UTCDateTime

# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('procedure', sa.Column('required_documents', sa.Text(), nullable=True))
    op.create_table(
        'appointment_slot',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('procedure_code', sa.String(length=40), nullable=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('starts_at', sa.Time(), nullable=False),
        sa.Column('ends_at', sa.Time(), nullable=False),
        sa.Column('capacity', sa.Integer(), nullable=False),
        sa.Column('booked', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_appointment_slot_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_appointment_slot')),
    )
    op.create_index('ix_appointment_slot_tenant_day', 'appointment_slot', ['tenant_id', 'day', 'starts_at'])
    rls.enable_tenant_rls(op, 'appointment_slot')
    with op.batch_alter_table('registration') as batch:
        batch.add_column(sa.Column('slot_id', sa.Uuid(), nullable=True))
        batch.add_column(sa.Column('appointment_cancelled_at', UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'registration_webhook',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('secret', EncryptedText(), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_registration_webhook_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_registration_webhook')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_registration_webhook_tenant_id')),
    )
    rls.enable_tenant_rls(op, 'registration_webhook')
    op.create_table(
        'registration_webhook_delivery',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('registration_id', sa.Uuid(), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_status_code', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_attempt_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('delivered_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'],
                                name=op.f('fk_registration_webhook_delivery_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_registration_webhook_delivery')),
    )
    op.create_index('ix_registration_webhook_delivery_tenant_created', 'registration_webhook_delivery',
                    ['tenant_id', 'created_at'])
    rls.enable_tenant_rls(op, 'registration_webhook_delivery')


def downgrade():
    rls.disable_tenant_rls(op, 'registration_webhook_delivery')
    op.drop_index('ix_registration_webhook_delivery_tenant_created', table_name='registration_webhook_delivery')
    op.drop_table('registration_webhook_delivery')
    rls.disable_tenant_rls(op, 'registration_webhook')
    op.drop_table('registration_webhook')
    with op.batch_alter_table('registration') as batch:
        batch.drop_column('appointment_cancelled_at')
        batch.drop_column('slot_id')
    rls.disable_tenant_rls(op, 'appointment_slot')
    op.drop_index('ix_appointment_slot_tenant_day', table_name='appointment_slot')
    op.drop_table('appointment_slot')
    op.drop_column('procedure', 'required_documents')
