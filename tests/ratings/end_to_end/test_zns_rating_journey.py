"""End to end over real HTTP, Redis, RQ workers, the pump and the Zalo sandbox: a province with a ZNS rating
template returns a dossier of a citizen it knows only by phone; the invitation goes by ZNS with the template's
parameters; the citizen gives three stars in Zalo, and the sandbox posts the signed `user_feedback` event
(with its ZNS header) to the province's webhook; a worker records it as the dossier's rating."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings.models import Rating, RatingZnsTemplate
from tests.pipeline.stack import add_province

CODE = "000.00.24.H04-251128-0077"
PHONE = "0987654321"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def stored_rating(stack) -> Rating | None:
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        rating = db.session.scalar(select(Rating))
        db.session.remove()
        return rating


def test_a_citizen_known_only_by_phone_rates_with_the_zns_template(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=None, echo_sends=False)
    zalo_sandbox.add_template("270001", template_name="Đánh giá dịch vụ công", listParams=[
        {"name": "ten", "require": True, "type": "STRING", "maxLength": 60},
        {"name": "ma_ho_so", "require": True, "type": "STRING", "maxLength": 40}])
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        db.session.add(RatingZnsTemplate(zns_template_id="270001",
                                         zns_params={"ten": "{{ nguoi_nop }}", "ma_ho_so": "{{ ma_ho_so }}"}))
        db.session.commit()
        db.session.remove()
    stack.start_workers(2)
    stack.start_pump()
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    received = datetime.now(UTC) - timedelta(days=3)
    created = api.post("/dossiers", json={
        "code": CODE, "procedure_code": "1.004222", "received_at": iso(received),
        "due_at": iso(received + timedelta(days=9)), "applicant": {"name": "Trần Thị Bích", "phone": PHONE},
    })
    assert created.status_code == 201, created.text
    for status in ("processing", "result_ready", "returned"):
        response = api.post(f"/dossiers/{CODE}/events", json={"status": status, "occurred_at": iso(datetime.now(UTC))})
        assert response.status_code == 201, response.text

    def invitation_by_zns():
        return [m for m in zalo_sandbox.messages(oa_id=province.oa_id)
                if m["kind"] == "zns" and m["body"]["template_id"] == "270001"]

    [invitation] = zalo_sandbox.wait_for(invitation_by_zns, timeout=60)
    assert invitation["body"]["template_data"] == {"ten": "Trần Thị Bích", "ma_ho_so": CODE}

    emitted = zalo_sandbox.emit("user_feedback", province.app_id, msg_id=invitation["message_id"],
                                tracking_id=invitation["tracking_id"], rate=3, note="Chờ hơi lâu",
                                feedbacks=["Thủ tục rõ ràng"])
    assert emitted["status"] == 200 and emitted["headers"]["X-ZEvent-Server"] == "ZNS"
    rating = zalo_sandbox.wait_for(lambda: stored_rating(stack), timeout=60)
    assert (rating.score, rating.channel, rating.comment, rating.tags) == (3, "zns_rating", "Chờ hơi lâu",
                                                                           ["Thủ tục rõ ràng"])
