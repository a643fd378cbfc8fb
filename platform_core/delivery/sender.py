"""Sending one delivery: pick the channel, render its message, call Zalo, and record what happened.

Outcomes (the Zalo error taxonomy, platform_core/zalo/errors.py) decide what follows:
- success: `sent` with Zalo's message id;
- ineligible (outside the window, not a follower, an id of another OA): the next channel, down the whole chain
  (consultation, transaction, ZNS) as long as Zalo refuses each for eligibility;
- transient or rate limited: back to `pending` with backoff and jitter, until MAX_ATTEMPTS;
- quota or night-time: back to `pending` until the quota resets or 06:00 in Vietnam;
- permanent or configuration: `failed` with Zalo's code and message.
The screens (delivery/screens.py: trial mode, a citizen who stopped) are asked again before each call: a
refusal fails the delivery without calling Zalo. The words come from the renderer registered for the
notification's event kind (delivery/renderers.py), with the template version pinned on the first attempt.

Sending is in three steps so that a batch pays per batch (delivery/batch.py): `prepare` and `screen` read what
the sends need, `send_prepared` calls Zalo and sets the outcome in memory without touching the database, and
the caller writes the outcomes and applies receipts that came first.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery import routing, screens
from platform_core.delivery.composed import wants_card
from platform_core.delivery.constants import CS, PENDING, PROMOTION, SENT, TRANSACTION, ZNS
from platform_core.delivery.outbox import CHAT_KINDS
from platform_core.delivery.receipts import apply_known_receipt
from platform_core.delivery.renderers import renderer_for
from platform_core.delivery.states import advance, fail
from platform_core.zalo.backoff import retry_delay
from platform_core.zalo.errors import Outcome, RateLimit, ZaloError
from platform_core.zalo.tokens import ZaloNotConnected, current_access_token, refresh_access_token

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
NOT_CONNECTED_RETRY = timedelta(minutes=5)


class NeedsRefresh(Exception):
    """Zalo refused the access token: the caller refreshes it (once per batch) and sends again."""


@dataclass
class Prepared:
    """What sending one delivery needs from the database, read before any Zalo call: its renderer, pinned
    template, routes, each route's screen refusal (by channel), and the context its message is made from."""

    renderer: object = None
    template: object = None
    routes: list = field(default_factory=list)
    refusals: dict = field(default_factory=dict)
    context: dict | None = None
    rate_limit: RateLimit | None = None  # the X-RateLimit-* headers of Zalo's last answer (delivery/zalo_rate.py)


def send(delivery, client, now: datetime | None = None) -> str:
    """Send one `delivery` (already marked `sending` and committed by the caller); returns its new state.
    Batches go through delivery/batch.py, which prepares many rows in a few queries."""
    now = now or utcnow()
    prepared = prepare(delivery, now)
    screen([(delivery, prepared)])
    try:
        token = current_access_token(client) if not delivery.simulated else None
        try:
            state = send_prepared(delivery, prepared, client, token, now)
        except NeedsRefresh:
            state = send_prepared(delivery, prepared, client, refresh_access_token(client, token), now, True)
    except ZaloNotConnected as error:
        return _retry_at(delivery, now + NOT_CONNECTED_RETRY, None, str(error))
    except ZaloError as error:  # the refresh itself failed
        return _handle_error(delivery, error, now)
    if state == SENT:
        apply_known_receipt(delivery)
    return state


def prepare(delivery, now: datetime, followers=None, templates=None, current=None) -> Prepared:
    """Read what the send needs (in the caller's transaction); pins the template version on a first attempt.
    `followers` (routing.followers_of), `templates` (a batch's pinned versions) and `current` (a batch's memo
    of the versions in use, filled here) spare the queries."""
    if delivery.simulated:
        return Prepared()
    renderer = renderer_for(delivery.notification)
    template = _pinned_template(delivery, renderer, templates, current)
    context = delivery.notification.context
    try:
        context = renderer.enrich(context) if renderer.enrich else context
    except (ValueError, OSError) as error:  # what the message needs is gone: the send fails (`_call`)
        context = {**(context or {}), "unavailable": str(error)}
    return Prepared(renderer, template, _routes(delivery, renderer, template, now, followers), context=context)


def screen(items: list[tuple]) -> None:
    """Ask the screens about every route of every (delivery, prepared) at once (delivery/screens.py)."""
    owners = [(prepared, delivery, route) for delivery, prepared in items for route in prepared.routes]
    reasons = screens.refusals_at_send([(delivery, route) for _, delivery, route in owners])
    for (prepared, _, route), reason in zip(owners, reasons, strict=True):
        prepared.refusals[route.channel] = reason


