"""Images a citizen sends on Zalo for their feedback: downloaded from Zalo's CDN at once (the links do not
last), recognised by their first bytes (JPEG, PNG, WebP, whatever the link says) and size-capped.

Only Zalo's CDN hosts (*.zdn.vn) and the configured Zalo API hosts (the sandbox in tests) are fetched: the URL
comes from a signed webhook, but the platform must not be made to fetch arbitrary addresses.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from platform_core.extensions import db
from platform_core.feedback.constants import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from platform_core.feedback.models import Feedback, FeedbackAttachment
from platform_core.web.images import image_type

CDN_SUFFIX = ".zdn.vn"
DOWNLOAD_TIMEOUT = 10
NOT_ALLOWED, TOO_LARGE, NOT_AN_IMAGE, UNREACHABLE, TOO_MANY = (
    "not_allowed", "too_large", "not_image", "unreachable", "too_many")
REFUSALS = {  # told to the citizen on Zalo
    NOT_ALLOWED: "đường dẫn ảnh không hợp lệ",
    TOO_LARGE: f"ảnh lớn hơn {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB",
    NOT_AN_IMAGE: "chỉ nhận ảnh JPEG, PNG hoặc WebP",
    UNREACHABLE: "không tải được ảnh, xin gửi lại",
    TOO_MANY: f"mỗi phản ánh nhận tối đa {MAX_ATTACHMENTS} ảnh",
}


class AttachmentRefused(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem

    @property
    def reason(self) -> str:
        return REFUSALS[self.problem]


@dataclass(frozen=True)
class Image:
    data: bytes
    content_type: str


def check(data: bytes) -> Image:
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(TOO_LARGE)
    content_type = image_type(data)
    if content_type not in ATTACHMENT_TYPES:
        raise AttachmentRefused(NOT_AN_IMAGE)
    return Image(data, content_type)


def allowed_url(url: str) -> bool:
    parts = urlsplit(url)
    configured = {urlsplit(current_app.config[key]).netloc
                  for key in ("ZALO_OAUTH_URL", "ZALO_OPENAPI_URL", "ZALO_BUSINESS_URL")}
    if parts.netloc in configured:
        return parts.scheme in ("http", "https")
    return parts.scheme == "https" and (parts.hostname or "").endswith(CDN_SUFFIX)


def download(url: str) -> Image:
    """The image at `url`, read no further than the size cap; AttachmentRefused says why not."""
    if not allowed_url(url):
        raise AttachmentRefused(NOT_ALLOWED)
    try:
        with httpx.stream("GET", url, timeout=DOWNLOAD_TIMEOUT, follow_redirects=False) as response:
            if response.status_code != 200:
                raise AttachmentRefused(UNREACHABLE)
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_ATTACHMENT_BYTES:
                    raise AttachmentRefused(TOO_LARGE)
    except httpx.HTTPError as error:
        raise AttachmentRefused(UNREACHABLE) from error
    return check(data)


def attach(feedback: Feedback, image: Image, source_url: str | None = None) -> FeedbackAttachment:
    count = db.session.scalar(select(func.count()).select_from(FeedbackAttachment)
                              .where(FeedbackAttachment.feedback_id == feedback.id))
    if count >= MAX_ATTACHMENTS:
        raise AttachmentRefused(TOO_MANY)
    attachment = FeedbackAttachment(feedback_id=feedback.id, content_type=image.content_type,
                                    size_bytes=len(image.data), data=image.data, source_url=source_url)
    db.session.add(attachment)
    return attachment


def list_for(feedback: Feedback) -> list[FeedbackAttachment]:
    """Without their bytes (a page lists them; each image is served on its own)."""
    return list(db.session.scalars(select(FeedbackAttachment).options(defer(FeedbackAttachment.data))
                                   .where(FeedbackAttachment.feedback_id == feedback.id)
                                   .order_by(FeedbackAttachment.created_at)))


def get(feedback: Feedback, attachment_id) -> FeedbackAttachment | None:
    return db.session.scalar(select(FeedbackAttachment).where(FeedbackAttachment.feedback_id == feedback.id,
                                                              FeedbackAttachment.id == attachment_id))
