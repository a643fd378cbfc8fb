"""Trial mode (GOV.UK Notify's `restricted`): until an operator approves go-live, a province's messages reach
only its own team's Zalo accounts and its guest list, within a low daily cap.

Every status but `live` is restricted (platform_core/onboarding/__init__.py). The recipient is checked twice:
- when the delivery is written (`write_refusal`): refused at once, so the API shows the reason straight away and the
  refusal does not use up the day's cap;
- just before each Zalo call (`refusal`), on the address Zalo would be given: the status, the team or the
  guest list may have changed since, and nothing outside them may reach Zalo.
`test` API keys' deliveries are simulated (never sent), so they are not restricted.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from platform_core.auth.models import Membership
from platform_core.db.tenant_context import require_tenant
from platform_core.delivery import routing
from platform_core.delivery.constants import ZNS
from platform_core.delivery.models import GuestListEntry
from platform_core.extensions import db
from platform_core.tenancy.constants import STATUS_LIVE
from platform_core.tenancy.models import Tenant
from platform_core.zalo.models import Follower


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name for "extract, do not translate yet"
    """Marks a msgid for extraction: stored in English on the delivery, translated where it is shown."""
    return message


REFUSED = N_("Trial mode: this citizen is not on the team or the guest list. "
             "Add them to the guest list or request go-live.")


def is_restricted() -> bool:
    """For the tenant in context."""
    return db.session.get(Tenant, require_tenant().id).status != STATUS_LIVE


def daily_cap(policy_cap: int | None) -> int | None:
    """The day's cap for the tenant in context: in trial at most TRIAL_DAILY_CAP, whatever its RatePolicy says
    (a lower policy cap still holds)."""
    return capped(policy_cap, is_restricted())


def capped(policy_cap: int | None, restricted: bool) -> int | None:
    """`daily_cap` for a tenant whose restriction is already known (the pump reads every tenant's at once)."""
    if not restricted:
        return policy_cap
    trial_cap = current_app.config["TRIAL_DAILY_CAP"]
    return trial_cap if policy_cap is None else min(policy_cap, trial_cap)


def may_receive(user_id: str | None = None, phone: str | None = None) -> bool:
    """Whether a team member's linked Zalo account or the guest list has this Zalo user id or phone (E.164).

    A follower known by the user id brings along the phone they shared, and one known by the phone brings its
    user id: a guest added by phone is reached on Zalo too, and a team member's shared phone by ZNS."""
    followers = _followers(user_id, phone)
    if _team_members(followers):
        return True
    user_ids = {user_id} | {follower.zalo_user_id for follower in followers}
    phones = {phone} | {follower.phone_e164 for follower in followers}
    user_ids.discard(None)
    phones.discard(None)
    if not user_ids and not phones:
        return False
    return db.session.scalar(select(GuestListEntry.id).where(or_(
        GuestListEntry.zalo_user_id.in_(user_ids), GuestListEntry.phone_e164.in_(phones),
    )).limit(1)) is not None


def follower_may_receive():
    """`may_receive` as a WHERE clause on Follower rows, for audiences chosen in SQL (broadcasts): a follower
    linked to a current team member, or on the guest list by Zalo user id or by the phone they shared."""
    member = select(Membership.id).where(Membership.tenant_id == require_tenant().id,
                                         Membership.user_id == Follower.staff_user_id).exists()
    guest_ids = select(GuestListEntry.zalo_user_id).where(GuestListEntry.zalo_user_id.is_not(None))
    guest_phones = select(GuestListEntry.phone_e164).where(GuestListEntry.phone_e164.is_not(None))
    return or_(member, Follower.zalo_user_id.in_(guest_ids), Follower.phone_e164.in_(guest_phones))


def write_refusal(delivery, notification=None) -> str | None:
    """At outbox time: the reason a restricted tenant may not send `delivery` (none of its addresses may
    receive), or None."""
    if delivery.simulated or not is_restricted():
        return None
    user_id, _ = routing.recipient_user_id(delivery)
    return None if may_receive(user_id, delivery.recipient_phone) else REFUSED


def refusal(delivery, route: routing.Route) -> str | None:
    """At send time: the reason this route may not be used in trial, or None."""
    if delivery.simulated or not is_restricted():
        return None
    return _route_refusal(delivery, route)


def refusals(pairs: list[tuple]) -> list[str | None]:
    """`refusal` for a batch of (delivery, route) pairs: the tenant's status is read once for the batch, and
    only a restricted tenant's recipients (a few, under the trial cap) are looked up one by one."""
    if all(delivery.simulated for delivery, _ in pairs) or not is_restricted():
        return [None] * len(pairs)
    return [None if delivery.simulated else _route_refusal(delivery, route) for delivery, route in pairs]


def _route_refusal(delivery, route: routing.Route) -> str | None:
    """For a restricted tenant: whether the address the route would use may receive."""
    allowed = may_receive(phone=delivery.recipient_phone) if route.channel == ZNS else may_receive(route.user_id)
    return None if allowed else REFUSED


def _followers(user_id: str | None, phone: str | None) -> list[Follower]:
    conditions = [column == value for column, value in ((Follower.zalo_user_id, user_id),
                                                        (Follower.phone_e164, phone)) if value]
    return list(db.session.scalars(select(Follower).where(or_(*conditions)))) if conditions else []


def _team_members(followers: list[Follower]) -> bool:
    """Some follower is linked to a user who is still a member of this tenant (a removed member is not)."""
    staff = {follower.staff_user_id for follower in followers if follower.staff_user_id}
    if not staff:
        return False
    return db.session.scalar(select(Membership.id).where(
        Membership.tenant_id == require_tenant().id, Membership.user_id.in_(staff),
    ).limit(1)) is not None


# (reason, what happened, what to do), for the deliveries page (delivery/errors_plain.py)
EXPLANATIONS = (
    (REFUSED, _l("Trial mode: this citizen is not on the team or the guest list."),
     _l("Add them to the guest list (Guest list page), or request go-live; then retry.")),
)
