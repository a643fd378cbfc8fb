"""Result files are removed by the nightly purge after the province's period (the row stays, marked, and the link
answers 410); the console shows which results were sent, how, seen and downloaded, and keeps the allow-list of
result sources (administrators only, audited, another province's untouched)."""

from datetime import timedelta

from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.citizens.retention import purge
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.delivery.states import advance
from platform_core.extensions import db
from platform_core.results import links, service, storage
from platform_core.settings.service import province_settings
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.results.support import CODE, PDF, ready_dossier, results_of


def attached(tenant, code=CODE, days_old=0):
    ready_dossier(tenant, code=code)
    with as_tenant(tenant):
        result = service.attach(code, PDF, None)
        result.created_at = utcnow() - timedelta(days=days_old)
        db.session.flush()
        return result


def test_the_purge_removes_result_files_after_the_period_and_keeps_newer_ones(client, tenant_a, tenant_b):
    old, new = attached(tenant_a, days_old=91).id, attached(tenant_a, code="H15-NEW", days_old=89).id
    elsewhere = attached(tenant_b, days_old=91).id
    with as_tenant(tenant_a):
        assert province_settings().retention_days["result_files"] == 90
        assert purge()["result_files"] == 1
        assert storage.read(old) == PDF  # the file goes once the purge is committed
        assert purge()["result_files"] == 0  # nothing twice
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention_purged"))
        assert audit.details["counts"]["result_files"] == 1
    db.session.commit()
    stored_old, stored_new = results_of(tenant_a)
    assert (stored_old.removed_reason, stored_new.removed_at) == ("retention", None)
    assert not storage.path_of(old).exists() and storage.read(new) == PDF
    assert storage.read(elsewhere) == PDF  # another province's purge is its own
    response = client.get(f"/bac-ninh/ket-qua/{links.make_token(tenant_a.id, old)}")
    assert response.status_code == 410
    for kept in (new, elsewhere):  # committed in the test's savepoint: no rollback will remove them
        storage.remove(kept)


def test_the_console_shows_how_each_result_was_sent_seen_and_downloaded(officer_a, tenant_a):
    result = attached(tenant_a)
    with as_tenant(tenant_a):
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == result.notification_id))
        delivery.channel = "cs"
        for state in ("sending", "sent", "delivered", "seen"):
            advance(delivery, state)
        service.download(result)
        db.session.flush()
    listing = text_of(officer_a.client.get("/bac-ninh/admin/results/"))
    assert CODE in listing and f"ket-qua-{CODE}.pdf" in listing
    assert "Đã gửi tệp qua Zalo" in listing and "đã xem" in listing and "đã tải 1 lần" in listing
    page = text_of(officer_a.client.get(f"/bac-ninh/admin/dossiers/{result.dossier_id}"))
    assert "Kết quả điện tử" in page and "Đã gửi tệp qua Zalo" in page
    assert 'name="hosts"' not in listing  # officers see the allow-list, administrators edit it
    refused = officer_a.client.post("/bac-ninh/admin/results/sources", data={"hosts": "a.gov.vn"})
    assert refused.status_code in (403, 404)


def test_a_result_sent_as_a_link_and_waiting_ones_read_so(officer_a, tenant_a):
    result = attached(tenant_a)
    listing = text_of(officer_a.client.get("/bac-ninh/admin/results/"))
    assert "Đang chờ gửi" in listing or "Chờ gửi" in listing
    with as_tenant(tenant_a):
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == result.notification_id))
        delivery.channel = "transaction"
        advance(delivery, "sending")
        advance(delivery, "sent")
        db.session.flush()
    assert "Đã gửi liên kết tải về" in text_of(officer_a.client.get("/bac-ninh/admin/results/"))


def test_administrators_keep_the_allow_list_audited_and_per_province(admin_a, admin_b, tenant_a, tenant_b):
    saved = admin_a.client.post("/bac-ninh/admin/results/sources",
                         data={"hosts": "Docs.BN-Test.gov.vn.\n\ndocs.bn-test.gov.vn\nketqua.bacninh.gov.vn"})
    assert saved.status_code == 302
    with as_tenant(tenant_a):
        assert province_settings().result_hosts == ["docs.bn-test.gov.vn", "ketqua.bacninh.gov.vn"]
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_sources_changed"))
    assert audit.details == {"before": [], "after": ["docs.bn-test.gov.vn", "ketqua.bacninh.gov.vn"]}
    refused = admin_a.client.post("/bac-ninh/admin/results/sources", data={"hosts": "http://x.gov.vn/a"})
    assert refused.status_code == 422 and "Không phải tên miền hợp lệ" in text_of(refused)
    with as_tenant(tenant_b):
        assert province_settings().result_hosts == []
    assert "docs.bn-test.gov.vn" not in text_of(admin_b.client.get("/da-nang/admin/results/"))
    assert admin_b.client.get("/bac-ninh/admin/results/").status_code in (403, 404)
