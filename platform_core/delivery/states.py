"""Delivery states only move forward: pending -> sending -> sent -> delivered -> seen, or to failed.

Two exceptions are deliberate: the sweeper returns a row stuck in `sending` (the worker died during the Zalo
call) to `pending`, so it is sent again (transactional messages are at-least-once); and `reopen` below lets
an administrator retry a failed row from the console, once its cause is fixed.
"""

from platform_core.db.types import utcnow
from platform_core.delivery.constants import DELIVERED, FAILED, PENDING, SEEN, SENDING, SENT, STATE_RANK

_TIMESTAMP = {SENT: "sent_at", DELIVERED: "delivered_at", SEEN: "seen_at"}


def can_move(current: str, new: str) -> bool:
    if current == FAILED:
        return False
    if new == FAILED:
        return current in (PENDING, SENDING)
    return STATE_RANK[new] > STATE_RANK[current] or (current == new == PENDING)


def advance(delivery, new: str, at=None) -> bool:
    """Move `delivery` to `new` if that is forward; stamp the matching time. Returns whether it moved."""
    if not can_move(delivery.state, new):
        return False
    delivery.state = new
    attribute = _TIMESTAMP.get(new)
    if attribute and getattr(delivery, attribute) is None:
        setattr(delivery, attribute, at or utcnow())
    return True


def fail(delivery, code: int | None, message: str) -> bool:
    moved = advance(delivery, FAILED)
    if moved:
        delivery.error_code, delivery.error_message = code, message[:1000]
        delivery.claim_token = None
    return moved


def reopen(delivery, now=None) -> bool:
    """Give a failed delivery another go: `pending`, due now, with a fresh attempt budget and no fallback
    recorded, so the channel is chosen again (the citizen may have followed the OA since). Only a failed row
    moves; returns whether it did."""
    if delivery.state != FAILED:
        return False
    delivery.state = PENDING
    delivery.next_attempt_at = now or utcnow()
    delivery.attempts = 0
    delivery.fallback_from = None
    delivery.claim_token = delivery.claimed_at = delivery.sending_started_at = None
    delivery.error_code = delivery.error_message = None
    return True
