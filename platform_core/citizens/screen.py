"""A citizen who stopped gets nothing more: the delivery pipeline's screen, like delivery/trial.py's.

Checked twice, for every kind of message (dossier notices, the bot's answers, composed messages, policy news):
- when the delivery is written (`write_refusal`): refused at once, with the reason on the delivery;
- just before each Zalo call (`refusal`), on the address Zalo would be given: a delivery queued before the
  stop must not leave after it.
The one exception is the confirmation of the stop itself (constants.CONFIRMATION_KIND). A message whose
purpose is known (a dossier notice, policy news) is also refused when the citizen withdrew that purpose.
Features whose messages have another purpose (rating invitations: satisfaction_survey) ask
`consent.may_send` before writing them.
"""

from flask_babel import lazy_gettext as _l

from platform_core.citizens import consent
from platform_core.citizens.constants import CONFIRMATION_KIND, PURPOSE_DOSSIER, PURPOSE_NEWS
from platform_core.delivery import composed, routing
from platform_core.delivery.constants import ZNS
from platform_core.delivery.trial import N_

STOPPED = N_("The citizen stopped all messages (\"dừng\" or a Zalo data request): nothing more is sent to them.")
PURPOSE_WITHDRAWN = N_("The citizen withdrew their consent for this kind of message.")
ERASED = N_("The citizen's contact data was erased at their request: this message was not sent.")  # records.py



def write_refusal(delivery, notification) -> str | None:
    """At outbox time: the reason this delivery's citizen may not receive it, or None. The citizen is looked
    up by both the addresses written (consent.citizen adds the Zalo user id of a follower who shared the
    phone, which is the one routing.recipient_user_id would find)."""
    return _reason(notification, delivery.recipient_zalo_user_id, delivery.recipient_phone)


def refusal(delivery, route: routing.Route) -> str | None:
    """At send time: the reason this delivery may not go to the address the route would use, or None."""
    phone = delivery.recipient_phone if route.channel == ZNS else None
    return _reason(delivery.notification, route.user_id, phone)


def refusals(pairs: list[tuple]) -> list[str | None]:
    """`refusal` for a batch of (delivery, route) pairs, reading consents and stops once for all of them."""
    asked = [(route.user_id, delivery.recipient_phone if route.channel == ZNS else None, delivery.notification)
             for delivery, route in pairs]
    todo = [n for n, (user_id, phone, notification) in enumerate(asked)
            if notification.event_kind != CONFIRMATION_KIND and (user_id or phone)]
    answers = consent.standings([(asked[n][0], asked[n][1], purpose_of(asked[n][2])) for n in todo])
    reasons: list[str | None] = [None] * len(pairs)
    for n, standing in zip(todo, answers, strict=True):
        reasons[n] = STOPPED if standing.stopped else PURPOSE_WITHDRAWN if standing.refused else None
    return reasons


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


# (reason, what happened, what to do), for the deliveries page (delivery/errors_plain.py)
EXPLANATIONS = (
    (STOPPED, _l("The citizen asked to stop receiving messages (or sent a data request from Zalo)."),
     _l("Nothing to do: by law nothing more is sent to them until they agree again (Citizens' data page).")),
    (PURPOSE_WITHDRAWN, _l("The citizen withdrew their consent for this kind of message."),
     _l("Nothing to do: it is not sent unless the citizen agrees again (Citizens' data page).")),
    (ERASED, _l("The citizen's contact data was erased at their request."),
     _l("Nothing to do: the province no longer holds a way to reach them.")),
)
