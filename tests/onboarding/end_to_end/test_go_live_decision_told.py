"""The operator's go-live decision reaches the province's administrators: on Zalo for those who linked their
account (the message reaches the sandbox over HTTP, through the real pump and worker, with a button to the page
where they go on), and by e-mail for every one of them (a real SMTP server). A rejection leaves the province in
trial with its OA connected: the team's notices must still pass the trial screen."""

import uuid

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.officials.models import InternalNotice
from platform_core.onboarding.models import GoLiveRequest
from tests import factories
from tests.admins_told_support import add_admins, mail_to, serve_mail, texts
from tests.pipeline.stack import add_province
from tests.zalo_sandbox_fixtures import ZaloSandbox

OPERATOR = "van-hanh@motcua.test"
REASON = "Danh mục còn thiếu thủ tục cấp xã."


def ask_to_go_live(stack, slug: str) -> uuid.UUID:
    """The province as the wizard's last step leaves it: in trial, a pending request; and an operator."""
    with stack.app.app_context():
        tenant = factories.tenant_by_slug(slug)
        tenant.status = "trial"
        factories.create_user(OPERATOR, full_name="Phạm Minh Quân", operator=True)
        with stack.in_tenant(slug):
            request = GoLiveRequest(checklist={"zalo_connected": True})
            db.session.add(request)
            db.session.flush()
            request_id = request.id
        db.session.commit()
        db.session.remove()
    return request_id


def operator_console(stack) -> httpx.Client:
    client = httpx.Client(base_url=stack.url, timeout=10)
    assert client.post("/login", data={"email": OPERATOR, "password": factories.DEFAULT_PASSWORD}).status_code == 302
    return client


def notice_states(stack, slug: str) -> list[str]:
    with stack.app.app_context(), stack.reading(slug):
        states = sorted(db.session.scalars(select(InternalNotice.status)).all())
        db.session.remove()
    return states


def test_a_rejection_then_an_approval_reach_the_admins_on_zalo_and_by_email(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    controller, inbox = serve_mail(stack)
    try:
        lan, minh = add_admins(stack, zalo_sandbox, province, [("lan@bacninh.gov.vn", "Trần Thị Lan", True),
                                                               ("minh@bacninh.gov.vn", "Vũ Văn Minh", False)])
        request_id = ask_to_go_live(stack, "bac-ninh")
        stack.start_workers(1)
        stack.start_pump()
        operator = operator_console(stack)

        rejected = operator.post(f"/operator/go-live/bac-ninh/{request_id}/reject",
                                 data={f"{request_id}-reason": REASON})
        assert rejected.status_code == 302
        [told] = ZaloSandbox.wait_for(lambda: texts(zalo_sandbox, province, lan.zalo_user_id), timeout=60)
        assert "chưa được duyệt" in told and REASON in told
        assert f"{stack.url}/bac-ninh/setup/go-live" in told  # the open-link button, on a consultation text
        ZaloSandbox.wait_for(lambda: len(inbox.messages) == 2, timeout=60)
        for admin in (lan, minh):
            [message] = mail_to(inbox, admin.email)
            assert "chưa được duyệt" in message["Subject"]
            body = message.get_body(("plain",)).get_content()
            assert REASON in body and f"Kính gửi anh/chị {admin.name}" in body
            assert f"{stack.url}/bac-ninh/setup/go-live" in body
        # Minh has no linked Zalo account: his notice waits for one (and is on his e-mail meanwhile).
        assert notice_states(stack, "bac-ninh") == ["created", "sent"]

        with stack.app.app_context(), stack.in_tenant("bac-ninh"):
            db.session.add(GoLiveRequest(checklist={"zalo_connected": True}, id=(again := uuid.uuid4())))
            db.session.commit()
            db.session.remove()
        assert operator.post(f"/operator/go-live/bac-ninh/{again}/approve").status_code == 302
        ZaloSandbox.wait_for(lambda: len(texts(zalo_sandbox, province, lan.zalo_user_id)) == 2, timeout=60)
        approved = texts(zalo_sandbox, province, lan.zalo_user_id)[-1]
        assert "đã chính thức hoạt động" in approved and f"{stack.url}/bac-ninh/admin/" in approved
        ZaloSandbox.wait_for(lambda: len(inbox.messages) == 4, timeout=60)
        assert {message["To"] for message in inbox.messages[2:]} == {lan.email, minh.email}
    finally:
        controller.stop()
