"""registration_procedure.appointment: whether a procedure's form asks for an appointment (none, optional,
required), chosen by the province in the console. Procedures already open keep what they had: an appointment
required whenever the province has free slots for them.

Revision ID: 0028
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration_procedure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appointment', sa.String(length=16), nullable=False,
                                      server_default='required'))


def downgrade():
    with op.batch_alter_table('registration_procedure', schema=None) as batch_op:
        batch_op.drop_column('appointment')
