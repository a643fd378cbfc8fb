"""The applicant writes the dossier's code to the OA (as the expired-link page tells them) and the bot's answer
carries a link signed now to the result; a signed webhook comes in over HTTP, the reply leaves through the outbox.
Only the applicant gets it (the dossier's Zalo id, or the phone they shared); anyone else who types the code gets
the status alone, and a result whose file was removed gives no link."""

import re

from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.results import service
from platform_core.zalo.models import Follower
from tests.bot.test_bot_webhook import deliver_and_process, replies
from tests.conftest import as_tenant
from tests.results.support import CODE, PDF, ready_dossier
from tests.zalo.conftest import user_text

APPLICANT, STRANGER = "8000077", "8000099"
LINK = re.compile(r"https?://\S+/bac-ninh/ket-qua/(\S+)")


def with_result(tenant, zalo_user_id: str | None = APPLICANT):
    """The result's id and attachment time (plain values: the row is not readable outside the tenant)."""
    ready_dossier(tenant, zalo_user_id=zalo_user_id)
    with as_tenant(tenant):
        result = service.attach(CODE, PDF, "giay-phep.pdf")
        db.session.flush()
        return result.id, result.created_at


def only_reply(tenant, user_id: str) -> str:
    texts = [n.context["text"] for n, deliveries in replies(tenant)
             if [d.recipient_zalo_user_id for d in deliveries] == [user_id]]
    assert len(texts) == 1
    return texts[0]


def test_the_applicant_writing_the_code_gets_the_status_and_a_fresh_link_that_downloads(
        client, connected_a, tenant_a):
    result_id, _ = with_result(tenant_a)
    deliver_and_process(client, tenant_a, user_text(f"Kết quả {CODE.lower()}", user_id=APPLICANT, msg_id="r-1"))
    text = only_reply(tenant_a, APPLICANT)
    assert f"Hồ sơ {CODE}" in text and "Trạng thái: " in text and "Người nộp: Nguyễn Văn An" in text
    assert "nhập 4 số cuối số điện thoại" in text and "72 giờ" in text and len(text) <= 2000
    token = LINK.search(text).group(1)
    page = client.get(f"/bac-ninh/ket-qua/{token}")
    assert page.status_code == 200
    download = client.post(f"/bac-ninh/ket-qua/{token}", data={"digits": "5678"})
    assert download.status_code == 200 and download.data == PDF
    with as_tenant(tenant_a):
        sent = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_link_sent"))
    assert sent.details == {"dossier": CODE, "result": str(result_id), "zalo_user_id": APPLICANT}


def test_a_follower_who_shared_the_applicants_phone_gets_the_link(client, connected_a, tenant_a):
    with_result(tenant_a, zalo_user_id=None)
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id=APPLICANT, is_follower=True, phone_e164="+84912345678"))
        db.session.flush()
    deliver_and_process(client, tenant_a, user_text(CODE, user_id=APPLICANT, msg_id="r-2"))
    assert LINK.search(only_reply(tenant_a, APPLICANT))


def test_someone_else_typing_the_code_gets_the_status_without_a_link(client, connected_a, tenant_a):
    with_result(tenant_a)
    deliver_and_process(client, tenant_a, user_text(f"kết quả {CODE}", user_id=STRANGER, msg_id="r-3"))
    text = only_reply(tenant_a, STRANGER)
    assert f"Hồ sơ {CODE}" in text and "Người nộp: Nguyễn V** A*" in text
    assert "ket-qua/" not in text and "Bản điện tử" not in text
    with as_tenant(tenant_a):
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_link_sent")) is None


def test_a_removed_result_gives_no_link(client, connected_a, tenant_a):
    _, attached_at = with_result(tenant_a)
    with as_tenant(tenant_a):
        service.purge_files(attached_at.replace(year=attached_at.year + 1), attached_at)
        db.session.flush()
    deliver_and_process(client, tenant_a, user_text(CODE, user_id=APPLICANT, msg_id="r-4"))
    text = only_reply(tenant_a, APPLICANT)
    assert f"Hồ sơ {CODE}" in text and "ket-qua/" not in text
