"""citizens: a data-subject request a processor or third party must carry out too (20 days instead of 15,
Decree 356/2025); zalo: the file or meta tag each province's Zalo app gives to verify the platform's domain
(platform data keyed by the file name, which Zalo fetches at the domain's root)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('third_party', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        'zalo_site_verification',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('file_name', sa.String(length=120), nullable=True),
        sa.Column('file_body', sa.Text(), nullable=True),
        sa.Column('meta_content', sa.String(length=120), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_zalo_site_verification_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_zalo_site_verification')),
        sa.UniqueConstraint('file_name', name=op.f('uq_zalo_site_verification_file_name')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_zalo_site_verification_tenant_id')),
    )


def downgrade():
    op.drop_table('zalo_site_verification')
    with op.batch_alter_table('data_subject_request', schema=None) as batch_op:
        batch_op.drop_column('third_party')
