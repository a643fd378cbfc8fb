"""The ZNS rating path (docs/zalo-oa.md §3): a province that has a ZNS rating template approved by Zalo names it
in the `rating_zns` province setting (its console page: ratings/views.py), with its parameters written as in the
message templates ("customer_name: {{ nguoi_nop }}", the dossier fields). A citizen the invitation cannot reach
on Zalo chat, but whose phone is known, then gets that template by ZNS; they rate with its stars in Zalo, and
Zalo's `user_feedback` event (rate 1-5, the remarks they ticked, a note; docs/domain.md §3) is recorded as their
rating, like one given on the rating page.
"""

import logging
from datetime import datetime

from sqlalchemy import select

from platform_core.db.lookup import one_by_id
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ZnsAlternative
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.notices import rendering
from platform_core.notices.context import dossier_context
from platform_core.ratings.constants import CHANNEL_ZNS
from platform_core.ratings.models import RatingInvitation
from platform_core.ratings.service import BadRating, RatingInput, RatingLocked, is_expired, submit
from platform_core.settings.service import province_settings
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import connected_oa_name
from platform_core.zalo.constants import EVENT_IGNORED, EVENT_PROCESSED
from platform_core.zalo.models import ZaloEvent

log = logging.getLogger(__name__)
FEEDBACK_EVENT = "user_feedback"


def alternative(dossier, event, procedure) -> ZnsAlternative | None:
    """The invitation as the province's ZNS rating template, for a citizen with a phone; None when there is no
    template, no phone, or a parameter cannot be rendered for this dossier (the chat invitation still goes)."""
    setting = province_settings().rating_zns
    if setting is None or not dossier.applicant_phone:
        return None
    context = dossier_context(dossier, event, procedure, db.session.get(Tenant, require_tenant().id),
                              connected_oa_name())
    try:
        template_id, params = rendering.render_zns(setting, context)
    except rendering.RenderError as error:
        log.warning("rating ZNS template %s: %s", setting["zns_template_id"], error)
        return None
    return ZnsAlternative(template_id, params)


def on_user_feedback(event: ZaloEvent, body: dict, now: datetime | None = None) -> str:
    """Zalo's `user_feedback`: a citizen rated with the ZNS template. Recorded when it answers one of our
    invitations still open; otherwise ignored (another template's rating, an expired or locked invitation)."""
    message = body.get("message") or {}
    invitation = _invitation_for(str(message.get("tracking_id") or ""), str(message.get("msg_id") or ""))
    now = now or utcnow()
    if invitation is None or is_expired(invitation, now):
        return EVENT_IGNORED
    feedbacks = message.get("feedbacks") or []
    given = RatingInput(score=_score(message.get("rate")), comment=str(message.get("note") or "")[:1000] or None,
                        tags=tuple(str(remark)[:200] for remark in feedbacks if str(remark).strip()))
    try:
        submit(invitation, given, CHANNEL_ZNS, now)
    except (RatingLocked, BadRating):
        return EVENT_IGNORED
    return EVENT_PROCESSED


def _score(rate) -> int:
    try:
        return int(rate)
    except (TypeError, ValueError):
        return 0  # refused by submit's check as any score off the scale


def _invitation_for(tracking_id: str, msg_id: str) -> RatingInvitation | None:
    """The invitation whose ZNS message this was: by our tracking id (the delivery's id), else Zalo's msg id."""
    delivery = one_by_id(Delivery, tracking_id)
    if delivery is None and msg_id:
        delivery = db.session.scalar(select(Delivery).where(Delivery.provider_message_id == msg_id))
    if delivery is None:
        return None
    return db.session.scalar(select(RatingInvitation).where(
        RatingInvitation.notification_id == delivery.notification_id))

