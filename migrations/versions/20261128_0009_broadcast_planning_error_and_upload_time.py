"""broadcasts: why planning last failed (shown on the page), and when the banner was uploaded to Zalo (uploads
expire after 7 days); ratings: the province's ZNS rating template

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_uploaded_at', UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('planning_error', sa.String(length=500), nullable=True))
    op.create_table(
        'rating_zns_template',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('zns_template_id', sa.String(length=20), nullable=False),
        sa.Column('zns_params', sa.JSON(), nullable=False),
        sa.Column('updated_by_id', sa.Uuid(), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_rating_zns_template_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rating_zns_template')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_rating_zns_template_tenant_id')),
    )
    rls.enable_tenant_rls(op, 'rating_zns_template')


def downgrade():
    rls.disable_tenant_rls(op, 'rating_zns_template')
    op.drop_table('rating_zns_template')
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_column('planning_error')
        batch_op.drop_column('image_uploaded_at')
