"""results: the ZNS template a province registered for results, for a citizen reachable only by phone (its id and
the names of its two parameters: the dossier code and the download link's path)

Revision ID: 0025
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('result_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('zns_template_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('zns_code_param', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('zns_link_param', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('result_settings', schema=None) as batch_op:
        batch_op.drop_column('zns_link_param')
        batch_op.drop_column('zns_code_param')
        batch_op.drop_column('zns_template_id')
