"""`flask demo`: live demo provinces, logins and API keys; a second run reuses everything."""

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from platform_core.apikeys import service as apikeys
from platform_core.apikeys.models import ApiKey
from platform_core.audit.models import PlatformAuditEvent
from platform_core.auth.models import Membership, User
from platform_core.auth.passwords import hash_password, verify_password
from platform_core.demo.service import DEMO_PASSWORD, DEMO_SLUGS, OPERATOR_EMAIL
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant, TenantHistory
from tests import factories
from tests.conftest import as_tenant

DEMO_EMAILS = [OPERATOR_EMAIL] + [f"{role}@{slug}.demo" for slug in DEMO_SLUGS for role in ("admin", "officer")]


@pytest.fixture(autouse=True)
def credentials_file(app) -> Path:
    """The instance folder outlives each test's rolled-back database, so each test starts with no file."""
    path = Path(app.instance_path) / "demo-credentials.json"
    path.unlink(missing_ok=True)
    yield path
    path.unlink(missing_ok=True)


def run_demo(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result


def stored(credentials_file) -> dict:
    return json.loads(credentials_file.read_text())


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def live_key_of(slug: str, plaintext: str) -> ApiKey | None:
    with as_tenant(factories.tenant_by_slug(slug)):
        return apikeys.authenticate(plaintext)


def history_of(tenant) -> list[tuple]:
    rows = db.session.scalars(select(TenantHistory).where(TenantHistory.tenant_id == tenant.id)
                              .order_by(TenantHistory.recorded_at, TenantHistory.id))
    return [(row.change, row.old_value, row.new_value) for row in rows]


def test_demo_sets_up_three_live_provinces(runner, tenant_a):
    result = run_demo(runner)

    tenants = {slug: factories.tenant_by_slug(slug) for slug in DEMO_SLUGS}
    assert {slug: tenant.status for slug, tenant in tenants.items()} == dict.fromkeys(DEMO_SLUGS, "live")
    assert tenants["bac-ninh"].id == tenant_a.id  # reused, not recreated
    assert history_of(tenants["an-giang"]) == [
        ("created", None, "An Giang"), ("merge_in", "An Giang", "An Giang"), ("merge_in", "Kiên Giang", "An Giang"),
        ("status", "onboarding", "live"),
    ]
    for slug in DEMO_SLUGS:
        assert f"/{slug}/" in result.output
        assert f"admin@{slug}.demo" in result.output
    assert DEMO_PASSWORD in result.output
    assert "DEMO ONLY" in result.output


def test_demo_users_have_their_roles_in_their_province_only(runner):
    run_demo(runner)
    for email in DEMO_EMAILS:
        assert verify_password(user(email).password_hash, DEMO_PASSWORD)
    assert user(OPERATOR_EMAIL).platform_role == "operator"
    bac_ninh = factories.tenant_by_slug("bac-ninh")
    memberships = db.session.scalars(select(Membership).where(Membership.tenant_id == bac_ninh.id)).all()
    assert {(m.user.email, m.role) for m in memberships} >= {
        ("admin@bac-ninh.demo", "admin"), ("officer@bac-ninh.demo", "officer")
    }
    assert [m.tenant_id for m in user("admin@bac-ninh.demo").memberships] == [bac_ninh.id]


def test_demo_keys_are_stored_privately_and_work_only_for_their_province(runner, credentials_file):
    result = run_demo(runner)

    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
    content = stored(credentials_file)
    assert content["password"] == DEMO_PASSWORD
    assert content["operator"] == OPERATOR_EMAIL
    for slug in DEMO_SLUGS:
        key = content["provinces"][slug]["api_key"]
        assert key in result.output
        assert content["provinces"][slug]["url"] == f"/{slug}/"
        assert live_key_of(slug, key).kind == "live"
        assert apikeys.tenant_id_of(key) == factories.tenant_by_slug(slug).id
    assert live_key_of("da-nang", content["provinces"]["bac-ninh"]["api_key"]) is None


def test_a_demo_key_reads_its_own_provinces_catalogue(runner, client, credentials_file):
    run_demo(runner)
    key = stored(credentials_file)["provinces"]["da-nang"]["api_key"]
    response = client.get("/api/v1/procedures/1.004222", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert response.get_json()["agency"] == "Công an cấp xã, TP Đà Nẵng"


def snapshot() -> dict:
    tenants = db.session.scalars(select(Tenant).where(Tenant.slug.in_(DEMO_SLUGS))).all()
    keys = {}
    for tenant in tenants:
        with as_tenant(tenant):
            keys[tenant.slug] = sorted((k.id, k.revoked_at) for k in db.session.scalars(select(ApiKey)))
    return {
        "tenants": sorted((t.slug, t.id, t.status) for t in tenants),
        "history": len(db.session.scalars(select(TenantHistory)).all()),
        "users": sorted((u.email, u.id, u.password_hash, u.platform_role) for u in map(user, DEMO_EMAILS)),
        "memberships": sorted((m.user_id, m.tenant_id, m.role) for m in db.session.scalars(select(Membership))),
        "keys": keys,
    }


def test_demo_twice_reuses_everything(runner, credentials_file):
    run_demo(runner)
    before, first_file = snapshot(), stored(credentials_file)

    second = run_demo(runner)

    assert "Created this run: nothing (all reused)" in second.output
    assert "Provinces: 0 created, 0 updated, 34 unchanged" in second.output
    assert snapshot() == before
    assert stored(credentials_file) == first_file
    for slug in DEMO_SLUGS:
        assert live_key_of(slug, first_file["provinces"][slug]["api_key"]) is not None


def test_a_stored_key_that_no_longer_works_is_replaced(runner, credentials_file):
    run_demo(runner)
    old_key = stored(credentials_file)["provinces"]["bac-ninh"]["api_key"]
    with as_tenant(factories.tenant_by_slug("bac-ninh")):
        known = apikeys.authenticate(old_key)
        apikeys.revoke_key(db.session.scalar(select(ApiKey).where(ApiKey.id == known.id)))
        db.session.commit()

    result = run_demo(runner)

    new_key = stored(credentials_file)["provinces"]["bac-ninh"]["api_key"]
    assert new_key != old_key
    assert "API key for bac-ninh" in result.output
    assert live_key_of("bac-ninh", new_key) is not None
    assert live_key_of("bac-ninh", old_key) is None
    assert stored(credentials_file)["provinces"]["da-nang"]["api_key"] in result.output


def test_an_unreadable_credentials_file_means_new_keys(runner, credentials_file):
    credentials_file.write_text("{not json")
    result = run_demo(runner)
    for slug in DEMO_SLUGS:
        assert f"API key for {slug}" in result.output
        assert live_key_of(slug, stored(credentials_file)["provinces"][slug]["api_key"]) is not None


def test_demo_gives_a_changed_demo_password_back(runner):
    run_demo(runner)
    user("officer@da-nang.demo").password_hash = hash_password("something-else-entirely")
    db.session.commit()

    run_demo(runner)

    assert verify_password(user("officer@da-nang.demo").password_hash, DEMO_PASSWORD)
    event = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "demo_password_reset"))
    assert event.details == {"email": "officer@da-nang.demo"}


def test_demo_puts_a_suspended_demo_province_back_live(runner, tenant_b):
    tenant_b.status = "suspended"
    db.session.commit()
    run_demo(runner)
    assert factories.tenant_by_slug("da-nang").status == "live"


def test_demo_refusal_changes_nothing(runner, tenant_b, credentials_file):
    tenant_b.status = "merged"
    db.session.commit()

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 1
    assert "cannot set up the demo: status: cannot go from merged to live" in result.output
    assert "Traceback" not in result.output
    assert factories.tenant_by_slug("an-giang") is None
    assert user("admin@bac-ninh.demo") is None
    assert not credentials_file.exists()


def test_demo_refuses_to_run_in_production(runner, app, monkeypatch, credentials_file):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "not in production" in result.output
    assert user(OPERATOR_EMAIL) is None
    assert not credentials_file.exists()
