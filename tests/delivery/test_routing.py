"""Channel routing from what the OA knows about the citizen (docs/zalo-oa.md §2)."""

from datetime import timedelta
from types import SimpleNamespace

from platform_core.db.types import utcnow
from platform_core.delivery import routing
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant

NOW = utcnow()


def delivery(user_id=None, phone=None):
    return SimpleNamespace(recipient_zalo_user_id=user_id, recipient_phone=phone)


def follower(tenant, user_id, **fields):
    with as_tenant(tenant):
        db.session.add(Follower(zalo_user_id=user_id, **fields))
        db.session.flush()


def channels(tenant, target, zns=True):
    with as_tenant(tenant):
        return [route.channel for route in routing.eligible_channels(target, has_zns_template=zns, now=NOW)]


def test_recent_interaction_means_consultation_first(tenant_a):
    follower(tenant_a, "u1", is_follower=True, last_interaction_at=NOW - timedelta(days=2))
    assert channels(tenant_a, delivery("u1", "+84912345678")) == ["cs", "transaction", "zns"]


def test_a_follower_quiet_for_a_month_gets_a_transaction_message(tenant_a):
    follower(tenant_a, "u2", is_follower=True, last_interaction_at=NOW - timedelta(days=30))
    assert channels(tenant_a, delivery("u2", "+84912345678")) == ["transaction", "zns"]


def test_following_long_ago_without_interacting_since_is_not_enough_for_a_transaction_message(tenant_a):
    """Following counts as an interaction on its day only (docs/zalo-oa.md §2): a year later, ZNS."""
    follower(tenant_a, "u5", is_follower=True, followed_at=NOW - timedelta(days=700),
             last_interaction_at=NOW - timedelta(days=700))
    follower(tenant_a, "u6", is_follower=True, followed_at=NOW - timedelta(days=400), last_interaction_at=None)
    assert channels(tenant_a, delivery("u5", "+84912345678")) == ["zns"]
    assert channels(tenant_a, delivery("u6", "+84912345678")) == ["zns"]


def test_following_within_the_year_counts_as_the_interaction(tenant_a):
    follower(tenant_a, "u7", is_follower=True, followed_at=NOW - timedelta(days=200), last_interaction_at=None)
    follower(tenant_a, "u8", is_follower=True, followed_at=NOW - timedelta(days=3), last_interaction_at=None)
    assert channels(tenant_a, delivery("u7", "+84912345678")) == ["transaction", "zns"]
    assert channels(tenant_a, delivery("u8", "+84912345678")) == ["cs", "transaction", "zns"]


def test_an_interaction_within_a_year_is_enough_without_following(tenant_a):
    follower(tenant_a, "u9", is_follower=False, unfollowed_at=NOW - timedelta(days=20),
             last_interaction_at=NOW - timedelta(days=364))
    assert channels(tenant_a, delivery("u9", "+84912345678")) == ["transaction", "zns"]


def test_a_follower_imported_without_dates_is_tried_like_a_user_id_we_never_saw(tenant_a):
    """The OA's follower list has no dates (docs/zalo-oa.md §2): Zalo decides, as for an unknown user id."""
    follower(tenant_a, "u10", is_follower=True, imported_at=NOW - timedelta(days=30))
    assert channels(tenant_a, delivery("u10", "+84912345678")) == ["transaction", "zns"]
    assert channels(tenant_a, delivery("never-seen", "+84912345678")) == ["transaction", "zns"]


def test_a_stranger_with_a_phone_gets_zns(tenant_a):
    assert channels(tenant_a, delivery(None, "+84912345678")) == ["zns"]


def test_no_zns_template_and_no_user_means_no_channel(tenant_a):
    assert channels(tenant_a, delivery(None, "+84912345678"), zns=False) == []


def test_the_user_id_is_learnt_from_a_shared_phone(tenant_a):
    follower(tenant_a, "u3", is_follower=True, phone_e164="+84987654321", last_interaction_at=NOW)
    with as_tenant(tenant_a):
        routes = routing.eligible_channels(delivery(None, "+84987654321"), has_zns_template=True, now=NOW)
    assert [(r.channel, r.user_id) for r in routes] == [("cs", "u3"), ("transaction", "u3"), ("zns", "u3")]


def test_another_tenants_follower_is_not_used(tenant_a, tenant_b):
    follower(tenant_b, "u4", is_follower=True, phone_e164="+84911111111", last_interaction_at=NOW)
    assert channels(tenant_a, delivery(None, "+84911111111")) == ["zns"]


def test_fallback_moves_to_the_next_channel_only():
    routes = [routing.Route("cs", "", "u"), routing.Route("transaction", "", "u"), routing.Route("zns", "", "u")]
    assert routing.next_route(routes, None).channel == "cs"
    assert routing.next_route(routes, "cs").channel == "transaction"
    assert routing.next_route(routes, "zns") is None


def test_a_card_first_message_puts_the_transaction_card_before_the_consultation_text(tenant_a):
    follower(tenant_a, "u9", is_follower=True, last_interaction_at=NOW - timedelta(days=2))
    with as_tenant(tenant_a):
        routes = routing.eligible_channels(delivery("u9", "+84912345678"), has_zns_template=True, now=NOW)
    assert [route.channel for route in routing.card_first(routes)] == ["transaction", "cs", "zns"]
    assert routing.next_route(routing.card_first(routes), "transaction").channel == "zns"  # its window is wider
