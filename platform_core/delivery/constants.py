"""Delivery vocabularies: states (only move forward), channels, message classes, with the labels the UI shows."""

from flask_babel import lazy_gettext as _l

# States. `pending` rows wait for the pump; `sending` is set in its own commit just before the Zalo call.
PENDING, SENDING, SENT, DELIVERED, SEEN, FAILED = "pending", "sending", "sent", "delivered", "seen", "failed"
# Forward order; FAILED is terminal and can follow pending/sending only.
STATE_RANK = {PENDING: 0, SENDING: 1, SENT: 2, DELIVERED: 3, SEEN: 4}

# Channels (docs/zalo-oa.md §2, §3): consultation, transaction (OA messages to a user id), ZNS (template by phone).
CS, TRANSACTION, ZNS, PROMOTION = "cs", "transaction", "zns", "promotion"

# Message classes metered separately; transactional always before bulk.
CLASS_TX, CLASS_BULK = "tx", "bulk"
MESSAGE_CLASSES = (CLASS_TX, CLASS_BULK)

# Default per-OA rates: Zalo allows 4,000 requests/minute per app (docs/zalo-oa.md §7); keep headroom.
DEFAULT_PER_MINUTE = {CLASS_TX: 3000, CLASS_BULK: 600}
DEFAULT_BURST = {CLASS_TX: 100, CLASS_BULK: 20}

STATE_LABELS = {
    PENDING: _l("Waiting to be sent"),
    SENDING: _l("Sending"),
    SENT: _l("Sent"),
    DELIVERED: _l("Delivered"),
    SEEN: _l("Seen"),
    FAILED: _l("Failed"),
}
CHANNEL_LABELS = {
    CS: _l("Zalo message (consultation)"),
    TRANSACTION: _l("Zalo transaction message"),
    ZNS: _l("ZNS by phone number"),
    PROMOTION: _l("Zalo promotion message"),
    None: _l("Not chosen yet"),
}
