"""delivery: drop its own foreign key to tenant. The one to its notification, (tenant_id, notification_id),
already ties every delivery to a tenant that exists, and PostgreSQL checks each foreign key row by row: 15 % of
a broadcast's planning, which writes a delivery per follower (README, Performance).

Revision ID: 0029
Revises: 0028
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_delivery_tenant_id_tenant'), type_='foreignkey')


def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_delivery_tenant_id_tenant'), 'tenant', ['tenant_id'], ['id'])
