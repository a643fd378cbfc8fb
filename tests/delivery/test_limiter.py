"""The GCRA limiter in Redis: bursts up to `burst`, then the steady rate, and never more."""

import uuid

from platform_core.delivery.limiter import Bucket, Request, acquire, acquire_many, gathering


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


def test_a_rate_that_does_not_divide_a_minute_is_granted(app):
    """3,500/min is an interval of 17.14… ms: the key's expiry must still be a whole number of milliseconds."""
    k = key()
    assert acquire(k, per_minute=3500, burst=7, wanted=10).granted == 7
    assert acquire(k, per_minute=3500, burst=7, wanted=10).granted == 0


def test_a_request_gets_what_every_one_of_its_buckets_allows(app):
    shared, own = Bucket(key(), 60, 5), Bucket(key(), 60, 2)
    first, second = acquire_many([Request((shared,), 3), Request((shared, own), 10)])
    assert (first.granted, second.granted) == (3, 2)  # the shared bucket had 2 left after the first request
    assert acquire_many([Request((own,), 1)])[0].granted == 0  # the own bucket was charged for its 2


def test_requests_are_served_in_order_from_a_shared_bucket(app):
    shared = Bucket(key(), 60, 4)
    grants = acquire_many([Request((shared,), 3), Request((shared,), 3)])
    assert [grant.granted for grant in grants] == [3, 1]
    assert grants[1].retry_after_ms > 0


def test_less_than_the_minimum_is_granted_as_nothing_and_takes_nothing(app):
    bucket = Bucket(key(), per_minute=600, burst=10)  # 10 a second, 10 at once
    assert acquire_many([Request((bucket,), wanted=5)])[0].granted == 5  # 5 left in the bucket
    waiting = acquire_many([Request((bucket,), wanted=50, minimum=10)])[0]
    assert waiting.granted == 0 and waiting.retry_after_ms > 0
    assert acquire_many([Request((bucket,), wanted=50)])[0].granted in (5, 6)  # the 5 are still there


def test_a_backlog_gathers_a_second_of_the_tightest_rate_and_a_quiet_oa_what_it_has():
    oa, bulk = Bucket("oa", per_minute=4000, burst=100), Bucket("bulk", per_minute=600, burst=20)
    assert gathering((oa,), wanted=100) == 67  # Zalo's 4,000/min: a second's worth
    assert gathering((oa, bulk), wanted=100) == 10  # bulk's own cap is the tighter
    assert gathering((Bucket("b", per_minute=6000, burst=5),), wanted=100) == 5  # never above the burst
    assert gathering((oa,), wanted=2) == 2  # a quiet OA's two messages go at once
