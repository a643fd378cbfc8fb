from types import SimpleNamespace

import pytest

from platform_core.delivery.states import advance, can_move, fail


@pytest.mark.parametrize(("current", "new", "allowed"), [
    ("pending", "sending", True), ("sending", "sent", True), ("sent", "delivered", True),
    ("delivered", "seen", True),
    ("sent", "seen", True), ("seen", "delivered", False), ("delivered", "sent", False), ("sent", "pending", False),
    ("failed", "sent", False), ("sent", "failed", False), ("sending", "failed", True), ("pending", "failed", True),
])
def test_states_only_move_forward(current, new, allowed):
    assert can_move(current, new) is allowed


def test_advance_stamps_the_first_time_only():
    row = SimpleNamespace(state="sending", sent_at=None, delivered_at=None, seen_at=None)
    assert advance(row, "sent", at="t1") and row.sent_at == "t1"
    assert not advance(row, "sent", at="t2") and row.sent_at == "t1"


def test_fail_records_the_code_and_reason():
    row = SimpleNamespace(state="sending", error_code=None, error_message=None, claim_token="x")
    assert fail(row, -201, "user_id is invalid")
    assert (row.state, row.error_code, row.claim_token) == ("failed", -201, None)
    assert row.error_message == "user_id is invalid"
