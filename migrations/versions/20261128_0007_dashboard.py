"""reports: indexes for the period filters (dossiers received/finished, messages created/sent)

Revision ID: 0007
Revises: 0006
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEXES = {
    'dossier': {'ix_dossier_tenant_received': ['tenant_id', 'received_at'],
                'ix_dossier_tenant_completed': ['tenant_id', 'completed_at']},
    'delivery': {'ix_delivery_tenant_created': ['tenant_id', 'created_at'],
                 'ix_delivery_tenant_sent': ['tenant_id', 'sent_at']},
}


def upgrade():
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in indexes:
                batch_op.drop_index(name)
