"""Which channel reaches a citizen (docs/zalo-oa.md §2 eligibility table):

- consultation (cs) when they interacted with the OA within 7 days (free for 8 messages in 48 h);
- a transaction message when they interacted with the OA within a year; following is an interaction on the day
  they followed, not for as long as they follow (docs/zalo-oa.md §2, eligibility windows);
- otherwise ZNS to their phone, with the tenant's ZNS template for the event;
- policy news only as a promotion message to a follower.
An eligibility error from Zalo moves to the next channel, and so on down the chain: the order only goes forward, so
each channel is tried at most once (the caller records the last one refused in `fallback_from`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from platform_core.delivery.constants import CS, PROMOTION, TRANSACTION, ZNS
from platform_core.extensions import db
from platform_core.zalo.events import known_follower
from platform_core.zalo.models import Follower

CS_WINDOW = timedelta(days=7)
TRANSACTION_WINDOW = timedelta(days=365)
ORDER = (CS, TRANSACTION, ZNS, PROMOTION)


@dataclass(frozen=True)
class Route:
    channel: str | None
    reason: str
    user_id: str | None


class Followers:
    """The follower records of a batch's recipients, read in one query (`followers_of`)."""

    def __init__(self, rows):
        self.by_user_id = {row.zalo_user_id: row for row in rows}
        self.by_phone = {}
        for row in rows:
            if row.phone_e164:
                self.by_phone.setdefault(row.phone_e164, row)


def followers_of(deliveries) -> Followers:
    user_ids = {d.recipient_zalo_user_id for d in deliveries if d.recipient_zalo_user_id}
    phones = {d.recipient_phone for d in deliveries if d.recipient_phone and not d.recipient_zalo_user_id}
    if not user_ids and not phones:
        return Followers([])
    return Followers(db.session.scalars(select(Follower).where(
        or_(Follower.zalo_user_id.in_(user_ids), Follower.phone_e164.in_(phones)))).all())


def recipient_user_id(delivery, followers: Followers | None = None) -> tuple[str | None, Follower | None]:
    """The citizen's Zalo user id: given on the dossier, or learnt when they shared the same phone. With
    `followers` (a batch's, read at once) no query is made, nor for a follower a batch of events knows."""
    follower = None
    if delivery.recipient_zalo_user_id:
        if followers is not None:
            return delivery.recipient_zalo_user_id, followers.by_user_id.get(delivery.recipient_zalo_user_id)
        return delivery.recipient_zalo_user_id, known_follower(delivery.recipient_zalo_user_id)
    if delivery.recipient_phone:
        if followers is not None:
            follower = followers.by_phone.get(delivery.recipient_phone)
        else:
            follower = db.session.scalar(select(Follower).where(Follower.phone_e164 == delivery.recipient_phone))
    return (follower.zalo_user_id if follower else None), follower


def eligible_channels(delivery, has_zns_template: bool, now: datetime,
                      followers: Followers | None = None) -> list[Route]:
    user_id, follower = recipient_user_id(delivery, followers)
    last = max(filter(None, (follower.last_interaction_at, follower.followed_at)), default=None) if follower else None
    routes = []
    if user_id and last and now - last <= CS_WINDOW:
        routes.append(Route(CS, "interacted with the OA within 7 days", user_id))
    if user_id and last and now - last <= TRANSACTION_WINDOW:
        routes.append(Route(TRANSACTION, "interacted with the OA within a year", user_id))
    elif user_id and last is None:
        # A user id we have never seen interact: given by the province's system, or imported from the OA's
        # follower list, which has no dates. Zalo decides (it answers -232 if the window has closed).
        routes.append(Route(TRANSACTION, "Zalo user id with no interaction known to us", user_id))
    if delivery.recipient_phone and has_zns_template:
        routes.append(Route(ZNS, "by phone number (ZNS)", user_id))
    return routes


def card_first(routes: list[Route]) -> list[Route]:
    """The transaction card first, then the others in their order: for a message whose buttons are its point (a
    rating invitation answered by a tap), which a consultation text would carry as words to type. The card costs
    a transaction message where the text would have used the free replies. Zalo refusing the card as
    ineligible means the year's window is closed, so the narrower consultation window is too: the fallback
    goes on to ZNS (`next_route`)."""
    return sorted(routes, key=lambda route: route.channel != TRANSACTION)


def promotion_routes(delivery, followers: Followers | None = None) -> list[Route]:
    """Policy news goes only as a promotion message, and only to a follower (docs/zalo-oa.md §2)."""
    user_id, follower = recipient_user_id(delivery, followers)
    if user_id and follower is not None and follower.is_follower:
        return [Route(PROMOTION, "policy news to a follower of the OA", user_id)]
    return []


def next_route(routes: list[Route], after: str | None) -> Route | None:
    """The first route, or the one after `after` (the channel Zalo just refused)."""
    if after is None:
        return routes[0] if routes else None
    later = [route for route in routes if ORDER.index(route.channel) > ORDER.index(after)]
    return later[0] if later else None
