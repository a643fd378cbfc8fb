"""A returned dossier invites its citizen to rate, once, in the event's transaction."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from platform_core.citizens import consent
from platform_core.citizens.constants import METHOD_ZALO_CHAT, PURPOSE_SURVEY
from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers.errors import TransitionRefused
from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.constants import EVENT_KIND, INVITATION_LIFETIME, INVITED
from platform_core.ratings.models import RatingInvitation
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant
from tests.dossiers.support import record
from tests.ratings.conftest import CITIZEN, fully_online, invitation_of, returned_dossier
from tests.zalo.conftest import connect_to_sandbox

CODE = "H15.50.05.13-260715-0001"


def invitation_notifications() -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.event_kind == EVENT_KIND)))


def test_a_returned_dossier_gets_one_invitation_and_its_message(in_a):
    dossier = returned_dossier(CODE)
    invitation = invitation_of(dossier)
    assert invitation.status == INVITED and invitation.zalo_user_id == CITIZEN
    assert invitation.phone_e164 == "+84912345678"
    assert invitation.expires_at - invitation.invited_at == INVITATION_LIFETIME
    [notification] = invitation_notifications()
    assert invitation.notification_id == notification.id and notification.dossier_id == dossier.id
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.notification_id == notification.id))
    assert (delivery.recipient_zalo_user_id, delivery.recipient_phone) == (CITIZEN, "+84912345678")
    assert not delivery.simulated


def test_the_message_offers_three_levels_in_the_chat_and_the_page_for_the_rest(in_a):
    invitation = invitation_of(returned_dossier(CODE))
    message = ComposedMessage.from_context(invitation_notifications()[0].context)
    assert message.header == "Mời đánh giá mức độ hài lòng"
    assert (message.code_label, message.code, message.status) == ("Mã hồ sơ", CODE, "Đã trả kết quả")
    assert "Đăng ký thường trú" in message.text and "từ 1 (Rất không hài lòng) đến 5 (Rất hài lòng)" in message.text
    assert [(button.title, button.reply) for button in message.buttons[:3]] == [
        ("Rất hài lòng", f"DG {CODE} 5"), ("Hài lòng", f"DG {CODE} 4"), ("Không hài lòng", f"DG {CODE} 2")]
    link = message.buttons[3]
    assert link.title == "Đánh giá chi tiết" and len(message.buttons) == 4
    path = urlsplit(link.url).path
    assert path.startswith("/bac-ninh/danh-gia/")
    assert service.check_link(path.rsplit("/", 1)[1]) == invitation


def test_a_citizen_who_wrote_this_week_gets_the_card_to_tap_not_a_text_to_answer(sandbox, tenant_a):
    """A consultation text (free in the week after the citizen wrote) has no buttons: the invitation goes as the
    transaction card all the same, its levels sent back by a tap."""
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Nguyễn Văn An", last_interaction="now", is_follower=True)
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id=citizen["user_id"], is_follower=True, last_interaction_at=utcnow()))
        returned_dossier(CODE, zalo_user_id=citizen["user_id"])
        [notification] = invitation_notifications()
        [delivery] = db.session.scalars(select(Delivery).where(Delivery.notification_id == notification.id))
        delivery.state, delivery.attempts = "sending", 1
        assert sender.send(delivery, zalo_client()) == "sent"
    assert (delivery.channel, delivery.fallback_from) == ("transaction", None)
    [card] = sandbox.messages(oa_id=seeded.oa_id, user_id=citizen["user_id"])
    buttons = card["body"]["message"]["attachment"]["payload"]["buttons"]
    assert [(button["type"], button["title"], button["payload"]) for button in buttons[:3]] == [
        ("oa.query.hide", "Rất hài lòng", f"DG {CODE} 5"), ("oa.query.hide", "Hài lòng", f"DG {CODE} 4"),
        ("oa.query.hide", "Không hài lòng", f"DG {CODE} 2")]


def test_result_ready_invites_only_when_the_result_is_electronic(in_a):
    fully_online("1.001193")
    online = returned_dossier("H15-ONLINE-0001", procedure_code="1.001193", returned_at=None, channel=2)
    counter = returned_dossier("H15-COUNTER-0001", procedure_code="1.001193", returned_at=None, channel=1)
    partly = returned_dossier("H15-PARTLY-0001", returned_at=None, channel=2)  # 1.004222 is partly online
    assert invitation_of(online) is not None
    assert invitation_of(counter) is None and invitation_of(partly) is None


def test_an_electronic_result_invited_at_9_is_not_invited_again_at_10(in_a):
    fully_online("1.001193")
    dossier = returned_dossier("H15-ONLINE-0002", procedure_code="1.001193", returned_at=None, channel=2)
    record("H15-ONLINE-0002", "returned", "2026-07-22T09:00:00+07:00")
    assert db.session.scalar(select(func.count()).select_from(RatingInvitation)) == 1
    assert len(invitation_notifications()) == 1 and invitation_of(dossier) is not None


def test_a_refused_event_leaves_no_invitation(in_a):
    returned_dossier(CODE, returned_at=None)
    with db.session.begin_nested(), pytest.raises(TransitionRefused):
        record(CODE, "stopped", "2026-07-21T09:00:00+07:00", reason="x")
    assert db.session.scalar(select(func.count()).select_from(RatingInvitation)) == 0


def test_a_test_keys_dossier_gets_a_simulated_invitation(in_a):
    from tests import factories

    factories.create_dossier(CODE, simulated=True)
    for status, moment in (("processing", "2026-07-15T09:00:00+07:00"), ("result_ready", "2026-07-20T15:00:00+07:00"),
                           ("returned", "2026-07-21T09:00:00+07:00")):
        record(CODE, status, moment, simulated=True)
    [notification] = invitation_notifications()
    [delivery] = db.session.scalars(select(Delivery).where(Delivery.notification_id == notification.id))
    assert notification.simulated and delivery.simulated


def test_a_long_procedure_name_is_what_the_card_cuts(in_a):
    from platform_core.catalogue.models import Procedure
    from platform_core.delivery.composed import transaction_card

    db.session.scalar(select(Procedure).where(Procedure.code == "1.004222")).name = "Đăng ký thường trú " * 20
    returned_dossier(CODE)
    message = ComposedMessage.from_context(invitation_notifications()[0].context)
    text = transaction_card(message).text.content
    assert len(text) <= 250 and "Hạn đánh giá:" in text and text.endswith("…")


def test_a_citizen_who_refused_surveys_is_not_invited(in_a):
    consent.withdraw(PURPOSE_SURVEY, method=METHOD_ZALO_CHAT, zalo_user_id=CITIZEN)
    dossier = returned_dossier(CODE)
    assert db.session.scalar(select(RatingInvitation).where(RatingInvitation.dossier_id == dossier.id)) is None
    assert invitation_notifications() == []
