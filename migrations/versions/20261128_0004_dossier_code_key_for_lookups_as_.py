"""dossier code key for lookups as citizens type codes

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from platform_core.text import code_key

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_key', sa.String(length=80), nullable=True))
    _backfill_code_keys()
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.alter_column('code_key', existing_type=sa.String(length=80), nullable=False)
        batch_op.create_index('ix_dossier_tenant_id_code_key', ['tenant_id', 'code_key'], unique=False)


def _backfill_code_keys():
    """Every tenant's rows: on PostgreSQL, row-level security binds the owner too (FORCE), so this transaction
    declares itself cross-tenant, as the audited helper does in the app."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("select set_config('app.cross_tenant', 'on', true)"))
    dossier = sa.table('dossier', sa.column('tenant_id'), sa.column('id'), sa.column('code'), sa.column('code_key'))
    for tenant_id, dossier_id, code in bind.execute(sa.select(dossier.c.tenant_id, dossier.c.id, dossier.c.code)):
        bind.execute(dossier.update().where(dossier.c.tenant_id == tenant_id, dossier.c.id == dossier_id)
                     .values(code_key=code_key(code)))


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_tenant_id_code_key')
        batch_op.drop_column('code_key')
