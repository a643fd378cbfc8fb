"""The free consultation allowance (8 messages within 48 hours of the citizen's last interaction) and prices."""

from datetime import UTC, datetime, timedelta

from platform_core.dashboard import costs
from platform_core.dashboard.costs import CsMessage

T0 = datetime(2026, 10, 10, 2, 0, tzinfo=UTC)


def messages(*hours: float, recipient="u1", key="k") -> list[CsMessage]:
    return [CsMessage(key, recipient, T0 + timedelta(hours=hour)) for hour in hours]


def test_eight_messages_after_an_interaction_are_free_and_the_ninth_is_paid():
    assert costs.free_cs(messages(*range(1, 10)), {"u1": [T0]}) == {"k": 8}


def test_the_allowance_lasts_48_hours_from_the_interaction():
    assert costs.free_cs(messages(47.9, 48.1), {"u1": [T0]}) == {"k": 1}


def test_a_new_interaction_opens_a_new_allowance():
    sent = messages(*range(1, 9), *range(25, 29))
    assert costs.free_cs(sent, {"u1": [T0, T0 + timedelta(hours=24)]}) == {"k": 12}


def test_no_interaction_means_every_message_is_paid():
    assert costs.free_cs(messages(1, 2), {}) == {}
    assert costs.free_cs(messages(1, 2), {"someone else": [T0]}) == {}
    assert costs.free_cs(messages(-1), {"u1": [T0]}) == {}  # sent before the interaction


def test_free_messages_are_counted_per_key():
    sent = messages(1, key="police") + messages(2, key="commune")
    assert costs.free_cs(sent, {"u1": [T0]}) == {"police": 1, "commune": 1}


def test_estimate_prices_paid_messages_and_leaves_an_unknown_price_out_of_the_total(app):
    estimate = costs.estimate({"cs": 10, "transaction": 2, "promotion": 5, "zns": 3}, free_cs_count=4)
    assert estimate == {"cs": 6 * 55, "transaction": 330, "promotion": 0, "zns": None}
    assert costs.total(estimate) == 660
