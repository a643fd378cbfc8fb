import pytest

from platform_core.jobs.connection import get_redis


@pytest.fixture(autouse=True)
def fresh_rate_limits(app):
    """Limiter state lives in Redis, outside the rolled-back transaction: start each test with none."""
    connection = get_redis()
    for key in [*connection.scan_iter("motcua:rl:*"), *connection.scan_iter("motcua:daily:*")]:
        connection.delete(key)
