"""delivery: the due index also keyed by message class, so that the pump counts and claims one class's due
rows without stepping over the other's (a broadcast's bulk backlog in front of a transactional notice)

Revision ID: 0016
Revises: 0015
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_due')
        batch_op.create_index('ix_delivery_due', ['tenant_id', 'state', 'message_class', 'next_attempt_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_due')
        batch_op.create_index('ix_delivery_due', ['tenant_id', 'state', 'next_attempt_at'], unique=False)
