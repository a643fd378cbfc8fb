"""The console's audit log: administrators only, this province's events, newest first, filter, pages."""

from datetime import timedelta

from platform_core.audit.service import record_event
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.web.paging import PER_PAGE
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of

URL = "/bac-ninh/admin/audit"


def events(tenant, action: str, count: int, **details) -> None:
    start = utcnow() - timedelta(hours=1)
    with as_tenant(tenant):
        for n in range(count):
            event = record_event(action, details={"n": n, **details})
            event.created_at = start + timedelta(seconds=n)
        db.session.flush()


def test_officers_get_404(officer_a):
    assert officer_a.client.get(URL).status_code == 404


def test_admins_see_their_provinces_events_newest_first(admin_a, tenant_a, tenant_b):
    events(tenant_a, "api_key_created", 2, name="first")
    events(tenant_b, "api_key_created", 1, name=CANARY)
    admin_a.client.post("/bac-ninh/admin/api-keys/", data={"name": "Một cửa", "kind": "test"})
    html = text_of(admin_a.client.get(URL))
    assert CANARY not in html
    assert html.count("<dd><code>api_key_created</code></dd>") == 3
    assert admin_a.user.email in html and "10.77." in html  # actor and IP of the change made through the page
    assert html.index("Một cửa") < html.index("first")


def test_every_province_action_has_a_readable_name(admin_a, tenant_a):
    for action in ("catalogue_imported", "go_live_requested", "guest_list_added", "staff_zalo_linked"):
        events(tenant_a, action, 1)
    html = text_of(admin_a.client.get(f"{URL}?lang=en"))
    for label in ("Procedures imported", "Go-live requested", "Added to the guest list", "Zalo account linked"):
        assert label in html


def test_the_filter_keeps_one_action(admin_a, tenant_a):
    events(tenant_a, "api_key_created", 1)
    events(tenant_a, "role_granted", 1, email="x@bac-ninh.vn")
    html = text_of(admin_a.client.get(f"{URL}?action=role_granted"))
    assert "x@bac-ninh.vn" in html and '<dd><code>api_key_created</code></dd>' not in html


def test_pages_of_fifty(admin_a, tenant_a):
    events(tenant_a, "template_saved", PER_PAGE + 1)
    first = text_of(admin_a.client.get(f"{URL}?action=template_saved"))
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = text_of(admin_a.client.get(f"{URL}?action=template_saved&page=2"))
    assert second.count('<dd><code>template_saved</code></dd>') == 1 and 'rel="prev"' in second
    oldest = "<dt><code>n</code></dt><dd><code>0</code></dd>"
    assert oldest in second and oldest not in first  # the oldest comes last


def test_another_provinces_admin_gets_404(admin_b):
    assert admin_b.client.get(URL).status_code == 404


def test_an_event_reads_as_a_sentence_with_codes_ids_and_class_names_kept_aside(admin_a, tenant_a):
    admin_a.client.post("/bac-ninh/admin/api-keys/", data={"name": "Một cửa", "kind": "test"})
    html = text_of(admin_a.client.get(URL + "?lang=vi"))
    sentence = html[html.index('class="audit-sentence"'):html.index("audit-technical")]
    assert f"<strong>{admin_a.user.email}</strong>: Tạo khóa API" in sentence
    assert "<dt>Tên</dt><dd>Một cửa</dd>" in sentence
    for raw in ("api_key_created", "ApiKey", "<code"):
        assert raw not in sentence
    technical = html[html.index("audit-technical"):]
    assert "api_key_created" in technical and "ApiKey" in technical


def test_a_result_download_reads_in_vietnamese_with_its_dossier(admin_a, tenant_a):
    events(tenant_a, "result_downloaded", 1, dossier="H01.29-260101-0001")
    html = text_of(admin_a.client.get(URL + "?lang=vi"))
    sentence = html[html.index('class="audit-sentence"'):html.index("audit-technical")]
    assert "Người dân tải kết quả" in sentence and "<dt>Hồ sơ</dt><dd>H01.29-260101-0001</dd>" in sentence
    assert "Thay đổi khác" not in html


def test_recorded_reasons_read_in_vietnamese_and_typed_reasons_as_typed(admin_a, tenant_a):
    events(tenant_a, "result_download_refused", 1, dossier="H01.29-260101-0002", reason="wrong_phone_digits")
    events(tenant_a, "zalo_reconnect_needed", 1, reason="refresh failed: -14014 Invalid refresh token")
    events(tenant_a, "tenant_status_changed", 1, reason="Tạm dừng theo yêu cầu của Sở")
    events(tenant_a, "zalo_reconnect_needed", 1, reason="refresh failed: LockError")  # not done here: no code
    html = text_of(admin_a.client.get(URL + "?lang=vi"))
    assert "<dt>Lý do</dt><dd>Các số cuối của số điện thoại không khớp</dd>" in html
    assert "<dt>Lý do</dt><dd>Zalo không cấp lại access token (mã -14014)</dd>" in html
    assert "<dt>Lý do</dt><dd>Tạm dừng theo yêu cầu của Sở</dd>" in html
    assert "<dt>Lý do</dt><dd>refresh failed: LockError</dd>" in html
    assert "wrong_phone_digits" not in html.split("audit-technical")[0]
