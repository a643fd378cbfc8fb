"""mergers: a merge of one tenant into another and its recorded progress (platform data, no tenant rows)

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'tenant_merge',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('source_id', sa.Uuid(), nullable=False),
        sa.Column('target_id', sa.Uuid(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('phase', sa.String(length=16), nullable=False),
        sa.Column('table_name', sa.String(length=64), nullable=True),
        sa.Column('cursor', sa.String(length=64), nullable=True),
        sa.Column('plan', sa.JSON(), nullable=False),
        sa.Column('progress', sa.JSON(), nullable=False),
        sa.Column('legal_ref', sa.String(length=120), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('started_by_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['source_id'], ['tenant.id'], name=op.f('fk_tenant_merge_source_id_tenant')),
        sa.ForeignKeyConstraint(['target_id'], ['tenant.id'], name=op.f('fk_tenant_merge_target_id_tenant')),
        sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'],
                                name=op.f('fk_tenant_merge_started_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_merge')),
    )
    with op.batch_alter_table('tenant_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tenant_merge_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tenant_merge_target_id'), ['target_id'], unique=False)


def downgrade():
    op.drop_table('tenant_merge')
