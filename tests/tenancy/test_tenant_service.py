"""The tenant service: history rows for merges, status transitions."""

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.tenancy import service
from platform_core.tenancy.models import Province, TenantHistory


def _province(slug, name, predecessors):
    db.session.add(Province(slug=slug, code="99", name=name, unit_type="tinh", predecessors=predecessors,
                            profile={"timezone": "Asia/Ho_Chi_Minh"}, source_checksum="x"))
    db.session.flush()


def _changes(tenant) -> list[tuple[str, str | None]]:
    rows = db.session.scalars(select(TenantHistory).where(TenantHistory.tenant_id == tenant.id)).all()
    return sorted((row.change, row.old_value) for row in rows)


def test_a_merged_province_records_each_predecessor(db_session):
    _province("tinh-moi", "Tỉnh Mới", [{"name": "Tỉnh A", "old_code": "01"}, {"name": "Tỉnh B", "old_code": "02"}])
    tenant = service.create_tenant("tinh-moi")
    assert _changes(tenant) == [("created", None), ("merge_in", "Tỉnh A"), ("merge_in", "Tỉnh B")]


def test_a_province_the_reform_left_alone_records_no_merge(db_session):
    _province("tinh-cu", "Tỉnh Cũ", [{"name": "Tỉnh Cũ", "old_code": "03"}])
    tenant = service.create_tenant("tinh-cu")
    assert _changes(tenant) == [("created", None)]


def test_an_impossible_transition_names_the_allowed_ones(db_session):
    _province("tinh-x", "Tỉnh X", [])
    tenant = service.create_tenant("tinh-x", status="live")
    with pytest.raises(service.TenantError, match="allowed: merged, suspended"):
        service.change_status(tenant, "onboarding")


def test_a_tenant_change_is_refused_when_nothing_can_audit_it(db_session, monkeypatch):
    """tenancy/ reaches the audit service only through the listener wiring.py registers: without it, no change."""
    monkeypatch.setattr(service, "_audit_listeners", [])
    with pytest.raises(RuntimeError, match="cannot be audited"):
        service.create_tenant("tinh-moi", name="Tỉnh Mới")
