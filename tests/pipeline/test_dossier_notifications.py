"""The heart of the product, end to end over real HTTP, real Redis, real RQ workers and the Zalo sandbox:
a province system posts a dossier and its status changes; the citizen gets exactly one message per notifying
event on the routed channel, and the API shows each one delivered once the sandbox's receipt arrives."""

import json
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.zalo.models import Follower
from tests.pipeline.stack import REPO_ROOT, add_province

CODE = "000.00.24.H04-251128-0001"


def demo_zns_template(template_id: str) -> dict:
    seed = json.loads((REPO_ROOT / "platform_core/sandbox/seeds/demo.json").read_text(encoding="utf-8"))
    return next(template for template in seed["templates"] if template["template_id"] == template_id)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def test_each_status_change_reaches_the_citizen_once_and_is_shown_delivered(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", phone="0912345678",
                                    is_follower=True, last_interaction=-30 * 86400)
    stack.start_workers(2)
    stack.start_pump()
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    received = datetime.now(UTC)
    created = api.post("/dossiers", json={
        "code": CODE, "procedure_code": "1.004222", "received_at": iso(received),
        "due_at": iso(received + timedelta(days=9)),
        "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678", "zalo_user_id": citizen["user_id"]},
    })
    assert created.status_code == 201, created.text
    for event in ({"status": "processing"},
                  {"status": "supplement_required", "missing_documents": ["Bản sao Giấy khai sinh"]},
                  {"status": "processing"},
                  {"status": "result_ready", "note": "Nhận tại Bộ phận Một cửa xã"}):
        event["occurred_at"] = iso(datetime.now(UTC))
        response = api.post(f"/dossiers/{CODE}/events", json=event)
        assert response.status_code == 201, response.text

    def all_delivered():
        body = api.get(f"/dossiers/{CODE}").json()
        deliveries = [d for n in body["notifications"] for d in n["deliveries"]]
        return body if len(deliveries) == 3 and all(d["state"] in ("delivered", "seen") for d in deliveries) else None

    body = zalo_sandbox.wait_for(all_delivered, timeout=60)
    kinds = [n["event_kind"] for n in body["notifications"]]
    assert kinds == ["received", "supplement_required", "result_ready"]
    sent = zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
    assert len(sent) == 3
    assert all(message["kind"] == "transaction" for message in sent)  # a follower quiet for a month
    assert all(CODE in str(message["body"]) for message in sent)
    assert "Bản sao Giấy khai sinh" in str(sent[1]["body"])
    channels = {d["channel"] for n in body["notifications"] for d in n["deliveries"]}
    assert channels == {"transaction"}


def zns_ready(stack, zalo_sandbox):
    """Bắc Ninh with its ZNS template in the sandbox, a worker and the pump running; the province and its API."""
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    zalo_sandbox.add_template(**demo_zns_template("231001"))  # tenants/bac-ninh/messages.vi.yaml names it
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    stack.start_workers(1)
    stack.start_pump()
    return province, api


def post_dossier(api, code: str, applicant: dict) -> None:
    received = datetime.now(UTC)
    response = api.post("/dossiers", json={"code": code, "procedure_code": "1.004222", "received_at": iso(received),
                                           "due_at": iso(received + timedelta(days=9)), "applicant": applicant})
    assert response.status_code == 201, response.text


def settled_delivery(api, zalo_sandbox, code: str) -> dict:
    """The dossier's first delivery once it is delivered or has failed."""
    def settled():
        [delivery] = api.get(f"/dossiers/{code}").json()["notifications"][0]["deliveries"]
        return delivery if delivery["state"] in ("delivered", "failed") else None

    return zalo_sandbox.wait_for(settled, timeout=60)


def test_a_citizen_the_oa_has_never_met_is_reached_by_zns_on_their_phone(stack, zalo_sandbox):
    province, api = zns_ready(stack, zalo_sandbox)
    post_dossier(api, "000.00.24.H04-251128-0002", {"name": "Trần Thị Bình", "phone": "0987 654 321"})
    delivery = settled_delivery(api, zalo_sandbox, "000.00.24.H04-251128-0002")
    assert delivery["state"] == "delivered"
    assert delivery["channel"] == "zns" and "phone" in delivery["channel_reason"]
    [sent] = [m for m in zalo_sandbox.messages(oa_id=province.oa_id) if m["kind"] == "zns"]
    assert sent["body"]["template_id"] == "231001" and sent["body"]["phone"] == "84987654321"
    assert sent["body"]["template_data"]["dossier_code"] == "000.00.24.H04-251128-0002"


def test_a_user_id_of_another_oa_falls_back_to_zns_on_the_phone(stack, zalo_sandbox):
    """Zalo answers -201 "user_id is invalid!" for another OA's id (ids are per OA): the phone still reaches the
    citizen by ZNS (docs/zalo-oa.md §6)."""
    province, api = zns_ready(stack, zalo_sandbox)
    other_oa = zalo_sandbox.add_app("ha-noi", oa_name="Trung tâm PVHCC Hà Nội")
    elsewhere = zalo_sandbox.add_user(other_oa.app_id, display_name="Lê Văn Cường", is_follower=True,
                                      last_interaction="now")
    post_dossier(api, "000.00.24.H04-251128-0003",
                 {"name": "Lê Văn Cường", "phone": "0987 654 321", "zalo_user_id": elsewhere["user_id"]})
    delivery = settled_delivery(api, zalo_sandbox, "000.00.24.H04-251128-0003")
    assert (delivery["state"], delivery["channel"], delivery["fallback_from"]) == ("delivered", "zns", "transaction")
    [sent] = [m for m in zalo_sandbox.messages(oa_id=province.oa_id) if m["kind"] == "zns"]
    assert sent["body"]["phone"] == "84987654321"


def test_a_citizen_refused_by_consultation_and_transaction_alike_is_reached_by_zns(stack, zalo_sandbox):
    """The whole chain: the citizen wrote to the OA today, so consultation comes first, but has restricted the
    OA's messages (-244 for every message type): the transaction card is refused as well, and ZNS on the phone
    still reaches them (docs/zalo-oa.md §2)."""
    province, api = zns_ready(stack, zalo_sandbox)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Đỗ Thị Hạnh", phone="0987654321",
                                    is_follower=True, blocked=True)
    assert zalo_sandbox.http.post(f"/phone/{province.oa_id}/{citizen['user_id']}/send",
                                  data={"text": "Xin chào"}).status_code == 302

    def wrote_today():
        with stack.reading("bac-ninh") as session:
            return session.scalar(select(Follower.last_interaction_at)
                                  .where(Follower.zalo_user_id == citizen["user_id"]))
    zalo_sandbox.wait_for(wrote_today, timeout=30)
    code = "000.00.24.H04-251128-0004"
    post_dossier(api, code, {"name": "Đỗ Thị Hạnh", "phone": "0987 654 321", "zalo_user_id": citizen["user_id"]})
    delivery = settled_delivery(api, zalo_sandbox, code)
    assert (delivery["state"], delivery["channel"], delivery["fallback_from"]) == ("delivered", "zns", "transaction")
    refused = [request["path"].rsplit("/", 1)[-1] for request in zalo_sandbox.requests(path_contains="/message/")
               if code in request["body"] and "-244" in (request["response"] or "")]  # None: still answering
    assert refused == ["cs", "transaction"]
    [sent] = [m for m in zalo_sandbox.messages(oa_id=province.oa_id) if m["kind"] == "zns"]
    assert sent["body"]["phone"] == "84987654321"
