"""End to end over real HTTP, Redis, RQ workers, the pump and the Zalo sandbox: a province with a ZNS rating
template returns a dossier of a citizen it knows only by phone; the invitation goes by ZNS with the template's
parameters; the citizen gives three stars in Zalo, and the sandbox posts the signed `user_feedback` event
(with its ZNS header) to the province's webhook; a worker records it as the dossier's rating."""



from platform_core.extensions import db
from platform_core.settings.service import save_setting
from tests.pipeline.stack import add_province
from tests.ratings.end_to_end.support import return_through_api, stored_rating

CODE = "000.00.24.H04-251128-0077"
PHONE = "0987654321"


def test_a_citizen_known_only_by_phone_rates_with_the_zns_template(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=None, echo_sends=False)
    zalo_sandbox.add_template("270001", template_name="Đánh giá dịch vụ công", listParams=[
        {"name": "ten", "require": True, "type": "STRING", "maxLength": 60},
        {"name": "ma_ho_so", "require": True, "type": "STRING", "maxLength": 40}])
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        save_setting("rating_zns", {"zns_template_id": "270001",
                                    "zns_params": {"ten": "{{ nguoi_nop }}", "ma_ho_so": "{{ ma_ho_so }}"}})
        db.session.commit()
        db.session.remove()
    stack.start_workers(2)
    stack.start_pump()
    return_through_api(stack, province, CODE, {"name": "Trần Thị Bích", "phone": PHONE})

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
