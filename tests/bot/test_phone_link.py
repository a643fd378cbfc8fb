"""The bot asks for the citizen's phone with Zalo's request_user_info card, and only where it helps: a dossier
known only by its phone, "hồ sơ của tôi", the menu; never once the phone is shared, never for a dossier that
already has the citizen's Zalo id. A signed webhook in, the outbox's rows out."""

import pytest
from sqlalchemy import select

from platform_core.bot import answers
from platform_core.bot.parser import MINE, parse
from platform_core.delivery.constants import CS
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import BOT_INFO_REQUEST
from platform_core.extensions import db
from platform_core.zalo.messages import MessageError, request_user_info_message
from platform_core.zalo.models import Follower
from tests.bot.conftest import add_dossier
from tests.bot.test_bot_webhook import CODE, SENDER, deliver_and_process, only_reply_text
from tests.conftest import as_tenant
from tests.zalo.conftest import user_text


def info_requests(tenant) -> list[tuple[Notification, Delivery]]:
    with as_tenant(tenant):
        notifications = db.session.scalars(select(Notification).where(
            Notification.event_kind == BOT_INFO_REQUEST)).all()
        return [(n, db.session.scalar(select(Delivery).where(Delivery.notification_id == n.id)))
                for n in notifications]


def shared_phone(tenant, phone="+84912345678") -> None:
    with as_tenant(tenant):
        db.session.add(Follower(zalo_user_id=SENDER, is_follower=True, phone_e164=phone))
        db.session.flush()


@pytest.mark.parametrize("text", ["hồ sơ của tôi", "Xem hồ sơ của mình", "tra cuu ho so cua toi"])
def test_asking_for_ones_own_dossiers_is_understood(text):
    assert parse(text).kind == MINE


def test_looking_up_a_dossier_known_only_by_phone_sends_the_request_card_after_the_answer(
        client, connected_a, tenant_a):
    add_dossier(tenant_a, code=CODE)  # applicant_phone only
    event = deliver_and_process(client, tenant_a, user_text(f"tra cứu {CODE}", user_id=SENDER, msg_id="pl-1"))
    assert answers.SHARE_PHONE in only_reply_text(tenant_a)
    [(request, delivery)] = info_requests(tenant_a)
    assert (delivery.channel, delivery.recipient_zalo_user_id) == (CS, SENDER)
    assert request.idempotency_key == f"bot:{event.event_key}:phone"
    assert len(request.context["title"]) <= 100 and len(request.context["subtitle"]) <= 500
    assert "Trung tâm" in request.context["subtitle"] or "Zalo OA" in request.context["subtitle"]


def test_no_card_once_the_phone_is_shared_and_the_answer_shows_the_applicant(client, connected_a, tenant_a):
    add_dossier(tenant_a, code=CODE)
    shared_phone(tenant_a)
    deliver_and_process(client, tenant_a, user_text(f"tra cứu {CODE}", user_id=SENDER, msg_id="pl-2"))
    text = only_reply_text(tenant_a)
    assert "Người nộp: Nguyễn Văn An" in text and answers.SHARE_PHONE not in text
    assert info_requests(tenant_a) == []


def test_no_card_for_a_dossier_that_has_the_citizens_zalo_id(client, connected_a, tenant_a):
    add_dossier(tenant_a, code=CODE, applicant_zalo_user_id="7000007")
    deliver_and_process(client, tenant_a, user_text(f"tra cứu {CODE}", user_id=SENDER, msg_id="pl-3"))
    assert answers.SHARE_PHONE not in only_reply_text(tenant_a)
    assert info_requests(tenant_a) == []


def test_the_menu_offers_the_button_with_its_words_and_not_after_sharing(client, connected_a, tenant_a):
    deliver_and_process(client, tenant_a, user_text("hướng dẫn", user_id=SENDER, msg_id="pl-4"))
    assert answers.SHARE_PHONE in only_reply_text(tenant_a) and len(info_requests(tenant_a)) == 1


def test_the_menu_says_nothing_of_sharing_once_shared(client, connected_a, tenant_a):
    shared_phone(tenant_a)
    deliver_and_process(client, tenant_a, user_text("hướng dẫn", user_id=SENDER, msg_id="pl-5"))
    assert "chia sẻ" not in only_reply_text(tenant_a).lower() and info_requests(tenant_a) == []


def test_my_dossiers_lists_the_ones_filed_with_the_shared_phone(client, connected_a, tenant_a):
    add_dossier(tenant_a, code=CODE)
    add_dossier(tenant_a, code="000.00.24.H04-251128-0009", applicant_phone="+84999999999")
    shared_phone(tenant_a)
    deliver_and_process(client, tenant_a, user_text("hồ sơ của tôi", user_id=SENDER, msg_id="pl-6"))
    text = only_reply_text(tenant_a)
    assert text.startswith("Hồ sơ của Ông/Bà:") and CODE in text and "251128-0009" not in text
    assert info_requests(tenant_a) == []


def test_my_dossiers_without_a_shared_phone_asks_for_it(client, connected_a, tenant_a):
    add_dossier(tenant_a, code="000.00.24.H04-251201-0077")
    deliver_and_process(client, tenant_a, user_text("hồ sơ của tôi", user_id=SENDER, msg_id="pl-7"))
    text = only_reply_text(tenant_a)
    assert "0077" not in text and answers.SHARE_PHONE in text and len(info_requests(tenant_a)) == 1


def test_the_request_cards_limits_are_zalos():
    request_user_info_message("t" * 100, "s" * 500, "https://motcua.vn/a.png")
    with pytest.raises(MessageError):
        request_user_info_message("t" * 101, "s", "https://motcua.vn/a.png")
    with pytest.raises(MessageError):
        request_user_info_message("t", "s" * 501, "https://motcua.vn/a.png")
