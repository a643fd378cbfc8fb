"""The message to the merged province's followers, through its own OA before it stops: Zalo user ids belong to
one OA (docs/zalo-oa.md §5), so the successor's OA cannot reach them; they are told where to follow now.

Written in the source's context, a chunk of followers at a time, idempotent per follower; the source stays
served until these messages have gone (service.py's FAREWELL_WAIT).
"""

import uuid

from flask import current_app
from sqlalchemy import func, select

from platform_core.db.tenant_context import tenant_context
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import send_composed
from platform_core.extensions import db
from platform_core.mergers.constants import FAREWELL_KIND
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref
from platform_core.zalo.connection import connected_oa_name
from platform_core.zalo.models import Follower


def message(source: Tenant, target: Tenant, target_oa: str | None) -> ComposedMessage:
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + f"/{target.slug}/"
    where = f"Zalo OA «{target_oa}»" if target_oa else f"Zalo OA của {target.place_name}"
    return ComposedMessage(
        header=f"{source.place_title} đã hợp nhất vào {target.place_name}",
        text=(f"Từ nay, thông báo hồ sơ, kết quả và phản ánh của bạn do {target.place_name} gửi. "
              f"Vui lòng quan tâm {where} để tiếp tục nhận tin qua Zalo; OA này sẽ ngừng hoạt động. "
              "Hồ sơ đã nộp vẫn được giải quyết, mã hồ sơ không đổi."),
        buttons=(ComposedButton(title=f"Trang của {target.place_name}"[:100], url=link),),
    )


def reachable(source: Tenant) -> bool:
    """Only a connected OA can still say goodbye."""
    with tenant_context(ref(source)):
        return connected_oa_name() is not None


def followers_to_tell(source: Tenant) -> int:
    with tenant_context(ref(source)):
        return db.session.scalar(select(func.count()).select_from(Follower).where(_following()))


def _following():
    return (Follower.is_follower.is_(True)) & (Follower.anonymised_at.is_(None))


def write_chunk(merge_id: uuid.UUID, source: Tenant, target: Tenant, after: uuid.UUID | None,
                size: int) -> tuple[uuid.UUID | None, int]:
    """Write the message to the next `size` followers after id `after`; returns (last id or None, written)."""
    with tenant_context(ref(target)):
        target_oa = connected_oa_name()
    with tenant_context(ref(source)):
        query = select(Follower.id, Follower.zalo_user_id).where(_following()).order_by(Follower.id).limit(size)
        if after is not None:
            query = query.where(Follower.id > after)
        followers = db.session.execute(query).all()
        words = message(source, target, target_oa)
        for follower_id, zalo_user_id in followers:
            send_composed(words, event_kind=FAREWELL_KIND, zalo_user_id=zalo_user_id,
                          idempotency_key=f"merge:{merge_id}:{follower_id}")
        db.session.flush()
    return (followers[-1][0] if followers else None), len(followers)


def unsent(source: Tenant) -> int:
    """The farewell messages still waiting for the pump."""
    with tenant_context(ref(source)):
        return db.session.scalar(
            select(func.count()).select_from(Delivery)
            .join(Notification, (Notification.tenant_id == Delivery.tenant_id)
                  & (Notification.id == Delivery.notification_id))
            .where(Notification.event_kind == FAREWELL_KIND, Delivery.state.in_((PENDING, SENDING)))
        )
