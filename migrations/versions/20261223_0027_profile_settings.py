"""the province profile as province settings: the texts of `tenant_profile` (name, agencies, contacts, address)
become `province_setting` rows (settings/definitions.py), its logo a row of `province_logo` (onboarding/models.py);
tenant_profile is dropped

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.base import new_id
from platform_core.db.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

TEXTS = ('display_name', 'agencies', 'contact_name', 'contact_email', 'contact_phone', 'address')
SETTING = sa.table('province_setting', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                   sa.column('key', sa.String()), sa.column('value', sa.JSON()),
                   sa.column('updated_by_id', sa.Uuid()), sa.column('updated_at', UTCDateTime()))
LOGO = sa.table('province_logo', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                sa.column('data', sa.LargeBinary()), sa.column('content_type', sa.String()),
                sa.column('updated_at', UTCDateTime()))
PROFILE = sa.table('tenant_profile', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                   *(sa.column(name, sa.JSON() if name == 'agencies' else sa.String()) for name in TEXTS),
                   sa.column('logo', sa.LargeBinary()), sa.column('logo_content_type', sa.String()),
                   sa.column('updated_at', UTCDateTime()))


def upgrade():
    op.create_table(
        'province_logo',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_province_logo_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_province_logo')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_province_logo_tenant_id')),
    )
    rls.enable_tenant_rls(op, 'province_logo')
    _every_tenant()
    settings, logos = [], []
    for row in op.get_bind().execute(sa.select(PROFILE)).mappings():
        settings += [{'id': new_id(), 'tenant_id': row['tenant_id'], 'key': name, 'value': row[name],
                      'updated_by_id': None, 'updated_at': row['updated_at']}
                     for name in TEXTS if row[name] not in (None, [])]
        if row['logo'] is not None:
            logos.append({'id': new_id(), 'tenant_id': row['tenant_id'], 'data': row['logo'],
                          'content_type': row['logo_content_type'], 'updated_at': row['updated_at']})
    for table, rows in ((SETTING, settings), (LOGO, logos)):
        if rows:
            op.bulk_insert(table, rows)
    rls.disable_tenant_rls(op, 'tenant_profile')
    op.drop_table('tenant_profile')


def _every_tenant():
    """The copy reads and writes every province's rows: on PostgreSQL, row-level security binds the owner too
    (FORCE), so this transaction declares itself cross-tenant, as migration 0023 does."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("select set_config('app.cross_tenant', 'on', true)"))


def downgrade():
    op.create_table(
        'tenant_profile',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('display_name', sa.String(length=200), nullable=False),
        sa.Column('agencies', sa.JSON(), nullable=False),
        sa.Column('contact_name', sa.String(length=120), nullable=True),
        sa.Column('contact_email', sa.String(length=254), nullable=True),
        sa.Column('contact_phone', sa.String(length=20), nullable=True),
        sa.Column('address', sa.String(length=300), nullable=True),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('logo_content_type', sa.String(length=40), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_tenant_profile_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_tenant_profile')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_tenant_profile_tenant_id')),
    )
    rls.enable_tenant_rls(op, 'tenant_profile')
    _every_tenant()
    _copy_back(op.get_bind())
    op.execute(SETTING.delete().where(SETTING.c.key.in_(TEXTS)))
    rls.disable_tenant_rls(op, 'province_logo')
    op.drop_table('province_logo')


def _copy_back(bind):
    """A profile row for every province that saved a name (the one text the old table requires), with its logo."""
    profiles: dict = {}
    for tenant_id, key, value, updated_at in bind.execute(sa.select(
            SETTING.c.tenant_id, SETTING.c.key, SETTING.c.value, SETTING.c.updated_at).where(SETTING.c.key.in_(TEXTS))):
        profile = profiles.setdefault(tenant_id, {'updated_at': updated_at})
        profile[key], profile['updated_at'] = value, max(profile['updated_at'], updated_at)
    logos = {tenant_id: (data, content_type) for tenant_id, data, content_type in bind.execute(
        sa.select(LOGO.c.tenant_id, LOGO.c.data, LOGO.c.content_type))}
    rows = []
    for tenant_id, profile in profiles.items():
        if profile.get('display_name'):
            logo, content_type = logos.get(tenant_id, (None, None))
            rows.append({'id': new_id(), 'tenant_id': tenant_id, **{name: profile.get(name) for name in TEXTS},
                         'agencies': profile.get('agencies') or [], 'logo': logo, 'logo_content_type': content_type,
                         'updated_at': profile['updated_at']})
    if rows:
        op.bulk_insert(PROFILE, rows)
