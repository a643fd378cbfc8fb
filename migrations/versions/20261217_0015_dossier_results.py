"""results: a dossier's electronic result (the file itself is stored encrypted under the instance folder) and a
province's allow-list of hosts results may be fetched from

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'dossier_result',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('dossier_id', sa.Uuid(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('source_url', sa.String(length=2000), nullable=True),
        sa.Column('notification_id', sa.Uuid(), nullable=True),
        sa.Column('downloads', sa.Integer(), nullable=False),
        sa.Column('first_downloaded_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_downloaded_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('removed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('removed_reason', sa.String(length=20), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_dossier_result_tenant_id_tenant')),
        sa.ForeignKeyConstraint(['tenant_id', 'dossier_id'], ['dossier.tenant_id', 'dossier.id'],
                                name=op.f('fk_dossier_result_tenant_id_dossier_id_dossier')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_dossier_result')),
    )
    op.create_index('ix_dossier_result_tenant_dossier', 'dossier_result', ['tenant_id', 'dossier_id'])
    op.create_index('ix_dossier_result_tenant_created', 'dossier_result', ['tenant_id', 'created_at'])
    rls.enable_tenant_rls(op, 'dossier_result')
    op.create_table(
        'result_settings',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('allowed_hosts', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_result_settings_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_result_settings')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_result_settings_tenant_id')),
    )
    rls.enable_tenant_rls(op, 'result_settings')


def downgrade():
    rls.disable_tenant_rls(op, 'result_settings')
    op.drop_table('result_settings')
    rls.disable_tenant_rls(op, 'dossier_result')
    op.drop_index('ix_dossier_result_tenant_created', table_name='dossier_result')
    op.drop_index('ix_dossier_result_tenant_dossier', table_name='dossier_result')
    op.drop_table('dossier_result')
