"""Citizens answer the bot as they would answer a person: "có", "đồng ý", "ok" accept what was just asked, a
digit or "hài lòng" rates the dossier just offered (or the only one waiting), and every message speaks to them
as "Ông/Bà" in sentences that start with a capital. Signed webhooks in, processed as the worker does."""

import re

import pytest
from sqlalchemy import select

from platform_core.bot import answers
from platform_core.bot.lookup import Desk
from platform_core.bot.replies import plain_words, pressed
from platform_core.bot.welcome import welcome_text
from platform_core.citizens import bot as citizens_bot
from platform_core.citizens import consent
from platform_core.citizens.constants import PURPOSE_NEWS
from platform_core.delivery.composed import ComposedButton, ComposedMessage, cs_text
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers import constants as statuses
from platform_core.extensions import db
from platform_core.feedback import service as feedback_service
from platform_core.feedback.constants import DISLIKE, LIKE
from platform_core.ratings.models import Rating
from platform_core.ratings.parser import parse_rating
from tests.bot.conftest import dossier_row
from tests.citizens.conftest import write
from tests.conftest import as_tenant
from tests.feedback.conftest import officer, reloaded, zalo_feedback  # noqa: F401 - fixture
from tests.ratings.conftest import invitation_of, returned_dossier
from tests.zalo.conftest import connected_a  # noqa: F401 - fixture

CITIZEN = "8000077"
FIRST, SECOND = "H15.50.05.13-260715-0001", "H15.50.05.13-260715-0002"
CONSENT = ComposedButton("Đồng ý", reply="Đồng ý nhận tin chính sách", means_yes=True)
LIKE_BUTTON = ComposedButton("Hài lòng", reply="Hài lòng PA-2611-0042", means_yes=True)
DISLIKE_BUTTON = ComposedButton("Không hài lòng", reply="Không hài lòng PA-2611-0042")
LINK = ComposedButton("Đánh giá chi tiết", url="https://example.vn/danh-gia/x")

pytestmark = pytest.mark.usefixtures("connected_a")


# --- what a short answer stands for (pure) -----------------------------------------------------------------

@pytest.mark.parametrize(("typed", "plain"), [("Có ạ!", "co"), ("ĐỒNG Ý NHÉ", "dong y"), ("ok.", "ok"),
                                              ("  vâng   ạ ", "vang"), ("Hài lòng!!", "hai long")])
def test_answers_are_compared_without_case_accents_punctuation_or_polite_endings(typed, plain):
    assert plain_words(typed) == plain


@pytest.mark.parametrize("typed", ["có", "Đồng ý", "ok", "OK ạ", "vâng", "ừ", "được", "yes"])
def test_a_plain_yes_presses_the_questions_yes_button(typed):
    assert pressed(plain_words(typed), (CONSENT,)) == CONSENT
    assert pressed(plain_words(typed), (LIKE_BUTTON, DISLIKE_BUTTON, LINK)) == LIKE_BUTTON


def test_the_buttons_title_typed_presses_that_button():
    assert pressed(plain_words("không hài lòng"), (LIKE_BUTTON, DISLIKE_BUTTON)) == DISLIKE_BUTTON
    assert pressed(plain_words("Hài lòng ạ"), (LIKE_BUTTON, DISLIKE_BUTTON)) == LIKE_BUTTON


def test_something_else_or_a_yes_without_a_yes_button_presses_nothing():
    assert pressed(plain_words("không"), (CONSENT,)) is None
    assert pressed(plain_words("tra cứu hồ sơ"), (CONSENT,)) is None
    two_choices = (ComposedButton("Sáng", reply="SANG"), ComposedButton("Chiều", reply="CHIEU"))
    assert pressed(plain_words("có"), two_choices) is None
    assert pressed(plain_words("có"), (LINK,)) is None  # a link is opened, not answered


@pytest.mark.parametrize(("typed", "score"), [("hài lòng", 4), ("Rất hài lòng!", 5), ("bình thường", 3),
                                              ("không hài lòng", 2), ("rat khong hai long a", 1), ("5", 5)])
def test_the_words_of_the_scale_are_a_rating_like_a_digit(typed, score):
    parsed = parse_rating(typed)
    assert (parsed.score, parsed.code, parsed.bare) == (score, None, True)


def test_the_words_of_the_scale_may_name_the_dossier():
    parsed = parse_rating(f"không hài lòng hồ sơ {FIRST}")
    assert (parsed.score, parsed.code.upper(), parsed.bare) == (2, FIRST, False)


# --- through the webhook ------------------------------------------------------------------------------------

def sent_to_citizen(tenant) -> list[Notification]:
    with as_tenant(tenant):
        return list(db.session.scalars(
            select(Notification).join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.recipient_zalo_user_id == CITIZEN).order_by(Notification.created_at)))


def last_reply(tenant) -> str:
    return sent_to_citizen(tenant)[-1].context["text"]


def news_granted(tenant) -> bool:
    with as_tenant(tenant):
        return consent.may_send(CITIZEN, None, PURPOSE_NEWS)


@pytest.mark.parametrize("answer", ["có", "Đồng ý", "ok ạ"])
def test_yes_right_after_the_policy_news_question_grants_it(client, tenant_a, answer):
    write(client, tenant_a, "tin chính sách")
    write(client, tenant_a, answer)
    assert news_granted(tenant_a)
    assert last_reply(tenant_a).startswith("Cảm ơn Ông/Bà. Ông/Bà sẽ nhận tin chính sách qua Zalo")


