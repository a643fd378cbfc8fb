"""The GCRA limiter in Redis: bursts up to `burst`, then the steady rate, and never more."""

import uuid

from platform_core.delivery.limiter import acquire


def key() -> str:
    return f"motcua:test-rl:{uuid.uuid4().hex}"


def test_a_burst_is_granted_then_the_rest_waits(app):
    grant = acquire(key(), per_minute=60, burst=3, wanted=10)
    assert grant.granted == 3
    assert 900 <= grant.retry_after_ms <= 1000


def test_nothing_more_until_the_interval_passes(app):
    k = key()
    acquire(k, per_minute=60, burst=1, wanted=1)
    second = acquire(k, per_minute=60, burst=1, wanted=1)
    assert second.granted == 0 and 0 < second.retry_after_ms <= 1000


def test_keys_are_independent(app):
    a, b = key(), key()
    assert acquire(a, per_minute=60, burst=2, wanted=5).granted == 2
    assert acquire(b, per_minute=60, burst=2, wanted=5).granted == 2


def test_high_rates_grant_in_batches(app):
    assert acquire(key(), per_minute=6000, burst=20, wanted=50).granted == 20


def test_asking_for_nothing_costs_nothing(app):
    k = key()
    assert acquire(k, per_minute=60, burst=1, wanted=0).granted == 0
    assert acquire(k, per_minute=60, burst=1, wanted=1).granted == 1
