"""A citizen who stopped gets nothing more: the delivery pipeline's screen, like delivery/trial.py's.

Checked twice, for every kind of message (dossier notices, the bot's answers, composed messages, policy news):
- when the delivery is written (`screen`): refused at once, with the reason on the delivery;
- just before each Zalo call (`refusal`), on the address Zalo would be given: a delivery queued before the
  stop must not leave after it.
The one exception is the confirmation of the stop itself (constants.CONFIRMATION_KIND). A message whose
purpose is known (a dossier notice, policy news) is also refused when the citizen withdrew that purpose.
Features whose messages have another purpose (rating invitations: satisfaction_survey) ask
`consent.may_send` before writing them.
"""

from platform_core.citizens import consent
from platform_core.citizens.constants import CONFIRMATION_KIND, PURPOSE_DOSSIER, PURPOSE_NEWS
from platform_core.delivery import composed, routing
from platform_core.delivery.constants import ZNS
from platform_core.delivery.states import fail
from platform_core.delivery.trial import N_

STOPPED = N_("The citizen stopped all messages (\"dừng\" or a Zalo data request): nothing more is sent to them.")
PURPOSE_WITHDRAWN = N_("The citizen withdrew their consent for this kind of message.")
ERASED = N_("The citizen's contact data was erased at their request: this message was not sent.")  # records.py



def screen(delivery, notification) -> bool:
    """At outbox time: fail the delivery when its citizen may not receive it. Returns whether it was refused."""
    user_id, _ = routing.recipient_user_id(delivery)
    reason = _reason(notification, user_id, delivery.recipient_phone)
    if reason is None:
        return False
    fail(delivery, None, reason)
    return True


def refusal(delivery, route: routing.Route) -> str | None:
    """At send time: the reason this delivery may not go to the address the route would use, or None."""
    phone = delivery.recipient_phone if route.channel == ZNS else None
    return _reason(delivery.notification, route.user_id, phone)


def _reason(notification, user_id: str | None, phone: str | None) -> str | None:
    if notification.event_kind == CONFIRMATION_KIND or not (user_id or phone):
        return None
    standing = consent.standing(user_id, phone, purpose_of(notification))
    if standing.stopped:
        return STOPPED
    return PURPOSE_WITHDRAWN if standing.refused else None


def purpose_of(notification) -> str | None:
    """Policy news (a promotion) or a dossier notice (a template message about a dossier); None for the rest
    (the bot's answers, acknowledgements, notices to officials), which only the stop governs."""
    context = notification.context or {}
    if context.get("promotion"):
        return PURPOSE_NEWS
    if notification.dossier_id is not None and not composed.is_composed(context):
        return PURPOSE_DOSSIER
    return None
