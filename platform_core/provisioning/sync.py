"""`flask tenants sync`: load tenants/ (data only) into the Province registry and the tenants' catalogues.

Two phases, so that a bad file never leaves the database half-synced:
1. read and validate every file, collecting every problem (`<file>: <field>: <message>`); any problem
   refuses the whole sync;
2. write everything in one transaction: provinces (a Global table), then each tenant's procedures inside
   that tenant's context, so the session scopes and stamps them as for any other tenant write.
Checksums of the normalised content make a second run a no-op.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from platform_core.catalogue.loader import merge_catalogue, upsert_procedures
from platform_core.db.base import TenantScoped
from platform_core.db.checksum_upsert import Counts, checksum, upsert_by_checksum
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.notices.shipped import read_default_messages, read_province_messages
from platform_core.provisioning.schemas import (
    DefaultCatalogueSchema,
    ProcedureSchema,
    ProvinceCatalogueSchema,
    TenantFileSchema,
)
from platform_core.tenancy import service
from platform_core.tenancy.constants import STATUS_ONBOARDING
from platform_core.tenancy.files import DEFAULTS_FOLDER, Problem, Reader, SourcesInvalid
from platform_core.tenancy.models import Province, Tenant

TENANT_FILE = "tenant.yaml"
CATALOGUE_FILE = "catalogue.yaml"


@dataclass
class Sources:
    """Everything in tenants/, validated: each province's tenant.yaml and its merged catalogue, by slug."""

    provinces: dict[str, dict]
    catalogues: dict[str, list[dict]]
    messages: dict[str, dict[str, dict]] = field(default_factory=dict)  # slug -> event kind -> texts


@dataclass
class SyncReport:
    provinces: Counts
    procedures: dict[str, Counts] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # tenants with no folder in tenants/

    @property
    def changed(self) -> int:
        return self.provinces.changed + sum(counts.changed for counts in self.procedures.values())


# --- phase 1: read and validate ------------------------------------------------------------------------------

def read_sources(root: Path) -> Sources:
    """Read and validate every file under `root`; raises SourcesInvalid listing every problem found."""
    root = Path(root)
    if not root.is_dir():
        raise SourcesInvalid([Problem(str(root), "file", "no such directory")])
    reader = Reader(root)
    defaults = reader.load(root / DEFAULTS_FOLDER / CATALOGUE_FILE, DefaultCatalogueSchema())
    default_messages = read_default_messages(reader)
    provinces, catalogues, messages = {}, {}, {}
    for folder in _province_folders(root):
        province = _read_province(reader, folder)
        changes = _read_province_catalogue(reader, folder, defaults)
        messages[folder.name] = read_province_messages(reader, folder, default_messages)
        if province is not None and changes is not None and defaults is not None:
            provinces[folder.name] = province
            catalogues[folder.name] = merge_catalogue(defaults["procedures"], changes)
    _check_unique_province_codes(reader, provinces)
    if reader.problems:
        raise SourcesInvalid(reader.problems)
    return Sources(provinces=provinces, catalogues=catalogues, messages=messages)


def _province_folders(root: Path) -> list[Path]:
    """One folder per province; folders starting with _ or . are not provinces (_defaults)."""
    return sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith(("_", ".")))


def _read_province(reader: Reader, folder: Path) -> dict | None:
    path = folder / TENANT_FILE
    province = reader.load(path, TenantFileSchema())
    if province is not None and province["slug"] != folder.name:
        reader.report(path, "slug", f"must equal the folder name '{folder.name}'")
        return None
    return province


def _read_province_catalogue(reader: Reader, folder: Path, defaults: dict | None) -> list[dict] | None:
    """The province's changes; a code the defaults lack is the province's own and must be complete."""
    path = folder / CATALOGUE_FILE
    if not path.exists():
        return []
    catalogue = reader.load(path, ProvinceCatalogueSchema())
    if catalogue is None or defaults is None:
        return None
    default_codes = {record["code"] for record in defaults["procedures"]}
    changes = []
    for index, change in enumerate(catalogue["procedures"]):
        if change["code"] not in default_codes:
            change = reader.validate(path, ProcedureSchema(), change, prefix=f"procedures[{index}]")
        changes.append(change)
    return None if None in changes else changes


