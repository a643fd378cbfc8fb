"""zalo: imports of an OA's existing followers through Zalo's follower list (progress, capped when the OA has
more followers than the list serves, the failure key), and when a follower was first known by such an import

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('zalo_follower', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_at', UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        'zalo_follower_import',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('trigger', sa.String(length=12), nullable=False),
        sa.Column('seen', sa.Integer(), nullable=False),
        sa.Column('new', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('offset_reached', sa.Integer(), nullable=True),
        sa.Column('capped', sa.Boolean(), nullable=False),
        sa.Column('error', sa.String(length=40), nullable=True),
        sa.Column('started_by_id', sa.Uuid(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_zalo_follower_import_tenant_id_tenant')),
        sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'],
                                name=op.f('fk_zalo_follower_import_started_by_id_user_account')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_zalo_follower_import')),
    )
    op.create_index('ix_zalo_follower_import_tenant_created', 'zalo_follower_import', ['tenant_id', 'created_at'])
    rls.enable_tenant_rls(op, 'zalo_follower_import')


def downgrade():
    rls.disable_tenant_rls(op, 'zalo_follower_import')
    op.drop_index('ix_zalo_follower_import_tenant_created', table_name='zalo_follower_import')
    op.drop_table('zalo_follower_import')
    with op.batch_alter_table('zalo_follower', schema=None) as batch_op:
        batch_op.drop_column('imported_at')
