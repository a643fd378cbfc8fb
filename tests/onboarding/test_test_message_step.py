"""Setup step 6 (/<slug>/setup/test-message): link the admin's Zalo by a code written to the sandbox OA, send
a test message through the real outbox, pump and sender, and see its state; done once Zalo accepted it."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.zalo.connection import get_connection
from tests.conftest import as_tenant
from tests.delivery.trial_support import run_pipeline
from tests.onboarding.wizard_support import setting_up, signed_in
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - fixture
from tests.zalo.staff_link_support import write_to_oa

URL, STATUS = "/bac-ninh/setup/test-message", "/bac-ninh/setup/test-message/status"


@pytest.fixture
def province(app, sandbox, tenant_a):  # noqa: F811
    setting_up(tenant_a)
    seeded, _ = connect_to_sandbox(tenant_a, sandbox, oa_name="Zalo OA Bắc Ninh")
    with as_tenant(tenant_a):
        get_connection().oa_name = seeded.oa_name  # as the connect step records it from getoa
        db.session.flush()
    client, user = signed_in(app, "setup-test@bac-ninh.vn", tenant_a)
    phone = sandbox.add_user(seeded.app_id, display_name="Trần Thị Mai", last_interaction="now")
    return {"admin": client, "user": user, "oa": seeded, "zalo_user_id": phone["user_id"], "tenant": tenant_a}


def link(client, province):
    """What the admin does: read the code on the page, write it to the OA from Zalo."""
    code = re.search(r"MC-\d{6}", province["admin"].get(URL).get_data(as_text=True)).group(0)
    write_to_oa(client, province["tenant"], province["oa"], province["zalo_user_id"], code)


def step_done(tenant) -> bool:
    with as_tenant(tenant):
        return wizard.is_done("test_message")


def test_before_linking_the_page_shows_a_code_and_how_to_write_it(province):
    page = province["admin"].get(URL).get_data(as_text=True)
    assert re.search(r"MC-\d{6}", page) and "Zalo OA Bắc Ninh" in page and "Check" in page
    assert "Step 6 of 7" in page and "js/poll.js" in page
    status = province["admin"].get(STATUS).get_json()
    assert (status["linked"], status["delivery"], status["done"]) == (False, None, False)


def test_sending_before_linking_says_to_link_first(province):
    page = province["admin"].post(URL, follow_redirects=True).get_data(as_text=True)
    assert "Link your Zalo account first." in page


def test_once_linked_the_test_message_goes_through_the_pipeline_to_the_admins_zalo(client, sandbox, province,  # noqa: F811
                                                                                    tenant_a):
    link(client, province)
    waiting = province["admin"].get(STATUS).get_json()
    assert waiting["linked"] and "Send test message" in province["admin"].get(URL).get_data(as_text=True)
    run_pipeline(tenant_a)  # the "linked" answer
    assert province["admin"].post(URL).status_code == 302
    queued = province["admin"].get(STATUS).get_json()
    assert queued["delivery"]["state"] == "pending" and queued["state"] != waiting["state"]
    with as_tenant(tenant_a):
        assert wizard.progress().test_notification_id is not None
        assert "test_message_sent" in db.session.scalars(select(AuditEvent.action)).all()
    run_pipeline(tenant_a)
    sent = province["admin"].get(STATUS).get_json()
    assert sent["delivery"]["state"] == "sent" and sent["done"]
    texts = [m["body"]["message"]["text"] for m in sandbox.messages(user_id=province["zalo_user_id"])]
    assert any("Motcua" in text and "Bắc Ninh" in text for text in texts)
    page = province["admin"].get(URL).get_data(as_text=True)
    assert "Sent: Zalo accepted it" in page and "/bac-ninh/setup/go-live" in page
    assert step_done(tenant_a)


def test_a_failed_test_message_shows_zalos_reason_in_plain_words_and_the_step_stays_open(client, sandbox,  # noqa: F811
                                                                                         province, tenant_a):
    link(client, province)
    run_pipeline(tenant_a)
    sandbox.inject_fault(path="/message/cs", error=-227)
    province["admin"].post(URL)
    run_pipeline(tenant_a)
    status = province["admin"].get(STATUS).get_json()
    assert status["delivery"]["state"] == "failed" and not status["done"]
    assert status["delivery"]["reason"]
    page = province["admin"].get(URL).get_data(as_text=True)
    assert str(escape(status["delivery"]["reason"])) in page and "Send again" in page
    assert not step_done(tenant_a)


def test_officers_and_other_provinces_admins_get_404(app, province, tenant_b):
    officer, _ = signed_in(app, "setup-test-officer@bac-ninh.vn", province["tenant"], role="officer")
    other, _ = signed_in(app, "setup-test@da-nang.vn", tenant_b)
    for visitor in (officer, other):
        assert visitor.get(URL).status_code == 404
        assert visitor.get(STATUS).status_code == 404
        assert visitor.post(URL).status_code == 404


def test_without_a_connected_oa_the_page_sends_the_admin_back_to_step_3(app, tenant_a):
    setting_up(tenant_a)
    client, _ = signed_in(app, "setup-test-early@bac-ninh.vn", tenant_a)
    page = client.get(URL).get_data(as_text=True)
    assert "Your Zalo OA is not connected yet." in page and "/bac-ninh/setup/zalo" in page
    assert not re.search(r"MC-\d{6}", page)
