"""broadcasts: the way a piece of news goes (per-follower promotions or one article broadcast), the broadcast's
Zalo target and article cover, and what Zalo answered (article id, message id, refusal code)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=12), nullable=False, server_default='promotion'))
        batch_op.add_column(sa.Column('article_target', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('cover_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('zalo_article_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('zalo_message_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('zalo_error_code', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('broadcast', schema=None) as batch_op:
        for column in ('zalo_error_code', 'zalo_message_id', 'zalo_article_id', 'cover_url', 'article_target',
                       'channel'):
            batch_op.drop_column(column)