def send_prepared(delivery, prepared: Prepared, client, token: str | None, now: datetime,
                  refreshed: bool = False) -> str:
    """Call Zalo and set the outcome on `delivery` in memory: no database access (the caller records it)."""
    if delivery.simulated:
        return _record_sent(delivery, f"simulated-{uuid.uuid4().hex}", now)
    routes = prepared.routes
    route = _current_route(delivery, routes)
    while route is not None:
        refused = prepared.refusals.get(route.channel)
        if refused:
            fail(delivery, None, refused)
            return delivery.state
        try:
            message_id = _call(client, token, delivery, route, prepared)
        except ZaloError as error:
            prepared.rate_limit = error.rate_limit or prepared.rate_limit
            if error.outcome is Outcome.REFRESH_TOKEN and not refreshed:
                raise NeedsRefresh() from error
            if error.outcome is Outcome.INELIGIBLE:
                following = routing.next_route(routes, route.channel)
                if following is not None:
                    delivery.fallback_from = route.channel
                    route = _use(delivery, following)
                    continue
            return _handle_error(delivery, error, now)
        except ValueError as error:  # a renderer's refusal (notices' RenderError is a ValueError)
            fail(delivery, None, f"message could not be built: {error}")
            return delivery.state
        return _record_sent(delivery, message_id, now)
    fail(delivery, None, "no channel reaches this citizen (no Zalo user id in reach and no phone for ZNS)")
    return delivery.state


def _pinned_template(delivery, renderer, templates=None, current=None):
    """The template version this delivery uses, chosen on its first attempt and kept for retries; None for
    kinds whose words travel in the context. `current` memoises the version in use per renderer and kind, so
    that a batch of first attempts asks once per kind, not once per row."""
    if renderer.current_template is None:
        return None
    if delivery.template_id is None:
        memo = {} if current is None else current
        key = (renderer.current_template, delivery.notification.event_kind)
        if key not in memo:
            memo[key] = renderer.current_template(delivery.notification.event_kind)
        template = memo[key]
        delivery.template_id, delivery.template_version = template.id, template.version
        return template
    key = (delivery.tenant_id, delivery.template_id, delivery.template_version)
    if templates is not None and key in templates:
        return templates[key]
    return renderer.load_templates([key]).get(key)


def _routes(delivery, renderer, template, now, followers=None) -> list[routing.Route]:
    if (delivery.notification.context or {}).get("promotion"):
        return routing.promotion_routes(delivery, followers)
    if delivery.channel and delivery.fallback_from is None and delivery.notification.event_kind in CHAT_KINDS:
        user_id, _ = routing.recipient_user_id(delivery, followers)
        return [routing.Route(delivery.channel, delivery.channel_reason or "", user_id)]
    has_zns = renderer.has_zns(template, delivery.notification.context)
    routes = routing.eligible_channels(delivery, has_zns_template=has_zns, now=now, followers=followers)
    return routing.card_first(routes) if wants_card(delivery.notification.context) else routes


def _current_route(delivery, routes):
    if delivery.fallback_from:  # a retry after a fallback keeps the channel it fell back to
        chosen = next((route for route in routes if route.channel == delivery.channel), None)
        return chosen or routing.next_route(routes, delivery.fallback_from)
    route = routing.next_route(routes, None)
    return _use(delivery, route) if route else None


def _use(delivery, route):
    delivery.channel, delivery.channel_reason = route.channel, route.reason
    return route


def _call(client, token: str, delivery, route, prepared: Prepared) -> str:
    """Send, and keep what Zalo's answer said of the app's rate; returns Zalo's message id."""
    answer = _answer(client, token, delivery, route, prepared)
    prepared.rate_limit = answer.rate_limit or prepared.rate_limit
    return answer.msg_id if route.channel == ZNS else answer.message_id


def _answer(client, token: str, delivery, route, prepared: Prepared):
    """Build the message, then call Zalo outside any database transaction (values only)."""
    renderer, template, context, user_id = prepared.renderer, prepared.template, prepared.context, route.user_id
    if (context or {}).get("unavailable"):
        raise ValueError(context["unavailable"])
    if route.channel == CS and renderer.attachment:
        name, content = renderer.attachment(template, context)
        return client.send_file(token, user_id, client.upload_file(token, name, content))
    if route.channel == CS and renderer.info_request:
        title, subtitle, image_url = renderer.info_request(template, context)
        return client.request_user_info(token, user_id, title, subtitle, image_url)
    if route.channel == CS:
        return client.send_text(token, user_id, renderer.text(template, context))
    if route.channel == TRANSACTION and renderer.card:
        return client.send_transaction(token, user_id, renderer.card(template, context))
    if route.channel == PROMOTION and renderer.promotion:
        return client.send_promotion(token, user_id, renderer.promotion(template, context))
    if route.channel == ZNS and renderer.zns:
        template_id, params = renderer.zns(template, context)
        return client.send_zns(token, delivery.recipient_phone, template_id, params, tracking_id=delivery.id.hex)
    raise ValueError(f"a {delivery.notification.event_kind} message cannot go by {route.channel}")


def _record_sent(delivery, message_id: str, now) -> str:
    delivery.provider_message_id = message_id
    delivery.error_code = delivery.error_message = None
    delivery.claim_token = None
    advance(delivery, SENT, now)
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
