"""Sending a result (delivery's sender with the results renderer, against the sandbox): a citizen in the
consultation window gets the uploaded file; when Zalo refuses the consultation message as ineligible, the card
with the signed link goes instead; a result whose file is gone fails its delivery without calling Zalo."""

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.results import service, storage
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant
from tests.results.support import CODE, PDF, ready_dossier
from tests.zalo.conftest import connect_to_sandbox


def result_delivery(tenant, sandbox):
    seeded, _ = connect_to_sandbox(tenant, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Phạm Thu Hà", last_interaction="now", is_follower=True)
    ready_dossier(tenant, zalo_user_id=citizen["user_id"])
    with as_tenant(tenant):
        db.session.add(Follower(zalo_user_id=citizen["user_id"], is_follower=True, last_interaction_at=utcnow()))
        result = service.attach(CODE, PDF, "ket-qua.pdf")
        db.session.flush()
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == result.notification_id))
        delivery.state, delivery.attempts = "sending", 1
    return seeded, citizen, result, delivery


def test_the_file_goes_by_consultation_message(sandbox, tenant_a):
    seeded, citizen, _, delivery = result_delivery(tenant_a, sandbox)
    with as_tenant(tenant_a):
        assert sender.send(delivery, zalo_client()) == "sent"
    assert delivery.channel == "cs"
    [message] = sandbox.messages(oa_id=seeded.oa_id, user_id=citizen["user_id"])
    token = message["body"]["message"]["attachment"]["payload"]["token"]
    assert sandbox.state.attachments[token]["content"] == PDF
    assert sandbox.state.attachments[token]["name"] == "ket-qua.pdf"


def test_an_ineligible_consultation_falls_back_to_the_card_with_the_link(sandbox, tenant_a):
    seeded, citizen, _, delivery = result_delivery(tenant_a, sandbox)
    sandbox.inject_fault(path="/message/cs", error=-230)
    with as_tenant(tenant_a):
        assert sender.send(delivery, zalo_client()) == "sent"
    assert (delivery.channel, delivery.fallback_from) == ("transaction", "cs")
    [card] = [m for m in sandbox.messages(oa_id=seeded.oa_id, user_id=citizen["user_id"]) if m["kind"] != "cs"]
    [button] = card["body"]["message"]["attachment"]["payload"]["buttons"]
    assert button["title"] == "Tải kết quả" and "/bac-ninh/ket-qua/" in button["payload"]["url"]


def test_a_result_whose_file_is_gone_fails_without_calling_zalo(sandbox, tenant_a):
    seeded, citizen, result, delivery = result_delivery(tenant_a, sandbox)
    storage.remove(result.id)
    with as_tenant(tenant_a):
        assert sender.send(delivery, zalo_client()) == "failed"
    assert "file was removed" in delivery.error_message
    assert sandbox.messages(oa_id=seeded.oa_id, user_id=citizen["user_id"]) == []
    assert sandbox.requests(path_contains="/upload/file") == []
