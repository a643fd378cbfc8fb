"""Broadcasts from draft to sending (docs/domain.md §8.2): an admin writes one, submits it, a second admin approves
it (never its author), then it is sent at once or at its scheduled time; it can be cancelled until it is done.
Views and jobs call these; nothing here reads the request. The caller commits.
"""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.broadcasts import planning, progress
from platform_core.broadcasts.constants import (
    APPROVED,
    AUDIENCE_ALL,
    AUDIENCE_COMMUNES,
    AUDIENCE_LABELS,
    AUDIENCE_PROCEDURE,
    AUDIENCE_TAG,
    CANCELLED,
    CHANNEL_ARTICLE,
    CHANNEL_LABELS,
    CHANNEL_PROMOTION,
    DRAFT,
    PENDING_APPROVAL,
    SCHEDULED,
    SENDING,
)
from platform_core.broadcasts.models import Broadcast
from platform_core.catalogue.models import Procedure
from platform_core.db.lookup import one_by_id
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery import trial
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials import team_notices
from platform_core.officials.constants import KIND_BROADCAST_APPROVAL
from platform_core.web.images import image_type as sniff_image_type
from platform_core.zalo.articles import BroadcastTarget
from platform_core.zalo.messages import MAX_HEADER, PromotionCard

IMAGE_MAX_BYTES = 1024 * 1024  # Zalo's banner and upload limit (docs/zalo-oa.md §2, §4)
IMAGE_TYPES = ("image/png", "image/jpeg")  # what Zalo's image upload takes
MAX_URL = 500
CANCELLABLE = (PENDING_APPROVAL, APPROVED, SCHEDULED, SENDING)


class ActionRefused(FieldError):
    """A step the broadcast's status or the acting admin does not allow (field `action`)."""

    def __init__(self, message):
        super().__init__("action", message)


@dataclass(frozen=True)
class Draft:
    """What the composer gives: the message, its audience and, optionally, when to send it (aware datetime)."""

    title: str
    body: str
    article_url: str | None
    audience: dict
    scheduled_at: datetime | None = None
    image: bytes | None = None  # a new image; None keeps the current one
    remove_image: bool = False
    channel: str = CHANNEL_PROMOTION
    article_target: dict | None = None  # {ages, gender, regions, cities}: Zalo's codes (docs/zalo-oa.md §2.1)
    cover_url: str | None = None  # the article's cover photo


def get(broadcast_id: str) -> Broadcast | None:
    """The tenant-in-context's broadcast, or None (also for an id that is not one)."""
    return one_by_id(Broadcast, broadcast_id)


def recent():
    """For the console's paged list, newest first."""
    return select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())


def image_type(data: bytes) -> str:
    """The image's content type from its first bytes (PNG or JPEG, ≤ 1 MB), whatever the file is called."""
    if len(data) > IMAGE_MAX_BYTES:
        raise FieldError("image", _l("The image is larger than 1 MB."))
    kind = sniff_image_type(data)
    if kind not in IMAGE_TYPES:
        raise FieldError("image", _l("The image must be a PNG or JPEG file."))
    return kind


def create(draft: Draft, actor) -> Broadcast:
    broadcast = Broadcast(created_by_id=actor.id)
    _apply(broadcast, draft)
    db.session.add(broadcast)
    db.session.flush()
    record_event("broadcast_created", actor=actor, target=broadcast)
    return broadcast


def update(broadcast: Broadcast, draft: Draft, actor) -> Broadcast:
    if broadcast.status != DRAFT:
        raise ActionRefused(_l("Only a draft can be changed."))
    _apply(broadcast, draft)
    record_event("broadcast_updated", actor=actor, target=broadcast)
    return broadcast


