"""The operator's merge tool over HTTP: dry run with counts, refusals as 422 with the field's message, the
start (the job enqueued, the progress page), renames; a province administrator sees none of it."""

import re

from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.extensions import db
from platform_core.mergers import service
from platform_core.mergers.models import TenantMerge
from platform_core.tenancy.models import TenantHistory
from tests.mergers.seeding import seed_province


def test_dry_run_shows_the_counts_and_changes_nothing(operator_client, tenant_a, tenant_b):
    seed_province(tenant_a, "H24", dossiers=2)
    seed_province(tenant_b, "H48")
    page = operator_client.post("/operator/merges/dry-run", data={"source": "da-nang", "target": "bac-ninh"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    row = re.search(r'<tr data-table="dossier">(.*?)</tr>', html, re.S).group(1)
    assert re.search(r'data-label="Rows moving" class="num">3<', row)
    assert re.search(r'data-label="Already in the target" class="num">2<', row) and "code: 1" in row
    assert "Confirm and merge" in html
    assert db.session.scalar(select(TenantMerge)) is None
    assert tenant_b.status == "live"


def test_same_province_twice_is_a_field_error(operator_client):
    page = operator_client.post("/operator/merges/dry-run", data={"source": "bac-ninh", "target": "bac-ninh"})
    assert page.status_code == 422
    assert "A province cannot be merged into itself." in page.get_data(as_text=True)


def test_confirm_starts_the_merge_and_shows_its_progress(operator_client, operator, tenant_a, tenant_b,
                                                         monkeypatch):
    enqueued = []
    monkeypatch.setattr("platform_core.mergers.jobs.run_merge.enqueue", lambda *args: enqueued.append(args))
    answer = operator_client.post("/operator/merges/start", data={"source": "da-nang", "target": "bac-ninh",
                                                                  "legal_ref": "202/2025/QH15"})
    merge = db.session.scalar(select(TenantMerge))
    assert answer.status_code == 302 and answer.location.endswith(f"/operator/merges/{merge.id}")
    assert enqueued == [(str(merge.id),)]
    assert merge.started_by_id == operator.id
    while service.advance(merge.id):
        pass
    page = operator_client.get(f"/operator/merges/{merge.id}").get_data(as_text=True)
    assert "Done" in page and "100%" in page
    event = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "tenant_merge_started"))
    assert event.actor_id == operator.id and event.details["legal_ref"] == "202/2025/QH15"
    # the merged province's pages lead to its successor
    assert operator_client.get("/da-nang/").location.endswith("/bac-ninh/")


def test_rename_and_reclassify(operator_client, tenant_a):
    answer = operator_client.post("/operator/merges/rename", data={
        "rename-tenant": "bac-ninh", "rename-name": "", "rename-unit_type": "thanh_pho",
        "rename-legal_ref": "39/2026/QH16", "rename-effective": "2026-09-20"})
    assert answer.status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.place_name == "thành phố Bắc Ninh"
    change = db.session.scalar(select(TenantHistory).where(TenantHistory.tenant_id == tenant_a.id,
                                                           TenantHistory.change == "reclassify"))
    assert (change.old_value, change.new_value, change.legal_ref) == ("tinh", "thanh_pho", "39/2026/QH16")
    assert str(change.effective_date) == "2026-09-20"
    again = operator_client.post("/operator/merges/rename", data={"rename-tenant": "bac-ninh",
                                                                   "rename-unit_type": "thanh_pho"})
    assert again.status_code == 422 and "Nothing changes" in again.get_data(as_text=True)


def test_a_province_administrator_gets_404(admin_client):
    assert admin_client.get("/operator/merges/").status_code == 404
    assert admin_client.post("/operator/merges/dry-run", data={"source": "da-nang", "target": "bac-ninh"}
                             ).status_code == 404
