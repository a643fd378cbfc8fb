"""Zalo's receipts (user_received_message, user_seen_message, ZNS delivery) move deliveries forward.

A receipt can arrive before the worker has recorded the message id (Zalo is fast, our commit may not be),
so receipts are kept as MessageReceipt rows and applied from both sides: when the receipt arrives, and
right after a send records its message id. Features that care when their message was seen (a notice to an
official is read) subscribe with `on_delivery_seen`, which both sides reach.
"""

from collections.abc import Callable

from sqlalchemy import select

from platform_core.delivery.constants import DELIVERED, SEEN
from platform_core.delivery.models import Delivery
from platform_core.delivery.states import advance
from platform_core.extensions import db
from platform_core.zalo.models import MessageReceipt

_seen_listeners: list[Callable[[Delivery], object]] = []


def on_delivery_seen(listener: Callable[[Delivery], object]) -> None:
    """`listener(delivery)` runs when a delivery first reaches `seen`, in the receipt's transaction."""
    _seen_listeners.append(listener)


def apply_receipt(receipt: MessageReceipt) -> int:
    """Advance every delivery sent with this message id; returns how many moved."""
    moved = 0
    deliveries = db.session.scalars(select(Delivery).where(Delivery.provider_message_id == receipt.message_id))
    for delivery in deliveries:
        if receipt.delivered_at:
            moved += advance(delivery, DELIVERED, receipt.delivered_at)
        if receipt.seen_at and advance(delivery, SEEN, receipt.seen_at):
            moved += 1
            for listener in _seen_listeners:
                listener(delivery)
    return moved


def apply_known_receipt(delivery: Delivery) -> None:
    """After a send: a receipt that arrived first is applied now."""
    receipt = db.session.scalar(select(MessageReceipt).where(MessageReceipt.message_id == delivery.provider_message_id))
    if receipt is not None:
        apply_receipt(receipt)

