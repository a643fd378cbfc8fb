"""`flask tenants create|go-live|status|list`: clean messages and non-zero exits for every refusal."""

from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.extensions import db
from platform_core.tenancy.models import Province, Tenant, TenantHistory
from tests import factories
from tests.conftest import as_tenant
from tests.tenancy.conftest import procedures_by_code


def invoke(runner, *args):
    return runner.invoke(args=["tenants", *args])


def history(tenant) -> list[tuple]:
    rows = db.session.scalars(select(TenantHistory).where(TenantHistory.tenant_id == tenant.id)
                              .order_by(TenantHistory.recorded_at, TenantHistory.id))
    return [(row.change, row.old_value, row.new_value, row.note) for row in rows]


def tenant_count() -> int:
    return len(db.session.scalars(select(Tenant)).all())


# --- create --------------------------------------------------------------------------------------------------

def test_create_fills_the_tenant_from_the_registry_and_loads_its_catalogue(runner):
    result = invoke(runner, "create", "an-giang")

    assert result.exit_code == 0, result.output
    assert "Created an-giang: An Giang (code 91), status onboarding." in result.output
    assert "Procedures: 15 created, 0 updated, 0 unchanged" in result.output
    tenant = factories.tenant_by_slug("an-giang")
    assert (tenant.code, tenant.name, tenant.unit_type, tenant.status) == ("91", "An Giang", "tinh", "onboarding")
    assert db.session.scalar(select(Province).where(Province.slug == "an-giang")) is not None
    assert history(tenant) == [("created", None, "An Giang", None), ("merge_in", "An Giang", "An Giang", None),
                               ("merge_in", "Kiên Giang", "An Giang", None)]
    procedures = procedures_by_code(tenant)
    assert len(procedures) == 15
    assert procedures["1.004222"]["agency"] == "Công an cấp xã, tỉnh An Giang"
    assert {row["tenant_id"] for row in procedures.values()} == {tenant.id}


def test_create_a_city_with_the_default_catalogue_and_a_status(runner):
    result = invoke(runner, "create", "ha-noi", "--status", "trial")
    assert result.exit_code == 0, result.output
    tenant = factories.tenant_by_slug("ha-noi")
    assert (tenant.unit_type, tenant.status) == ("thanh_pho", "trial")
    assert procedures_by_code(tenant)["1.004222"]["agency"] == "Công an cấp xã"


def test_create_is_audited(runner):
    invoke(runner, "create", "an-giang")
    tenant = factories.tenant_by_slug("an-giang")
    event = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "tenant_created",
                                                               PlatformAuditEvent.target_id == str(tenant.id)))
    assert event.details == {"slug": "an-giang"}


def test_create_refuses_an_existing_slug(runner):
    count = tenant_count()
    result = invoke(runner, "create", "bac-ninh")
    assert result.exit_code == 1
    assert "cannot create 'bac-ninh': slug: a tenant 'bac-ninh' already exists" in result.output
    assert "Traceback" not in result.output
    assert tenant_count() == count


def test_create_needs_a_name_outside_the_registry(runner):
    refused = invoke(runner, "create", "thu-nghiem")
    assert refused.exit_code == 1
    assert "name: 'thu-nghiem' is not a known province; give --name" in refused.output

    created = invoke(runner, "create", "thu-nghiem", "--name", "Tỉnh thử nghiệm")
    assert created.exit_code == 0, created.output
    assert "No folder tenants/thu-nghiem/: no catalogue loaded." in created.output
    assert procedures_by_code(factories.tenant_by_slug("thu-nghiem")) == {}


def test_create_refuses_a_malformed_slug(runner):
    result = invoke(runner, "create", "Ha Noi", "--name", "Hà Nội")
    assert result.exit_code == 1
    assert "slug: use lower-case letters" in result.output
    assert factories.tenant_by_slug("Ha Noi") is None


def test_create_refuses_a_status_it_cannot_start_in(runner):
    result = invoke(runner, "create", "an-giang", "--status", "suspended")
    assert result.exit_code == 2
    assert "Invalid value for '--status'" in result.output


def test_create_refuses_when_the_files_are_invalid(runner, tenants_dir):
    (tenants_dir / "an-giang" / "tenant.yaml").write_text("slug: [\n")
    result = invoke(runner, "create", "an-giang", "--dir", str(tenants_dir))
    assert result.exit_code == 1
    assert "tenants/an-giang/tenant.yaml: line 2" in result.output
    assert factories.tenant_by_slug("an-giang") is None


