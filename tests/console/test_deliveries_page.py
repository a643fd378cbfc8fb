"""The deliveries page: search and filters, Zalo errors in plain Vietnamese, an administrator's retry."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery import pump, zalo_rate
from platform_core.delivery.constants import CLASS_TX
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.web.paging import PER_PAGE
from tests import factories
from tests.auth.support import csrf_token_from
from tests.conftest import CANARY, as_tenant
from tests.console import support
from tests.console.support import text_of

admin_a, officer_a, admin_b, csrf_on = support.admin_a, support.officer_a, support.admin_b, support.csrf_on

URL = "/bac-ninh/admin/deliveries/"
CODE = "000.00.24.H04-251128-0001"


def delivery_of(code: str) -> Delivery:
    return db.session.scalar(
        select(Delivery).join(Notification, Notification.id == Delivery.notification_id)
        .where(Notification.dossier_id == factories.create_dossier(code).id)
    )


def reloaded(tenant, delivery_id) -> Delivery:
    db.session.expire_all()
    with as_tenant(tenant):
        return db.session.scalar(select(Delivery).where(Delivery.id == delivery_id))


@pytest.fixture
def failed_a(tenant_a) -> Delivery:
    """A card Zalo refused because the citizen does not follow the OA (-213), after three attempts."""
    with as_tenant(tenant_a):
        delivery = delivery_of(CODE)
        delivery.state, delivery.channel, delivery.attempts = "failed", "transaction", 3
        delivery.error_code, delivery.error_message = -213, "user is not follower"
        delivery.next_attempt_at = utcnow() - timedelta(hours=1)
        db.session.flush()
        return delivery


@pytest.fixture
def failed_b(tenant_b) -> Delivery:
    with as_tenant(tenant_b):
        delivery = delivery_of(f"{CANARY}-0001")
        delivery.state, delivery.channel, delivery.error_code = "failed", "zns", -118
        db.session.flush()
        return delivery


# --- reading ------------------------------------------------------------------------------------------------

def test_a_known_zalo_error_is_explained_in_plain_vietnamese(officer_a, failed_a):
    html = text_of(officer_a.client.get(URL))
    assert CODE in html and "Người dân chưa quan tâm OA." in html and "-213" in html
    assert "user is not follower" not in html  # Zalo's own words stay out of the page


def test_in_english_the_advice_says_what_to_do(officer_a, failed_a):
    html = text_of(officer_a.client.get(f"{URL}?lang=en"))
    assert "The citizen does not follow the OA." in html
    assert "Ask the citizen to follow the province&#39;s Zalo OA" in html


def test_the_page_says_when_zalo_holds_the_oa_below_its_rate(officer_a, tenant_a):
    assert "Zalo cho biết" not in text_of(officer_a.client.get(URL))
    zalo_rate.observe({tenant_a.id: (100, False)})
    html = text_of(officer_a.client.get(URL))
    assert "Zalo cho biết ứng dụng của OA này chỉ được gửi 100 yêu cầu mỗi phút" in html
    assert "tốc độ 100 tin mỗi phút thay vì 3000" in html


def test_officers_read_but_get_no_retry_button(officer_a, admin_a, failed_a):
    assert "/retry" not in text_of(officer_a.client.get(URL))
    assert f"/bac-ninh/admin/deliveries/{failed_a.id}/retry" in text_of(admin_a.client.get(URL))


@pytest.mark.parametrize("typed", ["h04 251128 0001", "0912 345 678", "+84912345678"])
def test_search_by_dossier_code_or_phone(officer_a, failed_a, tenant_a, typed):
    with as_tenant(tenant_a):
        factories.create_dossier("000.00.24.H04-251128-0002", applicant={"name": "Khác", "phone": "0987654321"})
    html = text_of(officer_a.client.get(URL, query_string={"q": typed}))
    assert CODE in html and "251128-0002" not in html


def test_filters_by_state_channel_and_date(officer_a, failed_a, tenant_a):
    with as_tenant(tenant_a):
        factories.create_dossier("000.00.24.H04-251128-0002")  # pending, no channel yet
    assert "251128-0002" not in text_of(officer_a.client.get(URL, query_string={"state": "failed"}))
    assert CODE not in text_of(officer_a.client.get(URL, query_string={"state": "pending"}))
    assert "251128-0002" not in text_of(officer_a.client.get(URL, query_string={"channel": "transaction"}))
    today = utcnow().astimezone(VIETNAM).date()
    in_range = text_of(officer_a.client.get(URL, query_string={"date_from": today.isoformat(),
                                                                "date_to": today.isoformat()}))
    assert CODE in in_range and "251128-0002" in in_range
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert CODE not in text_of(officer_a.client.get(URL, query_string={"date_from": tomorrow}))


def test_a_bad_filter_is_a_form_error_not_a_500(officer_a, failed_a):
    response = officer_a.client.get(URL, query_string={"date_from": "31/02/2026", "state": "exploded"})
    html = text_of(response)
    assert response.status_code == 200 and "field__error" in html
    assert "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026." in html
    assert 'value="31/02/2026"' in html  # kept as typed, to be corrected


def test_a_date_typed_as_dd_mm_yyyy_filters_and_stays_in_the_pager_links(officer_a, tenant_a):
    with as_tenant(tenant_a):
        for number in range(PER_PAGE + 1):
            factories.create_dossier(f"000.00.24.H04-251128-{number:04d}")
    today = utcnow().astimezone(VIETNAM).date()
    first = text_of(officer_a.client.get(URL, query_string={"date_from": f"{today:%d/%m/%Y}"}))
    assert f'value="{today:%d/%m/%Y}"' in first
    older = re.search(r'<a rel="next" href="([^"]+)"', first)[1].replace("&amp;", "&")
    second = text_of(officer_a.client.get(older))
    assert "field__error" not in second and f'value="{today:%d/%m/%Y}"' in second
    assert second.count("251128-") == 1  # the one row past the first page, the filter kept
    tomorrow = text_of(officer_a.client.get(URL, query_string={"date_from": f"{today + timedelta(days=1):%d/%m/%Y}"}))
    assert "251128-" not in tomorrow


def test_another_provinces_deliveries_are_never_listed(admin_a, failed_a, failed_b, admin_b):
    for query in ({}, {"q": "0912345678"}, {"state": "failed"}, {"channel": "zns"}):
        assert CANARY not in text_of(admin_a.client.get(URL, query_string=query))
    assert CANARY in text_of(admin_b.client.get("/da-nang/admin/deliveries/"))  # B sees its own
    assert admin_a.client.get("/da-nang/admin/deliveries/").status_code == 404


# --- retry --------------------------------------------------------------------------------------------------

def test_retry_puts_a_failed_delivery_back_to_pending_for_the_pump(admin_a, failed_a, tenant_a):
    delivery_id = failed_a.id
    response = admin_a.client.post(f"{URL}{delivery_id}/retry", data={"next": f"{URL}?state=failed"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{URL}?state=failed")
    delivery = reloaded(tenant_a, delivery_id)
    assert (delivery.state, delivery.attempts, delivery.error_code, delivery.claim_token) == ("pending", 0, None,
                                                                                               None)
    with as_tenant(tenant_a):
        assert pump.claim("retry-test", CLASS_TX, 10, utcnow()) == 1  # due now: the pump takes it
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "delivery_retried"))
    assert event.actor_id == admin_a.user.id and event.target_id == str(delivery_id)
    assert event.details == {"error_code": -213, "attempts": 3, "channel": "transaction"}


def test_only_a_failed_delivery_can_be_retried(admin_a, tenant_a):
    with as_tenant(tenant_a):
        delivery = delivery_of(CODE)
        delivery.state, delivery.channel = "sent", "transaction"
        db.session.flush()
    response = admin_a.client.post(f"{URL}{delivery.id}/retry", follow_redirects=True)
    assert "flash--error" in text_of(response)
    assert reloaded(tenant_a, delivery.id).state == "sent"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/da-nang/admin/",
                                    "/bac-ninh/admin//evil.example"])
def test_a_retry_never_leaves_the_console(admin_a, failed_a, target):
    location = admin_a.client.post(f"{URL}{failed_a.id}/retry", data={"next": target}).headers["Location"]
    assert location.endswith(URL)


def test_officers_cannot_retry(officer_a, failed_a, tenant_a):
    assert officer_a.client.post(f"{URL}{failed_a.id}/retry").status_code == 404
    assert reloaded(tenant_a, failed_a.id).state == "failed"


def test_another_provinces_delivery_cannot_be_retried(admin_a, failed_b, tenant_b):
    assert admin_a.client.post(f"{URL}{failed_b.id}/retry").status_code == 404
    assert admin_a.client.post(f"/da-nang/admin/deliveries/{failed_b.id}/retry").status_code == 404
    assert reloaded(tenant_b, failed_b.id).state == "failed"


def test_retry_without_the_csrf_token_is_400(admin_a, failed_a, tenant_a, csrf_on):
    assert admin_a.client.post(f"{URL}{failed_a.id}/retry").status_code == 400
    assert reloaded(tenant_a, failed_a.id).state == "failed"
    token = csrf_token_from(text_of(admin_a.client.get(URL)))
    assert admin_a.client.post(f"{URL}{failed_a.id}/retry", data={"csrf_token": token}).status_code == 302
    assert reloaded(tenant_a, failed_a.id).state == "pending"


def test_each_delivery_says_which_message_it_was(admin_a, tenant_a):
    with as_tenant(tenant_a):
        delivery_of(CODE)  # the "dossier received" notice
        news = Notification(event_kind="policy_news", message_class="bulk", idempotency_key="news-1", context={})
        db.session.add(news)
        db.session.flush()
        db.session.add(Delivery(notification_id=news.id, recipient_zalo_user_id="8000077", state="sent"))
        db.session.flush()
    html = text_of(admin_a.client.get(URL + "?lang=vi"))
    assert "Tin chính sách" in html and "Trả lời người dân" not in html
    assert "Đã tiếp nhận hồ sơ" in html
    assert f"Hồ sơ {CODE}" in html
