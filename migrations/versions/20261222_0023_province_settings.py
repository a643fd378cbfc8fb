"""province settings in one table: `province_setting` (one row per province and setting, settings/definitions.py)
takes the values of retention_policy, result_settings and rating_zns_template, which are dropped

Revision ID: 0023
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

from platform_core.db import rls
from platform_core.db.base import new_id
from platform_core.db.types import EncryptedText, UTCDateTime

# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0021'
branch_labels = None
depends_on = None

SETTING = sa.table('province_setting', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                   sa.column('key', sa.String()), sa.column('value', sa.JSON()),
                   sa.column('updated_by_id', sa.Uuid()), sa.column('updated_at', UTCDateTime()))
RETENTION = sa.table('retention_policy', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                     sa.column('data_kind', sa.String()), sa.column('days', sa.Integer()),
                     sa.column('updated_at', UTCDateTime()))
RESULTS = sa.table('result_settings', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                   sa.column('allowed_hosts', sa.JSON()), sa.column('updated_at', UTCDateTime()))
RATING_ZNS = sa.table('rating_zns_template', sa.column('tenant_id', sa.Uuid()), sa.column('id', sa.Uuid()),
                      sa.column('zns_template_id', sa.String()), sa.column('zns_params', sa.JSON()),
                      sa.column('updated_by_id', sa.Uuid()), sa.column('updated_at', UTCDateTime()))


def upgrade():
    op.create_table(
        'province_setting',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.JSON(), nullable=True),
        sa.Column('secret_value', EncryptedText(), nullable=True),
        sa.Column('updated_by_id', sa.Uuid(), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_province_setting_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_province_setting')),
        sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_province_setting_tenant_id_key')),
    )
    rls.enable_tenant_rls(op, 'province_setting')
    _every_tenant()
    bind = op.get_bind()
    rows = [*_retention_rows(bind), *_result_rows(bind), *_rating_zns_rows(bind)]
    if rows:
        op.bulk_insert(SETTING, [{'id': new_id(), 'updated_by_id': None, **row} for row in rows])
    for table in ('rating_zns_template', 'result_settings', 'retention_policy'):
        rls.disable_tenant_rls(op, table)
        op.drop_table(table)


def _every_tenant():
    """The copy reads and writes every province's rows: on PostgreSQL, row-level security binds the owner too
    (FORCE), so this transaction declares itself cross-tenant, as migration 0004 does."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("select set_config('app.cross_tenant', 'on', true)"))


def _retention_rows(bind) -> list[dict]:
    periods: dict = {}
    for tenant_id, kind, days, updated_at in bind.execute(
            sa.select(RETENTION.c.tenant_id, RETENTION.c.data_kind, RETENTION.c.days, RETENTION.c.updated_at)):
        days_by_kind, latest = periods.get(tenant_id, ({}, updated_at))
        days_by_kind[kind] = days
        periods[tenant_id] = (days_by_kind, max(latest, updated_at))
    return [{'tenant_id': tenant_id, 'key': 'retention_days', 'value': days_by_kind, 'updated_at': updated_at}
            for tenant_id, (days_by_kind, updated_at) in periods.items()]


def _result_rows(bind) -> list[dict]:
    return [{'tenant_id': tenant_id, 'key': 'result_hosts', 'value': list(hosts or []), 'updated_at': updated_at}
            for tenant_id, hosts, updated_at in bind.execute(
                sa.select(RESULTS.c.tenant_id, RESULTS.c.allowed_hosts, RESULTS.c.updated_at))]


def _rating_zns_rows(bind) -> list[dict]:
    return [{'tenant_id': tenant_id, 'key': 'rating_zns', 'updated_by_id': updated_by_id, 'updated_at': updated_at,
             'value': {'zns_template_id': template_id, 'zns_params': dict(params or {})}}
            for tenant_id, template_id, params, updated_by_id, updated_at in bind.execute(
                sa.select(RATING_ZNS.c.tenant_id, RATING_ZNS.c.zns_template_id, RATING_ZNS.c.zns_params,
                          RATING_ZNS.c.updated_by_id, RATING_ZNS.c.updated_at))]


def downgrade():
    op.create_table(
        'retention_policy',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('data_kind', sa.String(length=24), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_retention_policy_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_retention_policy')),
        sa.UniqueConstraint('tenant_id', 'data_kind', name=op.f('uq_retention_policy_tenant_id_data_kind')),
    )
    op.create_table(
        'result_settings',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('allowed_hosts', sa.JSON(), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_result_settings_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_result_settings')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_result_settings_tenant_id')),
    )
    op.create_table(
        'rating_zns_template',
        sa.Column('tenant_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('zns_template_id', sa.String(length=20), nullable=False),
        sa.Column('zns_params', sa.JSON(), nullable=False),
        sa.Column('updated_by_id', sa.Uuid(), nullable=True),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_rating_zns_template_tenant_id_tenant')),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rating_zns_template')),
        sa.UniqueConstraint('tenant_id', name=op.f('uq_rating_zns_template_tenant_id')),
    )
    for table in ('retention_policy', 'result_settings', 'rating_zns_template'):
        rls.enable_tenant_rls(op, table)
    _every_tenant()
    _copy_back(op.get_bind())
    rls.disable_tenant_rls(op, 'province_setting')
    op.drop_table('province_setting')


def _copy_back(bind):
    """The three settings to their old tables; a setting added after 0023 has no table to go back to."""
    retention, results, rating_zns = [], [], []
    for tenant_id, key, value, updated_by_id, updated_at in bind.execute(sa.select(
            SETTING.c.tenant_id, SETTING.c.key, SETTING.c.value, SETTING.c.updated_by_id, SETTING.c.updated_at)):
        if key == 'retention_days':
            retention += [{'id': new_id(), 'tenant_id': tenant_id, 'data_kind': kind, 'days': days,
                           'updated_at': updated_at} for kind, days in (value or {}).items()]
        elif key == 'result_hosts':
            results.append({'id': new_id(), 'tenant_id': tenant_id, 'allowed_hosts': value or [],
                            'updated_at': updated_at})
        elif key == 'rating_zns' and value:
            rating_zns.append({'id': new_id(), 'tenant_id': tenant_id, 'zns_template_id': value['zns_template_id'],
                               'zns_params': value['zns_params'], 'updated_by_id': updated_by_id,
                               'updated_at': updated_at})
    for table, rows in ((RETENTION, retention), (RESULTS, results), (RATING_ZNS, rating_zns)):
        if rows:
            op.bulk_insert(table, rows)