def read_catalogue(slug: str, root: Path | None = None) -> list[dict]:
    """Province `slug`'s catalogue as a sync would load it: its catalogue.yaml (optional) laid over the
    national defaults. `root` defaults to the TENANTS_DIR setting. Raises SourcesInvalid."""
    reader = Reader(Path(root or current_app.config["TENANTS_DIR"]))
    defaults = reader.load(reader.root / DEFAULTS_FOLDER / CATALOGUE_FILE, DefaultCatalogueSchema())
    changes = _read_province_catalogue(reader, reader.root / slug, defaults)
    if reader.problems:
        raise SourcesInvalid(reader.problems)
    return merge_catalogue(defaults["procedures"], changes)


def _check_unique_province_codes(reader: Reader, provinces: dict[str, dict]) -> None:
    seen: dict[str, str] = {}
    for slug, province in sorted(provinces.items()):
        other = seen.setdefault(province["code"], slug)
        if other != slug:
            reader.report(reader.root / slug / TENANT_FILE, "code", f"{province['code']} is also {other}'s code")


# --- phase 2: write ------------------------------------------------------------------------------------------

def sync(root: Path) -> SyncReport:
    """Validate everything under `root`, then write it all in one transaction."""
    return sync_sources(read_sources(root))


def sync_sources(sources: Sources) -> SyncReport:
    """Write validated sources and commit; on any error nothing is kept."""
    try:
        report = apply_sources(sources)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report


def apply_sources(sources: Sources) -> SyncReport:
    report = SyncReport(provinces=upsert_provinces(sources.provinces))
    for tenant in _all_tenant_refs():
        records = sources.catalogues.get(tenant.slug)
        if records is None:
            report.skipped.append(tenant.slug)
        else:
            report.procedures[tenant.slug] = load_tenant_catalogue(tenant, records)
    return report


def _all_tenant_refs() -> list[TenantRef]:
    return [service.ref(tenant) for tenant in db.session.scalars(select(Tenant).order_by(Tenant.slug))]


def upsert_provinces(provinces: dict[str, dict]) -> Counts:
    """Create or update Province rows by slug; a row whose checksum matches is left untouched."""
    existing = {province.slug: province for province in db.session.scalars(select(Province))}
    return upsert_by_checksum(Province, existing, sorted(provinces.items()), province_columns, checksum,
                              on_update=_mark_synced)


def _mark_synced(province: Province) -> None:
    province.synced_at = utcnow()


def province_columns(data: dict) -> dict:
    """The Province model has no columns for timezone and legal references: they go into `profile`."""
    profile = {"timezone": data["timezone"], "legal_refs": data["legal_refs"], **(data["profile"] or {})}
    return {
        "slug": data["slug"], "code": data["code"], "name": data["name"], "unit_type": data["unit_type"],
        "predecessors": data["predecessors"], "profile": profile,
    }


def load_tenant_catalogue(tenant: TenantRef, records: list[dict]) -> Counts:
    with tenant_scope(tenant):
        return upsert_procedures(records)


@contextmanager
def tenant_scope(tenant: TenantRef) -> Iterator[TenantRef]:
    """Run a block as `tenant` inside the current transaction (not a fresh session, so that a sync stays
    one transaction). Pending writes are flushed on the way in and out, and the tenant's rows are dropped
    from the session afterwards, so nothing of one tenant lingers into the next tenant's block."""
    db.session.flush()
    with tenant_context(tenant):
        yield tenant
        db.session.flush()
    for instance in [obj for obj in db.session if isinstance(obj, TenantScoped)]:
        db.session.expunge(instance)


def provision_tenant(sources: Sources, slug: str, name: str | None = None, status: str = STATUS_ONBOARDING,
                     actor=None) -> tuple[Tenant, Counts | None]:
    """Create a tenant as onboarding does: the registry is brought up to date with the files first (so the
    service fills code, name and unit type from it), then the tenant's catalogue is loaded. A slug with no
    folder in tenants/ gets no catalogue (None). The caller commits; service.TenantError may be raised."""
    upsert_provinces(sources.provinces)
    tenant = service.create_tenant(slug, name=name, status=status, actor=actor)
    records = sources.catalogues.get(slug)
    counts = None if records is None else load_tenant_catalogue(service.ref(tenant), records)
    return tenant, counts
