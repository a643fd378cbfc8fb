"""zalo_event: the intake's lanes and claims (zalo/intake.py). The webhook only stores the event; the pump's
leader claims a lane's waiting events in batches and hands each batch to one job (issue 11 item 4).

Revision ID: 0026
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

import platform_core

# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('zalo_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lane', sa.SmallInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', platform_core.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_zalo_event_waiting', ['tenant_id', 'status', 'lane', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('zalo_event', schema=None) as batch_op:
        batch_op.drop_index('ix_zalo_event_waiting')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claim_token')
        batch_op.drop_column('lane')
