"""End to end over real HTTP, Redis, RQ workers, the delivery pump and the Zalo sandbox: a province system
returns a dossier through the public API; the citizen's sandbox phone receives the rating invitation; the
citizen taps a level in the chat (a signed webhook from the sandbox), then changes it on the rating page; the
rating appears in the console's report."""

import re
from datetime import date, datetime
from urllib.parse import urlsplit

import httpx

from platform_core.clock import VIETNAM
from platform_core.extensions import db
from platform_core.ratings import reports
from tests import factories
from tests.auth.support import add_membership
from tests.pipeline.stack import add_province
from tests.ratings.end_to_end.support import return_through_api, stored_rating

CODE = "000.00.24.H04-251128-0042"


def messages_with(sandbox, province, citizen, words: str) -> list:
    return [message for message in sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
            if words in str(message["body"])]


def test_a_returned_dossier_is_rated_from_zalo_and_shows_in_the_report(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", phone="0912345678",
                                    is_follower=True, last_interaction=-30 * 86400)
    stack.start_workers(2)
    stack.start_pump()
    return_through_api(stack, province, CODE,
                       {"name": "Nguyễn Văn An", "phone": "0912345678", "zalo_user_id": citizen["user_id"]})

    # The invitation reaches the citizen's phone as a card: three levels to tap, and the rating page.
    [card] = zalo_sandbox.wait_for(lambda: messages_with(zalo_sandbox, province, citizen, "Mời đánh giá"), timeout=60)
    assert card["kind"] == "transaction"
    buttons = card["body"]["message"]["attachment"]["payload"]["buttons"]
    assert [button["title"] for button in buttons] == ["Rất hài lòng", "Hài lòng", "Không hài lòng",
                                                        "Đánh giá chi tiết"]
    assert buttons[1]["payload"] == f"DG {CODE} 4"
    link = buttons[3]["payload"]["url"]
    assert link.startswith(f"{stack.url}/bac-ninh/danh-gia/")

    # The citizen taps "Hài lòng": Zalo sends the button's text back to the OA.
    emitted = zalo_sandbox.emit("user_send_text", province.app_id, user_id=citizen["user_id"],
                                text=buttons[1]["payload"])
    assert emitted["status"] == 200
    thanked = "Cảm ơn Ông/Bà đã đánh giá"  # the "returned" notice thanks the citizen too
    [thanks] = zalo_sandbox.wait_for(lambda: messages_with(zalo_sandbox, province, citizen, thanked), timeout=60)
    assert thanks["kind"] == "cs" and "Hài lòng" in thanks["body"]["message"]["text"]
    rating = stored_rating(stack)
    assert (rating.score, rating.channel) == (4, "zalo")

    # Then opens the link and gives more detail: the same rating changes.
    citizen_browser = httpx.Client(timeout=10)
    page = citizen_browser.get(link)
    assert page.status_code == 200 and CODE in page.text
    assert re.search(r'<input checked[^>]*value="4"|<input[^>]*value="4"[^>]*checked', page.text)
    sent = citizen_browser.post(link, data={"score": "5", "criterion_on_time": "5", "comment": "Rất nhanh"})
    assert sent.status_code == 302
    rating = stored_rating(stack)
    assert (rating.score, rating.channel, rating.comment, rating.criteria_scores) == (5, "web", "Rất nhanh",
                                                                                       {"on_time": 5})
    assert urlsplit(link).path.count("/") == 3  # /bac-ninh/danh-gia/<token>

    # The rating is in the report, and in the console over HTTP.
    today = datetime.now(VIETNAM).date()  # reports count Vietnam days (17:00 UTC is already tomorrow there)
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        [row] = reports.satisfaction_by(date(today.year, 1, 1), today, group="procedure")
        figure = reports.decision_766_figure(date(today.year, 1, 1), today)
        officer = factories.create_user("officer@bac-ninh.test", full_name="Cán bộ Một cửa")
        add_membership(officer, factories.tenant_by_slug("bac-ninh"), "officer")
        db.session.commit()
        db.session.remove()
    assert (row.key, row.counts[5], row.total, row.percent_satisfied) == ("1.004222", 1, 1, 100.0)
    assert (figure.handled, figure.late, figure.disliked, figure.figure) == (1, 0, 0, 100.0)
    console = httpx.Client(base_url=stack.url, timeout=10)
    assert console.post("/login", data={"email": "officer@bac-ninh.test",
                                        "password": factories.DEFAULT_PASSWORD}).status_code == 302
    report = console.get("/bac-ninh/admin/ratings/")
    assert report.status_code == 200 and CODE in report.text and "Rất nhanh" in report.text
    assert "<strong>100.0%</strong>" in report.text
