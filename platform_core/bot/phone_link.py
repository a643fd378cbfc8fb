"""Asking a citizen for their phone with Zalo's `request_user_info` card (docs/zalo-oa.md §2): its button shares
the phone of their Zalo account, which comes back as a `user_submit_info` event (zalo/events.py stores it on
the follower). From then on a dossier filed with that phone is linked to them: the bot shows it in full, and
its notices go by the OA's own messages (consultation, transaction) instead of a ZNS to the phone
(delivery/routing.py finds the follower by phone). Asked after the answer that says why, never twice for one
message (the card's idempotency key is the answer's).
"""

from flask import current_app

from platform_core.bot.commands import CitizenMessage
from platform_core.bot.lookup import Desk
from platform_core.delivery.outbox import send_info_request

TITLE = "Chia sẻ số điện thoại để nhận thông báo hồ sơ"  # Zalo allows 100 characters
SUBTITLE = ("{oa_name} dùng số điện thoại này để tìm các hồ sơ Ông/Bà đã nộp, cho Ông/Bà xem đầy đủ và nhắn tình "
            "trạng hồ sơ ngay trên Zalo. Chúng tôi không dùng số này vào việc khác.")  # at most 500
IMAGE_PATH = "/static/apple-touch-icon.png"  # the card shows an image; Motcua's icon


def ask_for_phone(message: CitizenMessage, desk: Desk) -> None:
    image_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + IMAGE_PATH
    send_info_request(message.zalo_user_id, TITLE, SUBTITLE.format(oa_name=desk.oa_name), image_url,
                      idempotency_key=card_key(message.reply_key))


def card_key(reply_key: str) -> str:
    """The card's idempotency key: the answer's, so the card is never asked twice for one message."""
    return f"{reply_key}:phone"
