"""One rating per dossier, editable for 24 hours; a link that is not this dossier's or is too old is refused."""

from datetime import timedelta

import pytest

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.constants import (
    CHANNEL_WEB,
    CHANNEL_ZALO,
    EDIT_WINDOW,
    EXPIRED,
    INVITED,
    SUBMITTED,
)
from platform_core.ratings.models import Rating
from platform_core.ratings.tokens import make_token
from tests.ratings.conftest import invitation_of, returned_dossier

CODE, OTHER = "H15.50.05.13-260715-0001", "H15.50.05.13-260715-0002"


@pytest.fixture
def invitation(in_a):
    return invitation_of(returned_dossier(CODE))


def test_the_first_rating_opens_a_24_hour_window_and_an_edit_changes_the_same_row(invitation):
    now = utcnow()
    first = service.submit(invitation, service.RatingInput(2, {"on_time": 1}, "Chờ lâu"), CHANNEL_WEB, now)
    assert (first.score, first.criteria_scores, first.comment) == (2, {"on_time": 1}, "Chờ lâu")
    assert first.editable_until == now + EDIT_WINDOW and first.procedure_code == "1.004222"
    assert first.agency == "Công an xã Bắc Ninh" and invitation.status == SUBMITTED
    later = service.submit(invitation, service.RatingInput(4, {}, "  "), CHANNEL_WEB, now + timedelta(hours=23))
    assert later.id == first.id and (later.score, later.criteria_scores, later.comment) == (4, {}, None)
    assert later.editable_until == now + EDIT_WINDOW  # the window runs from the first rating
    assert db.session.query(Rating).count() == 1


def test_a_chat_rating_changes_the_level_and_keeps_the_pages_details(invitation):
    service.submit(invitation, service.RatingInput(3, {"staff_attitude": 5}, "Cán bộ nhiệt tình"), CHANNEL_WEB)
    rating = service.submit(invitation, service.RatingInput(5, keep_details=True), CHANNEL_ZALO)
    assert (rating.score, rating.channel) == (5, CHANNEL_ZALO)
    assert (rating.criteria_scores, rating.comment) == ({"staff_attitude": 5}, "Cán bộ nhiệt tình")


def test_after_the_window_the_rating_is_locked(invitation):
    now = utcnow()
    service.submit(invitation, service.RatingInput(5), CHANNEL_ZALO, now)
    with pytest.raises(service.RatingLocked) as locked:
        service.submit(invitation, service.RatingInput(1), CHANNEL_WEB, now + EDIT_WINDOW)
    assert locked.value.rating.score == 5
    assert not service.can_edit(locked.value.rating, now + EDIT_WINDOW)


@pytest.mark.parametrize("given", [service.RatingInput(0), service.RatingInput(6),
                                   service.RatingInput(3, {"unknown": 3}), service.RatingInput(3, {"on_time": 9}),
                                   service.RatingInput(3, comment="x" * 1001)])
def test_values_out_of_range_are_refused(invitation, given):
    with pytest.raises(service.BadRating):
        service.submit(invitation, given, CHANNEL_WEB)
    assert invitation.status == INVITED and db.session.query(Rating).count() == 0


def test_the_link_opens_its_invitation_until_it_expires(invitation):
    token = service.token_for(invitation)
    assert service.check_link(token) == invitation
    with pytest.raises(service.LinkRefused) as refused:
        service.check_link(token, now=invitation.expires_at)
    assert refused.value.reason == EXPIRED


def test_a_link_naming_another_dossier_or_nonce_is_refused(invitation):
    other = invitation_of(returned_dossier(OTHER))
    forged = [make_token(invitation.id, invitation.nonce, other.dossier_id),  # signed, but not its dossier
              make_token(invitation.id, other.nonce, invitation.dossier_id),  # another invitation's nonce
              make_token(other.id, invitation.nonce, other.dossier_id)]
    for token in forged:
        with pytest.raises(service.LinkRefused) as refused:
            service.check_link(token)
        assert refused.value.reason == service.INVALID


def test_a_chat_rating_is_matched_to_the_citizen_it_was_sent_to(invitation):
    assert service.invitation_for_code("h15 50 05 13 260715 0001", "8000077", None) == invitation
    assert service.invitation_for_code(CODE, "8000099", None) is None
    assert service.invitation_for_code(CODE, "8000099", "+84912345678") is None  # the invitation names a user id
    assert service.open_invitations("8000077", invitation.invited_at) == [invitation]
    assert service.open_invitations("8000077", invitation.expires_at) == []
    assert service.invitation_sent_as(invitation.notification_id) == invitation