# --- go-live and status --------------------------------------------------------------------------------------

def onboarding_tenant(slug="thu-nghiem", status="onboarding") -> Tenant:
    """Committed, as a tenant is when a command runs (a refused command rolls back its own work only)."""
    tenant = factories.create_tenant(slug, "Tỉnh thử nghiệm", status=status)
    db.session.commit()
    return tenant


def test_go_live_records_history_and_audit(runner):
    tenant = onboarding_tenant()
    result = invoke(runner, "go-live", "thu-nghiem")
    assert result.exit_code == 0, result.output
    assert "thu-nghiem: onboarding -> live." in result.output
    assert factories.tenant_by_slug("thu-nghiem").status == "live"
    assert history(tenant)[-1] == ("status", "onboarding", "live", "go-live approved")
    event = db.session.scalar(select(PlatformAuditEvent).where(
        PlatformAuditEvent.action == "tenant_status_changed", PlatformAuditEvent.target_id == str(tenant.id)))
    assert event.details["to"] == "live"


def test_go_live_twice_says_so(runner):
    onboarding_tenant(status="live")
    result = invoke(runner, "go-live", "thu-nghiem")
    assert result.exit_code == 0
    assert "thu-nghiem is already live." in result.output


def test_go_live_refusal_names_the_allowed_statuses(runner):
    tenant = onboarding_tenant(status="merged")
    result = invoke(runner, "go-live", "thu-nghiem")
    assert result.exit_code == 1
    assert "cannot change thu-nghiem: status: cannot go from merged to live (allowed: none)" in result.output
    assert "Traceback" not in result.output
    assert factories.tenant_by_slug("thu-nghiem").status == "merged"
    assert history(tenant) == []


def test_go_live_unknown_tenant(runner):
    result = invoke(runner, "go-live", "atlantis")
    assert result.exit_code == 2
    assert "no tenant 'atlantis'" in result.output


def test_suspend_and_resume_with_a_reason(runner):
    tenant = onboarding_tenant(status="live")
    suspended = invoke(runner, "status", "thu-nghiem", "suspended", "--reason", "unpaid invoice")
    assert suspended.exit_code == 0, suspended.output
    assert "thu-nghiem: live -> suspended." in suspended.output
    resumed = invoke(runner, "status", "thu-nghiem", "live")
    assert resumed.exit_code == 0, resumed.output
    assert factories.tenant_by_slug("thu-nghiem").status == "live"
    assert history(tenant)[-2:] == [("status", "live", "suspended", "unpaid invoice"),
                                    ("status", "suspended", "live", None)]


def test_status_refusal_names_the_allowed_statuses(runner):
    onboarding_tenant(status="trial")
    result = invoke(runner, "status", "thu-nghiem", "onboarding")
    assert result.exit_code == 1
    assert "cannot go from trial to onboarding (allowed: live, merged, suspended)" in result.output
    assert factories.tenant_by_slug("thu-nghiem").status == "trial"


def test_status_offers_no_merge_without_the_merge_tool(runner):
    onboarding_tenant(status="live")
    result = invoke(runner, "status", "thu-nghiem", "merged")
    assert result.exit_code == 2
    assert "Invalid value for 'STATUS'" in result.output
    assert factories.tenant_by_slug("thu-nghiem").status == "live"


# --- list ----------------------------------------------------------------------------------------------------

def listed(runner) -> dict[str, list[str]]:
    result = invoke(runner, "list")
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header.split() == ["SLUG", "CODE", "NAME", "STATUS", "PROCEDURES"]
    return {line.split()[0]: line.split() for line in lines}


def test_list_shows_each_tenant_with_its_own_procedure_count(runner, tenant_a, tenant_b):
    before = listed(runner)
    with as_tenant(tenant_b):
        factories.create_procedure("1.000656", "Đăng ký khai tử")
    after = listed(runner)

    assert after["bac-ninh"] == ["bac-ninh", "24", "Bắc", "Ninh", "live", str(len(procedures_by_code(tenant_a)))]
    assert int(after["da-nang"][-1]) == int(before["da-nang"][-1]) + 1
    assert after["bac-ninh"][-1] == before["bac-ninh"][-1]


def test_list_includes_a_created_tenant(runner):
    invoke(runner, "create", "an-giang")
    rows = listed(runner)
    assert rows["an-giang"] == ["an-giang", "91", "An", "Giang", "onboarding", "15"]
    assert list(rows) == sorted(rows)