def _apply(broadcast: Broadcast, draft: Draft) -> None:
    title, body, url = draft.title.strip(), draft.body.strip(), (draft.article_url or "").strip() or None
    if not title or len(title) > MAX_HEADER:
        raise FieldError("title", _l("Give a title of 1 to %(count)s characters.", count=MAX_HEADER))
    if not body or len(body) > PromotionCard.MAX_TEXT:
        raise FieldError("body", _l("Give a text of 1 to %(count)s characters.", count=PromotionCard.MAX_TEXT))
    if url and (len(url) > MAX_URL or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        raise FieldError("article_url", _l("Give a web address starting with https://"))
    _apply_channel(broadcast, draft)
    if draft.image is not None:
        broadcast.image_content_type = image_type(draft.image)
        broadcast.image, broadcast.image_attachment_id = draft.image, None
    elif draft.remove_image:
        broadcast.image = broadcast.image_content_type = broadcast.image_attachment_id = None
    broadcast.title, broadcast.body, broadcast.article_url = title, body, url
    broadcast.scheduled_at = draft.scheduled_at


def _apply_channel(broadcast: Broadcast, draft: Draft) -> None:
    """Promotion cards go to Motcua's audiences; an article broadcast to every follower Zalo's target matches."""
    if draft.channel not in CHANNEL_LABELS:
        raise FieldError("channel", _l("Choose how the news is sent."))
    _refuse_article_in_trial(draft.channel)
    broadcast.channel = draft.channel
    if draft.channel == CHANNEL_PROMOTION:
        broadcast.audience = _checked_audience(draft.audience)
        broadcast.article_target = broadcast.cover_url = None
        return
    cover = (draft.cover_url or "").strip()
    if len(cover) > MAX_URL or urlsplit(cover).scheme not in ("http", "https") or not urlsplit(cover).netloc:
        raise FieldError("cover_url", _l("An article needs a cover photo: give its web address starting with https://"))
    broadcast.audience, broadcast.article_target = {"kind": AUDIENCE_ALL}, _checked_target(draft.article_target or {})
    broadcast.cover_url = cover


def _refuse_article_in_trial(channel: str) -> None:
    """Zalo sends an article broadcast to every follower its target matches: a province in trial, whose news
    may reach only its team and guest list (delivery/trial.py), cannot use it."""
    if channel == CHANNEL_ARTICLE and trial.is_restricted():
        raise FieldError("channel", _l("In trial, news reaches only your team and guest list: send it as promotion "
                                       "cards until the province goes live."))


def _checked_target(chosen: dict) -> dict:
    try:
        target = {"ages": sorted({int(age) for age in chosen.get("ages") or ()}),
                  "gender": int(chosen.get("gender") or 0),
                  "regions": sorted({int(region) for region in chosen.get("regions") or ()}),
                  "cities": sorted({str(city).strip() for city in chosen.get("cities") or () if str(city).strip()},
                                   key=lambda code: int(code) if code.isdigit() else -1)}
        BroadcastTarget(tuple(target["ages"]), target["gender"], tuple(target["regions"]),
                        tuple(target["cities"])).to_payload()
    except ValueError as error:  # a MessageError is one
        raise FieldError("cities", _l("Zalo province codes are numbers separated by commas.")) from error
    return target


def _checked_audience(audience: dict) -> dict:
    kind = audience.get("kind")
    if kind not in AUDIENCE_LABELS:
        raise FieldError("audience", _l("Choose who receives the news."))
    if kind == AUDIENCE_TAG:
        tag = (audience.get("tag") or "").strip()
        if not tag:
            raise FieldError("tag", _l("Choose a tag."))
        return {"kind": kind, "tag": tag}
    if kind == AUDIENCE_PROCEDURE:
        code = (audience.get("procedure_code") or "").strip()
        if not db.session.scalar(select(Procedure.id).where(Procedure.code == code)):
            raise FieldError("procedure_code", _l("Choose a procedure of the province's catalogue."))
        return {"kind": kind, "procedure_code": code}
    if kind == AUDIENCE_COMMUNES:
        communes = sorted({name.strip() for name in audience.get("communes") or () if name.strip()})
        if not communes:
            raise FieldError("communes", _l("Name at least one commune."))
        return {"kind": kind, "communes": communes}
    return {"kind": AUDIENCE_ALL}


def submit(broadcast: Broadcast, actor) -> None:
    _require(broadcast, (DRAFT,), _l("Only a draft can be submitted for approval."))
    broadcast.status, broadcast.submitted_by_id = PENDING_APPROVAL, actor.id
    record_event("broadcast_submitted", actor=actor, target=broadcast)
    _tell_approvers(broadcast, actor, utcnow())


def _tell_approvers(broadcast: Broadcast, actor, now: datetime) -> None:
    """The admins who may approve it (not its author, not who submitted it) are told on Zalo and by e-mail,
    with a link to its page; each submission anew (a broadcast sent back and submitted again too)."""
    title = broadcast.title
    team_notices.tell(
        team_notices.admins(excluding=(broadcast.created_by_id, broadcast.submitted_by_id)),
        KIND_BROADCAST_APPROVAL, f"Tin “{title}” chờ phê duyệt",
        f"{actor.full_name} đã gửi tin để phê duyệt. Tin chỉ được gửi đến công dân sau khi một quản trị viên "
        "khác phê duyệt.",
        team_notices.page_url("broadcasts_admin.show", tenant_slug=require_tenant().slug,
                              broadcast_id=str(broadcast.id)),
        ref=f"broadcast_submitted:{broadcast.id}:{now:%Y%m%dT%H%M%S%f}", actor=actor, now=now)


def may_approve(broadcast: Broadcast, actor) -> bool:
    """A second admin: neither the one who wrote it nor the one who submitted it."""
    return actor.id not in (broadcast.created_by_id, broadcast.submitted_by_id)


def approve(broadcast: Broadcast, actor, now: datetime) -> None:
    _require(broadcast, (PENDING_APPROVAL,), _l("Only a broadcast waiting for approval can be approved."))
    if not may_approve(broadcast, actor):
        raise ActionRefused(_l("A second administrator must approve it: you cannot approve your own broadcast."))
    broadcast.approved_by_id, broadcast.approved_at = actor.id, now
    broadcast.status = SCHEDULED if broadcast.scheduled_at else APPROVED
    record_event("broadcast_approved", actor=actor, target=broadcast)


def return_to_draft(broadcast: Broadcast, actor) -> None:
    """The reviewer sends it back to be changed."""
    _require(broadcast, (PENDING_APPROVAL,), _l("Only a broadcast waiting for approval can be sent back."))
    broadcast.status = DRAFT
    record_event("broadcast_returned", actor=actor, target=broadcast)


def send_now(broadcast: Broadcast, actor, now: datetime) -> None:
    _require(broadcast, (APPROVED, SCHEDULED), _l("Only an approved broadcast can be sent."))
    _refuse_article_in_trial(broadcast.channel)
    start(broadcast, now)
    record_event("broadcast_sent", actor=actor, target=broadcast)


def start(broadcast: Broadcast, now: datetime) -> None:
    """Sending begins: the notification is written; the planning job (jobs.plan_broadcast) adds the recipients,
    or sends the article broadcast."""
    broadcast.status, broadcast.started_at = SENDING, now
    if broadcast.channel != CHANNEL_ARTICLE:  # an article broadcast is one call, with no deliveries
        planning.open_notification(broadcast)


def due_scheduled(now: datetime) -> list[Broadcast]:
    return list(db.session.scalars(select(Broadcast).where(Broadcast.status == SCHEDULED,
                                                           Broadcast.scheduled_at <= now)))


def cancel(broadcast: Broadcast, actor, now: datetime) -> int:
    """Stop it: planning stops at its next chunk, and every delivery not yet handed to Zalo is cancelled.
    Returns how many deliveries were cancelled."""
    _require(broadcast, CANCELLABLE, _l("This broadcast can no longer be cancelled."))
    broadcast.status, broadcast.cancelled_at, broadcast.cancelled_by_id = CANCELLED, now, actor.id
    cancelled = progress.cancel_waiting(broadcast, now)
    record_event("broadcast_cancelled", actor=actor, target=broadcast, details={"cancelled": cancelled})
    return cancelled


def _require(broadcast: Broadcast, statuses, message) -> None:
    if broadcast.status not in statuses:
        raise ActionRefused(message)
