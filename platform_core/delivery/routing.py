"""Which channel reaches a citizen (zalo-oa.md §2 eligibility table):

- consultation (cs) when they interacted with the OA within 7 days (free for 8 messages in 48 h);
- a transaction message when they follow the OA or interacted within a year;
- otherwise ZNS to their phone, with the tenant's ZNS template for the event;
- policy news only as a promotion message to a follower.
An eligibility error from Zalo moves to the next channel once (the caller records `fallback_from`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from platform_core.delivery.constants import CS, PROMOTION, TRANSACTION, ZNS
from platform_core.extensions import db
from platform_core.zalo.models import Follower

CS_WINDOW = timedelta(days=7)
TRANSACTION_WINDOW = timedelta(days=365)
ORDER = (CS, TRANSACTION, ZNS, PROMOTION)


@dataclass(frozen=True)
class Route:
    channel: str | None
    reason: str
    user_id: str | None


def recipient_user_id(delivery) -> tuple[str | None, Follower | None]:
    """The citizen's Zalo user id: given on the dossier, or learnt when they shared the same phone."""
    follower = None
    if delivery.recipient_zalo_user_id:
        follower = db.session.scalar(select(Follower).where(Follower.zalo_user_id == delivery.recipient_zalo_user_id))
        return delivery.recipient_zalo_user_id, follower
    if delivery.recipient_phone:
        follower = db.session.scalar(select(Follower).where(Follower.phone_e164 == delivery.recipient_phone))
    return (follower.zalo_user_id if follower else None), follower


def eligible_channels(delivery, has_zns_template: bool, now: datetime) -> list[Route]:
    user_id, follower = recipient_user_id(delivery)
    last = follower.last_interaction_at if follower else None
    routes = []
    if user_id and last and now - last <= CS_WINDOW:
        routes.append(Route(CS, "interacted with the OA within 7 days", user_id))
    if user_id and ((follower and follower.is_follower) or (last and now - last <= TRANSACTION_WINDOW)):
        routes.append(Route(TRANSACTION, "follows the OA" if follower and follower.is_follower
                            else "interacted with the OA within a year", user_id))
    elif user_id and not follower:
        # A user id from the province's system that we have never seen: Zalo decides (it answers -232 if not).
        routes.append(Route(TRANSACTION, "Zalo user id given by the province", user_id))
    if delivery.recipient_phone and has_zns_template:
        routes.append(Route(ZNS, "by phone number (ZNS)", user_id))
    return routes


def promotion_routes(delivery) -> list[Route]:
    """Policy news goes only as a promotion message, and only to a follower (zalo-oa.md §2)."""
    user_id, follower = recipient_user_id(delivery)
    if user_id and follower is not None and follower.is_follower:
        return [Route(PROMOTION, "policy news to a follower of the OA", user_id)]
    return []


def next_route(routes: list[Route], after: str | None) -> Route | None:
    """The first route, or the one after `after` (the channel Zalo just refused)."""
    if after is None:
        return routes[0] if routes else None
    later = [route for route in routes if ORDER.index(route.channel) > ORDER.index(after)]
    return later[0] if later else None
