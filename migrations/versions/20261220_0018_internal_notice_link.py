"""officials: a notice may carry a link to the page where its matter is handled (the broadcast to approve, the
console after a go-live decision); its Zalo message gets an open-link button and its e-mail the link

Revision ID: 0018
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('internal_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('internal_notice', schema=None) as batch_op:
        batch_op.drop_column('link_url')
