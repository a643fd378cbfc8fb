"""Declarative base, the two table kinds (TenantScoped / Global) and application-made UUIDv7 ids.

Every tenant table has `tenant_id` as the first column of its primary key and of every unique constraint and
foreign key, so that the schema can be sharded by tenant later (Citus) and so that a composite key can never
point into another tenant's rows.
"""

import uuid

import uuid6
from sqlalchemy import ForeignKey, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A time-ordered UUIDv7 (stdlib `uuid` gains uuid7 only in Python 3.14)."""
    return uuid.UUID(bytes=uuid6.uuid7().bytes)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Global:
    """Marks a table shared by the whole platform (tenants, users, provinces). It is never tenant-filtered."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id, sort_order=-9)


class TenantScoped:
    """Marks a table owned by one tenant. Reads, updates and deletes are filtered to the tenant in context,
    writes are stamped and checked, and PostgreSQL row-level security backs both up.

    `tenant_id` is a foreign key to `tenant`, unless the table sets `tenant_implied_by_parent`: one of its own
    foreign keys, `(tenant_id, ...)` to another tenant table, already ties every row to a tenant that exists, and
    PostgreSQL checks each key row by row (a delivery, through its notification: broadcast planning writes one per
    follower)."""

    tenant_implied_by_parent = False

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 - declared_attr receives the class
        key = () if cls.tenant_implied_by_parent else (ForeignKey("tenant.id"),)
        return mapped_column(Uuid, *key, primary_key=True, sort_order=-10)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id, sort_order=-9)


def tenant_tables() -> list[str]:
    """Names of every TenantScoped table (migrations put row-level security on each)."""
    return sorted(
        mapper.local_table.name for mapper in Base.registry.mappers if issubclass(mapper.class_, TenantScoped)
    )
