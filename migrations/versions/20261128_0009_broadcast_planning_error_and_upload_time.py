"""broadcasts: why planning last failed (shown on the page), and when the banner was uploaded to Zalo (uploads
expire after 7 days)

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

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


def downgrade():
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.drop_column('planning_error')
        batch_op.drop_column('image_uploaded_at')
