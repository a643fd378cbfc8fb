"""Sending one delivery: pick the channel, render its message, call Zalo, and record what happened.

Outcomes (the Zalo error taxonomy, platform_core/zalo/errors.py) decide what follows:
- success: `sent` with Zalo's message id;
- ineligible (outside the window, not a follower): the next channel, once;
- transient or rate limited: back to `pending` with backoff and jitter, until MAX_ATTEMPTS;
- quota or night-time: back to `pending` until the quota resets or 06:00 in Vietnam;
- permanent or configuration: `failed` with Zalo's code and message.
The screens (delivery/screens.py: trial mode, a citizen who stopped) are asked again before each call: a
refusal fails the delivery without calling Zalo.
"""

import logging
import uuid
from datetime import datetime, time, timedelta

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.delivery import composed, rendering, routing, screens
from platform_core.delivery.constants import CS, PENDING, PROMOTION, SENT, TRANSACTION, ZNS
from platform_core.delivery.context import VIETNAM
from platform_core.delivery.models import MessageTemplate
from platform_core.delivery.outbox import BOT_REPLY
from platform_core.delivery.receipts import apply_known_receipt
from platform_core.delivery.states import advance, fail
from platform_core.extensions import db
from platform_core.zalo.backoff import retry_delay
from platform_core.zalo.errors import Outcome, ZaloError
from platform_core.zalo.tokens import ZaloNotConnected, with_access_token

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
NOT_CONNECTED_RETRY = timedelta(minutes=5)


def send(delivery, client, now: datetime | None = None) -> str:
    """Send `delivery` (already marked `sending` and committed by the caller); returns its new state."""
    now = now or utcnow()
    if delivery.simulated:
        return _record_sent(delivery, f"simulated-{uuid.uuid4().hex}", now)
    template = None if _untemplated(delivery.notification) else _pinned_template(delivery)
    routes = _routes(delivery, template, now)
    route = _current_route(delivery, routes)
    while route is not None:
        refused = screens.refusal_at_send(delivery, route)
        if refused:
            fail(delivery, None, refused)
            return delivery.state
        try:
            message_id = _call(client, delivery, route, template)
        except ZaloNotConnected as error:
            return _retry_at(delivery, now + NOT_CONNECTED_RETRY, None, str(error))
        except ZaloError as error:
            if error.outcome is Outcome.INELIGIBLE and delivery.fallback_from is None:
                following = routing.next_route(routes, route.channel)
                if following is not None:
                    delivery.fallback_from = route.channel
                    route = _use(delivery, following)
                    continue
            return _handle_error(delivery, error, now)
        except (rendering.RenderError, ValueError) as error:
            fail(delivery, None, f"message could not be built: {error}")
            return delivery.state
        return _record_sent(delivery, message_id, now)
    fail(delivery, None, "no channel reaches this citizen (no Zalo user id in reach and no phone for ZNS)")
    return delivery.state


def _untemplated(notification) -> bool:
    """The bot's answers and composed messages carry their own words; everything else uses a template."""
    return notification.event_kind == BOT_REPLY or composed.is_composed(notification.context)


def _pinned_template(delivery):
    """The template version this delivery uses, chosen on its first attempt and kept for retries."""
    from platform_core.delivery.templates import current_template

    if delivery.template_id is None:
        template = current_template(delivery.notification.event_kind)
        delivery.template_id, delivery.template_version = template.id, template.version
        return template
    return db.session.scalar(select(MessageTemplate).where(MessageTemplate.id == delivery.template_id))


def _routes(delivery, template, now) -> list[routing.Route]:
    if (delivery.notification.context or {}).get("promotion"):
        return routing.promotion_routes(delivery)
    if delivery.channel and delivery.fallback_from is None and delivery.notification.event_kind == BOT_REPLY:
        user_id, _ = routing.recipient_user_id(delivery)
        return [routing.Route(delivery.channel, delivery.channel_reason or "", user_id)]
    has_zns = bool(template and template.zns_template_id) or composed.has_zns(delivery.notification.context)
    return routing.eligible_channels(delivery, has_zns_template=has_zns, now=now)


