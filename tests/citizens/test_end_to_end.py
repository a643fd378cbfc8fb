"""End to end over real HTTP, Redis, RQ workers, the pump and the Zalo sandbox: a citizen who writes "dừng" (or
whose Zalo sends user_withdraw) gets the confirmation on their sandbox phone, and a later dossier event for them
sends nothing more to Zalo."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.pipeline.fixtures import db_session  # noqa: F401 - fixtures
from tests.pipeline.stack import add_province, running_stack

CODE = "000.00.24.H04-261128-0042"


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with running_stack(tmp_path, redis_url, zalo_sandbox) as stack:
        stack.log_dir = tmp_path
        yield stack


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def stop_by_text(sandbox, province, user_id):
    sandbox.emit("user_send_text", province.app_id, user_id=user_id, text="Dừng")


def stop_by_user_withdraw(sandbox, province, user_id):
    sandbox.emit("user_withdraw", province.app_id, user_id=user_id)


@pytest.mark.parametrize("stop", [stop_by_text, stop_by_user_withdraw], ids=["dung", "user_withdraw"])
def test_after_a_stop_the_citizen_gets_the_confirmation_and_then_nothing(stack, zalo_sandbox, stop):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=50, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", phone="0912345678",
                                    is_follower=True, last_interaction=-30 * 86400)
    user_id = citizen["user_id"]
    stack.start_workers(1)
    stack.start_pump()
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    received = datetime.now(UTC)
    created = api.post("/dossiers", json={
        "code": CODE, "procedure_code": "1.004222", "received_at": iso(received),
        "due_at": iso(received + timedelta(days=9)),
        "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678", "zalo_user_id": user_id},
    })
    assert created.status_code == 201, created.text

    def messages(count=0):
        """What the OA sent the citizen (the sandbox also logs what the citizen wrote, as kind "user")."""
        sent = [m for m in zalo_sandbox.messages(oa_id=province.oa_id, user_id=user_id) if m["kind"] != "user"]
        return sent if len(sent) >= count else None

    zalo_sandbox.wait_for(lambda: messages(1), timeout=60)  # before the stop, the receipt notice arrives

    stop(zalo_sandbox, province, user_id)
    _, confirmation = zalo_sandbox.wait_for(lambda: messages(2), timeout=60)
    assert "đã dừng gửi tin nhắn" in str(confirmation["body"])

    event = api.post(f"/dossiers/{CODE}/events", json={
        "status": "supplement_required", "missing_documents": ["Bản sao Giấy khai sinh"],
        "occurred_at": iso(datetime.now(UTC))})
    assert event.status_code == 201, event.text

    def refused():
        body = api.get(f"/dossiers/{CODE}").json()
        [notice] = [n for n in body["notifications"] if n["event_kind"] == "supplement_required"]
        [delivery] = notice["deliveries"]
        return delivery if delivery["state"] == "failed" else None

    delivery = zalo_sandbox.wait_for(refused, timeout=30)
    assert "stopped all messages" in delivery["error_message"]
    assert len(messages()) == 2  # nothing after the stop