def test_yes_with_no_question_asked_grants_nothing(client, tenant_a):
    write(client, tenant_a, "có")
    assert not news_granted(tenant_a)
    assert "chưa hiểu tin nhắn" in last_reply(tenant_a)


def test_yes_after_another_answer_came_in_between_grants_nothing(client, tenant_a):
    write(client, tenant_a, "tin chính sách")
    write(client, tenant_a, "hướng dẫn")  # the question is no longer the last thing the citizen read
    write(client, tenant_a, "có")
    assert not news_granted(tenant_a)


def answered_feedback(tenant, officer):  # noqa: F811
    feedback = zalo_feedback(tenant, zalo_user_id=CITIZEN)
    with as_tenant(tenant):
        feedback_service.act(feedback, "accept", officer)
        feedback_service.act(feedback, "classify", officer, category="other")
        feedback_service.act(feedback, "answer", officer, answer="Đã xử lý.")
        db.session.flush()
    return feedback


@pytest.mark.parametrize(("answer", "reaction"), [("hài lòng", LIKE), ("Có ạ", LIKE), ("không hài lòng", DISLIKE)])
def test_the_answer_to_a_feedback_is_judged_without_its_code(client, tenant_a, officer, answer, reaction):  # noqa: F811
    feedback = answered_feedback(tenant_a, officer)
    write(client, tenant_a, answer)
    assert reloaded(tenant_a, feedback).reaction == reaction
    assert last_reply(tenant_a) == f"Cảm ơn Ông/Bà đã cho biết ý kiến về câu trả lời phản ánh {feedback.code}."


def ratings(tenant) -> dict[str, int]:
    with as_tenant(tenant):
        rows = db.session.scalars(select(Rating).execution_options(populate_existing=True)).all()
        return {str(row.dossier_id): row.score for row in rows}


def invited(tenant, *codes) -> list[str]:
    """Returned dossiers with their rating invitations; their ids, read inside the tenant (RLS hides the rows
    outside it on PostgreSQL)."""
    with as_tenant(tenant):
        return [str(invitation_of(returned_dossier(code)).dossier_id) for code in codes]


@pytest.mark.parametrize(("answer", "score"), [("hài lòng", 4), ("Rất không hài lòng", 1), ("3", 3)])
def test_one_dossier_waiting_is_rated_in_words_or_a_digit(client, tenant_a, answer, score):
    [dossier_id] = invited(tenant_a, FIRST)
    write(client, tenant_a, answer)
    assert ratings(tenant_a) == {dossier_id: score}
    assert last_reply(tenant_a).startswith(f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {FIRST}")


def test_a_digit_rates_the_dossier_just_offered_even_with_an_older_one_waiting(client, tenant_a):
    _older, newest = invited(tenant_a, FIRST, SECOND)
    write(client, tenant_a, "5")
    assert ratings(tenant_a) == {newest: 5}


def test_with_two_dossiers_waiting_and_something_in_between_the_citizen_is_asked_which(client, tenant_a):
    invited(tenant_a, FIRST, SECOND)
    write(client, tenant_a, "hướng dẫn")
    write(client, tenant_a, "hài lòng")
    assert ratings(tenant_a) == {}
    reply = last_reply(tenant_a)
    assert reply.startswith("Ông/Bà có 2 hồ sơ đang chờ đánh giá:") and FIRST in reply and SECOND in reply
    write(client, tenant_a, f"hài lòng {FIRST}")
    assert list(ratings(tenant_a).values()) == [4]


def test_on_a_consultation_message_the_buttons_are_answered_in_words_not_commands(client, tenant_a):
    invited(tenant_a, FIRST)
    write(client, tenant_a, "tin chính sách")
    question = ComposedMessage.from_context(sent_to_citizen(tenant_a)[-1].context)
    assert cs_text(question).splitlines()[-1] == "Trả lời “Đồng ý”."


# --- one form of address, sentences with a capital -----------------------------------------------------------

DESK = Desk(oa_name="Trung tâm PVHCC tỉnh Bắc Ninh", place="tỉnh Bắc Ninh", hotline="02223822222")


def every_citizen_text() -> list[str]:
    texts = [answers.menu_answer(DESK), answers.fallback_answer(DESK), answers.not_found_answer(FIRST, DESK),
             answers.bad_code_answer("", DESK), answers.bad_code_answer("ABC", DESK),
             answers.procedures_answer("", [], DESK), answers.procedures_answer("khai sinh", [], DESK),
             citizens_bot.NEWS_NOTICE, *citizens_bot.GRANTED.values(), *citizens_bot.WITHDRAWN.values()]
    for status in statuses.STATUS_LABELS_VI:
        dossier = dossier_row(code=FIRST, status=status, events=[{"to_status": status, "note": "nộp tại xã"}])
        sender = answers.Sender(zalo_user_id=CITIZEN)
        texts.append(answers.dossier_answer(dossier, None, sender, DESK, dossier.received_at))
    return texts


def test_every_answer_says_ong_ba_and_never_ban():
    for text in every_citizen_text():
        assert not re.search(r"\b[Bb]ạn\b", text), text
        assert "ông/bà" not in text and "Ông/bà" not in text, text


def test_every_sentence_of_an_answer_starts_with_a_capital():
    for text in every_citizen_text():
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            first = sentence.lstrip("•-–…0123456789. ")[:1]
            assert not first or not first.islower(), sentence


def test_the_welcome_says_ong_ba(app, tenant_a):
    with app.test_request_context(), as_tenant(tenant_a):
        text = welcome_text()
    assert text.startswith("Chào mừng Ông/Bà đến với") and not re.search(r"\bbạn\b", text)
