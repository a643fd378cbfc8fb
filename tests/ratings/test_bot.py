"""Rating from the chat: the invitation's buttons send "DG <code> <level>" back, or the citizen types a digit."""

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings.constants import CHANNEL_ZALO, EDIT_WINDOW
from platform_core.ratings.models import Rating
from tests.bot.test_bot_webhook import deliver_and_process, replies
from tests.conftest import as_tenant
from tests.ratings.conftest import CITIZEN, invitation_of, returned_dossier
from tests.zalo.conftest import user_text

CODE = "H15.50.05.13-260715-0001"


@pytest.fixture
def invited(connected_a, tenant_a):
    with as_tenant(tenant_a):
        return invitation_of(returned_dossier(CODE))


def say(client, tenant, text: str, msg_id: str, user_id: str = CITIZEN) -> str:
    """Send `text` as the citizen; the bot's reply text."""
    deliver_and_process(client, tenant, user_text(text, user_id=user_id, msg_id=msg_id))
    return [notification.context["text"] for notification, _ in replies(tenant)][-1]


def rating(tenant) -> Rating | None:
    with as_tenant(tenant):
        return db.session.scalar(select(Rating).execution_options(populate_existing=True))  # changed by requests


def test_a_button_reply_records_the_rating_and_thanks_with_the_link(client, tenant_a, invited):
    reply = say(client, tenant_a, f"DG {CODE} 5", "r-1")
    assert reply.startswith(f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {CODE}: Rất hài lòng.")
    assert "/bac-ninh/danh-gia/" in reply
    stored = rating(tenant_a)
    with as_tenant(tenant_a):  # the reply's commit expired it: reloading needs the tenant (row-level security)
        assert (stored.score, stored.channel, stored.invitation_id) == (5, CHANNEL_ZALO, invited.id)


def test_a_digit_after_an_invitation_rates_and_a_second_one_changes_it(client, tenant_a, invited):
    say(client, tenant_a, "2", "r-2")
    assert rating(tenant_a).score == 2
    reply = say(client, tenant_a, "Đánh giá 4 sao", "r-3")
    assert "Hài lòng" in reply and rating(tenant_a).score == 4
    with as_tenant(tenant_a):
        assert db.session.query(Rating).count() == 1


def test_a_digit_without_an_invitation_is_left_to_the_lookup_bot(client, connected_a, tenant_a):
    reply = say(client, tenant_a, "5", "r-4")
    assert "đánh giá" not in reply.lower() and rating(tenant_a) is None


def test_someone_else_cannot_rate_the_dossier(client, tenant_a, invited):
    reply = say(client, tenant_a, f"DG {CODE} 1", "r-5", user_id="8000099")
    assert reply.startswith("Không tìm thấy lời mời đánh giá") and rating(tenant_a) is None
    reply = say(client, tenant_a, "đánh giá 1", "r-6", user_id="8000099")
    assert reply == "Hiện không có hồ sơ nào đang chờ Ông/Bà đánh giá." and rating(tenant_a) is None


def test_after_the_edit_window_the_chat_says_the_rating_stands(client, tenant_a, invited):
    say(client, tenant_a, f"DG {CODE} 4", "r-7")
    with as_tenant(tenant_a):
        stored = db.session.scalar(select(Rating))
        stored.submitted_at -= EDIT_WINDOW
        stored.editable_until -= EDIT_WINDOW
        db.session.flush()
    reply = say(client, tenant_a, f"DG {CODE} 1", "r-8")
    assert "không thể thay đổi sau 24 giờ" in reply and "(Hài lòng)" in reply
    assert rating(tenant_a).score == 4


def test_an_expired_invitation_is_not_rated(client, tenant_a, invited):
    with as_tenant(tenant_a):
        invited.expires_at = invited.invited_at
        db.session.flush()
    reply = say(client, tenant_a, f"DG {CODE} 5", "r-9")
    assert "đã hết hạn" in reply and rating(tenant_a) is None


def test_a_digit_after_the_edit_window_is_left_to_the_lookup_bot(client, tenant_a, invited):
    say(client, tenant_a, "5", "r-10")
    with as_tenant(tenant_a):
        stored = db.session.scalar(select(Rating))
        stored.editable_until -= EDIT_WINDOW
        db.session.flush()
    reply = say(client, tenant_a, "1", "r-11")
    assert "đánh giá" not in reply.lower() and rating(tenant_a).score == 5
