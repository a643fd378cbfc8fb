"""The bot's rating command (bot/commands.py): a tap on the invitation's button ("DG <code> 5") or a typed
rating records the dossier's rating from the chat, the same row the rating page writes. A rating without a
code ("5", "hài lòng") answers the invitation just offered, or the only one open; with several open, the
citizen is asked which dossier they mean."""

from datetime import datetime

from platform_core.bot.commands import CitizenMessage
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery.recent import last_message_to
from platform_core.ratings import service
from platform_core.ratings.constants import CHANNEL_ZALO, EVENT_KIND, SCALE
from platform_core.ratings.invitations import rating_link
from platform_core.ratings.parser import parse_rating

MAX_LISTED = 5  # dossiers named when the citizen must say which one they rate


def answer_rating(message: CitizenMessage) -> str | None:
    parsed = parse_rating(message.text)
    if parsed is None:
        return None
    now = utcnow()
    if parsed.code:
        invitation = service.invitation_for_code(parsed.code, message.zalo_user_id, message.follower.phone_e164)
        if invitation is None:
            return (f"Không tìm thấy lời mời đánh giá nào cho hồ sơ {parsed.code.upper()} gửi tới tài khoản Zalo "
                    "này. Vui lòng kiểm tra lại mã hồ sơ.")
    else:
        candidates = _meant(message.zalo_user_id, now, editable_only=parsed.bare)
        if parsed.bare and not candidates:
            return None  # a lone digit or "hài lòng" is a rating only while one can be given or changed
        if not candidates:
            return "Hiện không có hồ sơ nào đang chờ Ông/Bà đánh giá."
        if len(candidates) > 1:
            return _which_dossier(candidates)
        invitation = candidates[0]
    return _record(invitation, parsed.score, now)


def _meant(zalo_user_id: str, now: datetime, editable_only: bool) -> list:
    """The invitations a rating without a code may answer: the one just offered (the last message sent to the
    citizen), else every unexpired one. More than one means the citizen must say which. A bare "5" only
    claims invitations whose rating can still be given or changed; "đánh giá 5" is told why it cannot."""
    last = last_message_to(zalo_user_id, now)
    offered = service.invitation_sent_as(last.id) if last is not None and last.event_kind == EVENT_KIND else None
    invitations = [offered] if offered is not None else service.open_invitations(zalo_user_id, now)
    return [invitation for invitation in invitations if not service.is_expired(invitation, now)
            and (not editable_only or service.can_edit(service.rating_of(invitation), now))]


def _which_dossier(invitations: list) -> str:
    codes = [service.dossier_of(invitation).code for invitation in invitations[:MAX_LISTED]]
    return (f"Ông/Bà có {len(invitations)} hồ sơ đang chờ đánh giá: {', '.join(codes)}. Vui lòng trả lời kèm mã "
            f"hồ sơ, ví dụ: “hài lòng {codes[0]}” hoặc “đánh giá {codes[0]} 5”.")


def _record(invitation, score: int, now: datetime) -> str:
    code = service.dossier_of(invitation).code
    if service.is_expired(invitation, now):
        return f"Lời mời đánh giá hồ sơ {code} đã hết hạn. Cảm ơn Ông/Bà đã quan tâm."
    try:
        rating = service.submit(invitation, service.RatingInput(score, keep_details=True), CHANNEL_ZALO, now)
    except service.RatingLocked as locked:
        return (f"Đánh giá hồ sơ {code} đã được ghi nhận ({SCALE[locked.rating.score]}) và không thể thay đổi "
                "sau 24 giờ. Cảm ơn Ông/Bà.")
    until = rating.editable_until.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    return (f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {code}: {SCALE[score]}. Ông/Bà có thể đổi đánh giá hoặc góp ý chi "
            f"tiết đến {until} tại: {rating_link(invitation)}")