def _current_route(delivery, routes):
    if delivery.fallback_from:  # a retry after a fallback keeps the channel it fell back to
        chosen = next((route for route in routes if route.channel == delivery.channel), None)
        return chosen or routing.next_route(routes, delivery.fallback_from)
    route = routing.next_route(routes, None)
    return _use(delivery, route) if route else None


def _use(delivery, route):
    delivery.channel, delivery.channel_reason = route.channel, route.reason
    return route


def _call(client, delivery, route, template) -> str:
    """Build the message, then call Zalo outside any database transaction (values only, no ORM objects)."""
    context, user_id = delivery.notification.context, route.user_id
    if composed.is_composed(context):
        return _call_composed(client, composed.ComposedMessage.from_context(context), route, delivery)
    if route.channel == CS:
        text = context["text"] if template is None else rendering.render_text(template, context)
        return _released(client, lambda token: client.send_text(token, user_id, text).message_id)
    if route.channel == TRANSACTION:
        card = rendering.build_card(template, context)
        return _released(client, lambda token: client.send_transaction(token, user_id, card).message_id)
    if route.channel == ZNS:
        template_id, params = rendering.render_zns(template, context)
        phone, tracking_id = delivery.recipient_phone, delivery.id.hex
        return _released(client, lambda token: client.send_zns(token, phone, template_id, params,
                                                                tracking_id=tracking_id).msg_id)
    raise ValueError(f"unknown channel {route.channel}")


def _call_composed(client, message: composed.ComposedMessage, route, delivery) -> str:
    user_id = route.user_id
    if route.channel == CS:
        text = composed.cs_text(message)
        return _released(client, lambda token: client.send_text(token, user_id, text).message_id)
    if route.channel == TRANSACTION:
        card = composed.transaction_card(message)
        return _released(client, lambda token: client.send_transaction(token, user_id, card).message_id)
    if route.channel == PROMOTION:
        card = composed.promotion_card(message)
        return _released(client, lambda token: client.send_promotion(token, user_id, card).message_id)
    if route.channel == ZNS and message.zns is not None:
        zns, phone, tracking_id = message.zns, delivery.recipient_phone, delivery.id.hex
        return _released(client, lambda token: client.send_zns(token, phone, zns.template_id, zns.params,
                                                                tracking_id=tracking_id).msg_id)
    raise ValueError(f"a composed message cannot go by {route.channel}")


def _released(client, call) -> str:
    return with_access_token(client, call, end_transaction=True)


def _record_sent(delivery, message_id: str, now) -> str:
    delivery.provider_message_id = message_id
    delivery.error_code = delivery.error_message = None
    delivery.claim_token = None
    advance(delivery, SENT, now)
    apply_known_receipt(delivery)
    return delivery.state


def _handle_error(delivery, error: ZaloError, now) -> str:
    outcome = error.outcome
    if outcome in (Outcome.RETRY, Outcome.RATE_LIMITED, Outcome.REFRESH_TOKEN):
        if delivery.attempts >= MAX_ATTEMPTS:
            fail(delivery, error.code, f"gave up after {delivery.attempts} attempts: {error.message}")
            return delivery.state
        delay = retry_delay(error, delivery.attempts, now) or 60  # a refresh that failed: try again in a minute
        return _retry_at(delivery, now + timedelta(seconds=delay), error.code, error.message)
    if outcome is Outcome.DEFER_NIGHT:
        return _retry_at(delivery, _next_vietnam_time(now, time(6, 0)), error.code, error.message)
    if outcome is Outcome.DEFER_QUOTA:
        return _retry_at(delivery, _next_vietnam_time(now, time(0, 5)), error.code, error.message)
    fail(delivery, error.code, error.message or outcome.value)
    return delivery.state


def _retry_at(delivery, when: datetime, code, message) -> str:
    delivery.state = PENDING  # sending -> pending: the call did not happen or did not succeed
    delivery.next_attempt_at = when
    delivery.claim_token = None
    delivery.error_code, delivery.error_message = code, (message or "")[:1000] or None
    return delivery.state


def _next_vietnam_time(now: datetime, at: time) -> datetime:
    local = now.astimezone(VIETNAM)
    candidate = datetime.combine(local.date(), at, tzinfo=VIETNAM)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(now.tzinfo)
