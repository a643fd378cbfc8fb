"""Phone linking end to end (issue 13), over real HTTP, Redis, RQ workers, the pump and the Zalo sandbox:
a dossier filed with a phone only is notified by ZNS; its applicant looks it up on the OA, the bot answers and
sends Zalo's request_user_info card; the citizen taps "Chia sẻ thông tin" in the sandbox's phone view, Zalo
sends user_submit_info; the dossier's next notice goes as a transaction message to the citizen, not a ZNS."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests.pipeline.fixtures import stack  # noqa: F401 - fixture
from tests.pipeline.test_dossier_notifications import iso, post_dossier, settled_delivery, zns_ready

CODE = "000.00.24.H04-251128-0042"


def test_a_shared_phone_moves_the_next_notice_from_zns_to_a_transaction_message(stack, zalo_sandbox):  # noqa: F811
    province, api = zns_ready(stack, zalo_sandbox)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Trần Thị Bình", phone="0987654321",
                                    is_follower=True)
    post_dossier(api, CODE, {"name": "Trần Thị Bình", "phone": "0987 654 321"})
    first = settled_delivery(api, zalo_sandbox, CODE)
    assert (first["state"], first["channel"]) == ("delivered", "zns")

    zalo_sandbox.emit("user_send_text", province.app_id, user_id=citizen["user_id"], text=f"tra cứu {CODE}")

    def request_card():
        sent = zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
        cards = [m for m in sent if "request_user_info" in str(m["body"])]
        return (sent, cards[0]) if cards else None

    sent, card = zalo_sandbox.wait_for(request_card, timeout=30)
    answer = next(m for m in sent if m["kind"] == "cs" and m is not card)
    assert "Bấm “Chia sẻ thông tin”" in answer["body"]["message"]["text"]
    element = card["body"]["message"]["attachment"]["payload"]["elements"][0]
    assert len(element["title"]) <= 100 and len(element["subtitle"]) <= 500
    phone_view = zalo_sandbox.http.get(f"/phone/{province.oa_id}/{citizen['user_id']}").text
    assert element["title"] in phone_view and "Chia sẻ thông tin" in phone_view

    shared = zalo_sandbox.http.post(f"/phone/{province.oa_id}/{citizen['user_id']}/share",
                                    data={"phone": "84987654321", "name": "Trần Thị Bình"})
    assert shared.status_code == 302

    def linked():
        with stack.reading("bac-ninh") as session:
            return session.scalar(db.select(Follower.phone_e164).where(
                Follower.zalo_user_id == citizen["user_id"]))
    assert zalo_sandbox.wait_for(linked, timeout=30) == "+84987654321"

    # Eight days later (the consultation window has closed) the dossier's status changes.
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        db.session.execute(update(Follower).where(Follower.zalo_user_id == citizen["user_id"]).values(
            last_interaction_at=datetime.now(UTC) - timedelta(days=8)))
        db.session.commit()
        db.session.remove()
    response = api.post(f"/dossiers/{CODE}/events",
                        json={"status": "supplement_required", "missing_documents": ["Bản sao Giấy khai sinh"],
                              "occurred_at": iso(datetime.now(UTC))})
    assert response.status_code == 201, response.text

    def second_settled():
        notifications = api.get(f"/dossiers/{CODE}").json()["notifications"]
        deliveries = [d for n in notifications[1:] for d in n["deliveries"]]
        return deliveries[0] if deliveries and deliveries[0]["state"] in ("delivered", "failed") else None

    second = zalo_sandbox.wait_for(second_settled, timeout=60)
    assert (second["state"], second["channel"]) == ("delivered", "transaction")
    transaction = [m for m in zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
                   if m["kind"] == "transaction"]
    assert len(transaction) == 1 and CODE in str(transaction[0]["body"])
    assert len([m for m in zalo_sandbox.messages(oa_id=province.oa_id) if m["kind"] == "zns"]) == 1
