"""Ratings: checking a rating link, finding the invitation a chat message answers, and recording a rating.

One rating per dossier (a unique row): the rating page and the chat both write it through `submit`, so a
rating given in the chat and changed on the page is the same row. It can be changed for EDIT_WINDOW after it
was first given, then it is read-only. The invitation's row is locked while a rating is written, so two
first ratings at once (a tap in the chat and the page) make one row, the second an edit.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.db.types import utcnow
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.ratings.constants import CRITERIA, EDIT_WINDOW, EXPIRED, SCALE, SUBMITTED
from platform_core.ratings.models import Rating, RatingInvitation
from platform_core.ratings.tokens import BadToken, make_token, read_token
from platform_core.text import code_key

MAX_COMMENT = 1000
INVALID = "invalid"  # LinkRefused reasons: INVALID, or constants.EXPIRED


class LinkRefused(Exception):
    """A rating link that cannot be used: `reason` is INVALID (tampered, another province's or another
    dossier's) or EXPIRED."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RatingLocked(Exception):
    """The rating exists and its edit window has passed."""

    def __init__(self, rating: Rating):
        super().__init__("rating can no longer be changed")
        self.rating = rating


class BadRating(ValueError):
    """A score, criterion or comment out of range (the form and the chat parser check first)."""


@dataclass(frozen=True)
class RatingInput:
    score: int
    criteria: dict | None = None  # {criterion code: score}, the criteria answered
    comment: str | None = None
    keep_details: bool = False  # True from the chat (a level only): the page's criteria and comment stay
    tags: tuple[str, ...] = ()  # the remarks chosen in a ZNS rating template (Zalo's `feedbacks`)


# --- links --------------------------------------------------------------------------------------------------


def token_for(invitation: RatingInvitation) -> str:
    return make_token(invitation.id, invitation.nonce, invitation.dossier_id)


def check_link(token: str, now: datetime | None = None) -> RatingInvitation:
    """The invitation behind a rating link of the tenant in context, or LinkRefused saying why not."""
    try:
        claims = read_token(token)
    except BadToken:
        raise LinkRefused(INVALID) from None
    invitation = db.session.scalar(select(RatingInvitation).where(RatingInvitation.id == claims.invitation_id))
    if (invitation is None or invitation.dossier_id != claims.dossier_id
            or not hmac.compare_digest(invitation.nonce.encode(), claims.nonce.encode())):
        raise LinkRefused(INVALID)
    if is_expired(invitation, now):
        raise LinkRefused(EXPIRED)
    return invitation


def is_expired(invitation: RatingInvitation, now: datetime | None = None) -> bool:
    return invitation.expires_at <= (now or utcnow())


# --- reading ------------------------------------------------------------------------------------------------


def rating_of(invitation: RatingInvitation) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.dossier_id == invitation.dossier_id))


def dossier_of(invitation: RatingInvitation) -> Dossier:
    return db.session.scalar(select(Dossier).where(Dossier.id == invitation.dossier_id))


def procedure_of(dossier: Dossier) -> Procedure | None:
    return db.session.scalar(select(Procedure).where(Procedure.id == dossier.procedure_id))


def can_edit(rating: Rating | None, now: datetime | None = None) -> bool:
    return rating is None or (now or utcnow()) < rating.editable_until


def invitation_for_code(code: str, zalo_user_id: str, phone: str | None) -> RatingInvitation | None:
    """The invitation of the dossier with this code, if it was sent to this Zalo user (or their phone)."""
    key = code_key(code)
    statement = select(RatingInvitation).join(Dossier, Dossier.id == RatingInvitation.dossier_id)
    invitation = db.session.scalar(statement.where(Dossier.code_key == key))
    if invitation is None or not _sent_to(invitation, zalo_user_id, phone):
        return None
    return invitation


def open_invitations(zalo_user_id: str, now: datetime) -> list[RatingInvitation]:
    """This Zalo user's unexpired invitations, newest first."""
    statement = select(RatingInvitation).where(
        RatingInvitation.zalo_user_id == zalo_user_id, RatingInvitation.expires_at > now
    )
    return list(db.session.scalars(statement.order_by(RatingInvitation.invited_at.desc())))


def invitation_sent_as(notification_id) -> RatingInvitation | None:
    return db.session.scalar(select(RatingInvitation).where(RatingInvitation.notification_id == notification_id))


def _sent_to(invitation: RatingInvitation, zalo_user_id: str, phone: str | None) -> bool:
    if invitation.zalo_user_id:
        return invitation.zalo_user_id == zalo_user_id
    return bool(phone) and invitation.phone_e164 == phone


# --- writing ------------------------------------------------------------------------------------------------


def submit(invitation: RatingInvitation, given: RatingInput, channel: str, now: datetime | None = None) -> Rating:
    """Record or change the dossier's rating; RatingLocked after the edit window, BadRating on bad values."""
    now = now or utcnow()
    _check(given)
    _lock(invitation)
    rating = rating_of(invitation)
    if rating is not None and not can_edit(rating, now):
        raise RatingLocked(rating)
    if rating is None:
        rating = _new_rating(invitation, channel, now)
        db.session.add(rating)
    rating.channel, rating.score, rating.updated_at = channel, given.score, now
    if not given.keep_details:
        rating.criteria_scores = dict(given.criteria or {})
        rating.comment = (given.comment or "").strip() or None
        rating.tags = list(given.tags)
    invitation.status = SUBMITTED
    db.session.flush()
    return rating


def _check(given: RatingInput) -> None:
    if given.score not in SCALE:
        raise BadRating(f"score must be one of {sorted(SCALE)}")
    for code, score in (given.criteria or {}).items():
        if code not in CRITERIA or score not in SCALE:
            raise BadRating(f"criterion {code}: {score}")
    if given.comment and len(given.comment) > MAX_COMMENT:
        raise BadRating(f"comment longer than {MAX_COMMENT} characters")


def _lock(invitation: RatingInvitation) -> None:
    db.session.scalar(select(RatingInvitation).where(RatingInvitation.id == invitation.id).with_for_update()
                      .execution_options(populate_existing=True))


def _new_rating(invitation: RatingInvitation, channel: str, now: datetime) -> Rating:
    dossier = dossier_of(invitation)
    procedure = procedure_of(dossier)
    return Rating(
        dossier_id=dossier.id, invitation_id=invitation.id, channel=channel,
        procedure_code=dossier.procedure_code, agency=procedure.agency if procedure else None,
        submitted_at=now, editable_until=now + EDIT_WINDOW, criteria_scores={}, tags=[],
    )
