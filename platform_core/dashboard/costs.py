"""Estimated Zalo cost of the messages sent, per channel (docs/zalo-oa.md §2 table, §3).

Prices are settings (VND per message; `ZALO_PRICE_<CHANNEL>_VND`): consultation (cs) 55 after the free
allowance, transaction 165, promotion 0 (free within the OA package's monthly allowance). Zalo's ZNS price is
per template (`/template/info/v2` returns it) and not documented as one figure, so it has no default: until
`ZALO_PRICE_ZNS_VND` is set the ZNS cost is shown as unknown and left out of the totals.

The free consultation allowance is the first 8 cs messages within 48 hours of the citizen's last interaction
with the OA. Zalo tells which messages used it (`quota_type: reply` in its answer) but the pipeline does not
keep that, so it is rebuilt here as well as the stored data allows: an interaction is a webhook event the
citizen caused (following the OA, writing to it, sharing their details); each cs message sent within 48 hours
after the latest interaction before it is free while fewer than 8 messages have used that interaction. Taps on
the OA's menu and calls leave no event here, so the estimate may count a few free messages as paid (it errs on
the side of cost).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from platform_core.delivery.constants import CS, PROMOTION, TRANSACTION, ZNS

FREE_CS_PER_INTERACTION = 8
FREE_CS_WINDOW = timedelta(hours=48)
DEFAULT_PRICES_VND = {CS: 55, TRANSACTION: 165, PROMOTION: 0, ZNS: None}
CHANNELS = (CS, TRANSACTION, ZNS, PROMOTION)
# Webhook events that count as the citizen interacting with the OA (docs/zalo-oa.md §2 "Interaction").
INTERACTION_EVENTS = ("follow", "user_submit_info")
INTERACTION_PREFIXES = ("user_send_",)


@dataclass(frozen=True)
class CsMessage:
    key: object  # whatever the caller groups by (tenant, department...)
    recipient: object  # who received it (any hashable: the caller's key for a citizen)
    sent_at: datetime


def prices() -> dict[str, int | None]:
    """VND per message by channel; None = unknown (not set)."""
    configured = current_app.config.get("ZALO_PRICES_VND") or {}
    return DEFAULT_PRICES_VND | {channel: configured[channel] for channel in CHANNELS if channel in configured}


def free_cs(messages: Iterable[CsMessage], interactions: dict[object, list[datetime]]) -> dict[object, int]:
    """How many of `messages` fell in the free allowance, per key. `interactions` maps a recipient to the
    times they interacted (any order)."""
    by_recipient: dict[object, list[CsMessage]] = defaultdict(list)
    for message in messages:
        by_recipient[message.recipient].append(message)
    free: dict[object, int] = defaultdict(int)
    for recipient, sent in by_recipient.items():
        times = sorted(interactions.get(recipient) or ())
        used: dict[datetime, int] = defaultdict(int)
        for message in sorted(sent, key=lambda item: item.sent_at):
            latest = next((at for at in reversed(times) if at <= message.sent_at), None)
            if latest is not None and message.sent_at - latest <= FREE_CS_WINDOW \
                    and used[latest] < FREE_CS_PER_INTERACTION:
                used[latest] += 1
                free[message.key] += 1
    return dict(free)


def estimate(sent: dict[str, int], free_cs_count: int = 0) -> dict[str, int | None]:
    """VND per channel for `sent` messages by channel (None where the price is unknown)."""
    price = prices()
    costs = {}
    for channel, count in sent.items():
        billable = count - free_cs_count if channel == CS else count
        costs[channel] = None if price.get(channel) is None else max(billable, 0) * price[channel]
    return costs


def total(costs: dict[str, int | None]) -> int:
    """The known costs added up (an unknown price counts as nothing; the page says so)."""
    return sum(value for value in costs.values() if value is not None)
