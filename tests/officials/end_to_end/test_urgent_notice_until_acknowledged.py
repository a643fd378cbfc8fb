"""An official links their Zalo with a code, a province system posts an express (hỏa tốc) notice, the official
reads it (Zalo's seen receipt), it is re-sent on schedule until they press "Đã nhận" on Zalo, then re-sending
stops. A secret document
reaches Zalo as a count only. Real web server, RQ worker, pump, Redis and the Zalo sandbox; the re-send job
runs in the worker for instants 16 and 31 minutes ahead (the job takes "now" as an argument)."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.officials.jobs import resend_notices
from platform_core.officials.models import OfficialProfile
from platform_core.zalo import staff_link
from platform_core.zalo.models import Follower
from tests import factories
from tests.pipeline.stack import add_province
from tests.zalo_sandbox_fixtures import ZaloSandbox

ACK = re.compile(r"XN ([A-Z0-9]{6})")


def add_official(stack, slug: str):
    with stack.app.app_context(), stack.in_tenant(slug):
        user = factories.create_user("can-bo@bacninh.gov.vn", full_name="Lê Văn Cán",
                                     tenant=factories.tenant_by_slug(slug))
        db.session.add(OfficialProfile(user_id=user.id, external_ref="CB-001", position="van_thu"))
        code = staff_link.issue_code(user).code
        db.session.commit()
        user_id = user.id
        db.session.remove()
    return user_id, code


def linked(stack, slug: str, user_id) -> bool:
    with stack.app.app_context(), stack.in_tenant(slug):
        found = db.session.scalar(select(Follower.id).where(Follower.staff_user_id == user_id))
        db.session.remove()
    return found is not None


def texts(zalo_sandbox, province, user_id) -> list[str]:
    return [str(message["body"]) for message in zalo_sandbox.messages(oa_id=province.oa_id, user_id=user_id)]


def run_resend_job(stack, province, at: datetime) -> int:
    """Enqueue the tenant's re-send job for instant `at`, wait for the worker to finish it, return its result."""
    with stack.app.app_context():
        job_id = resend_notices.enqueue(at.isoformat(), tenant_id=province.ref.id).id
        queue = open_queue(resend_notices.job_spec.queue)
        job = ZaloSandbox.wait_for(lambda: (found := queue.fetch_job(job_id)).is_finished and found, timeout=60)
        return job.return_value()


def test_an_express_notice_is_re_sent_until_acknowledged_from_zalo(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=50, echo_sends=False)
    official = zalo_sandbox.add_user(province.app_id, display_name="Lê Văn Cán", is_follower=True,
                                     last_interaction="now")
    user_id, code = add_official(stack, "bac-ninh")
    stack.start_workers(1)
    stack.start_pump()

    zalo_sandbox.emit("user_send_text", province.app_id, user_id=official["user_id"], text=code)
    zalo_sandbox.wait_for(lambda: linked(stack, "bac-ninh", user_id), timeout=60)

    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    posted_at = datetime.now(UTC)
    response = api.post("/notices", json={
        "kind": "incoming_document", "recipients": "CB-001", "title": "Công điện 01/CĐ-UBND ứng phó bão số 9",
        "urgency": "hoa_toc", "source_system": "qlvb", "source_ref": "CD-01"})
    assert response.status_code == 201, response.text
    [notice] = response.json()["notices"]

    def notice_messages():
        return [text for text in texts(zalo_sandbox, province, official["user_id"]) if "Công điện 01" in text]

    [first] = zalo_sandbox.wait_for(notice_messages, timeout=60)
    assert "HỎA TỐC" in first and "Đã nhận" in first

    # The official opens the message: Zalo's "seen" receipt reads the notice; reading is not acknowledging.
    [sent] = [m for m in zalo_sandbox.messages(oa_id=province.oa_id, user_id=official["user_id"])
              if "Công điện 01" in str(m["body"])]
    zalo_sandbox.emit("user_seen_message", province.app_id, user_id=official["user_id"], msg_id=sent["message_id"])
    zalo_sandbox.wait_for(lambda: api.get(f"/notices/{notice['id']}").json()["status"] == "read", timeout=60)
    assert run_resend_job(stack, province, posted_at + timedelta(minutes=16)) == 1
    zalo_sandbox.wait_for(lambda: len(notice_messages()) == 2, timeout=60)
    assert run_resend_job(stack, province, posted_at + timedelta(minutes=31)) == 1
    zalo_sandbox.wait_for(lambda: len(notice_messages()) == 3, timeout=60)
    assert "Nhắc lại lần 2" in notice_messages()[2]

    # The official presses "Đã nhận": Zalo writes the button's text back to the OA.
    reply = ACK.search(notice_messages()[2]).group(0)
    zalo_sandbox.emit("user_send_text", province.app_id, user_id=official["user_id"], text=reply)
    shown = zalo_sandbox.wait_for(lambda: (body := api.get(f"/notices/{notice['id']}").json())["status"]
                                  == "acknowledged" and body, timeout=60)
    assert shown["send_count"] == 3 and shown["next_resend_at"] is None
    zalo_sandbox.wait_for(lambda: any("Đã ghi nhận" in text
                                      for text in texts(zalo_sandbox, province, official["user_id"])), timeout=60)

    assert run_resend_job(stack, province, posted_at + timedelta(minutes=46)) == 0
    assert run_resend_job(stack, province, posted_at + timedelta(hours=3)) == 0
    assert len(notice_messages()) == 3

    # A secret document: only the count reaches Zalo.
    response = api.post("/notices", json={
        "kind": "awaiting_approval", "recipients": ["can-bo@bacninh.gov.vn"], "title": "Kế hoạch BÍ-MẬT-TITLE",
        "body": "BÍ-MẬT-BODY", "secrecy": "toi_mat", "urgency": "thuong_khan", "idempotency_key": "mat-1"})
    assert response.status_code == 201, response.text
    zalo_sandbox.wait_for(lambda: any("văn bản mật" in text
                                      for text in texts(zalo_sandbox, province, official["user_id"])), timeout=60)
    everything = " ".join(str(message) for message in zalo_sandbox.messages(oa_id=province.oa_id))
    assert "Anh/chị có 1 văn bản mật cần xử lý." in everything and "BÍ-MẬT" not in everything
