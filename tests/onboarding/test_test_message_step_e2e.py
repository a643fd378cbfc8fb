"""Setup step 6 end to end, with real processes (tests/pipeline/stack.py): the admin reads the code on the
page, writes it from the sandbox phone (a signed webhook to the app), a worker links the account, and the
test message goes outbox -> pump -> worker -> sandbox, and the sandbox's receipt makes it `delivered`."""

import re

import httpx

from platform_core.extensions import db
from tests import factories
from tests.pipeline.fixtures import db_session, stack  # noqa: F401 - fixtures
from tests.pipeline.stack import add_province

PAGE, STATUS = "/bac-ninh/setup/test-message", "/bac-ninh/setup/test-message/status"


def an_onboarding_province_with_its_admin(stack, sandbox):  # noqa: F811
    province = add_province(stack, sandbox, "bac-ninh", "Bắc Ninh")
    with stack.app.app_context():
        tenant = factories.tenant_by_slug("bac-ninh")
        tenant.status = "onboarding"
        factories.create_user("mai@bac-ninh.vn", full_name="Trần Thị Mai", tenant=tenant, role="admin")
        db.session.commit()
        db.session.remove()
    return province


def test_the_admin_links_their_zalo_and_the_test_message_is_delivered(stack, zalo_sandbox):  # noqa: F811
    province = an_onboarding_province_with_its_admin(stack, zalo_sandbox)
    zalo_sandbox.settings(receipt_delay_ms=50, echo_sends=False)
    phone = zalo_sandbox.add_user(province.app_id, display_name="Trần Thị Mai")
    stack.start_workers(1)
    stack.start_pump()
    with httpx.Client(base_url=stack.url, timeout=10) as web:
        assert web.post("/login", data={"email": "mai@bac-ninh.vn",
                                        "password": factories.DEFAULT_PASSWORD}).status_code == 302
        code = re.search(r"MC-\d{6}", web.get(PAGE, params={"lang": "en"}).text).group(0)

        zalo_sandbox.emit("user_send_text", province.app_id, user_id=phone["user_id"], text=code)
        zalo_sandbox.wait_for(lambda: web.get(STATUS).json()["linked"], timeout=30)
        assert "Send test message" in web.get(PAGE).text

        assert web.post(PAGE).status_code == 302
        zalo_sandbox.wait_for(lambda: (web.get(STATUS).json()["delivery"] or {}).get("state") == "delivered",
                              timeout=30)
        assert web.get(STATUS).json()["done"]
        assert "Delivered to your phone" in web.get(PAGE).text

    sent = [message for message in zalo_sandbox.messages(user_id=phone["user_id"]) if message["kind"] != "user"]
    texts = [message["body"]["message"]["text"] for message in sent]
    assert len(texts) == 2  # "linked", then the test message; nothing else reached the phone
    assert any("Bắc Ninh" in text and "Motcua" in text for text in texts)
