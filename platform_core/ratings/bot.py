"""The bot's rating command (bot/commands.py): a tap on the invitation's button ("DG <code> 5") or a typed
rating records the dossier's rating from the chat, the same row the rating page writes."""

from datetime import datetime

from platform_core.bot.commands import CitizenMessage, register_command
from platform_core.db.types import utcnow
from platform_core.delivery.context import VIETNAM
from platform_core.ratings import service
from platform_core.ratings.constants import CHANNEL_ZALO, SCALE
from platform_core.ratings.invitations import rating_link
from platform_core.ratings.parser import parse_rating

ORDER = 40  # before feedback-like commands that take free text; the dossier lookup comes last anyway


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
        invitation = service.latest_open_invitation(message.zalo_user_id, now)
        if parsed.bare and (invitation is None or not service.can_edit(service.rating_of(invitation), now)):
            return None  # a lone digit is a rating only while one can be given or changed
        if invitation is None:
            return "Hiện không có hồ sơ nào đang chờ ông/bà đánh giá."
    return _record(invitation, parsed.score, now)


def _record(invitation, score: int, now: datetime) -> str:
    code = service.dossier_of(invitation).code
    if service.is_expired(invitation, now):
        return f"Lời mời đánh giá hồ sơ {code} đã hết hạn. Cảm ơn ông/bà đã quan tâm."
    try:
        rating = service.submit(invitation, service.RatingInput(score, keep_details=True), CHANNEL_ZALO, now)
    except service.RatingLocked as locked:
        return (f"Đánh giá hồ sơ {code} đã được ghi nhận ({SCALE[locked.rating.score]}) và không thể thay đổi "
                "sau 24 giờ. Cảm ơn ông/bà.")
    until = rating.editable_until.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    return (f"Cảm ơn ông/bà đã đánh giá hồ sơ {code}: {SCALE[score]}. Ông/bà có thể đổi đánh giá hoặc góp ý chi "
            f"tiết đến {until} tại: {rating_link(invitation)}")


register_command("rating", answer_rating, order=ORDER)
