"""The registrations' webhook never reaches the platform's own network (SSRF): with OUTGOING_WEBHOOK_ALLOW_PRIVATE
off (production), the console refuses an address that is, or whose host resolves to, a private, loopback,
link-local or reserved address (422, the message on the field); a delivery whose host resolves to one when it is
sent (a DNS record changed since) is refused without a connection, failed at once and audited. The suite's
config turns the flag on, as development does, so that receivers on 127.0.0.1 work."""

import socket

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.registrations import jobs, links, service, webhook
from platform_core.registrations.constants import WEBHOOK_FAILED, WEBHOOK_SENT
from platform_core.registrations.models import WebhookDelivery
from tests import factories
from tests.auth.support import signed_in_english as signed_in
from tests.conftest import as_tenant

MARRIAGE = "9.000894"
PAGE = "/bac-ninh/admin/registrations/webhook"
NAMES = {"hook.bac-ninh.test": ["127.0.0.1"], "mixed.bac-ninh.test": ["203.113.130.1", "10.0.0.7"],
         "public.bac-ninh.test": ["203.113.130.1"]}


@pytest.fixture
def dns(monkeypatch):
    """Names the tests give their addresses (a real resolver answers for the rest)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in NAMES:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in NAMES[host]]
        return real(host, port, *args, **kwargs)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def production_rule(app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", False)


@pytest.fixture
def admin(app, tenant_a, db_session):
    factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin")
    return signed_in(app, "admin-a@motcua.vn")


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/hook", "https://192.168.0.9/hook",
    "https://169.254.169.254/latest/meta-data", "https://[::1]/hook", "https://[fd00::1]/hook",
    "https://100.64.0.1/hook", "https://0.0.0.0/hook", "https://hook.bac-ninh.test/hook",  # noqa: S104
    "https://mixed.bac-ninh.test/hook"])
def test_the_console_refuses_a_private_address_with_the_flag_off(admin, tenant_a, dns, production_rule, url):
    refused = admin.post(PAGE, data={"url": url})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "private, loopback, link-local or reserved address" in html and "field--error" in html
    with as_tenant(tenant_a):
        assert webhook.current() is None


def test_a_public_address_is_saved_with_the_flag_off_and_a_local_one_with_it_on(admin, tenant_a, dns, app,
                                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", False)
    assert admin.post(PAGE, data={"url": "https://public.bac-ninh.test/hook"}).status_code == 200
    monkeypatch.setitem(app.config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", True)
    assert admin.post(PAGE, data={"url": "http://127.0.0.1:8080/hook"}).status_code == 302
    with as_tenant(tenant_a):
        assert webhook.current().url == "http://127.0.0.1:8080/hook"


def _registration_with_delivery(tenant, url: str) -> str:
    """A registration queued for the webhook at `url` (saved with the flag on); its delivery's id."""
    with as_tenant(tenant):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
        service.save_settings({MARRIAGE: ["full_name"]})
        webhook.configure(url)
        service.submit(links.make_token(tenant.id, MARRIAGE, "8001"), {"full_name": "Trần Thị Bình"}, tenant.id)
        return str(db.session.scalar(select(WebhookDelivery.id)))


def _delivery(tenant, delivery_id: str) -> WebhookDelivery:
    with as_tenant(tenant):
        db.session.expire_all()
        return webhook.get_delivery(delivery_id)


def test_a_send_to_a_private_address_is_refused_failed_at_once_and_audited(app, tenant_a, db_session, receiver,
                                                                            monkeypatch):
    delivery_id = _registration_with_delivery(tenant_a, receiver.url)
    monkeypatch.setitem(app.config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", False)
    with as_tenant(tenant_a):
        assert jobs.post_registration(delivery_id) == WEBHOOK_FAILED  # no retry: it would be refused again
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration_webhook_refused"))
        assert event.details["delivery_id"] == delivery_id and event.details["url"] == receiver.url
    refused = _delivery(tenant_a, delivery_id)
    assert (refused.status, refused.attempts, refused.last_status_code) == (WEBHOOK_FAILED, 1, None)
    assert "private or reserved" in refused.last_error and receiver.requests == []


def test_every_address_of_the_host_is_checked_when_sending(app, tenant_a, db_session, dns, monkeypatch):
    delivery_id = _registration_with_delivery(tenant_a, "https://mixed.bac-ninh.test/hook")
    monkeypatch.setitem(app.config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", False)
    with as_tenant(tenant_a):
        assert jobs.post_registration(delivery_id) == WEBHOOK_FAILED
    assert "mixed.bac-ninh.test resolves to a private" in _delivery(tenant_a, delivery_id).last_error


def test_with_the_flag_on_the_send_goes_to_the_address_that_was_resolved(app, tenant_a, db_session, receiver):
    delivery_id = _registration_with_delivery(tenant_a, f"http://localhost:{receiver.port}/hook")
    with as_tenant(tenant_a):
        assert jobs.post_registration(delivery_id) == WEBHOOK_SENT
    [(headers, _body)] = receiver.requests
    assert headers["Host"] == f"localhost:{receiver.port}" and headers["X-Motcua-Delivery"] == delivery_id
