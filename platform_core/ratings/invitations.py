"""Inviting a citizen to rate a returned dossier (docs/domain.md §3, §8.2): one invitation per dossier, made in the
dossier event's transaction with its Zalo message in the outbox.

When: the dossier reaches 10 (result handed over), or 9 (result ready) when the result is electronic. The
platform knows a result is electronic when the dossier came in online (channel 2) for a procedure the
catalogue offers fully online (`online_level` "toan_trinh", Decree 42/2022): such a dossier's result is
delivered online, so "ready" is when the citizen has it. Any other dossier is invited on 10. A dossier
invited on 9 is not invited again on 10.

The message (a composed message, delivery/composed.py) offers three levels as reply buttons ("DG <code> 5"),
the full rating page as a link (all five levels, criteria, comment), and says that a digit 1-5 answers too. It
goes as a card with those buttons even to a citizen who wrote to the OA this week, whom a consultation text
would reach for free: a tap is what gets a rating given (`card_first`), typing the level's words is the
fallback of a text.
Where the province has a ZNS rating template (ratings/zns.py), the message carries it as its ZNS form, for a
citizen reachable only by phone.
"""

import secrets
from dataclasses import replace

from flask import current_app
from sqlalchemy import select

from platform_core.citizens import consent
from platform_core.citizens.constants import PURPOSE_SURVEY
from platform_core.clock import vn_date
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.outbox import send_composed
from platform_core.dossiers.constants import RESULT_READY, RETURNED, STATUS_LABELS_VI
from platform_core.extensions import db
from platform_core.ratings import zns
from platform_core.ratings.constants import EVENT_KIND, INVITATION_LIFETIME, SCALE
from platform_core.ratings.models import RatingInvitation
from platform_core.ratings.service import token_for

ONLINE_CHANNEL, FULLY_ONLINE = 2, "toan_trinh"
CHAT_BUTTON_SCORES = (5, 4, 2)  # Zalo cards take 4 buttons: three levels in the chat, the page for the rest
REPLY_PREFIX = "DG"


def is_trigger(dossier, event, procedure) -> bool:
    """Whether `event` returns the result to the citizen (see the module's docstring)."""
    if event.to_status == RETURNED:
        return True
    return event.to_status == RESULT_READY and has_electronic_result(dossier, procedure)


def has_electronic_result(dossier, procedure) -> bool:
    return dossier.channel == ONLINE_CHANNEL and procedure is not None and procedure.online_level == FULLY_ONLINE


def invite_on_return(dossier, event, procedure, simulated: bool = False) -> RatingInvitation | None:
    """The dossier's invitation and its message, when `event` returns the result and the citizen can be
    reached and has not refused surveys (citizens/consent.py); None otherwise (or when already invited)."""
    if not is_trigger(dossier, event, procedure):
        return None
    user_id, phone = dossier.applicant_zalo_user_id, dossier.applicant_phone
    if not (user_id or phone) or not consent.may_send(user_id, phone, PURPOSE_SURVEY):
        return None
    if db.session.scalar(select(RatingInvitation.id).where(RatingInvitation.dossier_id == dossier.id)):
        return None
    now = utcnow()
    invitation = RatingInvitation(
        dossier_id=dossier.id, nonce=secrets.token_urlsafe(12), zalo_user_id=dossier.applicant_zalo_user_id,
        phone_e164=dossier.applicant_phone, invited_at=now, expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    message = replace(invitation_message(dossier, procedure, event.to_status, invitation),
                      zns=zns.alternative(dossier, event, procedure))
    notification = send_composed(
        message, event_kind=EVENT_KIND,
        idempotency_key=f"rating-invitation:{invitation.id}", zalo_user_id=dossier.applicant_zalo_user_id,
        phone=dossier.applicant_phone, dossier_id=dossier.id, simulated=simulated,
    )
    invitation.notification_id = notification.id
    return invitation


def invitation_message(dossier, procedure, status: int, invitation: RatingInvitation) -> ComposedMessage:
    """What the citizen reads (Vietnamese, whatever the console's language)."""
    text = ("Hồ sơ của Ông/Bà đã có kết quả. Mời Ông/Bà đánh giá mức độ hài lòng: chọn bên dưới, hoặc trả lời "
            f"một số từ 1 (Rất không hài lòng) đến 5 (Rất hài lòng). Hạn đánh giá: {vn_date(invitation.expires_at)}.")
    if procedure is not None:  # last: a long name is what the card's 250 characters cut
        text += f" Thủ tục: {procedure.name}"
    buttons = [ComposedButton(SCALE[score], reply=reply_text(dossier.code, score)) for score in CHAT_BUTTON_SCORES]
    buttons.append(ComposedButton("Đánh giá chi tiết", url=rating_link(invitation)))
    return ComposedMessage(
        header="Mời đánh giá mức độ hài lòng", text=text, code_label="Mã hồ sơ", code=dossier.code,
        status=STATUS_LABELS_VI[status], status_colour="green", buttons=tuple(buttons), card_first=True,
    )


def reply_text(code: str, score: int) -> str:
    return f"{REPLY_PREFIX} {code} {score}"


def rating_link(invitation: RatingInvitation) -> str:
    """The absolute link to the rating page, built from PUBLIC_BASE_URL (no request needed)."""
    values = {"tenant_slug": require_tenant().slug, "token": token_for(invitation)}
    path = current_app.url_map.bind("").build("ratings_public.rate", values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path

