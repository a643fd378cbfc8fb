"""Delivery states only move forward: pending -> sending -> sent -> delivered -> seen, or to failed.

The one exception is deliberate and lives in the sweeper: a row stuck in `sending` (the worker died during
the Zalo call) goes back to `pending` and is sent again: transactional messages are at-least-once.
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
